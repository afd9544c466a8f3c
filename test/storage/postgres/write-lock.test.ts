// The write lock on PostgreSQL (pg-db.ts): a write that cannot have it in time fails "busy" within the
// write lock's own limit (2 s by default, not the 10 s statement timeout: the event loop waits with it), and
// leaves the session usable (its BEGIN is rolled back, not left aborted until the server ends it).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { WRITE_LOCK } from '../../../src/storage/postgres/locks.js';
import { openPostgres } from '../../../src/storage/postgres/open-postgres.js';
import { classifyStorageError } from '../../../src/storage/sqlite/errors.js';
import { dropPgDatabases, freshPgUrl, hasPg } from '../../helpers/pg.js';

afterAll(dropPgDatabases);

/** Throws what fn throws (or fails the test when it does not). */
function failure(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected a failure');
}

/**
 * Holds WRITE_LOCK for `ms` (or until stopped) from another process: this thread is blocked while the write
 * waits, so the holder must live elsewhere to let go on time. Resolves once the lock is held.
 */
async function holdElsewhere(url: string, ms: number): Promise<{ stop(): Promise<unknown> }> {
  const script = `const pg = require('pg');
    const c = new pg.Client({ connectionString: process.argv[1] });
    (async () => {
      await c.connect();
      await c.query('SELECT pg_advisory_lock(${WRITE_LOCK})');
      process.stdout.write('locked\\n');
      setTimeout(() => c.end(), Number(process.argv[2]));
    })();`;
  const child = spawn(process.execPath, ['-e', script, url, String(ms)], { cwd: process.cwd() });
  const exited = once(child, 'exit');
  await once(child.stdout, 'data');
  return {
    stop: () => {
      child.kill();
      return exited;
    },
  };
}

describe.runIf(hasPg)('the write lock on PostgreSQL', () => {
  it('a write that cannot have it fails busy, and the next statement on the same session works', async () => {
    const url = await freshPgUrl();
    const db = await openPostgres(url, { migrate: false, writeLockTimeoutMs: 200, waitMs: 10_000 });
    const other = new pg.Client({ connectionString: url });
    await other.connect();
    try {
      db.exec('CREATE TABLE t (k TEXT)');
      await other.query(`SELECT pg_advisory_lock(${WRITE_LOCK})`);
      let ran = false;
      const e = failure(() =>
        db
          .transaction(() => {
            ran = true;
            db.prepare('INSERT INTO t (k) VALUES (?)').run('blocked');
          })
          .immediate(),
      );
      expect(ran).toBe(false);
      expect(classifyStorageError(e)).toBe('busy');
      expect(String(e)).toMatch(/busy: another replica held the write lock/);
      // Not left inside an aborted transaction (25P02 on every statement until the server ends the session).
      expect(db.prepare('SELECT 1 AS one').get()).toEqual({ one: 1 });
      expect(db.transaction(() => db.prepare('SELECT COUNT(*) FROM t').pluck().get())()).toBe(0);
      await other.query(`SELECT pg_advisory_unlock(${WRITE_LOCK})`);
      db.transaction(() => db.prepare('INSERT INTO t (k) VALUES (?)').run('free')).immediate();
      expect(db.prepare('SELECT k FROM t').pluck().all()).toEqual(['free']);
      // The limit is the lock's only: the transaction's own statements keep the session's lock_timeout.
      expect(
        db.transaction(() => db.prepare("SELECT current_setting('lock_timeout')").pluck().get()).immediate(),
      ).toBe('10s');
    } finally {
      await other.end();
      await db.close();
    }
  });

  it('by default gives up on the lock well before the statement timeout: busy, not a wait until it is free', async () => {
    const url = await freshPgUrl();
    // Statement timeout 60 s: without the lock's own limit the write would wait until the holder lets go.
    const db = await openPostgres(url, { migrate: false, statementTimeoutMs: 60_000, waitMs: 10_000 });
    try {
      db.exec('CREATE TABLE t (k TEXT)');
      const holder = await holdElsewhere(url, 6000);
      const e = failure(() =>
        db.transaction(() => db.prepare('INSERT INTO t (k) VALUES (?)').run('blocked')).immediate(),
      );
      expect((e as { code?: string }).code).toBe('55P03');
      expect(classifyStorageError(e)).toBe('busy');
      await holder.stop();
      expect(db.prepare('SELECT COUNT(*) FROM t').pluck().get()).toBe(0);
    } finally {
      await db.close();
    }
  });
});
