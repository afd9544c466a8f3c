// One reminder pass: what is owed comes from the database (dueReminders over the incidents that can
// owe something); each owed reminder is claimed by inserting its key into `reminders`, and only the
// pass that inserted it writes the outbox row and the decision-log entry, in the same transaction.
// A second pass, or a second process, over the same instant inserts nothing and sends nothing; a
// crash after the commit leaves a pending outbox row that the dispatcher delivers on its next run.

import type { Incident } from '../domain/incident.js';
import type { Playbook } from '../domain/playbook.js';
import {
  dueReminders,
  type IncidentWithPlaybook,
  nextReminderCheck,
  type Reminder,
  type ReminderOptions,
} from '../domain/reminders.js';
import type { IncidentStore } from '../storage/sqlite/incident-store.js';
import { laneFor } from './ports.js';

export interface ReminderPassOptions {
  store: IncidentStore;
  /** Resolves the playbook an incident runs under (IncidentService.playbookFor). */
  service: { playbookFor(incident: Incident | null): Playbook };
  now: Date;
  /** Compute and return what is owed, claim and queue nothing. */
  dryRun?: boolean;
  reminders?: ReminderOptions;
  /** Look at most at this many incidents in this pass (the rest stay due for the next pass): bounds the
   *  time one pass blocks the event loop during a large catch-up. */
  maxIncidents?: number;
  /** Test seam: called before each claim transaction (to interleave another pass, or to "crash"). */
  beforeClaim?: (r: Reminder) => void;
}

export interface ReminderPassResult {
  /** Reminders owed at `now` and not yet claimed when the pass looked. */
  due: number;
  /** Reminders this pass claimed (and queued). 0 in a dry run. */
  claimed: number;
  /** What this pass claimed (in a dry run: what it would claim). */
  reminders: Reminder[];
  /** Incidents that could owe something (loaded and looked at). */
  candidates: number;
  /** True when maxIncidents cut the pass short: run another pass soon. */
  more: boolean;
}

/**
 * Incidents that can owe a reminder: changed since they were last looked at (next_check_at NULL), or whose
 * next check is due. A finished incident is looked at once after its last change and then parked at a far
 * future check when nothing more can fall due (follow-ups and regulatory clocks can outlive the incident).
 */
const CANDIDATES_SQL = `
  SELECT state, updated_at FROM incidents
  WHERE next_check_at IS NULL OR next_check_at <= ?
  ORDER BY next_check_at IS NOT NULL, next_check_at, declared_at
  LIMIT ?`;

/** Which of these reminder keys are already claimed: one query, whatever their number. */
const CLAIMED_SQL = 'SELECT key FROM reminders WHERE key IN (SELECT value FROM json_each(?))';

export function loadReminderCandidates(
  store: IncidentStore,
  service: ReminderPassOptions['service'],
  now: Date,
  limit = -1,
): IncidentWithPlaybook[] {
  const rows = store.db.prepare(CANDIDATES_SQL).all(now.toISOString(), limit) as {
    state: string;
    updated_at: string;
  }[];
  return rows.map((r) => {
    const incident = JSON.parse(r.state) as Incident;
    // updated_at: when the incident last changed; lateness of a reminder counts from no earlier than that.
    return { incident, playbook: service.playbookFor(incident), changedAt: r.updated_at };
  });
}

export function runReminderPass(o: ReminderPassOptions): ReminderPassResult {
  const { store, now } = o;
  const db = store.db;
  const candidates = loadReminderCandidates(store, o.service, now, o.maxIncidents ?? -1);
  // What is owed regardless of claims, then one query for which of those keys are claimed. Because the
  // latest instant of each family is chosen before the claim check, this equals
  // dueReminders(candidates, claimedKeys, now).
  const owed = dueReminders(candidates, () => false, now, o.reminders);
  const claimedKeys =
    owed.length === 0
      ? new Set<string>()
      : new Set(
          (db.prepare(CLAIMED_SQL).all(JSON.stringify(owed.map((r) => r.key))) as { key: string }[]).map(
            (r) => r.key,
          ),
        );
  const due = owed.filter((r) => !claimedKeys.has(r.key));
  const more = o.maxIncidents !== undefined && candidates.length >= o.maxIncidents;
  if (o.dryRun) return { due: due.length, claimed: 0, reminders: due, candidates: candidates.length, more };
  const toClaim = due;

  const byKey = new Map(candidates.map((c) => [c.incident.key, c.incident]));
  const at = now.toISOString();
  const claimRow = db.prepare(
    'INSERT OR IGNORE INTO reminders (key, incident_key, kind, due_at, claimed_at) VALUES (?, ?, ?, ?, ?)',
  );
  const outboxRow = db.prepare(
    `INSERT OR IGNORE INTO outbox (key, incident_key, platform, lane, target, body, created_at, next_attempt_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const claimOne = db.transaction((r: Reminder, incident: Incident): boolean => {
    if (claimRow.run(r.key, r.incidentKey, r.kind, r.dueAt, at).changes !== 1) return false;
    const outboxKey = `reminder:${r.key}`;
    outboxRow.run(
      outboxKey,
      incident.key,
      incident.platform,
      laneFor(incident.key, incident.platform, r.target),
      JSON.stringify(r.target),
      JSON.stringify({ kind: 'post', template: 'nudge', data: { ...r } }),
      at,
      at,
    );
    // Nested transaction = savepoint: the log entry commits or rolls back with the claim.
    store.appendSystemLog(
      incident.key,
      [
        {
          type: 'log',
          kind: 'nudge',
          payload: {
            reminder: r.key,
            kind: r.kind,
            dueAt: r.dueAt,
            lateBy: r.lateBy,
            target: r.target,
            drill: incident.drill,
          },
        },
      ],
      now,
      outboxKey,
    );
    return true;
  });

  const claimed: Reminder[] = [];
  if (o.beforeClaim) {
    for (const r of toClaim) {
      const incident = byKey.get(r.incidentKey);
      if (!incident) continue;
      o.beforeClaim(r);
      // IMMEDIATE: two processes claiming at the same instant serialise on the write lock.
      if (claimOne.immediate(r, incident)) claimed.push(r);
    }
  } else {
    // Claims in batches: one write transaction per 200 reminders keeps a large catch-up cheap
    // while never holding the write lock for long. Each claim is still all-or-nothing (savepoint).
    const claimBatch = db.transaction((batch: Reminder[]) => {
      for (const r of batch) {
        const incident = byKey.get(r.incidentKey);
        if (incident && claimOne(r, incident)) claimed.push(r);
      }
    });
    for (let n = 0; n < toClaim.length; n += 200) claimBatch.immediate(toClaim.slice(n, n + 200));
  }
  // Each incident looked at is next looked at when something can fall due (a change of state resets it).
  const setNext = db.prepare('UPDATE incidents SET next_check_at = ? WHERE key = ? AND version = ?');
  db.transaction(() => {
    for (const c of candidates) {
      const next = nextReminderCheck(c.incident, c.playbook, now, o.reminders);
      setNext.run(next ?? '9999-12-31T00:00:00.000Z', c.incident.key, c.incident.version);
    }
  }).immediate();
  return {
    due: due.length,
    claimed: claimed.length,
    reminders: claimed,
    candidates: candidates.length,
    more,
  };
}
