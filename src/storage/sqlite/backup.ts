// Copies of the SQLite file that are safe to take while the bot writes, and putting one back.
// VACUUM INTO reads one snapshot (WAL lets the bot go on writing meanwhile) and writes a compact file;
// unlike the step-wise backup API it never restarts when the source changes, so a busy bot cannot starve it.
import { closeSync, existsSync, fsyncSync, openSync, renameSync, rmSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { latestVersion, type MigrationContext, migrate, schemaVersion } from './migrate.js';
import type { Db } from './open-database.js';

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
 * Refuses when another process has the database open (the bot): leaving WAL mode needs every other
 * connection gone, so it is the test. The file is left in rollback-journal mode, ready to be moved.
 */
export function assertNotInUse(dbPath: string): void {
  if (!existsSync(dbPath)) return;
  const db = new Database(dbPath, { fileMustExist: true, timeout: 0 });
  try {
    const mode = db.pragma('journal_mode = DELETE', { simple: true });
    if (mode !== 'delete') throw new BackupError(`${dbPath} is in use (is the bot running?): stop it first.`);
  } catch (e) {
    if (e instanceof BackupError) throw e;
    throw new BackupError(
      `${dbPath} is in use (is the bot running?): stop it first. (${(e as Error).message})`,
    );
  } finally {
    db.close();
  }
}

/**
 * Puts a checked copy in place of `dbPath`. The database it replaces is kept beside it, renamed, never
 * deleted. Returns the checked facts and where the old file went.
 */
export function restoreDatabase(
  from: string,
  dbPath: string,
  now: Date,
): CopyFacts & { keptAs: string | null } {
  const facts = checkCopy(from);
  assertNotInUse(dbPath);
  const incoming = `${dbPath}.restoring`;
  rmSync(incoming, { force: true });
  const src = new Database(from, { readonly: true, fileMustExist: true });
  try {
    src.prepare('VACUUM INTO ?').run(incoming);
  } finally {
    src.close();
  }
  checkCopy(incoming, { selfContained: true });
  syncFile(incoming);
  let keptAs: string | null = null;
  if (existsSync(dbPath)) {
    keptAs = `${dbPath}.before-restore-${stamp(now)}`;
    renameSync(dbPath, keptAs);
  }
  renameSync(incoming, dbPath);
  return { ...facts, file: dbPath, keptAs };
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

function syncFile(file: string): void {
  const fd = openSync(file, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
