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
import { laneFor, type ReminderClaim, type ReminderStore, senderFor } from './ports.js';

export interface ReminderPassOptions {
  reminders: ReminderStore;
  /** Resolves the playbook an incident runs under (IncidentService.playbookFor). */
  service: { playbookFor(incident: Incident | null): Playbook };
  /** The instant the pass looks at (what is owed by then). */
  now: Date;
  /**
   * The real time, when the pass looks at another instant (a catch-up run by hand): claims, outbox rows
   * and log entries are recorded at real time, and the entry says which instant the pass looked at.
   */
  realNow?: Date;
  /** Compute and return what is owed, claim and queue nothing. */
  dryRun?: boolean;
  options?: ReminderOptions;
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

/** The incidents that can owe something now, each with the playbook it runs under. */
export function loadReminderCandidates(
  reminders: ReminderStore,
  service: ReminderPassOptions['service'],
  now: Date,
  limit = -1,
): IncidentWithPlaybook[] {
  // changedAt: when the incident last changed; lateness of a reminder counts from no earlier than that.
  return reminders
    .candidates(now, limit)
    .map(({ incident, changedAt }) => ({ incident, playbook: service.playbookFor(incident), changedAt }));
}

/** A reminder's claim: the nudge it owes (outbox) and its decision-log entry. */
function claimOf(r: Reminder, incident: Incident, passAt?: string): ReminderClaim {
  const key = `reminder:${r.key}`;
  return {
    key: r.key,
    incidentKey: incident.key,
    kind: r.kind,
    dueAt: r.dueAt,
    outbox: {
      key,
      platform: senderFor(incident.platform, r.target),
      lane: laneFor(incident.key, incident.platform, r.target),
      target: r.target,
      body: { kind: 'post', template: 'nudge', data: { ...r } },
    },
    log: {
      type: 'log',
      kind: 'nudge',
      payload: {
        reminder: r.key,
        kind: r.kind,
        dueAt: r.dueAt,
        lateBy: r.lateBy,
        target: r.target,
        drill: incident.drill,
        ...(passAt ? { passAt } : {}),
      },
    },
  };
}

export function runReminderPass(o: ReminderPassOptions): ReminderPassResult {
  const { reminders, now } = o;
  const candidates = loadReminderCandidates(reminders, o.service, now, o.maxIncidents ?? -1);
  // What is owed regardless of claims, then one query for which of those keys are claimed. Because the
  // latest instant of each family is chosen before the claim check, this equals
  // dueReminders(candidates, claimedKeys, now).
  const owed = dueReminders(candidates, () => false, now, o.options);
  const claimedKeys = reminders.claimedAmong(owed.map((r) => r.key));
  const due = owed.filter((r) => !claimedKeys.has(r.key));
  const more = o.maxIncidents !== undefined && candidates.length >= o.maxIncidents;
  if (o.dryRun) return { due: due.length, claimed: 0, reminders: due, candidates: candidates.length, more };

  const byIncident = new Map(candidates.map((c) => [c.incident.key, c.incident]));
  const byKey = new Map(due.map((r) => [r.key, r]));
  const claims = due.flatMap((r) => {
    const incident = byIncident.get(r.incidentKey);
    const passAt = o.realNow && o.realNow.getTime() !== now.getTime() ? now.toISOString() : undefined;
    return incident ? [claimOf(r, incident, passAt)] : [];
  });
  const beforeClaim = o.beforeClaim;
  const keys = reminders.claim(
    claims,
    o.realNow ?? now,
    beforeClaim ? { before: (c) => beforeClaim(byKey.get(c.key)!) } : {},
  );
  // Each incident looked at is next looked at when something can fall due (a change of state resets it).
  reminders.setNextChecks(
    candidates.map((c) => ({
      key: c.incident.key,
      version: c.incident.version,
      next: nextReminderCheck(c.incident, c.playbook, now, o.options) ?? '9999-12-31T00:00:00.000Z',
    })),
  );
  const claimed = keys.map((k) => byKey.get(k)!);
  return {
    due: due.length,
    claimed: claimed.length,
    reminders: claimed,
    candidates: candidates.length,
    more,
  };
}
