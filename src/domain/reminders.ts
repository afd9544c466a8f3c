// What reminders are owed, as a pure function of the incidents, what was already claimed and `now`.
// The scheduler only decides WHEN to look; this decides WHAT is owed. Each reminder's key names its
// due instant, so claiming the key (reminders table, primary key) makes it sent once, whatever the
// number of passes or processes. After downtime each family of reminders yields at most ONE catch-up:
// the one with the latest due instant, with `lateBy` saying how late the bot is; older instants of the
// same family are superseded and never sent. Lateness counts from when the reminder became owed (`owedAt`),
// not from its due instant: a snooze or a change of the incident (a re-classification to severe impact
// moves the status clock back) can make a reminder owed only after its due instant, and that is no delay.
import type { Target } from './effects.js';
import type { Incident } from './incident.js';
import type { Playbook } from './playbook.js';
import { type Candidate, type Family, families } from './reminder-families.js';

export type ReminderKind =
  | 'status-update'
  | 'status-escalate'
  | 'status-overdue'
  | 'initial-alert'
  | 'initial-alert-overdue'
  | 'golden-hour-warning'
  | 'golden-hour'
  | 'roles-unfilled'
  /** Required roles still open after paging.pageAfterMinutes: the nudge offers to page them (paging-reminders.ts). */
  | 'roles-page'
  | 'review-due'
  | 'review-overdue'
  | 'followup-due'
  | 'followup-overdue'
  | 'regulatory-clock'
  | 'regulatory-clock-due'
  /** A commitment to stakeholders falls due (commitment-reminders.ts). */
  | 'commitment-due'
  /** The communication recap is still unsent after the review (recap-reminders.ts): due, then daily. */
  | 'recap-due'
  | 'recap-overdue';

/** The keys of `incident.snoozes` that silence each family ("snooze {kind, until}"). */
export type SnoozeKind =
  | 'status_update'
  | 'initial_alert'
  | 'golden_hour'
  | 'required_roles'
  | 'review'
  | 'followup'
  | 'regulatory'
  | 'commitment'
  | 'recap';

export interface Reminder {
  /** `{kind}:{incidentKey}:{dueAt}` (follow-ups: `{kind}:{incidentKey}:{followupId}:{dueAt}`). */
  key: string;
  incidentKey: string;
  kind: ReminderKind;
  /** The due instant, ISO UTC (the one the key names). */
  dueAt: string;
  /**
   * When the reminder became owed, ISO UTC: the latest of the due instant, the end of the snooze that held
   * it back, and the incident's last change (IncidentWithPlaybook.changedAt). Not after `now`.
   */
  owedAt: string;
  /** Whole minutes between `owedAt` and `now`: how late the bot is (more than 0 for a catch-up after downtime). */
  lateBy: number;
  target: Target;
  data: Record<string, unknown>;
}

export interface ReminderOptions {
  /** Overrides the playbook's clocks.nudgeGraceMinutes (minutes between nudge, escalation and overdue note). */
  graceMinutes?: number;
  /** The hour (UTC) at which day-based reminders (review, follow-ups) fall due. Default 9. */
  dayHourUtc?: number;
  /** The role nudged for communications. Default: the playbook's `communicationsRole`, else `comms_lead`. */
  commsRole?: string;
  /** Catch-ups later than this many minutes (lateBy) are dropped. Default: never dropped. */
  maxLateMinutes?: number;
  /** Paging is configured: the roles nudge offers to page open roles after paging.pageAfterMinutes. */
  paging?: boolean;
}

export interface IncidentWithPlaybook {
  incident: Incident;
  playbook: Playbook;
  /**
   * When the incident's state last changed (the store's updated_at), when known. A reminder due before it
   * counts as owed from then: the change may be what made it owed (a re-classification, a released role,
   * an unticked item), and the bot was up at that moment, so the time before it is no delay of the bot's.
   */
  changedAt?: string;
}

export type Claimed = Set<string> | ((key: string) => boolean);

const MIN = 60_000;

/** The reminders owed at `now` that nobody has claimed yet: at most one per family per incident. */
export function dueReminders(
  incidents: IncidentWithPlaybook[],
  claimed: Claimed,
  now: Date,
  opts: ReminderOptions = {},
): Reminder[] {
  const isClaimed = typeof claimed === 'function' ? claimed : (k: string) => claimed.has(k);
  const out: Reminder[] = [];
  const t = now.getTime();
  for (const { incident, playbook, changedAt } of incidents) {
    for (const family of families(incident, playbook, t, opts)) {
      const pick = latest(family.candidates, t);
      if (!pick) continue;
      const owed = owedSince(incident, family, pick.at, changedAt, t);
      const lateBy = Math.floor((t - owed) / MIN);
      if (opts.maxLateMinutes !== undefined && lateBy > opts.maxLateMinutes) continue;
      const dueAt = new Date(pick.at).toISOString();
      const key = [pick.kind, incident.key, ...(family.id ? [family.id] : []), dueAt].join(':');
      if (isClaimed(key)) continue;
      out.push({
        key,
        incidentKey: incident.key,
        kind: pick.kind,
        dueAt,
        owedAt: new Date(owed).toISOString(),
        lateBy,
        target: pick.target,
        data: {
          incidentKey: incident.key,
          title: incident.title,
          drill: incident.drill,
          snoozeKind: family.snooze,
          lateBy,
          ...pick.data,
        },
      });
    }
  }
  return out.sort((a, b) => (a.dueAt < b.dueAt ? -1 : a.dueAt > b.dueAt ? 1 : a.key < b.key ? -1 : 1));
}

/**
 * When a reminder due at `due` became owed: the latest of `due`, the end of a snooze of its family (it was
 * held back until then) and the incident's last change, each counted only when not after `now`.
 */
function owedSince(
  i: Incident,
  family: Family,
  due: number,
  changedAt: string | undefined,
  now: number,
): number {
  const keys = [family.snooze, ...(family.id ? [`${family.snooze}:${family.id}`] : [])];
  const instants = [...keys.map((k) => i.snoozes?.[k]), changedAt]
    .filter((x): x is string => x !== undefined)
    .map((x) => Date.parse(x))
    .filter((x) => !Number.isNaN(x) && x <= now);
  return Math.max(due, ...instants);
}

/** The candidate with the latest instant not after `now`; on a tie the later (more severe) one in the list. */
function latest(cands: Candidate[], now: number): Candidate | null {
  let best: Candidate | null = null;
  for (const c of cands) {
    if (Number.isNaN(c.at) || c.at > now) continue;
    if (!best || c.at >= best.at) best = c;
  }
  return best;
}

/**
 * The earliest instant after `now` at which this incident could owe a new reminder, or null when it never
 * will without a change of state. The pass stores it, so a pass only looks at incidents with something due.
 */
export function nextReminderCheck(
  i: Incident,
  pb: Playbook,
  now: Date,
  opts: ReminderOptions = {},
): string | null {
  const t = now.getTime();
  const wake: number[] = [];
  for (const f of families(i, pb, t, opts, wake)) for (const c of f.candidates) wake.push(c.at);
  for (const until of Object.values(i.snoozes ?? {})) wake.push(Date.parse(until));
  let next = Number.POSITIVE_INFINITY;
  for (const w of wake) if (w > t && w < next) next = w;
  return Number.isFinite(next) ? new Date(next).toISOString() : null;
}
