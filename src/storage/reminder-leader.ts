// Who runs the reminder pass (ReminderLeader in app/ports.ts). On PostgreSQL, several replicas share the
// database: the pass runs on the one holding the session advisory lock REMINDER_LOCK, taken for the pass and
// given back after it, so any replica (or `incident-bot reminders run`) can lead the next one, and a replica
// that dies mid-pass gives it back with its connection. SQLite has one process per file: it always leads.
import type { ReminderLeader } from '../app/ports.js';
import { REMINDER_LOCK } from './postgres/locks.js';
import { type Db, dialectOf } from './sql-db.js';

/** The session holding the reminder lock, as PostgreSQL tells it. */
export interface ReminderLockHolder {
  /** In a few words: its pid, application and address, when it connected, its state since when. */
  who: string;
  /** How long it has been idle (ms): 0 while it runs a statement, null when it cannot be told (another role). */
  idleMs: number | null;
}

/** A leader that can also say who holds the lead when it cannot have it (the scheduler's stuck-lock warning). */
export interface DescribedReminderLeader extends ReminderLeader {
  /** Null when nobody holds it (or it cannot be read). */
  holder?(): ReminderLockHolder | null;
}

const ALWAYS: ReminderLeader = { tryLead: () => true, release() {} };

export function reminderLeaderOf(db: Db): DescribedReminderLeader {
  return dialectOf(db) === 'postgres' ? new PgReminderLeader(db) : ALWAYS;
}

interface HolderRow {
  pid: number;
  app: string | null;
  addr: string | null;
  started: string | null;
  state: string | null;
  since: string | null;
  idleMs: number | null;
}

class PgReminderLeader implements DescribedReminderLeader {
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

  /**
   * The session holding REMINDER_LOCK, from pg_locks (a one-number advisory lock is classid 0, objid the
   * number, objsubid 1). Another role's session shows its pid only, unless this one may read all stats.
   */
  holder(): ReminderLockHolder | null {
    try {
      const r = this.db
        .prepare(
          `SELECT a.pid, a.application_name AS app, host(a.client_addr) AS addr,
             to_char(a.backend_start AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS started, a.state,
             to_char(a.state_change AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS since,
             CASE WHEN a.state LIKE 'idle%'
               THEN (extract(epoch FROM clock_timestamp() - a.state_change) * 1000)::bigint
               WHEN a.state IS NOT NULL THEN 0 END AS "idleMs"
           FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
           WHERE l.locktype = 'advisory' AND l.granted AND l.classid = 0 AND l.objid = ${REMINDER_LOCK}
             AND l.objsubid = 1 AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
        )
        .get() as HolderRow | undefined;
      if (!r) return null;
      const who = [r.app, r.addr].filter(Boolean).join(' at ');
      return {
        who:
          `session ${r.pid}${who ? ` (${who})` : ''}` +
          `${r.started ? `, connected ${r.started}` : ''}${r.state ? `, ${r.state} since ${r.since}` : ''}`,
        idleMs: r.idleMs,
      };
    } catch {
      return null;
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
