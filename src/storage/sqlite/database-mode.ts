// Which kind of database a file is: `local` (made by local mode for drills and rehearsals) or not marked
// (production, or a database from before local mode). A production start refuses a local database, and
// local mode refuses to mark a database that already holds incidents (it could be production's).
// Local mode (the console) is SQLite only, but a production start on PostgreSQL reads the mark too: the SQL
// here is portable, except refuseForeignDatabase's, which opens a file before anything else does.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { dialectOf } from '../sql-db.js';
import type { Db } from './open-database.js';

export class DatabaseModeError extends Error {}

export function databaseMode(db: Db): 'local' | null {
  const row = db.prepare('SELECT mode FROM database_mode WHERE id = 1').get() as { mode: string } | undefined;
  return row?.mode === 'local' ? 'local' : null;
}

const foreign = (file: string, incidents: number) =>
  new DatabaseModeError(
    `${file} holds ${incidents} incident${incidents === 1 ? '' : 's'} and is not a local-mode database: local mode will not use it (it may be production's). Set LOCAL_DATABASE_PATH to another file.`,
  );

/**
 * Before local mode opens (and so migrates) a file: refuses one that holds incidents and is not marked
 * local, read-only, so a production database given by mistake is left exactly as it was.
 */
export function refuseForeignDatabase(file: string): void {
  if (file === ':memory:' || !existsSync(file)) return;
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const has = (t: string) =>
      db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(t);
    if (!has('incidents')) return;
    const incidents = (db.prepare('SELECT COUNT(*) AS n FROM incidents').get() as { n: number }).n;
    const marked = has('database_mode') && databaseMode(db) === 'local';
    if (incidents > 0 && !marked) throw foreign(file, incidents);
  } finally {
    db.close();
  }
}

/**
 * Marks the database as local, once; returns the console's access token kept with the mark (the same
 * across restarts, so an open browser tab keeps working). Refuses a database with incidents and no mark.
 */
export function markLocal(db: Db, file: string, now: Date): { token: string } {
  const row = db.prepare('SELECT mode, console_token FROM database_mode WHERE id = 1').get() as
    | { mode: string; console_token: string | null }
    | undefined;
  if (row?.mode === 'local' && row.console_token) return { token: row.console_token };
  const incidents = (db.prepare('SELECT COUNT(*) AS n FROM incidents').get() as { n: number }).n;
  if (!row && incidents > 0) throw foreign(file, incidents);
  const token = randomBytes(24).toString('base64url');
  db.prepare(
    `INSERT INTO database_mode (id, mode, marked_at, console_token) VALUES (1, 'local', ?, ?)
     ON CONFLICT(id) DO UPDATE SET mode = 'local', console_token = excluded.console_token`,
  ).run(now.toISOString(), token);
  return { token };
}

/**
 * Throws when a production start is given a local-mode database. `file` names a SQLite database; a
 * PostgreSQL one is named by its URL without the password (db.name).
 */
export function refuseLocalInProduction(db: Db, file: string): void {
  const pg = dialectOf(db) === 'postgres';
  const setting = pg ? 'DATABASE_URL' : 'DATABASE_PATH';
  if (databaseMode(db) === 'local')
    throw new DatabaseModeError(
      `${pg ? db.name : file} is a local-mode database (drills and rehearsals, made by \`npm start\` with no platform configured): a production start refuses it. Set ${setting} to the production database.`,
    );
}

/** How far local mode's drill clock is ahead of real time (0 when never moved). */
export function clockAheadMs(db: Db): number {
  const row = db.prepare('SELECT clock_ahead_ms FROM database_mode WHERE id = 1').get() as
    | { clock_ahead_ms: number }
    | undefined;
  return row?.clock_ahead_ms ?? 0;
}

export function saveClockAhead(db: Db, ms: number): void {
  // (two-argument MAX is SQLite's only: PostgreSQL's is GREATEST)
  db.prepare(
    'UPDATE database_mode SET clock_ahead_ms = CASE WHEN clock_ahead_ms < ? THEN ? ELSE clock_ahead_ms END WHERE id = 1',
  ).run(ms, ms);
}
