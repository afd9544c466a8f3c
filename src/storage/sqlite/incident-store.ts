// The store: one transaction per command (SQLite or PostgreSQL, through sql-db.ts's Db). Loads the incident (checking its state against its log),
// lets the core decide, saves it (optimistic version check), appends the decision-log entries to the audit
// ledger (ledger-writer.ts, which signs a checkpoint before the commit), writes the outbox rows for every
// message owed, and records the command's idempotency key. If anything throws, nothing of it is stored.

import {
  type CommandOutcome,
  type CommandRequest,
  ConflictError,
  type IncidentRepo,
  type LogRow,
  laneFor,
  senderFor,
} from '../../app/ports.js';
import type { CheckpointSigner } from '../../domain/audit/checkpoint.js';
import type { Decision } from '../../domain/decide.js';
import type { LogEffect, MessageEffect, NoticeEffect } from '../../domain/effects.js';
import type { DomainError } from '../../domain/errors.js';
import type { Incident } from '../../domain/incident.js';
import type { Playbook } from '../../domain/playbook.js';
import { jsonText } from '../sql-db.js';
import { LedgerWriter } from './ledger-writer.js';
import type { Db } from './open-database.js';
import { ParsedStates } from './parsed-states.js';
import { type Statement, statementCache } from './statement-cache.js';

interface StoredResult {
  ok: boolean;
  incidentKey: string | null;
  error?: DomainError;
  notices?: NoticeEffect[];
}

export interface StoreHooks {
  /** Called inside the transaction before it commits (tests use it to throw half-way). */
  beforeCommit?: (req: CommandRequest) => void;
  /** Called after each commit (the composition root holds the request's answer until it is synced). */
  afterCommit?: () => void;
}

export class IncidentStore implements IncidentRepo {
  /** Statements are prepared once per SQL text (see statement-cache.ts). */
  private readonly stmt: (sql: string) => Statement;
  private readonly ledger: LedgerWriter;
  private readonly parsed = new ParsedStates();

  /** `signer` signs the ledger's checkpoints; without it (some tests) nothing is signed. */
  constructor(
    readonly db: Db,
    private readonly hooks: StoreHooks = {},
    signer?: CheckpointSigner,
  ) {
    this.stmt = statementCache(db);
    this.ledger = new LedgerWriter(db, signer);
  }

  /** How many sealed() calls are running (nested ones are savepoints of the outermost transaction). */
  private depth = 0;

  /**
   * Runs `fn` in one IMMEDIATE transaction and signs what it appended before the commit. Nested calls
   * (a batch of appends in one transaction) sign once, when the outermost one commits.
   */
  private sealed<T>(fn: () => T): T {
    // Inside an outer sealed() the work joins its transaction without a savepoint of its own: nothing
    // catches an inner failure to carry on, so the whole outer transaction rolls back with it.
    if (this.depth > 0) return fn();
    const tx = this.db.transaction((): T => {
      try {
        const r = fn();
        this.ledger.seal();
        return r;
      } catch (e) {
        this.ledger.reset();
        this.parsed.clear();
        throw e;
      }
    });
    this.depth++;
    let r: T;
    try {
      // IMMEDIATE takes the write lock up front (on PostgreSQL the cluster-wide advisory lock, pg-db.ts): two
      // processes or replicas never both read, then fight to write.
      r = tx.immediate();
    } finally {
      this.depth--;
    }
    this.hooks.afterCommit?.();
    return r;
  }

  /** Runs `fn` (system log appends, e.g. a batch of reminder claims) in one transaction with one signature. */
  inOneTransaction<T>(fn: () => T): T {
    return this.sealed(fn);
  }

  get(key: string): Incident | null {
    const state = this.storedState(key);
    return state ? this.parsed.parse(key, state) : null;
  }

  private storedState(key: string): string | null {
    const row = this.stmt('SELECT state FROM incidents WHERE key = ?').get(key) as
      | { state: string }
      | undefined;
    return row?.state ?? null;
  }

  findByRoom(platform: string, roomId: string): Incident | null {
    const row = this.stmt(
      'SELECT key, state FROM incidents WHERE platform = ? AND room_id = ? ORDER BY declared_at DESC LIMIT 1',
    ).get(platform, roomId) as { key: string; state: string } | undefined;
    return row ? this.parsed.parse(row.key, row.state) : null;
  }

