// The store suites run on both databases: SQLite (a temp file) always, PostgreSQL (a fresh database copied
// from a migrated template, test/helpers/pg.ts) when TEST_DATABASE_URL names a server (.ci/run starts one).
//   describe.each(backends)('$name', (backend) => { ... const s = await backend.open(); ... await s.close() })

import { IncidentService } from '../../src/app/incident-service.js';
import { openPostgres } from '../../src/storage/postgres/open-postgres.js';
import { PgDb } from '../../src/storage/postgres/pg-db.js';
import type { Db } from '../../src/storage/sql-db.js';
import type { StoreHooks } from '../../src/storage/sqlite/incident-store.js';
import { IncidentStore } from '../../src/storage/sqlite/incident-store.js';
import { openDatabase } from '../../src/storage/sqlite/open-database.js';
import { OutboxStore } from '../../src/storage/sqlite/outbox-store.js';
import { testSigner } from './audit-key.js';
import { freshPgDb, hasPg } from './pg.js';
import { playbook, playbookRef } from './scenario.js';
import { inTheRoom, tempDb } from './store.js';

export interface BackendStack {
  db: Db;
  store: IncidentStore;
  outbox: OutboxStore;
  service: IncidentService;
  close(): Promise<void>;
}

export interface Backend {
  name: 'sqlite' | 'postgres';
  /** A fresh, migrated, empty database. */
  openDb(): Promise<Db>;
  /** A fresh database with the stores and the service over it (as openStack in store.ts). */
  open(hooks?: StoreHooks, clock?: () => Date): Promise<BackendStack>;
}

function stackOver(db: Db, hooks: StoreHooks, clock?: () => Date): BackendStack {
  const store = new IncidentStore(db, hooks, testSigner);
  const outbox = new OutboxStore(db);
  const service = inTheRoom(
    new IncidentService(store, { playbook, ref: playbookRef }, clock ? { clock } : {}),
  );
  return { db, store, outbox, service, close: async () => void (await db.close()) };
}

export const sqliteBackend: Backend = {
  name: 'sqlite',
  openDb: async () => openDatabase(tempDb()),
  open: async (hooks = {}, clock) => stackOver(openDatabase(tempDb()), hooks, clock),
};

export const postgresBackend: Backend = {
  name: 'postgres',
  openDb: () => freshPgDb(),
  open: async (hooks = {}, clock) => stackOver(await freshPgDb(), hooks, clock),
};

/** SQLite, and PostgreSQL when a server is configured. */
export const backends: Backend[] = hasPg ? [sqliteBackend, postgresBackend] : [sqliteBackend];

/**
 * Another connection to the same database, as another process or replica has (SQLite: the file opened
 * again, not migrating; PostgreSQL: a connection of its own). Close it before the test ends.
 */
export async function anotherConnection(db: Db): Promise<Db> {
  if (db instanceof PgDb) {
    const url = db.connectionUrl();
    if (!url) throw new Error('this PostgreSQL handle was opened without its URL');
    return openPostgres(url, { migrate: false, waitMs: 10_000 });
  }
  return openDatabase(db.name, { migrate: false });
}
