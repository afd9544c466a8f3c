// What a decision owes the world, as data. The store turns `log` effects into decision-log rows
// and `message` effects into outbox rows, in the same transaction as the state change.
import type { TrackerName } from './incident.js';
import type { PageCallData } from './paging.js';

export type LogKind =
  | 'declared'
  | 'role'
  | 'overload'
  | 'checklist'
  | 'communication'
  | 'phase'
  | 'reclassified'
  | 'closed'
  | 'stood_down'
  | 'review'
  | 'note'
  | 'decision'
  | 'evidence'
  | 'correction'
  | 'room'
  | 'snooze'
  | 'followup'
  | 'export'
  | 'nudge'
  | 'message_sent'
  /** Written by storage: the ledger's start on a migrated database; a change that logged nothing else. */
  | 'audit_ledger'
  | 'state_changed'
  | 'member'
  | 'confidential'
  /** The debrief scheduled and who was invited (at close, and owners of follow-ups filed later). */
  | 'debrief'
  /** A workstream's lead taken, named, handed over or released. */
  | 'workstream'
  /** The local console's clock was moved forward for a drill (never in production). */
  | 'clock'
  /** A commitment to stakeholders made, kept or dropped; a stakeholder question asked or answered. */
  | 'commitment'
  | 'question'
  /** A playbook action requested (freeze deployments, master switch) and each answer of its webhook. */
  | 'action'
  /** A monitoring alert attached to the incident, or resolved (decide/alerts.ts). */
  | 'alert'
  /** An on-call paged (PagerDuty, Opsgenie), each answer, and the page resolved at close (decide/paging.ts). */
  | 'page'
  /** A decision on an alert group, in the group's own chain (ALERT-<n>; domain/alert-decision-log.ts). */
  | 'alert_decision';

export type Target =
  | { to: 'room' }
  | { to: 'stakeholders' }
  | { to: 'user'; user: string }
  /** The audit channel: checkpoint digests kept outside the database (queued by the audit publisher). */
  | { to: 'audit' }
  /** The alerts channel: an alert group's prompt (the row's incident key is the group's id, ALERT-…). */
  | { to: 'alerts' }
  /**
   * A system outside the chat platforms (a webhook, the firm's issue tracker): the row is delivered by that
   * service's sender, in its own lane, whatever platform the incident runs on.
   */
  | {
      to: 'service';
      service: ServiceName;
      /**
       * A lane of its own within the incident's lane for this service (a page per target: a page retrying a
       * 429 must not hold back the next role's page; its trigger and resolve stay in order).
       */
      lane?: string;
    };

/** The outside systems the outbox delivers to (each has one sender, registered by the composition root). */
export type ServiceName = 'actions' | 'tracker' | 'pager';

/** Named messages the adapters know how to render. `data` carries what the template needs. */
export type PostTemplate =
  | 'announcement'
  | 'role_change'
  | 'role_brief'
  | 'overload'
  | 'communication'
  | 'phase_changed'
  | 'reclassified'
  | 'closed'
  | 'stood_down'
  | 'review_recorded'
  | 'room_fallback'
  | 'followup'
  /** A follow-up's issue filed in the backlog (or why it could not be), or its state read back from there. */
  | 'followup_tracker'
  | 'nudge'
  | 'export'
  | 'audit_checkpoint'
  /** What a confidential incident tells the stakeholder channel: that it exists and who leads it. */
  | 'confidential_notice'
  | 'member_added'
  /** The debrief invitation to one person (1:1): when, who facilitates, the agenda, a calendar file. */
  | 'debrief_invite'
  /** In the room: who was invited to the debrief. */
  | 'debrief_invited'
  /** A workstream's lead changed (and, when it is the last one led, the checklist item it completes). */
  | 'workstream_change'
  /** After the review: the communication recap for stakeholders is prefilled, to be checked and sent. */
  | 'recap_due'
  /** A commitment to stakeholders or a stakeholder question recorded (or settled), in the room. */
  | 'stakeholder_item'
  /** A playbook action requested, retried, done or failed (data: `ActionPostData`). */
  | 'action'
  /** A monitoring alert attached to the incident, or resolved (data: `AlertPostData`, decide/alerts.ts). */
  | 'alert'
  /** An on-call paged, a failed attempt, the answer, a drill's page (data: `PagePostData`, decide/paging.ts). */
  | 'page';

