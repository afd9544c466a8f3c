// The outbox's rows: what is owed, what was delivered, what failed and why. Replicas sharing the database
// claim rows under leases (claim / mark*); inbound ids and message refs live here too. Portable SQL.
import type { InboundDedupe, MessageRefs, OutboxClaim, OutboxQueue, OutboxRow } from '../../app/ports.js';
import type { Outgoing, Target } from '../../domain/effects.js';
import { dialectOf, inJsonIds, inJsonList, jsonText } from '../sql-db.js';
import type { Db } from './open-database.js';
import { type Statement, statementCache } from './statement-cache.js';

interface RawRow {
  id: number;
  key: string;
  incident_key: string;
  platform: string;
  lane: string;
  target: string;
  body: string;
  created_at: string;
  attempts: number;
  in_flight_since: string | null;
}

const toRow = (r: RawRow): OutboxRow => ({
  id: r.id,
  key: r.key,
  incidentKey: r.incident_key,
  platform: r.platform,
  lane: r.lane,
  target: JSON.parse(r.target) as Target,
  body: JSON.parse(r.body) as Outgoing,
  createdAt: r.created_at,
  attempts: r.attempts,
  inDoubt: r.in_flight_since !== null,
});

export class OutboxStore implements OutboxQueue, MessageRefs, InboundDedupe {
  /** Statements are prepared once per SQL text (see statement-cache.ts). */
  private readonly stmt: (sql: string) => Statement;

  constructor(readonly db: Db) {
    this.stmt = statementCache(db);
  }

  /**
   * The lane heads a claim may take: each lane's first undelivered row, due, not paced (no attempt in its
   * lane, by any replica, within the pace), not in `skipLanes`, and not leased to another live process.
   * SQLite has one process per file (one replica): a lease it finds that is not its own is a previous run's,
   * which died, so it is taken over at once (a restart resends at once, as before leases). PostgreSQL's
   * `FOR UPDATE … SKIP LOCKED` (when `lock`) also passes over a row another connection is writing right now.
   */
  private claimable(lock: boolean): string {
    const pg = dialectOf(this.db) === 'postgres';
    return `SELECT o.* FROM outbox o
         JOIN (SELECT lane, MIN(id) AS id FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL GROUP BY lane) h
           ON h.id = o.id
         WHERE o.next_attempt_at <= ?
           ${pg ? 'AND (o.lease_until IS NULL OR o.lease_until <= ? OR o.lease_owner = ?)' : ''}
           AND o.lane NOT IN ${inJsonList(this.db)}
           AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.lane = o.lane AND p.last_attempt_at > ?)
         ORDER BY o.id LIMIT ?${pg && lock ? ' FOR UPDATE OF o SKIP LOCKED' : ''}`;
  }

  claim(now: Date, o: OutboxClaim): OutboxRow[] {
    const at = now.toISOString();
    const lease = dialectOf(this.db) === 'postgres' ? [at, o.owner] : [];
    const params = [
      at,
      ...lease,
      JSON.stringify(o.skipLanes),
      new Date(now.getTime() - o.paceMs).toISOString(),
      o.limit,
    ];
    // A look first, outside any transaction: an idle replica polling every second never takes the write lock.
    if (this.stmt(this.claimable(false)).all(...params).length === 0) return [];
    // The write transaction: one claimer at a time across replicas (PostgreSQL's write lock, SQLite's writer),
    // so two replicas never lease the same head, and a lane has one owner until its row is settled.
    return this.db
      .transaction(() => {
        const rows = this.stmt(this.claimable(true)).all(...params) as RawRow[];
        if (rows.length === 0) return [];
        this.stmt(
          `UPDATE outbox SET in_flight_since = ?, lease_owner = ?, lease_until = ? WHERE id IN ${inJsonIds(this.db)}`,
        ).run(
          at,
          o.owner,
          new Date(now.getTime() + o.leaseMs).toISOString(),
          JSON.stringify(rows.map((r) => r.id)),
        );
        return rows.map(toRow);
      })
      .immediate();
  }

  renewLeases(owner: string, ids: readonly number[], until: Date): number {
    if (ids.length === 0) return 0;
    return this.stmt(
      `UPDATE outbox SET lease_until = ?
         WHERE lease_owner = ? AND sent_at IS NULL AND failed_at IS NULL AND id IN ${inJsonIds(this.db)}`,
    ).run(until.toISOString(), owner, JSON.stringify(ids)).changes;
  }

  pending(): OutboxRow[] {
    return (
      this.stmt(
        'SELECT * FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL ORDER BY id',
      ).all() as RawRow[]
    ).map(toRow);
  }

  /**
   * Undelivered rows but the lanes another replica holds a live lease in (PostgreSQL). SQLite has one process
   * per file: a lease not its own is a dead run's, taken over at once (see claimable), so every row counts.
   */
  owedTo(owner: string, now: Date): number {
    const others =
      dialectOf(this.db) === 'postgres'
        ? `AND NOT EXISTS (SELECT 1 FROM outbox l WHERE l.lane = o.lane AND l.sent_at IS NULL
             AND l.failed_at IS NULL AND l.lease_owner <> ? AND l.lease_until > ?)`
        : '';
    const params = others ? [owner, now.toISOString()] : [];
    const r = this.stmt(
      `SELECT COUNT(*) AS n FROM outbox o WHERE o.sent_at IS NULL AND o.failed_at IS NULL ${others}`,
    ).get(...params) as { n: number };
    return r.n;
  }

