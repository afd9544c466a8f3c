// The incident as the core sees it: a plain, JSON-serialisable value. Times are ISO-8601 UTC strings.
import type { Debrief } from './debrief.js';
import type { Page } from './paging.js';
import type { WorkstreamChange } from './workstreams.js';

/** `web`: the local console (local mode only, src/platforms/web). */
export type Platform = 'slack' | 'teams' | 'web' | 'cli';

/** A person as the platform names them (Slack user id "U123", Teams AAD object id or "29:..."). */
export interface Actor {
  platform: Platform;
  id: string;
  name?: string;
}

export interface RoleChange {
  at: string;
  role: string;
  kind: 'claim' | 'release' | 'assign' | 'handover';
  from: string | null;
  to: string | null;
  by: string;
}

export interface ChecklistMark {
  state: 'done' | 'na';
  by: string;
  at: string;
  reason?: string;
}

export interface PhaseSpan {
  phase: string;
  enteredAt: string;
  leftAt: string | null;
  by: string;
  /** Why we came here: "forward" with confirmed criteria, "back" with a reason. */
  move: 'start' | 'forward' | 'back' | 'stand_down';
  reason?: string;
}

export interface Communication {
  template: 'initial_alert' | 'status_update' | 'closure_notice' | 'recap';
  at: string;
  by: string;
  fields: Record<string, string>;
}

export interface Incident {
  key: string;
  /** Optimistic concurrency: bumped on every saved change. */
  version: number;
  platform: Platform;
  title: string;
  triggerClass: string;
  severeImpact: boolean;
  impact: string;
  drill: boolean;
  playbook: { version: string; sha256: string };
  declaredAt: string;
  declaredBy: string;
  /** The room it was declared in, on its platform (older incidents and declarations from nowhere lack it). */
  declaredIn?: string;
  phase: string;
  phases: PhaseSpan[];
  /** role id -> user ids holding it (in the order they took it). */
  roles: Record<string, string[]>;
  roleHistory: RoleChange[];
  checklist: Record<string, ChecklistMark>;
  communications: Communication[];
  initialAlertAt: string | null;
  lastStatusUpdateAt: string | null;
  closedAt: string | null;
  reviewDueOn: string | null;
  reviewFacilitator: string | null;
  reviewedAt: string | null;
  /** kind -> ISO time until which that kind of nudge is snoozed. */
  snoozes: Record<string, string>;
  /** Where the incident is worked: a Slack channel or a Teams conversation. */
  room: Room | null;
  /** Platform message ids already in the decision log (a message is logged once). */
  loggedMessages: string[];
  followups: FollowUp[];
  review: Review | null;
  /** Set when the incident was stood down as a false alarm instead of closed (older incidents lack it). */
  standDown?: { at: string; by: string; reason: string } | null;
  /** People in the incident besides its declarer and role holders (see membership.ts); older incidents lack it. */
  members?: string[];
  /** Shown only to its members: a private room, nothing of it in public posts, lists or metrics. */
  confidential?: boolean;
  /** The debrief scheduled at close and who was invited (decide/debrief.ts); older incidents lack it. */
  debrief?: Debrief;
  /** workstream id -> its lead's user id (the playbook's `workstreams`; older incidents lack it). */
  workstreams?: Record<string, string>;
  /** Every change of a workstream's lead, for the record (older incidents lack it). */
  workstreamHistory?: WorkstreamChange[];
  /** What the incident promised stakeholders, and by when (the comms lead's; older incidents lack it). */
  commitments?: Commitment[];
  /** Questions stakeholders asked, and their answers (the comms lead's; older incidents lack it). */
  questions?: StakeholderQuestion[];
  /**
   * The communication recap owed to stakeholders once the review is recorded (decide/recap.ts): prefilled
   * from the review, sent by the comms lead or IC. Older incidents (reviewed before it existed) lack it.
   */
  recap?: { owedSince: string; sentAt: string | null; sentBy?: string };
  /** Playbook actions run (freeze deployments, master switch) and their answers; older incidents lack it. */
  actionRuns?: ActionRun[];
  /** Monitoring alerts it was declared from or attached to (decide/alerts.ts); older incidents lack it. */
  alerts?: IncidentAlert[];
  /** The on-call paged for it (decide/paging.ts), each with its dedup key and answer; older incidents lack it. */
  pages?: Page[];
}

