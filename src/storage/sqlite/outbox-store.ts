// The outbox's rows: what is owed, what was delivered, what failed and why.
import type { InboundDedupe, MessageRefs, OutboxQueue, OutboxRow } from '../../app/ports.js';
import type { Outgoing, Target } from '../../domain/effects.js';
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

  /** The first undelivered row of each lane (a lane is one channel: delivery is in order), due by `now`. */
  due(now: Date, limit = 50): OutboxRow[] {
    const rows = this.stmt(
      `SELECT o.* FROM outbox o
         JOIN (SELECT lane, MIN(id) AS id FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL GROUP BY lane) h
           ON h.id = o.id
         WHERE o.next_attempt_at <= ?
         ORDER BY o.id LIMIT ?`,
    ).all(now.toISOString(), limit) as RawRow[];
    return rows.map(toRow);
  }

  pending(): OutboxRow[] {
    return (
      this.stmt(
        'SELECT * FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL ORDER BY id',
      ).all() as RawRow[]
    ).map(toRow);
  }

  /** True when a later undelivered refresh of the same live view waits in the row's lane. */
  hasLaterView(row: OutboxRow): boolean {
    // An alert prompt is a live view of its alert group, refreshed the same way.
    if (row.body.kind === 'alert_prompt') {
      return (
        this.stmt(
          `SELECT 1 FROM outbox WHERE lane = ? AND id > ? AND sent_at IS NULL AND failed_at IS NULL
               AND json_extract(body, '$.kind') = 'alert_prompt' AND json_extract(body, '$.alert') = ? LIMIT 1`,
        ).get(row.lane, row.id, row.body.alert) !== undefined
      );
    }
    if (row.body.kind !== 'view') return false;
    return (
      this.stmt(
        `SELECT 1 FROM outbox WHERE lane = ? AND id > ? AND sent_at IS NULL AND failed_at IS NULL
             AND json_extract(body, '$.kind') = 'view' AND json_extract(body, '$.view') = ? LIMIT 1`,
      ).get(row.lane, row.id, row.body.view) !== undefined
    );
  }

  /** Marks a delivery as started; cleared by markSent / markRetry / markFailed. */
  markInFlight(id: number, now: Date): void {
    this.stmt('UPDATE outbox SET in_flight_since = ? WHERE id = ?').run(now.toISOString(), id);
  }

  markSent(id: number, now: Date, result: unknown): void {
    this.stmt(
      'UPDATE outbox SET sent_at = ?, attempts = attempts + 1, result = ?, last_error = NULL, in_flight_since = NULL WHERE id = ?',
    ).run(now.toISOString(), JSON.stringify(result ?? null), id);
  }

  markRetry(id: number, nextAt: Date, error: string): void {
    this.stmt(
      'UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error = ?, in_flight_since = NULL WHERE id = ?',
    ).run(nextAt.toISOString(), error.slice(0, 500), id);
  }

  markFailed(id: number, now: Date, error: string): void {
    this.stmt(
      'UPDATE outbox SET attempts = attempts + 1, failed_at = ?, last_error = ?, in_flight_since = NULL WHERE id = ?',
    ).run(now.toISOString(), error.slice(0, 500), id);
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
      this.stmt('INSERT OR IGNORE INTO processed_events (id, at) VALUES (?, ?)').run(id, now.toISOString())
        .changes === 1
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
