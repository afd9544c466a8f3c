// Everything a person (or the bot itself) can ask of an incident. Adapters build these from
// Slack / Teams payloads after validating them with the schemas in ./forms.ts.
import type { AlertEvidence } from './alert-group.js';
import type { TrackerName } from './incident.js';

export interface MessageSource {
  /** Platform message id, e.g. Slack "C123:1712345678.000100"; unique per logged message. */
  messageId: string;
  permalink?: string;
  author?: string;
  /** When the message was originally written (ISO UTC), not when it was logged. */
  writtenAt?: string;
  files?: { name: string; permalink: string }[];
}

export type Command =
  | {
      type: 'declare';
      key: string;
      title: string;
      triggerClass: string;
      impact: string;
      severeImpact: boolean;
      drill: boolean;
      commander?: string;
      /** The room (channel, conversation) it was declared in: the fallback room if its own cannot be made. */
      declaredIn?: string;
      /** Only its members see it (default: the trigger class's `confidential`). */
      confidential?: boolean;
      /** Declared from a monitoring alert: logged as its first evidence (decide/alerts.ts). */
      alert?: AlertEvidence;
      /** More people made members and invited to its room from the start (an alert rule's `notify`). */
      members?: string[];
    }
  | { type: 'claim_role'; role: string }
  | { type: 'release_role'; role: string; user?: string }
  | { type: 'assign_role'; role: string; user: string }
  /** `user` leads the workstream: the actor takes it, or the IC (or its current lead) names them. */
  | { type: 'lead_workstream'; workstream: string; user: string }
  /** The workstream has no lead any more (its lead steps back, or the IC releases them). */
  | { type: 'release_workstream'; workstream: string }
  | { type: 'check_item'; item: string }
  | { type: 'uncheck_item'; item: string }
  | { type: 'item_not_applicable'; item: string; reason: string }
  | { type: 'send_initial_alert'; fields: Record<string, string> }
  | { type: 'post_status_update'; fields: Record<string, string> }
  /** The communication recap after the review (the playbook's `recap` template), to the room and stakeholders. */
  | { type: 'send_recap'; fields: Record<string, string> }
  | { type: 'advance_phase'; to?: string; confirmed: string[] }
  | { type: 'revert_phase'; to: string; reason: string }
  | { type: 'reclassify'; triggerClass?: string; severeImpact?: boolean; reason: string }
  | {
      type: 'close';
      confirmed: string[];
      fields: Record<string, string>;
      facilitator?: string;
      /** When the debrief is held (ISO UTC); absent: the review's due date at the playbook's hour. */
      debriefAt?: string;
    }
  | { type: 'stand_down'; reason: string }
  | {
      type: 'record_review';
      summary: string;
      whys: string[];
      factors: string;
      lessons: string;
      correctiveActions: string;
      /** How we will know the fixes work. */
      verificationPlan: string;
      /** No follow-up tasks are needed (say why in the corrective actions); else the incident needs some. */
      noFollowups?: boolean;
      /** Answers to the playbook's review questions, by question id. */
      answers?: Record<string, string>;
    }
  | { type: 'log'; text: string; source?: MessageSource; note?: string }
  | { type: 'decision'; text: string; rationale?: string; source?: MessageSource }
  | {
      type: 'evidence';
      name: string;
      link?: string;
      source?: MessageSource;
      /** A file's bytes as the bot downloaded them (Teams: app/evidence-files.ts): size and SHA-256 (hex). */
      size?: number;
      sha256?: string;
    }
  | { type: 'correction'; messageId: string; change: 'edited' | 'deleted'; text?: string }
  | {
      type: 'room_created';
      platform: string;
      roomId: string;
      name: string;
      link?: string;
      /** The room is a stand-in (Teams: a thread, when Graph refused the channel): why, said in the room. */
      fallbackReason?: string;
    }
  | { type: 'room_failed'; reason: string; fallbackRoomId?: string }
  | { type: 'snooze'; kind: string; until: string }
  | {
      type: 'add_followup';
      id: string;
      what: string;
      owner: string;
      due: string;
      /** A control objective id of the playbook (`review.objectives`). */
      objective: string;
      /** Acceptance criteria: how we will know it is done (required; at most 2000 characters). */
      acceptance: string;
    }
  | { type: 'complete_followup'; id: string }
  /** The follow-up's issue was created in the firm's backlog (reported by the tracker's outbox sender). */
  | { type: 'followup_filed'; id: string; tracker: TrackerName; issueKey: string; url: string }
  /** Filing the follow-up in the backlog failed for good (bad credentials, no such project...). */
  | { type: 'followup_filing_failed'; id: string; tracker: TrackerName; reason: string }
  /** The follow-up's issue changed state in the tracker (read back on a schedule by src/ops/tracker-poller.ts). */
  | { type: 'followup_status'; id: string; status: string; done: boolean }
  /** A promise to stakeholders, due at an ISO UTC instant in the future (see decide/commitments.ts). */
  | { type: 'add_commitment'; id: string; what: string; due: string }
  | { type: 'resolve_commitment'; id: string; outcome: 'kept' | 'dropped'; note?: string }
  /** A stakeholder's question; `from` says who asked. */
  | { type: 'add_question'; id: string; text: string; from?: string }
  | { type: 'answer_question'; id: string; answer: string }
  | { type: 'export'; format: string }
  /**
   * Run a playbook action (freeze deployments, master switch): its webhook is called through the outbox.
   * Refused unless `confirmed` (the person saw the consequence) and the actor holds one of its roles.
   */
  | { type: 'run_action'; action: string; reason: string; confirmed: boolean }
  /** The action's webhook answered (or did not): reported by the actions sender, one per attempt. */
  | {
      type: 'action_answered';
      action: string;
      request: string;
      ok: boolean;
      /** HTTP status; 0 when there was none (timeout, network error, not configured). */
      status: number;
      /** The start of the answer's body (at most 500 characters), or the error. */
      excerpt: string;
      latencyMs: number;
      attempt: number;
      /** No further attempt will be made (success, a final refusal, or given up). */
      final: boolean;
      /** Where it was sent: host and path only (never the query, never headers). */
      target?: string;
      /** Why it failed, in a few words (e.g. "HTTP 503", "timed out after 10 s"). */
      error?: string;
    }
  /** The platform says `user` is now in the incident's room (a join event, or a look-up). */
  | { type: 'member_joined'; user: string; via: 'joined_room' | 'platform_lookup' }
  /** The platform says `user` left the incident's room. */
  | { type: 'member_left'; user: string }
  /** A member adds someone (the bot invites them to the room where the platform has one). */
  | { type: 'add_member'; user: string }
  /** Hide the incident from non-members, or (with a reason, which is logged) show it again. */
  | { type: 'set_confidential'; confidential: boolean; reason?: string }
  /** The local console's drill clock moved forward by `minutes` (recorded in every open incident's log). */
  | { type: 'clock_forwarded'; minutes: number }
  /** A monitoring alert group (ALERT-…) joins the incident as evidence (the prompt's "Add to INC-…"). */
  | { type: 'attach_alert'; alert: AlertEvidence }
  /** An alert of the incident resolved (reported by the alert intake): logged and said in the room. */
  | { type: 'alert_resolved'; alert: string; resolvedAt: string }
  /**
   * An alert of the incident resolved and fires again while the incident is open: the bot adds the new
   * occurrence (`alert`) to it, after `previous` (reported by the alert intake).
   */
  | { type: 'alert_firing_again'; alert: AlertEvidence; previous: string }
  /** Page a role's or a service's on-call (PagerDuty, Opsgenie): the IC or the comms lead (decide/paging.ts). */
  | { type: 'page'; target: string }
  /** The paging service answered a trigger or a resolve (or did not): reported by the pager sender, per attempt. */
  | {
      type: 'page_answered';
      request: string;
      action: 'trigger' | 'resolve';
      ok: boolean;
      /** HTTP status; 0 when there was none (timeout, network error, not configured). */
      status: number;
      /** The start of the answer's body (at most 500 characters), or the error. */
      excerpt: string;
      latencyMs: number;
      attempt: number;
      /** No further attempt will be made (success, a final refusal, or given up). */
      final: boolean;
      /** Why it failed, in a few words (e.g. "HTTP 429", "timed out after 10 s"). */
      error?: string;
      /** The failed attempt may have reached the provider (timeout, 408, 429, 5xx): resolved at close. */
      mayHaveApplied?: boolean;
      /** No call was made: the page was resolving when its trigger's turn came (the incident closed first). */
      skipped?: boolean;
      /** The next attempt waits this long (the provider's Retry-After, capped): said in the room. */
      retryInMs?: number;
    };

/** An empty review: asks the core whether a person may record the review at all (before a form opens). */
export const REVIEW_PROBE: Extract<Command, { type: 'record_review' }> = {
  type: 'record_review',
  summary: '',
  whys: [],
  factors: '',
  lessons: '',
  correctiveActions: '',
  verificationPlan: '',
};
