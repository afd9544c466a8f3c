// PostgreSQL for tests: TEST_DATABASE_URL names a server (.ci/run starts a throw-away cluster and sets it).
// Each test database is a copy of a template migrated once per run (CREATE DATABASE … TEMPLATE: ~30 ms),
// dropped again by dropPgDatabases() (or its own drop()). Advisory locks are per database, so tests on
// their own databases never wait for each other's write lock.
import { createHash, randomBytes } from 'node:crypto';
import pg from 'pg';
import { loadPgMigrations, migratePostgres } from '../../src/storage/postgres/migrate.js';
import { openPostgres } from '../../src/storage/postgres/open-postgres.js';
import type { PgDb } from '../../src/storage/postgres/pg-db.js';

export const PG_URL = process.env.TEST_DATABASE_URL ?? '';

/** Whether a PostgreSQL server is configured for this run. */
export const hasPg = PG_URL !== '';

const created = new Set<string>();

function urlFor(database: string): string {
  const u = new URL(PG_URL);
  u.pathname = `/${database}`;
  return u.toString();
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** Runs one statement on the server's admin database (tests that end sessions, refuse connections, …). */
export async function adminSql(sql: string): Promise<void> {
  await admin((c) => c.query(sql));
}

let template: Promise<string> | null = null;

/** The migrated template's name (made once, by whichever test process gets there first). */
function templateDb(): Promise<string> {
  template ??= (async () => {
    const sum = createHash('sha1');
    for (const m of loadPgMigrations()) sum.update(m.name).update(m.sql);
    const name = `ib_tpl_${sum.digest('hex').slice(0, 12)}`;
    await admin(async (c) => {
      await c.query('SELECT pg_advisory_lock(7100099)');
      try {
        const exists = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
        if (exists.rowCount) return;
        await c.query(`CREATE DATABASE ${name}_tmp`);
        const db = await openPostgres(urlFor(`${name}_tmp`), { migrate: false });
        migratePostgres(db);
        await db.close();
        await c.query(`ALTER DATABASE ${name}_tmp RENAME TO ${name}`);
      } finally {
        await c.query('SELECT pg_advisory_unlock(7100099)');
      }
    });
    return name;
  })();
  return template;
}

/** A fresh, migrated, empty database: its URL. */
export async function freshPgUrl(): Promise<string> {
  const tpl = await templateDb();
  const name = `ib_t_${randomBytes(6).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${name} TEMPLATE ${tpl}`));
  created.add(name);
  return urlFor(name);
}

/** A fresh database, opened (and migrated: nothing to do). Close it before dropping. */
export async function freshPgDb(): Promise<PgDb> {
  return openPostgres(await freshPgUrl(), { waitMs: 10_000 });
}

/** Drops every database this process created (connections still open are ended). */
export async function dropPgDatabases(): Promise<void> {
  if (created.size === 0) return;
  const names = [...created];
  created.clear();
  await admin(async (c) => {
    for (const n of names) await c.query(`DROP DATABASE IF EXISTS ${n} WITH (FORCE)`);
  });
}
