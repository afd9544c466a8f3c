// The reminder pass's reads and claims on SQLite. A claim is a row in `reminders` (its key is the primary
// key): only the transaction that inserted it writes the outbox row and the decision-log entry, so a second
// pass or a second process over the same instant claims and sends nothing.
import type { ReminderClaim, ReminderStore } from '../../app/ports.js';
import type { Incident } from '../../domain/incident.js';
import type { IncidentStore } from './incident-store.js';
import type { Db } from './open-database.js';

/**
 * Incidents that can owe a reminder: changed since they were last looked at (next_check_at NULL), or whose
 * next check is due. A finished incident is looked at once after its last change and then parked.
 * Keys first, from the next_check_at index alone (NULLs, then the due ones in order), then the states of
 * those keys only: a slice of a catch-up costs what it loads, not a sort of every due incident's state.
 */
const UNCHECKED_SQL = 'SELECT key FROM incidents WHERE next_check_at IS NULL LIMIT ?';
const DUE_SQL = 'SELECT key FROM incidents WHERE next_check_at <= ? ORDER BY next_check_at LIMIT ?';
const STATES_SQL = `SELECT state, updated_at FROM incidents WHERE key IN (SELECT value FROM json_each(?))
  ORDER BY declared_at`;

const CLAIMED_SQL = 'SELECT key FROM reminders WHERE key IN (SELECT value FROM json_each(?))';

export class SqliteReminderStore implements ReminderStore {
  constructor(
    private readonly db: Db,
    private readonly log: Pick<IncidentStore, 'appendSystemLog' | 'inOneTransaction'>,
  ) {}

  candidates(now: Date, limit: number): { incident: Incident; changedAt: string }[] {
    const keys = this.db.prepare(UNCHECKED_SQL).pluck().all(limit) as string[];
    if (limit < 0 || keys.length < limit)
      keys.push(
        ...(this.db
          .prepare(DUE_SQL)
          .pluck()
          .all(now.toISOString(), limit < 0 ? -1 : limit - keys.length) as string[]),
      );
    if (keys.length === 0) return [];
    const rows = this.db.prepare(STATES_SQL).all(JSON.stringify(keys)) as {
      state: string;
      updated_at: string;
    }[];
    return rows.map((r) => ({ incident: JSON.parse(r.state) as Incident, changedAt: r.updated_at }));
  }

  claimedAmong(keys: string[]): Set<string> {
    if (keys.length === 0) return new Set();
    const rows = this.db.prepare(CLAIMED_SQL).all(JSON.stringify(keys)) as { key: string }[];
    return new Set(rows.map((r) => r.key));
  }

  claim(
    claims: ReminderClaim[],
    now: Date,
    o: { batch?: number; before?: (c: ReminderClaim) => void } = {},
  ): string[] {
    const at = now.toISOString();
    const claimRow = this.db.prepare(
      'INSERT OR IGNORE INTO reminders (key, incident_key, kind, due_at, claimed_at) VALUES (?, ?, ?, ?, ?)',
    );
    const outboxRow = this.db.prepare(
      `INSERT OR IGNORE INTO outbox (key, incident_key, platform, lane, target, body, created_at, next_attempt_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const claimOne = (c: ReminderClaim): boolean => {
      if (claimRow.run(c.key, c.incidentKey, c.kind, c.dueAt, at).changes !== 1) return false;
      const b = c.outbox;
      outboxRow.run(
        b.key,
        c.incidentKey,
        b.platform,
        b.lane,
        JSON.stringify(b.target),
        JSON.stringify(b.body),
        at,
        at,
      );
      // The log entry commits or rolls back with the claim (same transaction).
      this.log.appendSystemLog(c.incidentKey, [c.log], now, b.key);
      return true;
    };
    const claimed: string[] = [];
    if (o.before) {
      for (const c of claims) {
        o.before(c);
        // One transaction per claim (IMMEDIATE: two processes claiming at the same instant serialise on
        // the write lock), so the test seam can interleave or crash between claims.
        if (this.log.inOneTransaction(() => claimOne(c))) claimed.push(c.key);
      }
      return claimed;
    }
    // One write transaction and one signed checkpoint per batch keeps a large catch-up cheap while never
    // holding the lock for long.
    const size = o.batch ?? 200;
    for (let n = 0; n < claims.length; n += size) {
      const batch = claims.slice(n, n + size);
      this.log.inOneTransaction(() => {
        for (const c of batch) if (claimOne(c)) claimed.push(c.key);
      });
    }
    return claimed;
  }

  setNextChecks(checks: { key: string; version: number; next: string }[]): void {
    const setNext = this.db.prepare('UPDATE incidents SET next_check_at = ? WHERE key = ? AND version = ?');
    this.db
      .transaction(() => {
        for (const c of checks) setNext.run(c.next, c.key, c.version);
      })
      .immediate();
  }
}

/** The reminder store over an incident store's database. */
export function reminderStoreOf(store: IncidentStore): SqliteReminderStore {
  return new SqliteReminderStore(store.db, store);
}
