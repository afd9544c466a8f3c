// Forward-only migrations: numbered .sql files, applied in one transaction, version in PRAGMA user_version.
// A migration that must compute (hashes, signatures) has a data step here, run right after its SQL.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import type { CheckpointSigner } from '../../domain/audit/checkpoint.js';
import { type Db, dialectOf } from '../sql-db.js';
import { buildLedger, LedgerMigrationError } from './ledger-migration.js';
import { packageRoot } from './package-root.js';

export class MigrationError extends Error {}

export interface MigrationContext {
  /** Signs the audit ledger's first checkpoint (migration 005 on a database with entries needs it). */
  signer?: CheckpointSigner;
  now?: Date;
}

/** Data steps by version, shared by both databases' migrations (postgres/migrate.ts). */
export const DATA_STEPS: Record<number, (db: Db, ctx: MigrationContext) => void> = {
  5: (db, ctx) => buildLedger(db, ctx.signer, ctx.now ?? new Date()),
};

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export function loadMigrations(dir = path.join(packageRoot(), 'migrations')): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d+_.+\.sql$/.test(f))
    .map((f) => ({ version: Number.parseInt(f, 10), name: f, sql: readFileSync(path.join(dir, f), 'utf8') }))
    .sort((a, b) => a.version - b.version);
}

/** The schema version of either database (PostgreSQL keeps it in schema_version: postgres/migrate.ts). */
export function schemaVersion(db: Db): number {
  if (dialectOf(db) === 'postgres') {
    const exists = db.prepare("SELECT to_regclass('schema_version') IS NOT NULL AS t").get() as {
      t: boolean;
    };
    if (!exists.t) return 0;
    return (db.prepare('SELECT max(version) AS v FROM schema_version').get() as { v: number | null }).v ?? 0;
  }
  return (db as Database.Database).pragma('user_version', { simple: true }) as number;
}

/** Applies what is missing; refuses a database written by newer code. Returns the versions applied. */
export function migrate(
  db: Database.Database,
  migrations = loadMigrations(),
  ctx: MigrationContext = {},
): number[] {
  const latest = migrations.at(-1)?.version ?? 0;
  const current = schemaVersion(db);
  if (current > latest) {
    throw new MigrationError(
      `The database is at schema version ${current}, but this build only knows up to ${latest}. ` +
        'It was written by a newer version of incident-bot: upgrade the bot, do not downgrade the database.',
    );
  }
  const pending = migrations.filter((m) => m.version > current);
  if (pending.length === 0) return [];
  try {
    db.transaction(() => {
      for (const m of pending) {
        db.exec(m.sql);
        DATA_STEPS[m.version]?.(db, ctx);
      }
      db.pragma(`user_version = ${latest}`);
    }).immediate();
  } catch (e) {
    if (e instanceof LedgerMigrationError) throw new MigrationError(e.message);
    throw e;
  }
  return pending.map((m) => m.version);
}

export function latestVersion(migrations = loadMigrations()): number {
  return migrations.at(-1)?.version ?? 0;
}
