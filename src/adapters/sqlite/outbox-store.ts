// The outbox's rows: what is owed, what was delivered, what failed and why.
import type { Outgoing, Target } from '../../core/effects.js';
import type { Db } from './open-database.js';

export interface OutboxRow {
  id: number;
  key: string;
  incidentKey: string;
  platform: string;
  lane: string;
  target: Target;
  body: Outgoing;
  createdAt: string;
  attempts: number;
}

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
});

export class OutboxStore {
  constructor(readonly db: Db) {}

  /** The first undelivered row of each lane (a lane is one channel: delivery is in order), due by `now`. */
  due(now: Date, limit = 50): OutboxRow[] {
    const rows = this.db
      .prepare(
        `SELECT o.* FROM outbox o
         JOIN (SELECT lane, MIN(id) AS id FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL GROUP BY lane) h
           ON h.id = o.id
         WHERE o.next_attempt_at <= ?
         ORDER BY o.id LIMIT ?`,
      )
      .all(now.toISOString(), limit) as RawRow[];
    return rows.map(toRow);
  }

  pending(): OutboxRow[] {
    return (
      this.db.prepare('SELECT * FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL ORDER BY id').all() as RawRow[]
    ).map(toRow);
  }

  /** True when a later undelivered refresh of the same live view waits in the row's lane. */
  hasLaterView(row: OutboxRow): boolean {
    if (row.body.kind !== 'view') return false;
    return (
      this.db
        .prepare(
          `SELECT 1 FROM outbox WHERE lane = ? AND id > ? AND sent_at IS NULL AND failed_at IS NULL
             AND json_extract(body, '$.kind') = 'view' AND json_extract(body, '$.view') = ? LIMIT 1`,
        )
        .get(row.lane, row.id, row.body.view) !== undefined
    );
  }

  markSent(id: number, now: Date, result: unknown): void {
    this.db
      .prepare('UPDATE outbox SET sent_at = ?, attempts = attempts + 1, result = ?, last_error = NULL WHERE id = ?')
      .run(now.toISOString(), JSON.stringify(result ?? null), id);
  }

  markRetry(id: number, nextAt: Date, error: string): void {
    this.db
      .prepare('UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error = ? WHERE id = ?')
      .run(nextAt.toISOString(), error.slice(0, 500), id);
  }

  markFailed(id: number, now: Date, error: string): void {
    this.db
      .prepare('UPDATE outbox SET attempts = attempts + 1, failed_at = ?, last_error = ? WHERE id = ?')
      .run(now.toISOString(), error.slice(0, 500), id);
  }

  /** Rows waiting, and the age in seconds of the oldest. */
  backlog(now: Date): { count: number; oldestSeconds: number } {
    const r = this.db
      .prepare('SELECT COUNT(*) AS n, MIN(created_at) AS oldest FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL')
      .get() as { n: number; oldest: string | null };
    return { count: r.n, oldestSeconds: r.oldest ? Math.max(0, (now.getTime() - Date.parse(r.oldest)) / 1000) : 0 };
  }

  getMessageRef(incidentKey: string, platform: string, name: string): { channel: string; ref: string } | null {
    return (
      (this.db
        .prepare('SELECT channel, ref FROM message_refs WHERE incident_key = ? AND platform = ? AND name = ?')
        .get(incidentKey, platform, name) as { channel: string; ref: string } | undefined) ?? null
    );
  }

  setMessageRef(incidentKey: string, platform: string, name: string, channel: string, ref: string): void {
    this.db
      .prepare(
        `INSERT INTO message_refs (incident_key, platform, name, channel, ref) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(incident_key, platform, name) DO UPDATE SET channel = excluded.channel, ref = excluded.ref`,
      )
      .run(incidentKey, platform, name, channel, ref);
  }

  /** Inbound de-duplication: true the first time an id is seen. */
  firstSighting(id: string, now: Date): boolean {
    return this.db.prepare('INSERT OR IGNORE INTO processed_events (id, at) VALUES (?, ?)').run(id, now.toISOString()).changes === 1;
  }
}
