// A connection lost once COMMIT has gone out leaves the transaction's fate unknown: it may be stored, so the
// person is told to look at the timeline before trying again (typing it again could record it twice), never
// "nothing was changed". A loss before COMMIT keeps that answer: the transaction went with the connection.
// A deferred constraint trigger makes COMMIT itself slow, or end its own session.
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { DATABASE_UNREACHABLE, failureAnswer } from '../../../src/app/answers.js';
import { openPostgres } from '../../../src/storage/postgres/open-postgres.js';
import { PgCommitUncertainError, type PgDb } from '../../../src/storage/postgres/pg-db.js';
import { PgError, PgUnavailableError } from '../../../src/storage/postgres/sync-pg.js';
import { classifyStorageError } from '../../../src/storage/sqlite/errors.js';
import { dropPgDatabases, freshPgUrl, hasPg } from '../../helpers/pg.js';
import { waitFor } from '../../support/wait-for.js';

describe('classifying a commit in doubt (no server needed)', () => {
  it('is its own kind, answered "it may have been saved", unlike a connection lost before', () => {
    const lost = new PgError('Connection terminated unexpectedly', undefined, true, true);
    const doubt = new PgCommitUncertainError(lost);
    expect(classifyStorageError(doubt)).toBe('uncertain');
    expect(failureAnswer('uncertain')).toMatch(/may have been saved.*timeline before trying again/);
    expect(failureAnswer('uncertain')).not.toMatch(/Nothing was changed/);
    expect(classifyStorageError(new PgUnavailableError('no answer within 12000 ms', true))).toBe(
      'unavailable',
    );
    expect(failureAnswer('unavailable')).toBe(DATABASE_UNREACHABLE);
  });
});

/** At COMMIT: 'end' ends its own session (as an administrator or a failover would), 'slow' sleeps 4 s. */
const SETUP = `
  CREATE TABLE t (k TEXT);
  CREATE FUNCTION at_commit() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    IF NEW.k LIKE 'end%' THEN PERFORM pg_terminate_backend(pg_backend_pid()); PERFORM pg_sleep(5); END IF;
    IF NEW.k LIKE 'slow%' THEN PERFORM pg_sleep(4); END IF;
    RETURN NULL;
  END $$;
  CREATE CONSTRAINT TRIGGER at_commit AFTER INSERT ON t DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION at_commit();`;

async function rowsOf(url: string): Promise<string[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<{ k: string }>('SELECT k FROM t ORDER BY k')).rows.map((r) => r.k);
  } finally {
    await c.end();
  }
}

/** Waits until the session `pid` has ended (its transaction committed or rolled back for good). */
async function gone(url: string, pid: number): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    for (const deadline = Date.now() + 20_000; ; ) {
      const r = await c.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [pid]);
      if (r.rowCount === 0) return;
      if (Date.now() > deadline) throw new Error(`session ${pid} did not end`);
      await new Promise((ok) => setTimeout(ok, 50));
    }
  } finally {
    await c.end();
  }
}

/** Runs one write transaction inserting `k` (after `before`); its failure, and the session's pid. */
function attempt(db: PgDb, k: string, before = ''): { failure: unknown; pid: number } {
  let pid = 0;
  try {
    db.transaction(() => {
      pid = db.prepare('SELECT pg_backend_pid()').pluck().get() as number;
      if (before) db.exec(before);
      db.prepare('INSERT INTO t (k) VALUES (?)').run(k);
    }).immediate();
  } catch (e) {
    return { failure: e, pid };
  }
  return { failure: undefined, pid };
}

describe.runIf(hasPg)('COMMIT on a real PostgreSQL', () => {
  afterAll(dropPgDatabases);

  it('the session ended during COMMIT: in doubt, not "nothing was changed"', async () => {
    const url = await freshPgUrl();
    const db = await openPostgres(url, { migrate: false, retryMinMs: 20, waitMs: 10_000 });
    try {
      db.exec(SETUP);
      const { failure, pid } = attempt(db, 'end-1');
      expect(failure).toBeInstanceOf(PgCommitUncertainError);
      expect(String(failure)).toMatch(/lost during COMMIT.*may or may not have been committed/);
      expect(classifyStorageError(failure)).toBe('uncertain');
      expect(failureAnswer(classifyStorageError(failure))).toMatch(/may have been saved/);
      await gone(url, pid);
      // This time it was not (the trigger aborted it): only reading tells, which is what the answer says.
      expect(await rowsOf(url)).toEqual([]);
      await waitFor(() => db.pg.health().state === 'up', 'the reconnection', 10_000);
      expect(attempt(db, 'plain').failure).toBeUndefined();
    } finally {
      await db.close();
    }
  }, 30_000);

  it('no answer to COMMIT in time: in doubt, and it was in fact stored', async () => {
    const url = await freshPgUrl();
    // The bridge gives up 2 s past the statement timeout (0.5 s), which this transaction lifts on the server.
    const db = await openPostgres(url, {
      migrate: false,
      statementTimeoutMs: 500,
      retryMinMs: 20,
      waitMs: 10_000,
    });
    try {
      db.exec(SETUP);
      const { failure, pid } = attempt(db, 'slow-1', 'SET LOCAL statement_timeout = 0');
      expect(failure).toBeInstanceOf(PgCommitUncertainError);
      expect(String(failure)).toMatch(/no answer within 2500 ms/);
      expect(classifyStorageError(failure)).toBe('uncertain');
      // The abandoned session finishes its COMMIT: the row is there, as "it may have been saved" warned.
      await gone(url, pid);
      expect(await rowsOf(url)).toEqual(['slow-1']);
    } finally {
      await db.close();
    }
  }, 30_000);

  it('no answer before COMMIT: "nothing was changed" holds, and nothing was', async () => {
    const url = await freshPgUrl();
    const db = await openPostgres(url, {
      migrate: false,
      statementTimeoutMs: 500,
      retryMinMs: 20,
      waitMs: 10_000,
    });
    try {
      db.exec(SETUP);
      const { failure, pid } = attempt(db, 'never', 'SET LOCAL statement_timeout = 0; SELECT pg_sleep(4)');
      expect(failure).not.toBeInstanceOf(PgCommitUncertainError);
      expect(classifyStorageError(failure)).toBe('unavailable');
      expect(failureAnswer(classifyStorageError(failure))).toMatch(/Nothing was changed/);
      await gone(url, pid);
      expect(await rowsOf(url)).toEqual([]);
    } finally {
      await db.close();
    }
  }, 30_000);
});