/** An alert group (ALERT-…) as an incident keeps it: what fired and whether it has resolved. */
export interface IncidentAlert {
  id: string;
  summary: string;
  status: 'firing' | 'resolved';
  startsAt: string;
  resolvedAt?: string;
  link?: string;
}

/** One run of a playbook action (src/domain/playbook-actions.ts): requested, then answered by the webhook. */
export interface ActionRun {
  /** Unique within the incident: `<action>.<n>`. */
  request: string;
  action: string;
  by: string;
  at: string;
  reason: string;
  /** `requested` until the webhook answered for good. */
  state: 'requested' | 'succeeded' | 'failed';
  /** Calls made so far. */
  attempts: number;
  /** The last HTTP status (absent: no answer, e.g. a timeout). */
  status?: number;
  /** The last error when it failed (a status line, a timeout). */
  error?: string;
  answeredAt?: string;
}

/** A promise made to stakeholders ("next update to the desk by 14:30"): kept or dropped, never forgotten. */
export interface Commitment {
  id: string;
  what: string;
  /** ISO UTC instant. */
  due: string;
  state: 'open' | 'kept' | 'dropped';
  createdAt: string;
  createdBy: string;
  resolvedAt?: string;
  resolvedBy?: string;
  /** How it was kept, or why it was dropped. */
  note?: string;
}

/** A question a stakeholder asked: open until the answer given to them is recorded. */
export interface StakeholderQuestion {
  id: string;
  text: string;
  /** Who asked (free text: a person, a desk, a client). */
  from?: string;
  askedAt: string;
  askedBy: string;
  answer?: string;
  answeredAt?: string;
  answeredBy?: string;
}

export interface Room {
  platform: Platform;
  id: string;
  name: string;
  link?: string;
  /** True when the room could not be created and the declaring channel is used instead. */
  fallback?: boolean;
}

/**
 * The handbook's control objectives (risk, compliance, resilience): what a follow-up or a contributing
 * factor maps to when the playbook's `review.objectives` does not say otherwise.
 */
export const OBJECTIVES = ['risk', 'compliance', 'resilience'] as const;
/** A control objective's id (the playbook's `review.objectives`). */
export type Objective = string;
export const OBJECTIVE_NAMES: Record<string, string> = {
  risk: 'Risk',
  compliance: 'Compliance',
  resilience: 'Resilience',
};

export interface FollowUp {
  id: string;
  what: string;
  owner: string;
  due: string;
  objective: Objective;
  state: 'open' | 'done';
  createdAt: string;
  createdBy: string;
  doneAt: string | null;
  /** Acceptance criteria: how we know it is done (follow-ups filed before they were asked for lack them). */
  acceptance?: string;
  /** Who or what marked it done: absent for a person, `tracker` when its issue was closed in the tracker. */
  doneBy?: 'tracker';
  /** Its issue in the firm's backlog, once filed (see src/integrations/tracker-sender.ts). */
  issue?: FollowupIssue;
  /** Why filing it in the backlog failed for good (cleared when it is filed after all). */
  filingFailed?: { tracker: TrackerName; reason: string; at: string };
}

/** The issue trackers a follow-up can be filed in (one is configured at a time). */
export type TrackerName = 'jira' | 'github';
export const TRACKER_NAMES: Record<TrackerName, string> = { jira: 'Jira', github: 'GitHub' };

export interface FollowupIssue {
  tracker: TrackerName;
  /** The tracker's own key: "OPS-123" (Jira), "owner/repo#42" (GitHub). */
  key: string;
  url: string;
  filedAt: string;
  /** The tracker's status as last read back (e.g. "In Progress", "closed"). */
  status?: string;
  statusAt?: string;
}

export interface Review {
  at: string;
  by: string;
  summary: string;
  whys: string[];
  factors: string;
  lessons: string;
  /** Corrective actions (reviews recorded before they were asked for lack them). */
  correctiveActions?: string;
  /** Verification plans: how we will know the fixes work (absent on older reviews). */
  verificationPlan?: string;
  /** True when the review said no follow-up tasks are needed (the corrective actions say why). */
  noFollowups?: boolean;
  /** The answers to the playbook's review questions (e.g. the readiness check), by question id. */
  answers?: Record<string, string>;
}

export function isClosed(i: Incident): boolean {
  return i.closedAt !== null;
}

export function holders(i: Incident, role: string): string[] {
  return i.roles[role] ?? [];
}

export function rolesOf(i: Incident, user: string): string[] {
  return Object.entries(i.roles)
    .filter(([, users]) => users.includes(user))
    .map(([role]) => role);
}
