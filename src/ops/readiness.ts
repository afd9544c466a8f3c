// `/readyz`: the database writable and migrated, the dispatcher running, every configured platform answered.
// On PostgreSQL it also says how the connection is (state, the last error, since when: never the password),
// so a 503 while the bridge reconnects names why.
import type { Dispatcher } from '../app/dispatcher.js';
import type { DatabaseHealth, OpenedStore } from '../storage/open-store.js';
import { loadPgMigrations } from '../storage/postgres/migrate.js';
import { dialectOf } from '../storage/sql-db.js';
import { latestVersion, schemaVersion } from '../storage/sqlite/migrate.js';

export interface Readiness {
  ok: boolean;
  checks: Record<string, boolean | string>;
  /** PostgreSQL only: the connection as the bridge sees it. */
  connection?: DatabaseHealth & { database: string };
}

/** Read once: the migrations this build knows do not change while it runs. */
const latest: Partial<Record<'sqlite' | 'postgres', number>> = {};

export function readiness(
  storage: Pick<OpenedStore, 'db' | 'health' | 'label'>,
  dispatcher: Pick<Dispatcher, 'isRunning'>,
  platforms: Record<string, boolean | string> = {},
): Readiness {
  const { db } = storage;
  const dialect = dialectOf(db);
  const checks: Record<string, boolean | string> = { ...platforms };
  try {
    db.prepare(
      'INSERT INTO processed_events (id, at) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET at = excluded.at',
    ).run('readyz-probe', new Date().toISOString());
    checks.database = true;
  } catch (e) {
    checks.database = e instanceof Error ? e.message : 'error';
  }
  try {
    latest[dialect] ??= latestVersion(dialect === 'postgres' ? loadPgMigrations() : undefined);
    checks.migrations = schemaVersion(db) === latest[dialect];
  } catch {
    checks.migrations = false;
  }
  checks.dispatcher = dispatcher.isRunning;
  const ok = Object.values(checks).every((v) => v === true);
  if (dialect !== 'postgres') return { ok, checks };
  return { ok, checks, connection: { ...storage.health(), database: storage.label } };
}
