// A throw-away PostgreSQL cluster for the benchmark (BENCH_DATABASE_URL names another server instead). Unlike
// the tests' cluster it keeps fsync on: a commit is on disk before it counts, as SQLite's WAL sync is.
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export interface BenchPg {
  /** A fresh, empty database's URL. */
  freshUrl(): Promise<string>;
  /** What ran the numbers (version, fsync). */
  describe: string;
  stop(): void;
}

function pgBin(): string | null {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return null;
  const v = readdirSync(base)
    .sort((a, b) => Number(a) - Number(b))
    .at(-1);
  return v && existsSync(join(base, v, 'bin', 'initdb')) ? join(base, v, 'bin') : null;
}

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => ok(port));
    });
  });
}

async function admin(url: string, sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

function over(url: string, describe: string, stop: () => void): BenchPg {
  let n = 0;
  return {
    describe,
    stop,
    async freshUrl() {
      const name = `ib_bench_${process.pid}_${n++}`;
      await admin(url, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin(url, `CREATE DATABASE ${name}`);
      const u = new URL(url);
      u.pathname = `/${name}`;
      return u.toString();
    },
  };
}

/** BENCH_DATABASE_URL's server, or a cluster started here; null when PostgreSQL is not installed. */
export async function benchPostgres(): Promise<BenchPg | null> {
  const given = process.env.BENCH_DATABASE_URL;
  if (given) return over(given, 'BENCH_DATABASE_URL', () => {});
  const bin = pgBin();
  if (!bin) return null;
  const dir = mkdtempSync(join(tmpdir(), 'incident-bot-bench-pg-'));
  const root = process.getuid?.() === 0;
  const as = (cmd: string, args: string[]) =>
    root
      ? execFileSync('runuser', ['-u', 'postgres', '--', join(bin, cmd), ...args], { stdio: 'pipe' })
      : execFileSync(join(bin, cmd), args, { stdio: 'pipe' });
  if (root) chownSync(dir, Number(execFileSync('id', ['-u', 'postgres']).toString()), 0);
  const port = await freePort();
  as('initdb', ['-D', dir, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8', '--locale=C.UTF-8']);
  as('pg_ctl', [
    '-D',
    dir,
    '-l',
    join(dir, 'server.log'),
    '-w',
    '-t',
    '30',
    '-o',
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1`,
    'start',
  ]);
  const stop = () => {
    try {
      as('pg_ctl', ['-D', dir, '-m', 'fast', '-w', 'stop']);
    } catch {}
    rmSync(dir, { recursive: true, force: true });
  };
  const version = execFileSync(join(bin, 'postgres'), ['--version']).toString().trim();
  return over(
    `postgres://postgres@127.0.0.1:${port}/postgres`,
    `${version}, local socket over loopback, fsync on`,
    stop,
  );
}
