// An alert group from the firm's monitoring (Alertmanager, Grafana) as the bot keeps it: what fired, which
// playbook rule it matched, where its prompt is, and what people decided (declare, attach, dismiss).
// Notifications of one group (its group key) update the same group and the same prompt; they never open a
// second incident. Pure data: the intake (src/app/alert-intake.ts) and storage build and keep it.

export type AlertSource = 'alertmanager' | 'grafana';

/** One alert of a group, as both webhooks describe it (normalised). */
export interface AlertInstance {
  fingerprint: string;
  status: 'firing' | 'resolved';
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  /** When it resolved (absent, or Alertmanager's zero time, while firing). */
  endsAt?: string;
  /** Where to look: the generator (Prometheus graph) or Grafana's dashboard/panel. */
  link?: string;
}

/** One webhook notification, normalised from Alertmanager v4 or Grafana's unified alerting payload. */
export interface AlertNotification {
  source: AlertSource;
  groupKey: string;
  status: 'firing' | 'resolved';
  receiver: string;
  groupLabels: Record<string, string>;
  commonLabels: Record<string, string>;
  commonAnnotations: Record<string, string>;
  externalURL?: string;
  alerts: AlertInstance[];
  /** The raw body as received, cut to the intake's limit (kept as evidence). */
  raw: string;
  /** How many alerts the group really has (Alertmanager's `truncatedAlerts` sent none of the rest). */
  alertCount?: number;
  /** Fields cut to the intake's bounds (`alerts[0].annotations.description`): accepted, never refused. */
  truncated?: string[];
}

/** What an incident's decision log keeps of an alert (its first evidence, or an attached alert). */
export interface AlertEvidence {
  /** The group's id (ALERT-…). */
  alert: string;
  source: AlertSource;
  summary: string;
  status: 'firing' | 'resolved';
  startsAt: string;
  link?: string;
  labels: Record<string, string>;
  /** The raw notification, size-limited. */
  raw: string;
  /** When it resolved, if it already had when it was declared or attached. */
  resolvedAt?: string;
}

/**
 * `confidential`: the incident is for its members only, so the alerts channel is told "a confidential
 * incident", never its key (domain/membership.ts). `again`: the bot added a new occurrence of an alert to the
 * incident the earlier one belongs to, still open (it fired again).
 */
export type AlertDecision =
  | { kind: 'open' }
  | { kind: 'declared'; incident: string; by: string; at: string; confidential?: boolean }
  | {
      kind: 'attached';
      incident: string;
      by: string;
      at: string;
      confidential?: boolean;
      again?: boolean;
    }
  | { kind: 'dismissed'; by: string; at: string; reason: string };

/** What the matched rule (or the default for an unmatched alert) suggests. */
export interface AlertSuggestion {
  /** The playbook rule's name; null when no rule matched (prompted in the default channel, never dropped). */
  rule: string | null;
  triggerClass?: string;
  impact?: string;
  severe: boolean;
  mode: 'prompt' | 'declare';
  /** People invited to an incident the bot declares (platform user ids). */
  notify: string[];
}

export interface AlertGroup {
  /** ALERT-<n>, allocated by storage; also the prompt's outbox subject. */
  id: string;
  source: AlertSource;
  groupKey: string;
  /**
   * Other group keys this group took in: the same alert (by fingerprint) sent through another route or
   * grouping updates this group instead of prompting twice.
   */
  groupKeys?: string[];
  /** The last status each of its keys reported (only once it took in another key): resolved when all are. */
  keyStatus?: Record<string, 'firing' | 'resolved'>;
  /** A group that fires again after it resolved starts a new occurrence (and a new prompt). */
  occurrence: number;
  /** The next occurrence, once this undecided one resolved and fired again (its prompt loses its buttons). */
  supersededBy?: string;
  status: 'firing' | 'resolved';
  /** One line: the common `summary` annotation, else the alert name and labels. */
  summary: string;
  commonLabels: Record<string, string>;
  /** The latest notification's alerts (bounded). */
  alerts: AlertInstance[];
  /** How many alerts the latest notification said the group has (absent: `alerts.length`). */
  alertCount?: number;
  /** The latest notification had fields cut to the intake's bounds. */
  truncated?: boolean;
  link?: string;
  startsAt: string;
  firstSeenAt: string;
  lastSeenAt: string;
  resolvedAt?: string;
  notifications: number;
  suggestion: AlertSuggestion;
  /** Where the prompt is posted. */
  platform: 'slack' | 'teams' | 'web';
  channel: string;
  decision: AlertDecision;
  /** Why the bot could not declare (a `declare` rule refused by a limit): the prompt says so, buttons stay. */
  declareError?: string;
  /** Optimistic concurrency, like incidents. */
  version: number;
}

/** The prompt's buttons (action ids; the button value is the group's id). */
export const ALERT_ACTIONS = {
  declare: 'alert_declare',
  attach: 'alert_attach',
  dismiss: 'alert_dismiss',
} as const;
