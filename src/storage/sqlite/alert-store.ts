// Alert groups and the notifications received for them (migration 008). One transaction per save: the
// group (optimistic version check, like incidents), the keys and fingerprints it is found by, the
// notification's raw body (append-only), the group's decision as an entry of its own chain (ALERT-<n>) in
// the one signed ledger (decision_log, through the incident store: domain/alert-decision-log.ts), and the
// outbox row that refreshes its prompt, so a prompt is never owed without the state it shows.
import type { AlertStore } from '../../app/alert-ports.js';
import { ConflictError } from '../../app/ports.js';
import { ALERT_DECISION_KIND, decisionEntry, decisionPayload } from '../../domain/alert-decision-log.js';
import type { AlertGroup, AlertNotification, AlertSource } from '../../domain/alert-group.js';
import { canonicalJson } from '../../domain/audit/canonical.js';
import { hasTable, inJsonList, isUniqueViolation, jsonText, jsonTrue } from '../sql-db.js';
import type { IncidentStore } from './incident-store.js';
import type { Db } from './open-database.js';
import { type Statement, statementCache } from './statement-cache.js';

/** The raw body kept per notification (the intake cuts it first; this bounds what storage ever holds). */
export const STORED_RAW_LIMIT = 65_536;

/** The outbox lane of a group's prompt: one per platform and channel, so prompts of a channel stay in order. */
export function alertLane(group: Pick<AlertGroup, 'platform' | 'channel'>): string {
  return `${group.platform}:alerts:${group.channel}`;
}

/** Every alert group's id and stored state (`audit verify`); none in a database from before alerts. */
export function alertGroupStates(db: Db): { id: string; state: string }[] {
  return hasTable(db, 'alert_groups')
    ? (db.prepare('SELECT id, state FROM alert_groups ORDER BY n').all() as { id: string; state: string }[])
    : [];
}

/** Where decisions are recorded: the incident store's ledger (one transaction, one signed checkpoint). */
export type AlertLedger = Pick<IncidentStore, 'appendSystemLog' | 'inOneTransaction'>;

export class SqliteAlertStore implements AlertStore {
  private readonly stmt: (sql: string) => Statement;

  constructor(
    readonly db: Db,
    private readonly hooks: { afterCommit?: () => void; ledger?: AlertLedger } = {},
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
        WHERE l.source = ? AND l.kind = 'fingerprint' AND l.value IN ${inJsonList(this.db)}
          AND g.occurrence = (SELECT MAX(o.occurrence) FROM alert_groups o
                               WHERE o.source = g.source AND o.group_key = g.group_key)
        ORDER BY g.n DESC LIMIT 20`,
    ).all(source, JSON.stringify(fps)) as { state: string }[];
    return rows.map((r) => JSON.parse(r.state) as AlertGroup);
  }

  /** The raw notifications kept for a group, oldest first (the evidence behind its prompt). */
  notifications(id: string): { receivedAt: string; status: string; raw: string }[] {
    return this.stmt(
      'SELECT received_at AS "receivedAt", status, raw FROM alert_notifications WHERE alert_id = ? ORDER BY id',
    ).all(id) as { receivedAt: string; status: string; raw: string }[];
  }

  /** The latest raw notification kept for a group (null: none). */
  latestNotification(id: string): { receivedAt: string; status: string; raw: string } | null {
    const r = this.stmt(
      `SELECT received_at AS "receivedAt", status, raw FROM alert_notifications WHERE alert_id = ?
        ORDER BY id DESC LIMIT 1`,
    ).get(id) as { receivedAt: string; status: string; raw: string } | undefined;
    return r ?? null;
  }

  /** How many groups (or occurrences) the flood limit counts were created since `at` (see AlertStore). */
  createdSince(at: Date): number {
    const db = this.db;
    const r = this.stmt(
      `SELECT COUNT(*) AS n FROM alert_groups WHERE created_at >= ?
         AND coalesce(${jsonText(db, 'state', 'suggestion.mode')}, '') <> 'declare'
         AND NOT (${jsonTrue(db, 'state', 'suggestion.severe')})
         AND NOT (${jsonTrue(db, 'state', 'decision.again')})`,
    ).get(at.toISOString()) as { n: number };
    return r.n;
  }

  /** The decisions recorded in a group's chain, oldest first (tests, audit). */
  decisions(id: string): Record<string, unknown>[] {
    return (
      this.stmt('SELECT payload FROM decision_log WHERE incident_key = ? AND kind = ? ORDER BY seq').all(
        id,
        ALERT_DECISION_KIND,
      ) as { payload: string }[]
    ).map((r) => JSON.parse(r.payload) as Record<string, unknown>);
  }

  save(
    group: AlertGroup,
    now: Date,
    o: { notification?: AlertNotification; refreshPrompt?: boolean } = {},
  ): AlertGroup {
    const at = now.toISOString();
    const ledger = this.hooks.ledger;
    const tx = (fn: () => AlertGroup) =>
      ledger ? ledger.inOneTransaction(fn) : this.db.transaction(fn).immediate();
    const saved = tx((): AlertGroup => {
      const g = group.id === '' ? this.insert(group, at) : this.update(group, at);
      this.index(g);
      this.recordDecision(g, now);
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
    });
    this.hooks.afterCommit?.();
    return saved;
  }

  /** The keys and current fingerprints the group is found by (kept once each; the newest row wins a lookup). */
  private index(g: AlertGroup): void {
    const add = this.stmt(
      'INSERT INTO alert_lookup (source, kind, value, alert_id) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
    );
    for (const key of [g.groupKey, ...(g.groupKeys ?? [])]) add.run(g.source, 'key', key, g.id);
    // only its current alerts find it: one that left the group must not pull a later alert into it
    const current = [...new Set(g.alerts.map((a) => a.fingerprint))];
    this.stmt(
      `DELETE FROM alert_lookup WHERE alert_id = ? AND kind = 'fingerprint'
         AND value NOT IN ${inJsonList(this.db)}`,
    ).run(g.id, JSON.stringify(current));
    for (const f of current) add.run(g.source, 'fingerprint', f, g.id);
  }

  /**
   * The group's decision, when it differs from the last one its chain recorded, as the next entry of its
   * chain in the ledger (in this transaction; the ledger signs a checkpoint over it before the commit).
   */
  private recordDecision(g: AlertGroup, now: Date): void {
    const payload = decisionPayload(g);
    if (!payload) return;
    const last = this.stmt(
      'SELECT payload FROM decision_log WHERE incident_key = ? AND kind = ? ORDER BY seq DESC LIMIT 1',
    ).get(g.id, ALERT_DECISION_KIND) as { payload: string } | undefined;
    if (last && canonicalJson(JSON.parse(last.payload)) === canonicalJson(payload)) return;
    if (!this.hooks.ledger) throw new Error(`no ledger to record the decision on ${g.id} in`);
    this.hooks.ledger.appendSystemLog(g.id, [decisionEntry(payload)], now, `alert:${g.id}:decision`, payload);
  }

  /**
   * ALERT-<n> from one global counter: the largest n so far + 1, read inside the write transaction. That
   * transaction holds the one write lock (SQLite IMMEDIATE; PostgreSQL the advisory write lock every replica
   * takes, pg-db.ts), so no other process or replica can allocate between the read and the insert.
   */
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
      // (On PostgreSQL the failed insert also ends the transaction: the save is retried from the start.)
      if (isUniqueViolation(e)) throw new ConflictError(group.groupKey);
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
