// `incident-bot backup` on PostgreSQL: pg_dump in its custom format (one file, compressed, what pg_restore
// reads back), taken while the replicas write. The dump and the counts reported with it read the same
// snapshot: this session exports it (pg_export_snapshot) and pg_dump imports it (--snapshot). The URL's
// secrets (its password, also when given as ?password=, ?sslkey=, ?sslpassword=) go to pg_dump in its
// environment (PGPASSWORD, PGSSLKEY; sslpassword, which has no variable, in a private service file), never
// on its command line, where `ps` would show them.
// Never overwrites: the dump is written beside the target and renamed once pg_restore has listed it.
import { spawn } from 'node:child_process';
import {
  accessSync,
  constants,
  existsSync,
  linkSync,
  mkdtempSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
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

interface Split {
  /** The URL without any secret: what pg_dump's command line shows. */
  url: string;
  /** pg_dump's environment, the secrets in it. */
  env: Env;
  secrets: string[];
  /** Removes the service file, if one was written. */
  cleanup(): void;
}

/** Takes the secrets out of the URL and into pg_dump's environment. */
export function splitSecrets(url: string, env: Env): Split {
  const u = new URL(url);
  const password = u.searchParams.get('password') ?? (u.password ? decodeURIComponent(u.password) : null);
  const sslkey = u.searchParams.get('sslkey');
  const sslpassword = u.searchParams.get('sslpassword');
  u.password = '';
  for (const key of ['password', 'sslkey', 'sslpassword']) u.searchParams.delete(key);
  const out: Env = { ...env };
  if (password !== null) out.PGPASSWORD = password;
  if (sslkey !== null) out.PGSSLKEY = sslkey;
  let cleanup = () => {};
  if (sslpassword !== null) {
    const dir = mkdtempSync(path.join(tmpdir(), 'incident-bot-pgdump-'));
    writeFileSync(path.join(dir, 'pg_service.conf'), `[incident-bot]\nsslpassword=${sslpassword}\n`, {
      mode: 0o600,
    });
    out.PGSERVICEFILE = path.join(dir, 'pg_service.conf');
    out.PGSERVICE = 'incident-bot';
    cleanup = () => rmSync(dir, { recursive: true, force: true });
  }
  const secrets = [password, sslpassword].filter((x): x is string => !!x);
  return { url: u.toString(), env: out, secrets, cleanup };
}

/** pg_dump's complaint, first lines, without the secrets should they ever appear. */
function said(stderr: string, secrets: string[]): string {
  let text = stderr.trim().split('\n').slice(0, 3).join(' ');
  for (const s of secrets) text = text.split(s).join('***');
  return text;
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
  const partial = `${out}.partial`;
  rmSync(partial, { force: true });
  let split: Split | undefined;
  // A snapshot held open by this session while pg_dump reads it: the counts below are the dump's.
  db.exec('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  try {
    split = splitSecrets(url, env);
    const { url: bare, env: childEnv, secrets } = split;
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
        `pg_dump of ${redactUrl(url)} failed (exit ${dump.code}): ${said(dump.stderr, secrets)}`,
      );
    const list = await run(pgRestore, ['--list', partial], childEnv);
    if (list.code !== 0)
      throw new PgBackupError(`pg_restore cannot read the dump it was given: ${said(list.stderr, secrets)}`);
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
    split?.cleanup();
    try {
      db.exec('COMMIT');
    } catch {
      // The session ended meanwhile: the snapshot went with it, the dump had already taken it.
    }
  }
}
