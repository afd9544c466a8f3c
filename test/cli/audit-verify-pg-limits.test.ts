// `audit verify` on PostgreSQL reads one snapshot and checks it as it reads: on a big ledger the checks
// between two reads outlast the bot's idle-in-transaction timeout (twice its statement timeout), and a read
// may outlast the statement timeout. The command lifts those limits for itself (PgDb.unbounded): here a bridge
// with a 150 ms statement timeout (300 ms idle) pauses 400 ms before each statement, and it still verifies.
import { afterAll, describe, expect, it } from 'vitest';
import { IncidentService } from '../../src/app/incident-service.js';
import { auditVerify } from '../../src/cli/audit-verify.js';
import { openPostgres } from '../../src/storage/postgres/open-postgres.js';
import { IncidentStore } from '../../src/storage/sqlite/incident-store.js';
import { TEST_PUBKEY_FILE, testSigner } from '../helpers/audit-key.js';
import { dropPgDatabases, freshPgUrl, hasPg } from '../helpers/pg.js';
import { declareRequest, playbook, playbookRef } from '../helpers/scenario.js';
import { inTheRoom } from '../helpers/store.js';
import { waitFor } from '../support/wait-for.js';

/** Blocks the thread, as a CPU-bound check between two reads does. */
function busy(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

describe.runIf(hasPg)('audit verify on PostgreSQL, slower than the bot’s time limits', () => {
  afterAll(dropPgDatabases);

  it('verifies, where the same snapshot under the bot’s limits is ended by the server', async () => {
    const url = await freshPgUrl();
    const seed = await openPostgres(url, { waitMs: 10_000 });
    try {
      const service = inTheRoom(
        new IncidentService(new IncidentStore(seed, {}, testSigner), { playbook, ref: playbookRef }),
      );
      expect(service.handle(declareRequest('limits-1', { title: 'Slow verify' })).ok).toBe(true);
    } finally {
      await seed.close();
    }

    const db = await openPostgres(url, { migrate: false, statementTimeoutMs: 150, waitMs: 10_000 });
    try {
      const prepare = db.prepare.bind(db);
      db.prepare = (sql: string) => {
        busy(400);
        return prepare(sql);
      };
      // The control: a read snapshot with the same pauses, under the bot's limits, loses its session.
      expect(() =>
        db.transaction(() => {
          db.prepare('SELECT 1').get();
          db.prepare('SELECT 2').get();
        })(),
      ).toThrow(/idle-in-transaction|terminat|unavailable|Connection/i);
      await waitFor(() => db.pg.health().state === 'up', 'the reconnection', 10_000);

      const r = auditVerify({ db, label: 'the test database', pubkeys: [TEST_PUBKEY_FILE] });
      expect(r.output).toMatch(/^OK: \d+ entries in 1 incident verified/);
      expect(r.code).toBe(0);
      // Its limits are back for the bot's own statements.
      expect(db.prepare('SHOW idle_in_transaction_session_timeout').pluck().get()).toBe('300ms');
      expect(db.prepare('SHOW statement_timeout').pluck().get()).toBe('150ms');
    } finally {
      await db.close();
    }
  }, 60_000);
});
