// Alert groups and the notifications received for them (migration 008). One transaction per save: the
// group (optimistic version check, like incidents), the keys and fingerprints it is found by, the
// notification's raw body (append-only), the group's decision in the hash-chained alert_decisions (once),
// and the outbox row that refreshes its prompt, so a prompt is never owed without the state it shows.
import type { AlertStore } from '../../app/alert-ports.js';
import { ConflictError } from '../../app/ports.js';
import { type AlertDecisionRow, decisionRow } from '../../domain/alert-decision-chain.js';
import type { AlertGroup, AlertNotification, AlertSource } from '../../domain/alert-group.js';
import type { Db } from './open-database.js';
import { type Statement, statementCache } from './statement-cache.js';

/** The raw body kept per notification (the intake cuts it first; this bounds what storage ever holds). */
export const STORED_RAW_LIMIT = 65_536;

/** The outbox lane of a group's prompt: one per platform and channel, so prompts of a channel stay in order. */
export function alertLane(group: Pick<AlertGroup, 'platform' | 'channel'>): string {
  return `${group.platform}:alerts:${group.channel}`;
}

/** The alert decision record, in chain order (`audit verify`); none in a database from before it. */
export function alertDecisionRows(db: Db): AlertDecisionRow[] {
  const has = db
    .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alert_decisions'")
    .get();
  return has ? (db.prepare('SELECT * FROM alert_decisions ORDER BY seq').all() as AlertDecisionRow[]) : [];
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

  /** The group that took this key last (its own key, or one it took in), in its latest occurrence. */
  byGroupKey(source: AlertSource, groupKey: string): AlertGroup | null {
    const r = this.stmt(
      `SELECT g.state FROM alert_lookup l JOIN alert_groups g ON g.id = l.alert_id
        WHERE l.source = ? AND l.kind = 'key' AND l.value = ? ORDER BY l.id DESC LIMIT 1`,
    ).get(source, groupKey) as { state: string } | undefined;
    return r ? (JSON.parse(r.state) as AlertGroup) : null;
  }

  /** Groups, each the latest occurrence of its key, with an alert of these fingerprints; newest first. */
  byFingerprints(source: AlertSource, fingerprints: string[]): AlertGroup[] {
    const fps = [...new Set(fingerprints)].slice(0, 100);
    if (!fps.length) return [];
    const rows = this.stmt(
      `SELECT DISTINCT g.n, g.state FROM alert_lookup l JOIN alert_groups g ON g.id = l.alert_id
        WHERE l.source = ? AND l.kind = 'fingerprint' AND l.value IN (SELECT value FROM json_each(?))
          AND g.occurrence = (SELECT MAX(o.occurrence) FROM alert_groups o
                               WHERE o.source = g.source AND o.group_key = g.group_key)
        ORDER BY g.n DESC LIMIT 20`,
    ).all(source, JSON.stringify(fps)) as { state: string }[];
    return rows.map((r) => JSON.parse(r.state) as AlertGroup);
  }

  /** The raw notifications kept for a group, oldest first (the evidence behind its prompt). */
  notifications(id: string): { receivedAt: string; status: string; raw: string }[] {
    return this.stmt(
      'SELECT received_at AS receivedAt, status, raw FROM alert_notifications WHERE alert_id = ? ORDER BY id',
    ).all(id) as { receivedAt: string; status: string; raw: string }[];
  }

  /** The latest raw notification kept for a group (null: none). */
  latestNotification(id: string): { receivedAt: string; status: string; raw: string } | null {
    const r = this.stmt(
      `SELECT received_at AS receivedAt, status, raw FROM alert_notifications WHERE alert_id = ?
        ORDER BY id DESC LIMIT 1`,
    ).get(id) as { receivedAt: string; status: string; raw: string } | undefined;
    return r ?? null;
  }

  /** How many groups (or occurrences) were created since `at`. */
  createdSince(at: Date): number {
    const r = this.stmt('SELECT COUNT(*) AS n FROM alert_groups WHERE created_at >= ?').get(
      at.toISOString(),
    ) as { n: number };
    return r.n;
  }

  /** Every decision recorded, in chain order (tests). */
  decisions(): AlertDecisionRow[] {
    return alertDecisionRows(this.db);
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
        this.index(g);
        this.recordDecision(g, at);
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

  /** The keys and fingerprints the group is found by (kept once each; the newest row wins a lookup). */
  private index(g: AlertGroup): void {
    const add = this.stmt(
      'INSERT OR IGNORE INTO alert_lookup (source, kind, value, alert_id) VALUES (?, ?, ?, ?)',
    );
    for (const key of [g.groupKey, ...(g.groupKeys ?? [])]) add.run(g.source, 'key', key, g.id);
    for (const a of g.alerts) add.run(g.source, 'fingerprint', a.fingerprint, g.id);
  }

  /** The group's decision, once, as the next link of the alert_decisions chain. */
  private recordDecision(g: AlertGroup, at: string): void {
    if (g.decision.kind === 'open') return;
    if (this.stmt('SELECT 1 FROM alert_decisions WHERE alert_id = ?').get(g.id)) return;
    const prev = this.stmt('SELECT seq, hash FROM alert_decisions ORDER BY seq DESC LIMIT 1').get() as
      | { seq: number; hash: string }
      | undefined;
    const row = decisionRow(g, prev ?? null, at);
    if (!row) return;
    this.stmt(
      `INSERT INTO alert_decisions (seq, alert_id, occurrence, kind, actor, at, recorded_at, reason, incident,
         confidential, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      row.seq,
      row.alert_id,
      row.occurrence,
      row.kind,
      row.actor,
      row.at,
      row.recorded_at,
      row.reason,
      row.incident,
      row.confidential,
      row.prev_hash,
      row.hash,
    );
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
