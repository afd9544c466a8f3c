// `incident-bot backup` on PostgreSQL: pg_dump in its custom format (one file, compressed, what pg_restore
// reads back), taken while the replicas write. The dump and the counts reported with it read the same
// snapshot: this session exports it (pg_export_snapshot) and pg_dump imports it (--snapshot). The password
// goes to pg_dump in its environment (PGPASSWORD), never on its command line, where `ps` would show it.
// Never overwrites: the dump is written beside the target and renamed once pg_restore has listed it.
import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync, linkSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { schemaVersion } from '../sqlite/migrate.js';
import { redactUrl } from './open-postgres.js';
import type { PgDb } from './pg-db.js';

export class PgBackupError extends Error {}

export interface PgDumpFacts {
  file: string;
  bytes: number;
  schemaVersion: number;
  incidents: number;
  entries: number;
  /** Objects pg_restore --list finds in the dump (tables, their data, indexes, ...). */
  objects: number;
}

type Env = Record<string, string | undefined>;

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/**
 * pg_dump (or pg_restore beside it): PG_DUMP_PATH names pg_dump itself; otherwise the first on PATH.
 * Null when there is none.
 */
export function findPgTool(name: 'pg_dump' | 'pg_restore', env: Env = process.env): string | null {
  const named = env.PG_DUMP_PATH?.trim();
  if (named) {
    const file = name === 'pg_dump' ? named : path.join(path.dirname(named), name);
    return executable(file) ? file : null;
  }
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (dir && executable(path.join(dir, name))) return path.join(dir, name);
  }
  return null;
}

function missing(name: string, env: Env): PgBackupError {
  return new PgBackupError(
    env.PG_DUMP_PATH?.trim()
      ? `${name} was not found at ${name === 'pg_dump' ? env.PG_DUMP_PATH : path.join(path.dirname(env.PG_DUMP_PATH!), name)} (PG_DUMP_PATH): point PG_DUMP_PATH at pg_dump, with pg_restore beside it.`
      : `${name} was not found on PATH: install PostgreSQL's client tools (Debian: apt-get install postgresql-client, the same major version as the server or newer), or set PG_DUMP_PATH to pg_dump.`,
  );
}

function run(
  file: string,
  args: string[],
  env: Env,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { env: env as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => {
      stdout += c;
    });
    child.stderr.on('data', (c) => {
      stderr += c;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The URL without its password, and the password for PGPASSWORD. */
function splitPassword(url: string): { url: string; password: string | undefined } {
  const u = new URL(url);
  const password = u.password ? decodeURIComponent(u.password) : undefined;
  u.password = '';
  return { url: u.toString(), password };
}

/** pg_dump's complaint, first lines, without the password should it ever appear. */
function said(stderr: string, password: string | undefined): string {
  const text = stderr.trim().split('\n').slice(0, 3).join(' ');
  return password ? text.split(password).join('***') : text;
}

/** Dumps the database `db` is connected to (at `url`) into `out`, which must not exist. */
export async function dumpPostgres(
  db: PgDb,
  url: string,
  out: string,
  env: Env = process.env,
): Promise<PgDumpFacts> {
  if (existsSync(out))
    throw new PgBackupError(`${out} already exists: a backup never overwrites; choose a new name.`);
  const pgDump = findPgTool('pg_dump', env);
  if (!pgDump) throw missing('pg_dump', env);
  const pgRestore = findPgTool('pg_restore', env);
  if (!pgRestore) throw missing('pg_restore', env);
  const { url: bare, password } = splitPassword(url);
  const childEnv: Env = { ...env, ...(password ? { PGPASSWORD: password } : {}) };
  const partial = `${out}.partial`;
  rmSync(partial, { force: true });
  // A snapshot held open by this session while pg_dump reads it: the counts below are the dump's.
  db.exec('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  try {
    const snapshot = db.prepare('SELECT pg_export_snapshot() AS s').pluck().get() as string;
    const count = (sql: string) => db.prepare(sql).pluck().get() as number;
    const facts = {
      schemaVersion: schemaVersion(db),
      incidents: count('SELECT COUNT(*) FROM incidents'),
      entries: count('SELECT COUNT(*) FROM decision_log'),
    };
    const dump = await run(
      pgDump,
      ['--format=custom', `--snapshot=${snapshot}`, '--no-password', `--file=${partial}`, `--dbname=${bare}`],
      childEnv,
    );
    if (dump.code !== 0)
      throw new PgBackupError(
        `pg_dump of ${redactUrl(url)} failed (exit ${dump.code}): ${said(dump.stderr, password)}`,
      );
    const list = await run(pgRestore, ['--list', partial], childEnv);
    if (list.code !== 0)
      throw new PgBackupError(`pg_restore cannot read the dump it was given: ${said(list.stderr, password)}`);
    const objects = list.stdout.split('\n').filter((l) => /^\d+;/.test(l)).length;
    // link + unlink: fails rather than replace a file made meanwhile under the same name.
    linkSync(partial, out);
    rmSync(partial, { force: true });
    return { ...facts, file: out, bytes: statSync(out).size, objects };
  } catch (e) {
    rmSync(partial, { force: true });
    if ((e as NodeJS.ErrnoException).code === 'EEXIST')
      throw new PgBackupError(`${out} already exists: a backup never overwrites; choose a new name.`);
    throw e;
  } finally {
    try {
      db.exec('COMMIT');
    } catch {
      // The session ended meanwhile: the snapshot went with it, the dump had already taken it.
    }
  }
}
