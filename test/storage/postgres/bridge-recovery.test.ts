// The bridge's worker thread is not a single point of failure: a connection string it cannot parse is a
// failed attempt (reported, retried), not its end; a worker that dies at run time is started again (the bot
// is never left without its database for ever), a query waiting on it is woken at once, and close() returns
// even when the worker is already gone. The start-up wait keeps trying to its end (attempts ~1 s apart until
// the first connection), so a database that comes up late in it is connected.
import type { MessagePort, Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import { openPostgres } from '../../../src/storage/postgres/open-postgres.js';
import { SyncPg } from '../../../src/storage/postgres/sync-pg.js';
import { adminSql, dropPgDatabases, freshPgUrl, hasPg } from '../../helpers/pg.js';
import { waitFor } from '../../support/wait-for.js';

/** The bridge's private parts a test reaches for: its worker, and the port jobs go to it by. */
const insides = (b: SyncPg) => b as unknown as { worker: Worker; port: MessagePort };

/** Makes the worker throw from its message handler: an uncaught exception ends the thread. */
function crash(b: SyncPg): void {
  insides(b).port.postMessage(null);
}

describe('the bridge without a server', () => {
  it('an unparsable connection string is a failed attempt the worker survives; close() returns', async () => {
    // Past openPostgres's own check, as a string that slipped through would be.
    const b = new SyncPg('postgres://bot:se/cr#et@127.0.0.1:1/bot', { retryMinMs: 20 });
    let attempts = 0;
    b.onHealth((h) => {
      if (h.state === 'down') attempts++;
    });
    try {
      await waitFor(() => attempts >= 3, 'three failed attempts', 10_000);
      // Told by the worker itself, alive (not the thread's failure).
      expect(b.health()).toMatchObject({ state: 'down', error: 'Invalid URL' });
      await expect(b.ready(50)).rejects.toThrow(/PostgreSQL is unavailable \(Invalid URL\)/);
    } finally {
      await b.close();
    }
  });
});

describe.runIf(hasPg)('the bridge on a real PostgreSQL', () => {
  afterAll(dropPgDatabases);

  it('a worker that dies at run time is started again, each time, and serves queries', async () => {
    const b = new SyncPg(await freshPgUrl(), { retryMinMs: 20 });
    try {
      await b.ready(10_000);
      for (let round = 1; round <= 2; round++) {
        const gen = b.generation();
        const before = insides(b).worker;
        crash(b);
        await waitFor(() => b.generation() > gen && b.health().state === 'up', 'the new worker', 10_000);
        expect(insides(b).worker).not.toBe(before);
        expect(b.query('SELECT $1::int AS round', [round]).rows).toEqual([{ round }]);
      }
      // Ended from outside (terminate) is the same.
      const gen = b.generation();
      await insides(b).worker.terminate();
      await waitFor(() => b.generation() > gen && b.health().state === 'up', 'the worker after terminate');
      expect(b.query('SELECT 1 AS n').rows).toEqual([{ n: 1 }]);
    } finally {
      await b.close();
    }
  });

  it('a query waiting on a worker that dies is woken at once, not after its deadline', async () => {
    // A deadline far longer than the test's own timeout: only the worker's last words can wake it.
    const b = new SyncPg(await freshPgUrl(), { retryMinMs: 20, statementTimeoutMs: 600_000 });
    try {
      await b.ready(10_000);
      crash(b);
      let failure: unknown;
      try {
        b.query('SELECT 1');
      } catch (e) {
        failure = e;
      }
      // It died with the query posted (the crash is ahead of it in the queue): woken, told it may have run.
      // (Should the thread ever end before the query's state check, it is refused at once: down.)
      expect(failure).toMatchObject({ code: 'PG_UNAVAILABLE', connection: true });
      expect(String(failure)).toMatch(/thread ended during a query|\(down\)/);
      expect(String(failure)).not.toMatch(/no answer within/);
      await waitFor(() => b.health().state === 'up', 'the new worker', 10_000);
      expect(b.query('SELECT 2 AS n').rows).toEqual([{ n: 2 }]);
    } finally {
      await b.close();
    }
  });

  it('close() returns when the worker has already died (its successor not yet started)', async () => {
    const b = new SyncPg(await freshPgUrl(), { retryMinMs: 3_600_000 });
    await b.ready(10_000);
    const exited = new Promise((r) => insides(b).worker.once('exit', r));
    crash(b);
    await exited;
    expect(b.health().state).toBe('down');
    await b.close();
    expect(() => b.query('SELECT 1')).toThrow(/closed/);
  });

  it('start-up keeps trying until its wait ends: a database accepting late in it is connected', async () => {
    const url = await freshPgUrl();
    const name = new URL(url).pathname.slice(1);
    await adminSql(`ALTER DATABASE ${name} ALLOW_CONNECTIONS false`);
    let failures = 0;
    let allowed: Promise<void> | null = null;
    try {
      // The sixth failure comes at ~3.75 s with attempts ~1 s apart; with the old doubling it came at 7.75 s
      // and the next attempt at 15.75 s, after this 10 s wait.
      const db = await openPostgres(url, {
        migrate: false,
        waitMs: 10_000,
        onConnectFailure: (error) => {
          expect(error).toMatch(/not currently accepting connections/);
          if (++failures === 6) allowed = adminSql(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`);
        },
      });
      try {
        expect(failures).toBeGreaterThanOrEqual(6);
        expect(db.prepare('SELECT 1 AS n').get()).toEqual({ n: 1 });
      } finally {
        await db.close();
      }
    } finally {
      await allowed;
      await adminSql(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`);
    }
  }, 30_000);
});
