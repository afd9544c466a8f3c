// Who holds the reminder lock, as a replica that cannot have it tells it (reminder-leader.ts): the holding
// session's pid, application and state from pg_locks, for the scheduler's stuck-lock warning.
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { REMINDER_LOCK } from '../../../src/storage/postgres/locks.js';
import { openPostgres } from '../../../src/storage/postgres/open-postgres.js';
import { reminderLeaderOf } from '../../../src/storage/reminder-leader.js';
import { dropPgDatabases, freshPgUrl, hasPg } from '../../helpers/pg.js';

describe.runIf(hasPg)('the reminder lock holder on PostgreSQL', () => {
  afterAll(dropPgDatabases);

  it('names the session holding the lock, idle since it took it; nobody once it is released', async () => {
    const url = await freshPgUrl();
    const db = await openPostgres(url, { migrate: false, waitMs: 10_000 });
    const other = new pg.Client({ connectionString: url });
    await other.connect();
    try {
      await other.query("SET application_name = 'stuck-replica'");
      const pid = (await other.query(`SELECT pg_backend_pid() AS pid, pg_advisory_lock(${REMINDER_LOCK})`))
        .rows[0].pid as number;
      const leader = reminderLeaderOf(db);
      expect(leader.tryLead()).toBe(false);
      const h = leader.holder?.();
      expect(h?.who).toMatch(
        new RegExp(`^session ${pid} \\(stuck-replica at 127\\.0\\.0\\.1\\), connected \\d{4}-`),
      );
      expect(h?.who).toMatch(/, idle since \d{4}-\d\d-\d\dT/);
      expect(h?.idleMs).toBeGreaterThanOrEqual(0);
      await other.query(`SELECT pg_advisory_unlock(${REMINDER_LOCK})`);
      expect(leader.holder?.()).toBeNull();
      expect(leader.tryLead()).toBe(true);
      // Once this replica leads, the holder is its own session.
      expect(leader.holder?.()?.who).toMatch(/^session \d+ \(incident-bot/);
      leader.release();
    } finally {
      await other.end();
      await db.close();
    }
  });
});
