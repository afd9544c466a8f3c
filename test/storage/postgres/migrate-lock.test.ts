// Migrating PostgreSQL under MIGRATION_LOCK with no timeout (migrate.ts, PgDb.unbounded): two replicas
// starting together on an empty database, both made to wait for the lock longer than their statement
// timeout and the bridge's deadline, migrate once (the second waits, then finds nothing to do); a migration
// longer than the statement timeout runs; the session's timeouts are back afterwards.
import { spawn } from 'node:child_process';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { MIGRATION_LOCK } from '../../../src/storage/postgres/locks.js';
import { loadPgMigrations, migratePostgres } from '../../../src/storage/postgres/migrate.js';
import { openPostgres } from '../../../src/storage/postgres/open-postgres.js';
import { hasPg, PG_URL } from '../../helpers/pg.js';

const MIGRATOR = new URL('./migrator.ts', import.meta.url).pathname;
const made: string[] = [];

async function admin<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** A new database with nothing in it (not the migrated template): its URL. */
async function emptyDatabase(): Promise<string> {
  const name = `ib_t_ml_${Math.random().toString(16).slice(2, 10)}`;
  await admin(PG_URL, (c) => c.query(`CREATE DATABASE ${name}`));
  made.push(name);
  const u = new URL(PG_URL);
  u.pathname = `/${name}`;
  return u.toString();
}

afterAll(async () => {
  if (made.length === 0) return;
  await admin(PG_URL, async (c) => {
    for (const n of made) await c.query(`DROP DATABASE IF EXISTS ${n} WITH (FORCE)`);
  });
});

const nap = (ms: number) => new Promise((r) => setTimeout(r, ms));

function migrator(url: string, timeoutMs: number): Promise<number[]> {
  const child = spawn(process.execPath, ['--import', 'tsx', MIGRATOR, url, String(timeoutMs)], {
    cwd: process.cwd(),
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => {
    out += String(d);
  });
  child.stderr.on('data', (d) => {
    err += String(d);
  });
  return new Promise((resolve, reject) =>
    child.once('exit', (code) =>
      code === 0
        ? resolve(JSON.parse(out) as number[])
        : reject(new Error(`migrator exited ${code}: ${err.slice(-2000)}`)),
    ),
  );
}

describe.runIf(hasPg)('migrations on PostgreSQL', () => {
  it('two replicas starting together migrate once: the second waits, however long, then has nothing to do', async () => {
    const url = await emptyDatabase();
    const holder = new pg.Client({ connectionString: url });
    await holder.connect();
    try {
      await holder.query(`SELECT pg_advisory_lock(${MIGRATION_LOCK})`);
      // 300 ms: their lock_timeout, and a bridge deadline of 2.3 s, both far shorter than the wait below.
      const runs = [migrator(url, 300), migrator(url, 300)];
      let early: unknown = null;
      for (const r of runs) r.catch((e) => (early ??= e));
      const waiting = async () =>
        (
          await holder.query(
            `SELECT COUNT(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND objid = $1 AND NOT granted`,
            [MIGRATION_LOCK],
          )
        ).rows[0].n as number;
      for (let i = 0; (await waiting()) < 2; i++) {
        if (early || i > 600) throw early ?? new Error('the migrators never queued for the lock');
        await nap(50);
      }
      await nap(3000);
      if (early) throw early;
      await holder.query(`SELECT pg_advisory_unlock(${MIGRATION_LOCK})`);
      const applied = await Promise.all(runs);
      const all = loadPgMigrations().map((m) => m.version);
      expect(applied.map((a) => a.length).sort()).toEqual([0, all.length]);
      expect(applied.flat().sort((a, b) => a - b)).toEqual(all);
      const versions = await holder.query('SELECT version FROM schema_version ORDER BY version');
      expect(versions.rows.map((r) => r.version)).toEqual(all);
    } finally {
      await holder.end();
    }
  }, 60_000);

  it('runs a migration longer than the statement timeout, then puts the timeouts back', async () => {
    const url = await emptyDatabase();
    const db = await openPostgres(url, { migrate: false, statementTimeoutMs: 300, waitMs: 10_000 });
    try {
      const slow = [
        { version: 1, name: '001_slow.sql', sql: 'SELECT pg_sleep(3); CREATE TABLE slow (x INTEGER);' },
      ];
      expect(migratePostgres(db, slow)).toEqual([1]);
      expect(db.prepare("SELECT to_regclass('slow') IS NOT NULL AS made").get()).toEqual({ made: true });
      expect(db.prepare('SHOW statement_timeout').pluck().get()).toBe('300ms');
      expect(db.prepare('SHOW lock_timeout').pluck().get()).toBe('300ms');
      expect(() => db.prepare('SELECT pg_sleep(1)').get()).toThrow(/statement timeout/);
    } finally {
      await db.close();
    }
  }, 30_000);
});
