// What one webhook notification does to its alert group (pure): the group's next state, and what the intake
// must do about it. Notifications with the same group key update one group and one prompt; they never open
// a second incident. A group that resolved and was settled (declared, attached or dismissed) and then fires
// again is a new occurrence: a new prompt, since people decided about the earlier one.
import type { AlertGroup, AlertInstance, AlertNotification, AlertSuggestion } from './alert-group.js';

/** The alerts a group keeps of a notification (a group of hundreds shows its first ones and a count). */
export const GROUP_ALERTS_LIMIT = 20;
const SUMMARY_LIMIT = 300;

export interface AlertStep {
  /** The group to save (id '' for a new group or occurrence, which storage numbers). */
  group: AlertGroup;
  /** The bot declares the incident (a `declare` rule, the group firing and not decided yet). */
  declare: boolean;
  /** An incident the group belongs to, told that its alert resolved. */
  resolvedIncident?: string;
}

export interface AlertContext {
  /** The matched rule's suggestion and the channel it names (or none: the default channel). */
  match: { suggestion: AlertSuggestion; channel?: string };
  defaults: { platform: AlertGroup['platform']; channel: string };
  /** The incident of the group's previous occurrence is still open (a new occurrence is then only prompted). */
  previousIncidentOpen?: boolean;
  now: Date;
}

const cut = (s: string, max: number) => (s.length <= max ? s : `${s.slice(0, max - 1)}…`);

/** One line: the `summary` annotation, else the alert name with the group's labels. */
export function summaryOf(n: AlertNotification): string {
  const s =
    n.commonAnnotations.summary ??
    n.alerts.find((a) => a.annotations.summary)?.annotations.summary ??
    (() => {
      const name = n.commonLabels.alertname ?? n.groupLabels.alertname ?? 'Alert';
      const rest = Object.entries(n.groupLabels)
        .filter(([k]) => k !== 'alertname')
        .map(([k, v]) => `${k}=${v}`);
      return rest.length ? `${name} (${rest.join(', ')})` : name;
    })();
  return cut(s.replace(/\s+/g, ' ').trim() || 'Alert', SUMMARY_LIMIT);
}

/** When the group resolved: its alerts' latest end, or now when they carry none. */
function resolvedAtOf(alerts: AlertInstance[], now: Date): string {
  const ends = alerts.map((a) => a.endsAt).filter((e): e is string => !!e && !Number.isNaN(Date.parse(e)));
  if (ends.length === 0) return now.toISOString();
  return new Date(Math.max(...ends.map((e) => Date.parse(e)))).toISOString();
}

function earliest(alerts: AlertInstance[], fallback: string): string {
  const starts = alerts.map((a) => Date.parse(a.startsAt)).filter((t) => !Number.isNaN(t));
  return starts.length ? new Date(Math.min(...starts)).toISOString() : fallback;
}

/** What the notification says about the group, whatever came before. */
function observed(n: AlertNotification, now: Date) {
  const at = now.toISOString();
  const alerts = n.alerts.slice(0, GROUP_ALERTS_LIMIT);
  const link = n.alerts.find((a) => a.link)?.link ?? n.externalURL;
  return {
    status: n.status,
    summary: summaryOf(n),
    commonLabels: n.commonLabels,
    alerts,
    ...(link ? { link } : {}),
    lastSeenAt: at,
    ...(n.status === 'resolved' ? { resolvedAt: resolvedAtOf(n.alerts, now) } : {}),
  };
}

const settled = (g: AlertGroup) => g.decision.kind !== 'open';

export function alertStep(latest: AlertGroup | null, n: AlertNotification, ctx: AlertContext): AlertStep {
  const seen = observed(n, ctx.now);
  const fresh = !latest || (settled(latest) && latest.status === 'resolved' && n.status === 'firing');
  if (fresh) {
    const downgrade = ctx.previousIncidentOpen && ctx.match.suggestion.mode === 'declare';
    const suggestion: AlertSuggestion = downgrade
      ? { ...ctx.match.suggestion, mode: 'prompt' }
      : ctx.match.suggestion;
    const group: AlertGroup = {
      id: '',
      source: n.source,
      groupKey: n.groupKey,
      occurrence: latest ? latest.occurrence + 1 : 1,
      ...seen,
      startsAt: earliest(n.alerts, seen.lastSeenAt),
      firstSeenAt: seen.lastSeenAt,
      notifications: 1,
      suggestion,
      platform: ctx.defaults.platform,
      channel: ctx.match.channel ?? ctx.defaults.channel,
      decision: { kind: 'open' },
      version: 0,
    };
    return { group, declare: suggestion.mode === 'declare' && n.status === 'firing' };
  }
  // The same occurrence again: the prompt is updated in place. Its rule and channel stay what they were.
  const { resolvedAt: _was, ...rest } = latest;
  const group: AlertGroup = {
    ...rest,
    ...seen,
    startsAt: latest.startsAt,
    notifications: latest.notifications + 1,
  };
  const d = latest.decision;
  const incident = d.kind === 'declared' || d.kind === 'attached' ? d.incident : undefined;
  return {
    group,
    // A declaration that did not happen yet (the bot stopped between saving the group and declaring): now.
    declare: group.suggestion.mode === 'declare' && d.kind === 'open' && n.status === 'firing',
    ...(incident && n.status === 'resolved' ? { resolvedIncident: incident } : {}),
  };
}
