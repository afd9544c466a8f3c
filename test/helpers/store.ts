import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { IncidentService } from '../../src/app/incident-service.js';
import { IncidentStore, type StoreHooks } from '../../src/storage/sqlite/incident-store.js';
import { type Db, openDatabase } from '../../src/storage/sqlite/open-database.js';
import { OutboxStore } from '../../src/storage/sqlite/outbox-store.js';
import { testSigner } from './audit-key.js';
import { playbook, playbookRef } from './scenario.js';

export function tempDb(): string {
  return path.join(mkdtempSync(path.join(tmpdir(), 'incident-bot-')), 'bot.db');
}

export interface Stack {
  db: Db;
  store: IncidentStore;
  outbox: OutboxStore;
  service: IncidentService;
  close(): void;
}

export function openStack(file: string, hooks: StoreHooks = {}, clock?: () => Date): Stack {
  const db = openDatabase(file);
  const store = new IncidentStore(db, hooks, testSigner);
  const outbox = new OutboxStore(db);
  const service = new IncidentService(store, { playbook, ref: playbookRef }, clock ? { clock } : {});
  return { db, store, outbox, service, close: () => db.close() };
}
