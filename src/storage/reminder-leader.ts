// Who runs the reminder pass (ReminderLeader in app/ports.ts). On PostgreSQL, several replicas share the
// database: the pass runs on the one holding the session advisory lock REMINDER_LOCK, taken for the pass and
// given back after it, so any replica (or `incident-bot reminders run`) can lead the next one, and a replica
// that dies mid-pass gives it back with its connection. SQLite has one process per file: it always leads.
import type { ReminderLeader } from '../app/ports.js';
import { REMINDER_LOCK } from './postgres/locks.js';
import { type Db, dialectOf } from './sql-db.js';

const ALWAYS: ReminderLeader = { tryLead: () => true, release() {} };

export function reminderLeaderOf(db: Db): ReminderLeader {
  return dialectOf(db) === 'postgres' ? new PgReminderLeader(db) : ALWAYS;
}

class PgReminderLeader implements ReminderLeader {
  constructor(private readonly db: Db) {}

  tryLead(): boolean {
    // The bridge's one connection is this process's session: the lock is held until release() (or until the
    // connection is lost, which gives it back to the others).
    const r = this.db.prepare(`SELECT pg_try_advisory_lock(${REMINDER_LOCK}) AS lead`).get() as {
      lead: boolean;
    };
    return r.lead === true;
  }

  release(): void {
    try {
      this.db.prepare(`SELECT pg_advisory_unlock(${REMINDER_LOCK}) AS released`).get();
    } catch {
      // The connection is gone, and the session's lock with it.
    }
  }
}

/**
 * Waits (synchronously: the CLI has nothing else to do) until this process leads the pass, at most
 * `timeoutMs`; true when it does. A bot replica holds the lead only for the length of one pass.
 */
export function waitToLead(leader: ReminderLeader, timeoutMs: number, pollMs = 200): boolean {
  const deadline = Date.now() + timeoutMs;
  const nap = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    if (leader.tryLead()) return true;
    if (Date.now() >= deadline) return false;
    Atomics.wait(nap, 0, 0, pollMs);
  }
}