  /** True when a later undelivered refresh of the same live view waits in the row's lane. */
  hasLaterView(row: OutboxRow): boolean {
    // An alert prompt is a live view of its alert group, refreshed the same way.
    const [field, value] =
      row.body.kind === 'alert_prompt'
        ? ['alert', row.body.alert]
        : row.body.kind === 'view'
          ? ['view', row.body.view]
          : [null, null];
    if (field === null) return false;
    return (
      this.stmt(
        `SELECT 1 FROM outbox WHERE lane = ? AND id > ? AND sent_at IS NULL AND failed_at IS NULL
             AND ${jsonText(this.db, 'body', 'kind')} = ? AND ${jsonText(this.db, 'body', field)} = ? LIMIT 1`,
      ).get(row.lane, row.id, row.body.kind, value) !== undefined
    );
  }

  /**
   * Marks a delivery as started with no lease: what a process that died mid-send before leases existed left
   * behind (tests stage a crash with it). The dispatcher claims rows instead (claim()).
   */
  markInFlight(id: number, now: Date): void {
    this.stmt('UPDATE outbox SET in_flight_since = ? WHERE id = ?').run(now.toISOString(), id);
  }

  // The outcomes: each acts only while `owner` holds the row's lease (a replica whose lease ran out and was
  // taken over must not record over the new owner) and clears it. last_attempt_at paces the lane.
  markSent(id: number, owner: string, now: Date, result: unknown): boolean {
    return this.settle(
      'sent_at = ?, result = ?, last_error = NULL, last_attempt_at = ?',
      [now.toISOString(), JSON.stringify(result ?? null), now.toISOString()],
      id,
      owner,
    );
  }

  markSuperseded(id: number, owner: string, now: Date): boolean {
    return this.settle(
      'sent_at = ?, result = ?, last_error = NULL',
      [now.toISOString(), JSON.stringify({ superseded: true })],
      id,
      owner,
    );
  }

  markRetry(id: number, owner: string, now: Date, nextAt: Date, error: string): boolean {
    return this.settle(
      'next_attempt_at = ?, last_error = ?, last_attempt_at = ?',
      [nextAt.toISOString(), error.slice(0, 500), now.toISOString()],
      id,
      owner,
    );
  }

  markFailed(id: number, owner: string, now: Date, error: string): boolean {
    return this.settle('failed_at = ?, last_error = ?', [now.toISOString(), error.slice(0, 500)], id, owner);
  }

  private settle(set: string, params: unknown[], id: number, owner: string): boolean {
    return (
      this.stmt(
        `UPDATE outbox SET ${set}, attempts = attempts + 1, in_flight_since = NULL, lease_owner = NULL,
             lease_until = NULL
           WHERE id = ? AND lease_owner = ? AND sent_at IS NULL AND failed_at IS NULL`,
      ).run(...params, id, owner).changes === 1
    );
  }

  /** Rows waiting, and the age in seconds of the oldest. */
  backlog(now: Date): { count: number; oldestSeconds: number } {
    const r = this.stmt(
      'SELECT COUNT(*) AS n, MIN(created_at) AS oldest FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL',
    ).get() as { n: number; oldest: string | null };
    return {
      count: r.n,
      oldestSeconds: r.oldest ? Math.max(0, (now.getTime() - Date.parse(r.oldest)) / 1000) : 0,
    };
  }

  getMessageRef(
    incidentKey: string,
    platform: string,
    name: string,
  ): { channel: string; ref: string } | null {
    return (
      (this.stmt(
        'SELECT channel, ref FROM message_refs WHERE incident_key = ? AND platform = ? AND name = ?',
      ).get(incidentKey, platform, name) as { channel: string; ref: string } | undefined) ?? null
    );
  }

  setMessageRef(incidentKey: string, platform: string, name: string, channel: string, ref: string): void {
    this.stmt(
      `INSERT INTO message_refs (incident_key, platform, name, channel, ref) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(incident_key, platform, name) DO UPDATE SET channel = excluded.channel, ref = excluded.ref`,
    ).run(incidentKey, platform, name, channel, ref);
  }

  /** Inbound de-duplication: true the first time an id is seen. */
  firstSighting(id: string, now: Date): boolean {
    return (
      this.stmt('INSERT INTO processed_events (id, at) VALUES (?, ?) ON CONFLICT DO NOTHING').run(
        id,
        now.toISOString(),
      ).changes === 1
    );
  }

  /** Whether an inbound id was seen and the command it carries is recorded (app/inbound.ts). */
  seenWithCommand(id: string, commandKey: string): boolean {
    return (
      this.stmt('SELECT 1 FROM processed_events p JOIN commands c ON c.key = ? WHERE p.id = ?').get(
        commandKey,
        id,
      ) !== undefined
    );
  }

  /** Inbound ids older than this are forgotten (platforms retry within minutes; the table must not grow forever). */
  forgetSightingsBefore(before: Date): number {
    return this.stmt('DELETE FROM processed_events WHERE at < ?').run(before.toISOString()).changes;
  }

  /** Forgets one inbound id (its handling failed before it committed), so a redelivery is processed. */
  forgetSighting(id: string): void {
    this.stmt('DELETE FROM processed_events WHERE id = ?').run(id);
  }
}
