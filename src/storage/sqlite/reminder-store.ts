// The reminder pass's reads and claims, on SQLite and PostgreSQL alike (through Db). A claim is a row in
// `reminders` (its key is the primary key): only the transaction that inserted it writes the outbox row and
// the decision-log entry, so a second pass, process or replica over the same instant claims and sends
// nothing (claims are write transactions: one writer at a time, on PostgreSQL across replicas too).
import type { ReminderClaim, ReminderStore } from '../../app/ports.js';
import type { Incident } from '../../domain/incident.js';
import { inJsonList } from '../sql-db.js';
import type { IncidentStore } from './incident-store.js';
import type { Db } from './open-database.js';

/**
 * Incidents that can owe a reminder: changed since they were last looked at (next_check_at NULL), or whose
 * next check is due. A finished incident is looked at once after its last change and then parked.
 * Keys first, from the next_check_at index alone (NULLs, then the due ones in order), then the states of
 * those keys only: a slice of a catch-up costs what it loads, not a sort of every due incident's state.
 */
const UNCHECKED_SQL = 'SELECT key FROM incidents WHERE next_check_at IS NULL';
const DUE_SQL = 'SELECT key FROM incidents WHERE next_check_at <= ? ORDER BY next_check_at';
/** The SQL and its parameters with a limit, or none for a negative one (PostgreSQL has no `LIMIT -1`). */
const limited = (sql: string, params: unknown[], limit: number): [string, unknown[]] =>
  limit < 0 ? [sql, params] : [`${sql} LIMIT ?`, [...params, limit]];

export class SqliteReminderStore implements ReminderStore {
  private readonly statesSql: string;
  private readonly claimedSql: string;

  constructor(
    private readonly db: Db,
    private readonly log: Pick<IncidentStore, 'appendSystemLog' | 'inOneTransaction'>,
  ) {
    this.statesSql = `SELECT state, updated_at FROM incidents WHERE key IN ${inJsonList(db)}
      ORDER BY declared_at`;
    this.claimedSql = `SELECT key FROM reminders WHERE key IN ${inJsonList(db)}`;
  }

  candidates(now: Date, limit: number): { incident: Incident; changedAt: string }[] {
    const keysOf = ([sql, params]: [string, unknown[]]) =>
      this.db
        .prepare(sql)
        .pluck()
        .all(...params) as string[];
    const keys = keysOf(limited(UNCHECKED_SQL, [], limit));
    if (limit < 0 || keys.length < limit)
      keys.push(...keysOf(limited(DUE_SQL, [now.toISOString()], limit < 0 ? -1 : limit - keys.length)));
    if (keys.length === 0) return [];
    const rows = this.db.prepare(this.statesSql).all(JSON.stringify(keys)) as {
      state: string;
      updated_at: string;
    }[];
    return rows.map((r) => ({ incident: JSON.parse(r.state) as Incident, changedAt: r.updated_at }));
  }

  claimedAmong(keys: string[]): Set<string> {
    if (keys.length === 0) return new Set();
    const rows = this.db.prepare(this.claimedSql).all(JSON.stringify(keys)) as { key: string }[];
    return new Set(rows.map((r) => r.key));
  }

  claim(
    claims: ReminderClaim[],
    now: Date,
    o: { batch?: number; before?: (c: ReminderClaim) => void } = {},
  ): string[] {
    const at = now.toISOString();
    const claimRow = this.db.prepare(
      `INSERT INTO reminders (key, incident_key, kind, due_at, claimed_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT DO NOTHING`,
    );
    const outboxRow = this.db.prepare(
      `INSERT INTO outbox (key, incident_key, platform, lane, target, body, created_at, next_attempt_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
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
