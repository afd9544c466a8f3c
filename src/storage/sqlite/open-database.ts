import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { CheckpointSigner } from '../../domain/audit/checkpoint.js';
import type { Db as SqlDb } from '../sql-db.js';
import { migrateWithBackup } from './backup.js';

/** What the stores take: SQLite's or PostgreSQL's (see sql-db.ts). */
export type Db = SqlDb;
/** SQLite's own handle, for what only SQLite has (pragmas, the WAL, the file copy). */
export type SqliteDb = Database.Database;

/**
 * Opens (creating if needed) the database file with WAL, synchronous=NORMAL, foreign keys; migrates it,
 * after a copy of it when it has data and migrations are due.
 */
export function openDatabase(
  file: string,
  opts: {
    migrate?: boolean;
    readonly?: boolean;
    signer?: CheckpointSigner;
    /** Told where the copy taken before migrating went (there is one only when migrations were due). */
    onBackup?: (file: string) => void;
    now?: Date;
  } = {},
): SqliteDb {
  if (file !== ':memory:' && !opts.readonly) mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const db = new Database(file, opts.readonly ? { readonly: true, fileMustExist: true } : {});
  db.pragma('busy_timeout = 5000');
  if (!opts.readonly) {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
  }
  db.pragma('foreign_keys = ON');
  if (opts.migrate !== false && !opts.readonly) {
    try {
      const { copy } = migrateWithBackup(
        db,
        file,
        opts.signer ? { signer: opts.signer } : {},
        opts.now ?? new Date(),
      );
      if (copy) opts.onBackup?.(copy);
    } catch (e) {
      db.close();
      throw e;
    }
  }
  return db;
}

/** Runs `fn` in one IMMEDIATE transaction (one commit; a nested call is a savepoint). */
export function atomically(db: Db): (fn: () => void) => void {
  const tx = db.transaction((fn: () => void) => fn());
  return (fn) => tx.immediate(fn);
}