/**
 * The live views of an incident's room: its summary (pinned), the golden-hour checklist, and the timeline
 * (pinned on Slack: the handbook's timeline template, filled in as the incident goes; domain/timeline.ts).
 */
export type LiveView = 'summary' | 'checklist' | 'timeline';

export type Outgoing =
  /** Create the incident's room (Slack channel, Teams thread); the adapter reports back with `room_created`. */
  | { kind: 'create_room' }
  /**
   * The incident is finished (terminal phase, recap sent or not owed): a platform that made the room for it
   * archives it (Teams channel mode; domain/decide/room-archive.ts). Others mark it sent.
   */
  | { kind: 'archive_room' }
  /** Bring a person into the incident's room (Slack: invite to the channel). */
  | { kind: 'invite'; user: string }
  /** A live view of the incident: posted once, then updated in place from the incident's current state. */
  | { kind: 'view'; view: LiveView }
  | { kind: 'post'; template: PostTemplate; data: Record<string, unknown> }
  /**
   * File a follow-up in the firm's backlog (to `{ to: 'service', service: 'tracker' }`): the tracker's sender
   * creates the issue once and reports back with `followup_filed` or `followup_filing_failed`.
   */
  | { kind: 'file_followup'; followup: string; tracker: TrackerName }
  /**
   * Call a playbook action's webhook (to `{ to: 'service', service: 'actions' }`): the actions sender fills
   * the body from `data`, calls, and reports every answer back with `action_answered`.
   */
  | { kind: 'action'; action: string; request: string; data: ActionCallData }
  /** Post (then update in place) an alert group's prompt in its channel, from the group's current state. */
  | { kind: 'alert_prompt'; alert: string }
  /**
   * Trigger or resolve a page (to `{ to: 'service', service: 'pager' }`): the pager sender calls PagerDuty or
   * Opsgenie with the page's dedup key and reports every answer back with `page_answered`.
   */
  | {
      kind: 'page';
      request: string;
      action: 'trigger' | 'resolve';
      dedupKey: string;
      provider: 'pagerduty' | 'opsgenie';
      data: PageCallData;
    };

/** What an action's body template is filled from, as it was when the action was requested. */
export interface ActionCallData {
  incident: string;
  title: string;
  actor: string;
  actorName: string;
  reason: string;
  requestedAt: string;
  drill: boolean;
  platform: string;
}

export interface LogEffect {
  type: 'log';
  kind: LogKind;
  payload: Record<string, unknown>;
  /** Reference to where it came from, e.g. a permalink. */
  source?: string;
  /** Time the entry is about, when it is not the command time (e.g. a message's original time). */
  at?: string;
}

export interface MessageEffect {
  type: 'message';
  /** Unique within the command that produced it; the store prefixes the command's idempotency key. */
  key: string;
  target: Target;
  body: Outgoing;
  /** Owed once per incident, whatever command produces it again (e.g. a role brief to a person). */
  once?: boolean;
}

/** A sentence for the person who issued the command (ephemeral in Slack). */
export interface NoticeEffect {
  type: 'notice';
  level: 'info' | 'warning';
  text: string;
  /** Whom it is for, when not the actor. */
  user?: string;
  /**
   * The actor acted in the incident's room, which shows this already (a post there, the refreshed summary):
   * a platform may leave it out where telling them costs a message of its own.
   */
  shownInRoom?: true;
}

export type Effect = LogEffect | MessageEffect | NoticeEffect;