  /** Incidents not yet done (open, or closed and awaiting review), oldest first. */
  listActive(): Incident[] {
    return (
      this.stmt("SELECT state FROM incidents WHERE phase != 'done' ORDER BY declared_at").all() as {
        state: string;
      }[]
    ).map((r) => JSON.parse(r.state) as Incident);
  }

  /**
   * Filtered here, not in SQL: the window is minutes (a few rows, parsed once each by the cache), and
   * PostgreSQL refuses to read as JSON any state holding an escaped NUL (\u0000, from a pasted title),
   * which would fail every declaration while that incident is in the window.
   */
  declaredBy(user: string, since: Date): Incident[] {
    const rows = this.stmt(
      'SELECT key, state FROM incidents WHERE declared_at >= ? ORDER BY declared_at DESC',
    ).all(since.toISOString()) as { key: string; state: string }[];
    return rows.map((r) => this.parsed.parse(r.key, r.state)).filter((i) => i.declaredBy === user);
  }

  listOpen(): Incident[] {
    return (
      this.stmt('SELECT state FROM incidents WHERE closed_at IS NULL ORDER BY declared_at').all() as {
        state: string;
      }[]
    ).map((r) => JSON.parse(r.state) as Incident);
  }

  savePlaybook(pb: Playbook, sha256: string, now: Date): void {
    this.stmt(
      'INSERT INTO playbooks (sha256, version, body, loaded_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
    ).run(sha256, pb.version, JSON.stringify(pb), now.toISOString());
  }

  playbookBySha(sha256: string): Playbook | null {
    const row = this.stmt('SELECT body FROM playbooks WHERE sha256 = ?').get(sha256) as
      | { body: string }
      | undefined;
    return row ? (JSON.parse(row.body) as Playbook) : null;
  }

  keyLogEntries(
    incidentKey: string,
    kinds: readonly string[],
    recent: number,
  ): { recent: LogRow[]; times: string[] } {
    const where = `incident_key = ? AND kind IN (${kinds.map(() => '?').join(', ')})
      AND NOT (kind = 'phase' AND ${jsonText(this.db, 'payload', 'move')} = 'forward')`;
    const rows = this.stmt(
      `SELECT * FROM (SELECT * FROM decision_log WHERE ${where} ORDER BY seq DESC LIMIT ?) AS r ORDER BY seq`,
    ).all(incidentKey, ...kinds, recent) as LogRow[];
    const times = this.stmt(`SELECT at FROM decision_log WHERE ${where} ORDER BY seq`)
      .pluck()
      .all(incidentKey, ...kinds) as string[];
    return { recent: rows, times };
  }

  logEntries(incidentKey: string): LogRow[] {
    return this.stmt('SELECT * FROM decision_log WHERE incident_key = ? ORDER BY seq').all(
      incidentKey,
    ) as LogRow[];
  }

  /** Runs one command in one transaction. `decideFn` is the core's decide bound to the incident's playbook. */
  run(
    req: CommandRequest,
    decideFn: (incident: Incident | null, nextKey: () => string) => Decision,
  ): CommandOutcome {
    return this.sealed((): CommandOutcome => {
      const seen = this.stmt('SELECT result FROM commands WHERE key = ?').get(req.key) as
        | { result: string }
        | undefined;
      if (seen) {
        const r = JSON.parse(seen.result) as StoredResult;
        const incident = r.incidentKey ? this.get(r.incidentKey) : null;
        if (r.ok && incident) {
          return { ok: true, incident, notices: r.notices ?? [], replay: true, logEntries: 0, outbox: 0 };
        }
        return {
          ok: false,
          error: r.error ?? { code: 'conflict', message: 'Already handled.' },
          replay: true,
          incident,
        };
      }
      const stored = req.incidentKey ? this.storedState(req.incidentKey) : null;
      const before = stored && req.incidentKey ? this.parsed.parse(req.incidentKey, stored) : null;
      if (before && stored) this.ledger.checkState(before.key, before, stored);
      const decision = decideFn(before, () => this.allocateKey(req.now));
      const at = req.now.toISOString();
      if (!decision.ok) {
        // Refusals are answered, and the same request replayed gets the same answer; nothing else changes.
        this.recordCommand(
          req.key,
          req.incidentKey,
          at,
          { ok: false, incidentKey: req.incidentKey, error: decision.error },
          req.sighting,
        );
        return { ok: false, error: decision.error, replay: false, incident: before };
      }
      const incident = decision.incident;
      const json = this.save(before, incident, at);
      const logs = decision.effects.filter((e): e is LogEffect => e.type === 'log');
      const messages = decision.effects.filter((e): e is MessageEffect => e.type === 'message');
      const notices = decision.effects.filter((e): e is NoticeEffect => e.type === 'notice');
      // A change always leaves an entry, so the log's state digest follows the state.
      if (logs.length === 0)
        logs.push({ type: 'log', kind: 'state_changed', payload: { version: incident.version } });
      this.ledger.append(incident.key, req, logs, req.key, { value: incident, json });
      this.parsed.remember(incident.key, json, incident);
      let outbox = 0;
      for (const m of messages) outbox += this.enqueue(incident, m, req.key, at);
      this.recordCommand(
        req.key,
        incident.key,
        at,
        { ok: true, incidentKey: incident.key, notices },
        req.sighting,
      );
      this.hooks.beforeCommit?.(req);
      return { ok: true, incident, notices, replay: false, logEntries: logs.length, outbox };
    });
  }

