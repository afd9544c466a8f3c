// An alert group's prompt in the alerts channel (issue 21), platform-neutral: what fired (summary, status
// with its times, labels, a link to its source), how many notifications, the rule it matched, what was
// decided, and the three buttons while nothing is. It names an incident by its key only, and a confidential
// one not even by that ("a confidential incident": its key and title are for its members, domain/
// membership.ts). Renderers: platforms/{slack,teams}/render/alert-prompt.ts.
import type { AlertGroup } from '../domain/alert-group.js';
import { code, link, mention, strong, type Text, time, userText } from '../domain/text.js';
import type { Fact } from './summary.js';

/** Labels shown (an alert may carry dozens; the rest are counted): a Slack section holds 10 fields. */
export const PROMPT_LABELS_LIMIT = 10;
const LABEL_VALUE_LIMIT = 200;

export interface AlertPromptView {
  /** The group's id (ALERT-…): the buttons' value. */
  alert: string;
  /** Changes with every save (platform block ids carry it). */
  version: number;
  status: 'firing' | 'resolved';
  title: Text;
  lines: Text[];
  labels: Fact[];
  /** The decision, once there is one. */
  decision: Text | null;
  /** Declare incident / Add to INC-… / Dismiss: only while nothing is decided. */
  buttons: boolean;
  fallback: Text;
}

const cut = (s: string, max: number) => (s.length <= max ? s : `${s.slice(0, max - 1)}…`);
const SOURCE = { alertmanager: 'Alertmanager', grafana: 'Grafana' } as const;

function decisionOf(g: AlertGroup): Text | null {
  const d = g.decision;
  switch (d.kind) {
    case 'open':
      return null;
    case 'declared':
      return `Declared as ${d.confidential ? 'a confidential incident' : strong(d.incident)} by ${mention(d.by)} at ${time(d.at)}.`;
    case 'attached': {
      const to = d.confidential ? 'a confidential incident' : strong(d.incident);
      return d.again
        ? `Fired again while its incident is open: added to ${to} by ${mention(d.by)} at ${time(d.at)}.`
        : `Added to ${to} by ${mention(d.by)} at ${time(d.at)}.`;
    }
    case 'dismissed':
      return `Dismissed by ${mention(d.by)} at ${time(d.at)}: ${userText(cut(d.reason, 500))}`;
  }
}

function ruleLine(g: AlertGroup): Text {
  const s = g.suggestion;
  if (!s.rule) return 'No playbook rule matched this alert: decide whether it is an incident.';
  const hints = [
    ...(s.triggerClass ? [`trigger class ${code(s.triggerClass)}`] : []),
    ...(s.severe ? ['severe customer impact'] : []),
  ];
  return `Matched rule ${code(s.rule)}${hints.length ? `: suggests ${hints.join(', ')}` : ''}.`;
}

export function alertPromptView(g: AlertGroup): AlertPromptView {
  const firing = g.status === 'firing';
  const summary = userText(cut(g.summary, 300));
  const entries = Object.entries(g.commonLabels);
  const labels: Fact[] = entries.slice(0, PROMPT_LABELS_LIMIT).map(([k, v]) => ({
    label: userText(cut(k, 60)),
    value: code(cut(v, LABEL_VALUE_LIMIT)),
  }));
  const more = entries.length - labels.length;
  const decision = decisionOf(g);
  const count = Math.max(g.alertCount ?? 0, g.alerts.length);
  const superseded =
    g.decision.kind === 'open' && g.supersededBy
      ? `It resolved and fired again: see ${strong(g.supersededBy)}, the newer prompt below.`
      : null;
  const lines: Text[] = [
    strong(summary),
    firing
      ? `Firing since ${time(g.startsAt)}.`
      : `Resolved at ${time(g.resolvedAt ?? g.lastSeenAt)} (fired at ${time(g.startsAt)}).`,
    ...(count > 1 ? [`${count} alerts in this group.`] : []),
    ...(g.link ? [link(`Open in ${SOURCE[g.source]}`, g.link)] : []),
    `${g.notifications === 1 ? '1 notification' : `${g.notifications} notifications`}, last at ${time(g.lastSeenAt)}.`,
    ruleLine(g),
    ...(more > 0 ? [`${more} more label${more === 1 ? '' : 's'} not shown.`] : []),
    ...(g.truncated ? ['Some of its fields were too long and were cut (the raw notification is kept).'] : []),
    ...(g.declareError ? [`The bot could not declare it: ${userText(g.declareError)}`] : []),
    ...(decision ? [decision] : []),
    ...(superseded ? [superseded] : []),
  ];
  const state = firing ? 'Firing' : 'Resolved';
  return {
    alert: g.id,
    version: g.version,
    status: g.status,
    // The summary is the first line (a header is short: Slack cuts it at 150 characters).
    title: `${g.id} · ${state}`,
    lines,
    labels,
    decision,
    buttons: g.decision.kind === 'open' && !g.supersededBy,
    fallback: `${g.id} ${state.toLowerCase()}: ${summary}`,
  };
}
