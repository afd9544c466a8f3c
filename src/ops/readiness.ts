// `/readyz`: the database writable and migrated, the dispatcher running, every configured platform answered.
import type { Dispatcher } from '../app/dispatcher.js';
import { latestVersion, schemaVersion } from '../storage/sqlite/migrate.js';
import type { Db } from '../storage/sqlite/open-database.js';

export function readiness(
  db: Db,
  dispatcher: Dispatcher,
  platforms: Record<string, boolean | string> = {},
): { ok: boolean; checks: Record<string, boolean | string> } {
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
    checks.migrations = schemaVersion(db) === latestVersion();
  } catch {
    checks.migrations = false;
  }
  checks.dispatcher = dispatcher.isRunning;
  return { ok: Object.values(checks).every((v) => v === true), checks };
}
