// Copies of the SQLite file that are safe to take while the bot writes, and putting one back.
// VACUUM INTO reads one snapshot (WAL lets the bot go on writing meanwhile) and writes a compact file;
// unlike the step-wise backup API it never restarts when the source changes, so a busy bot cannot starve it.
import { closeSync, existsSync, fsyncSync, linkSync, openSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { latestVersion, type MigrationContext, migrate, schemaVersion } from './migrate.js';
import type { SqliteDb as Db } from './open-database.js';

export class BackupError extends Error {}

export interface CopyFacts {
  file: string;
  bytes: number;
  schemaVersion: number;
  incidents: number;
  entries: number;
}

const stamp = (now: Date) =>
  now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');

/** Writes a consistent copy of the open database to `out` (which must not exist), checked and self-contained. */
export function copyDatabase(db: Db, out: string): CopyFacts {
  if (existsSync(out))
    throw new BackupError(`${out} already exists: a backup never overwrites; choose a new name.`);
  const partial = `${out}.partial`;
  rmSync(partial, { force: true });
  try {
    db.prepare('VACUUM INTO ?').run(partial);
    const facts = checkCopy(partial, { selfContained: true });
    syncFile(partial);
    renameSync(partial, out);
    return { ...facts, file: out };
  } catch (e) {
    rmSync(partial, { force: true });
    throw e;
  }
}

/**
 * Opens a copy and checks it: SQLite's integrity check, a schema this build knows, the bot's tables.
 * `selfContained` also turns the copy out of WAL mode, so it is one file that can be moved on its own.
 */
export function checkCopy(file: string, o: { selfContained?: boolean } = {}): CopyFacts {
  if (!existsSync(file)) throw new BackupError(`${file} does not exist.`);
  let copy: Db;
  try {
    copy = new Database(file, { fileMustExist: true, readonly: !o.selfContained });
  } catch (e) {
    throw new BackupError(`${file} cannot be opened as a database: ${(e as Error).message}.`);
  }
  try {
    if (o.selfContained) copy.pragma('journal_mode = DELETE');
    const integrity = copy.pragma('integrity_check', { simple: true });
    if (integrity !== 'ok')
      throw new BackupError(`${file} fails SQLite's integrity check: ${String(integrity)}.`);
    const version = schemaVersion(copy);
    if (version === 0) throw new BackupError(`${file} is not an incident-bot database (no schema version).`);
    if (version > latestVersion())
      throw new BackupError(
        `${file} is at schema version ${version}, newer than this build (${latestVersion()}): use the bot version that wrote it.`,
      );
    const count = (sql: string) => (copy.prepare(sql).pluck().get() as number) ?? 0;
    return {
      file,
      bytes: statSync(file).size,
      schemaVersion: version,
      incidents: count('SELECT COUNT(*) FROM incidents'),
      entries: count('SELECT COUNT(*) FROM decision_log'),
    };
  } catch (e) {
    if (e instanceof BackupError) throw e;
    throw new BackupError(`${file} is not a usable incident-bot database: ${(e as Error).message}.`);
  } finally {
    copy.close();
  }
}

/**
 * Takes the database away from everyone else for as long as `fn` runs: refuses when another process has it
 * open (the bot), since leaving WAL mode needs every other connection gone; then holds an exclusive lock so
 * that a bot starting meanwhile waits instead of writing into a file about to be replaced.
 */
function whileExclusive<T>(dbPath: string, fn: () => T): T {
  if (!existsSync(dbPath)) return fn();
  const db = new Database(dbPath, { fileMustExist: true, timeout: 0 });
  try {
    let mode: unknown;
    try {
      mode = db.pragma('journal_mode = DELETE', { simple: true });
      db.exec('BEGIN EXCLUSIVE');
    } catch (e) {
      throw new BackupError(
        `${dbPath} is in use (is the bot running?): stop it first. (${(e as Error).message})`,
      );
    }
    if (mode !== 'delete') throw new BackupError(`${dbPath} is in use (is the bot running?): stop it first.`);
    try {
      return fn();
    } finally {
      db.exec('ROLLBACK');
    }
  } finally {
    db.close();
  }
}

/**
 * Puts a checked copy in place of `dbPath`. The database it replaces is kept beside it (a hard link made
 * before the swap, so it is never overwritten and never missing), then the copy replaces it in one rename.
 */
export function restoreDatabase(
  from: string,
  dbPath: string,
  now: Date,
): CopyFacts & { keptAs: string | null } {
  const facts = checkCopy(from);
  const incoming = `${dbPath}.restoring`;
  rmSync(incoming, { force: true });
  const src = new Database(from, { readonly: true, fileMustExist: true });
  try {
    src.prepare('VACUUM INTO ?').run(incoming);
  } finally {
    src.close();
  }
  try {
    checkCopy(incoming, { selfContained: true });
    syncFile(incoming);
    const keptAs = whileExclusive(dbPath, () => {
      let kept: string | null = null;
      if (existsSync(dbPath)) {
        const base = `${dbPath}.before-restore-${stamp(now)}`;
        kept = base;
        for (let i = 2; existsSync(kept); i++) kept = `${base}-${i}`; // two restores in one second
        linkSync(dbPath, kept); // EEXIST rather than ever overwrite a kept copy
      }
      renameSync(incoming, dbPath); // atomic: dbPath is the old file or the new one, never neither
      syncDir(path.dirname(path.resolve(dbPath)));
      return kept;
    });
    return { ...facts, file: dbPath, keptAs };
  } finally {
    rmSync(incoming, { force: true });
  }
}

/**
 * Before migrations change a database that has data, a copy next to it (`<db>.pre-v<N>-<time>`):
 * migrations are forward-only, so this copy is the way back. Returns its path, or null when none was owed.
 */
export function backupBeforeMigrating(db: Db, dbPath: string, now: Date): string | null {
  const current = schemaVersion(db);
  const latest = latestVersion();
  if (dbPath === ':memory:' || current === 0 || current >= latest) return null;
  return copyDatabase(db, `${dbPath}.pre-v${latest}-${stamp(now)}`).file;
}

/**
 * Migrates, after a copy when the database has data and migrations are due. A migration that fails rolls
 * back (one transaction), so its copy is not needed and is removed.
 */
export function migrateWithBackup(
  db: Db,
  dbPath: string,
  ctx: MigrationContext,
  now: Date,
): { applied: number[]; copy: string | null } {
  const copy = backupBeforeMigrating(db, dbPath, now);
  try {
    return { applied: migrate(db, undefined, ctx), copy };
  } catch (e) {
    if (copy) rmSync(copy, { force: true });
    throw e;
  }
}

/** fsync a file, or a folder (so that a rename in it is durable). */
function syncPath(p: string, flags: 'r' | 'r+'): void {
  const fd = openSync(p, flags);
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

const syncDir = (dir: string) => syncPath(dir, 'r');
const syncFile = (file: string) => syncPath(file, 'r+');
