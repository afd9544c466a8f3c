// PostgreSQL's migrations: migrations/postgres/NNN_*.sql, the same numbers as SQLite's, forward-only, all
// pending ones in one transaction, under an advisory lock so that replicas starting together migrate once
// (the second finds nothing to do). The version is kept in schema_version (one row per migration applied).
// No timeout applies meanwhile (PgDb.unbounded): a replica starting while another migrates waits for it
// rather than exit on lock_timeout, and a long migration is not cut off by statement_timeout.
import path from 'node:path';
import type { Db } from '../sql-db.js';
import { LedgerMigrationError } from '../sqlite/ledger-migration.js';
import {
  DATA_STEPS,
  loadMigrations,
  type Migration,
  type MigrationContext,
  MigrationError,
  schemaVersion,
} from '../sqlite/migrate.js';
import { packageRoot } from '../sqlite/package-root.js';
import { MIGRATION_LOCK } from './locks.js';
import { PgDb } from './pg-db.js';

export function loadPgMigrations(): Migration[] {
  return loadMigrations(path.join(packageRoot(), 'migrations', 'postgres'));
}

export function migratePostgres(
  db: Db,
  migrations = loadPgMigrations(),
  ctx: MigrationContext = {},
): number[] {
  return db instanceof PgDb ? db.unbounded(() => migrate(db, migrations, ctx)) : migrate(db, migrations, ctx);
}

function migrate(db: Db, migrations: Migration[], ctx: MigrationContext): number[] {
  db.exec(`SELECT pg_advisory_lock(${MIGRATION_LOCK})`);
  try {
    db.exec(
      'CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)',
    );
    const latest = migrations.at(-1)?.version ?? 0;
    const current = schemaVersion(db);
    if (current > latest)
      throw new MigrationError(
        `The database is at schema version ${current}, but this build only knows up to ${latest}. ` +
          'It was written by a newer version of incident-bot: upgrade the bot, do not downgrade the database.',
      );
    const pending = migrations.filter((m) => m.version > current);
    if (pending.length === 0) return [];
    const at = (ctx.now ?? new Date()).toISOString();
    db.transaction(() => {
      for (const m of pending) {
        db.exec(m.sql);
        DATA_STEPS[m.version]?.(db, ctx);
        db.prepare('INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)').run(
          m.version,
          m.name,
          at,
        );
      }
    }).immediate();
    return pending.map((m) => m.version);
  } catch (e) {
    if (e instanceof LedgerMigrationError) throw new MigrationError(e.message);
    throw e;
  } finally {
    try {
      db.exec(`SELECT pg_advisory_unlock(${MIGRATION_LOCK})`);
    } catch {
      // The connection is gone, and the session's lock with it.
    }
  }
}
