// Alert groups and every notification received for them (migration 008). One transaction per save: the
// group (optimistic version check, like incidents), the notification's raw body (append-only), and the outbox
// row that refreshes the group's prompt, so a prompt is never owed without the state it shows, nor lost.
import type { AlertStore } from '../../app/alert-ports.js';
import { ConflictError } from '../../app/ports.js';
import type { AlertGroup, AlertNotification, AlertSource } from '../../domain/alert-group.js';
import type { Db } from './open-database.js';
import { type Statement, statementCache } from './statement-cache.js';

/** The raw body kept per notification (the intake cuts it first; this bounds what storage ever holds). */
export const STORED_RAW_LIMIT = 65_536;

/** The outbox lane of a group's prompt: one per platform and channel, so prompts of a channel stay in order. */
export function alertLane(group: Pick<AlertGroup, 'platform' | 'channel'>): string {
  return `${group.platform}:alerts:${group.channel}`;
}

export class SqliteAlertStore implements AlertStore {
  private readonly stmt: (sql: string) => Statement;

  constructor(
    readonly db: Db,
    private readonly hooks: { afterCommit?: () => void } = {},
  ) {
    this.stmt = statementCache(db);
  }

  get(id: string): AlertGroup | null {
    const r = this.stmt('SELECT state FROM alert_groups WHERE id = ?').get(id) as
      | { state: string }
      | undefined;
    return r ? (JSON.parse(r.state) as AlertGroup) : null;
  }

  byGroupKey(source: AlertSource, groupKey: string): AlertGroup | null {
    const r = this.stmt(
      'SELECT state FROM alert_groups WHERE source = ? AND group_key = ? ORDER BY occurrence DESC LIMIT 1',
    ).get(source, groupKey) as { state: string } | undefined;
    return r ? (JSON.parse(r.state) as AlertGroup) : null;
  }

  /** The raw notifications of a group, oldest first (the evidence behind its prompt). */
  notifications(id: string): { receivedAt: string; status: string; raw: string }[] {
    return this.stmt(
      'SELECT received_at AS receivedAt, status, raw FROM alert_notifications WHERE alert_id = ? ORDER BY id',
    ).all(id) as { receivedAt: string; status: string; raw: string }[];
  }

  save(
    group: AlertGroup,
    now: Date,
    o: { notification?: AlertNotification; refreshPrompt?: boolean } = {},
  ): AlertGroup {
    const at = now.toISOString();
    const saved = this.db
      .transaction((): AlertGroup => {
        const g = group.id === '' ? this.insert(group, at) : this.update(group, at);
        if (o.notification) {
          this.stmt(
            'INSERT INTO alert_notifications (alert_id, received_at, status, raw) VALUES (?, ?, ?, ?)',
          ).run(g.id, at, o.notification.status, o.notification.raw.slice(0, STORED_RAW_LIMIT));
        }
        if (o.refreshPrompt !== false) {
          this.stmt(
            `INSERT INTO outbox (key, incident_key, platform, lane, target, body, created_at, next_attempt_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
          ).run(
            `alert:${g.id}:${g.version}`,
            g.id,
            g.platform,
            alertLane(g),
            JSON.stringify({ to: 'alerts' }),
            JSON.stringify({ kind: 'alert_prompt', alert: g.id }),
            at,
            at,
          );
        }
        return g;
      })
      .immediate();
    this.hooks.afterCommit?.();
    return saved;
  }

  /** ALERT-<n> from one global counter (the largest n so far + 1, inside the IMMEDIATE transaction). */
  private insert(group: AlertGroup, at: string): AlertGroup {
    const { n } = this.stmt('SELECT COALESCE(MAX(n), 0) + 1 AS n FROM alert_groups').get() as { n: number };
    const g: AlertGroup = { ...group, id: `ALERT-${n}`, version: 1 };
    try {
      this.stmt(
        `INSERT INTO alert_groups (id, n, source, group_key, occurrence, status, state, version, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(g.id, n, g.source, g.groupKey, g.occurrence, g.status, JSON.stringify(g), g.version, at, at);
    } catch (e) {
      // Someone stored this occurrence of the group first: the caller re-reads it and decides again.
      if ((e as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE')
        throw new ConflictError(group.groupKey);
      throw e;
    }
    return g;
  }

  private update(group: AlertGroup, at: string): AlertGroup {
    const g: AlertGroup = { ...group, version: group.version + 1 };
    const r = this.stmt(
      'UPDATE alert_groups SET status = ?, state = ?, version = ?, updated_at = ? WHERE id = ? AND version = ?',
    ).run(g.status, JSON.stringify(g), g.version, at, g.id, group.version);
    if (r.changes !== 1) throw new ConflictError(g.id);
    return g;
  }
}
