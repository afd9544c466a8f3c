import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { CheckpointSigner } from '../../domain/audit/checkpoint.js';
import { migrate } from './migrate.js';

export type Db = Database.Database;

/** Opens (creating if needed) the database file with WAL, synchronous=NORMAL, foreign keys; migrates it. */
export function openDatabase(
  file: string,
  opts: { migrate?: boolean; readonly?: boolean; signer?: CheckpointSigner } = {},
): Db {
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
      migrate(db, undefined, opts.signer ? { signer: opts.signer } : {});
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