  /** Appends entries to an incident's log outside a command (e.g. "message sent" from the dispatcher). */
  appendSystemLog(
    incidentKey: string,
    entries: LogEffect[],
    now: Date,
    commandKey: string | null = null,
    state?: object,
  ): void {
    this.sealed(() =>
      this.ledger.append(
        incidentKey,
        { actor: { platform: 'cli', id: 'incident-bot' }, now },
        entries,
        commandKey,
        state ? { value: state } : null,
      ),
    );
  }

  private enqueue(incident: Incident, m: MessageEffect, commandKey: string, at: string): number {
    const key = m.once ? `${incident.key}:${m.key}` : `${commandKey}:${m.key}`;
    const r = this.stmt(
      `INSERT INTO outbox (key, incident_key, platform, lane, target, body, created_at, next_attempt_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
    ).run(
      key,
      incident.key,
      senderFor(incident.platform, m.target),
      laneFor(incident.key, incident.platform, m.target),
      JSON.stringify(m.target),
      JSON.stringify(m.body),
      at,
      at,
    );
    return r.changes;
  }

  /** Saves the state (optimistic version check); returns the JSON text stored. */
  private save(before: Incident | null, after: Incident, at: string): string {
    const json = JSON.stringify(after);
    const cols = [
      after.version,
      after.platform,
      after.phase,
      after.triggerClass,
      after.drill ? 1 : 0,
      after.declaredAt,
      after.closedAt,
      after.room?.id ?? null,
      after.playbook.sha256,
      json,
      at,
    ];
    if (!before) {
      this.stmt(
        `INSERT INTO incidents (version, platform, phase, trigger_class, drill, declared_at, closed_at, room_id,
             playbook_sha, state, updated_at, key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(...cols, after.key);
      return json;
    }
    const r = this.stmt(
      `UPDATE incidents SET version = ?, platform = ?, phase = ?, trigger_class = ?, drill = ?, declared_at = ?,
           closed_at = ?, room_id = ?, playbook_sha = ?, state = ?, updated_at = ?, next_check_at = NULL
         WHERE key = ? AND version = ?`,
    ).run(...cols, after.key, before.version);
    if (r.changes !== 1) throw new ConflictError(after.key);
    return json;
  }

  /** The idempotency record, and the inbound delivery that carried the command seen in the same commit. */
  private recordCommand(
    key: string,
    incidentKey: string | null,
    at: string,
    result: StoredResult,
    sighting?: string,
  ): void {
    this.stmt('INSERT INTO commands (key, incident_key, at, result) VALUES (?, ?, ?, ?)').run(
      key,
      incidentKey,
      at,
      JSON.stringify(result),
    );
    if (sighting)
      this.stmt('INSERT INTO processed_events (id, at) VALUES (?, ?) ON CONFLICT DO NOTHING').run(
        sighting,
        at,
      );
  }

  /** INC-YYYY-NNNN, per year, never reused (the counter only grows, even if a declaration is refused). */
  private allocateKey(now: Date): string {
    const year = now.getUTCFullYear();
    // The column qualified: PostgreSQL finds a bare `last` ambiguous (the row or EXCLUDED's).
    const { last } = this.stmt(
      `INSERT INTO incident_keys (year, last) VALUES (?, 1)
         ON CONFLICT(year) DO UPDATE SET last = incident_keys.last + 1 RETURNING last`,
    ).get(year) as { last: number };
    return `INC-${year}-${String(last).padStart(4, '0')}`;
  }
}
