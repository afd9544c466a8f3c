import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { IncidentService } from '../../src/app/incident-service.js';
import { IncidentStore, type StoreHooks } from '../../src/storage/sqlite/incident-store.js';
import { type SqliteDb as Db, openDatabase } from '../../src/storage/sqlite/open-database.js';
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
  const service = inTheRoom(
    new IncidentService(store, { playbook, ref: playbookRef }, clock ? { clock } : {}),
  );
  return { db, store, outbox, service, close: () => db.close() };
}

/**
 * The service as people use it: a command about an incident comes from its room (when it has one) unless
 * the test says where it came from. Membership tests pass `roomId` (another room) themselves.
 */
export function inTheRoom(service: IncidentService): IncidentService {
  const handle = service.handle.bind(service);
  service.handle = (req) => {
    if (req.roomId !== undefined || !req.incidentKey) return handle(req);
    const room = service.get(req.incidentKey)?.room?.id;
    return handle(room ? { ...req, roomId: room } : req);
  };
  return service;
}
