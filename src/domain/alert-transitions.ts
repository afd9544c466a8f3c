// What one webhook notification does to its alert group (pure): the group's next state, and what the intake
// must do about it. Notifications with the same group key update one group and one prompt; they never open
// a second incident. A group that resolved and then fires again is a new occurrence with a new prompt
// (Slack does not notify on an edit far up the channel: an alert back is a new message), whatever was
// decided: an undecided one is superseded by it; one whose incident is still open is added to that incident
// by the bot, never offered a second declaration.
import type { AlertGroup, AlertInstance, AlertNotification, AlertSuggestion } from './alert-group.js';

/** The alerts a group keeps of a notification (a group of hundreds shows its first ones and a count). */
export const GROUP_ALERTS_LIMIT = 20;
const SUMMARY_LIMIT = 300;

export interface AlertStep {
  /** The group to save (id '' for a new group or occurrence, which storage numbers). */
  group: AlertGroup;
  /** The bot declares the incident (a new occurrence of a `declare` rule, firing, no incident open for it). */
  declare: boolean;
  /** A new occurrence of an alert whose incident is still open: the bot adds it to that incident. */
  attachTo?: string;
  /** The undecided occurrence this new one supersedes (its prompt then points to the new one). */
  supersedes?: AlertGroup;
  /** An incident the group belongs to, told that its alert resolved. */
  resolvedIncident?: string;
}

export interface AlertContext {
  /** The matched rule's suggestion and the channel it names (or none: the default channel). */
  match: { suggestion: AlertSuggestion; channel?: string };
  defaults: { platform: AlertGroup['platform']; channel: string };
  /** The incident the group's latest occurrence was declared as or added to, when it is still open. */
  openIncident?: string;
  /** The group's latest occurrence is settled for good: dismissed, or its incident closed. */
  settled?: boolean;
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
    alertCount: Math.max(n.alertCount ?? 0, n.alerts.length),
    ...(link ? { link } : {}),
    lastSeenAt: at,
    ...(n.status === 'resolved' ? { resolvedAt: resolvedAtOf(n.alerts, now) } : {}),
  };
}

/** The group's keys with the notification's added (a group found by fingerprint takes the other route's key). */
function keysWith(latest: AlertGroup, key: string): Pick<AlertGroup, 'groupKeys'> {
  const keys = latest.groupKeys ?? [];
  if (key === latest.groupKey || keys.includes(key)) return keys.length ? { groupKeys: keys } : {};
  return { groupKeys: [...keys, key] };
}

/** When the notification's firing alerts started (ms; unreadable times left out). */
const firingStarts = (n: Pick<AlertNotification, 'alerts'>): number[] =>
  n.alerts
    .filter((a) => a.status === 'firing')
    .map((a) => Date.parse(a.startsAt))
    .filter((t) => !Number.isNaN(t));

/**
 * Whether the notification starts a new occurrence of `latest`: an alert firing that STARTED after the group
 * resolved (a late "firing" from an HA replica after "resolved" is only counted); or, for a group that never
 * resolved (`send_resolved: false`) but is settled (dismissed, its incident closed), one that started after
 * the group was last seen.
 */
export function firesAgain(
  latest: AlertGroup,
  n: Pick<AlertNotification, 'status' | 'alerts'>,
  settled = false,
): boolean {
  if (n.status !== 'firing') return false;
  const after = (at: string | undefined) => {
    const t = Date.parse(at ?? '');
    return Number.isNaN(t) || firingStarts(n).some((s) => s > t);
  };
  if (latest.status === 'resolved') return after(latest.resolvedAt);
  return settled && after(latest.lastSeenAt);
}

/** The group's status over all its keys: resolved only once every key it took in has resolved. */
function keyStatuses(latest: AlertGroup, n: AlertNotification): Pick<AlertGroup, 'keyStatus' | 'status'> {
  const keyStatus = { ...(latest.keyStatus ?? { [latest.groupKey]: latest.status }), [n.groupKey]: n.status };
  const status = Object.values(keyStatus).every((s) => s === 'resolved') ? 'resolved' : 'firing';
  return Object.keys(keyStatus).length > 1 ? { keyStatus, status } : { status };
}

export function alertStep(latest: AlertGroup | null, n: AlertNotification, ctx: AlertContext): AlertStep {
  const seen = observed(n, ctx.now);
  const { truncated: _cut, ...was } = latest ?? ({} as Partial<AlertGroup>);
  const cut = n.truncated?.length ? { truncated: true } : {};
  if (!latest || firesAgain(latest, n, ctx.settled)) {
    // a new occurrence keeps the keys it is known by (so the next notification of any of them finds it)
    const attachTo = latest ? ctx.openIncident : undefined;
    const group: AlertGroup = {
      id: '',
      source: n.source,
      groupKey: latest?.groupKey ?? n.groupKey,
      ...(latest ? keysWith(latest, n.groupKey) : {}),
      // which key it fired again by (the others report as they come: resolved once all have)
      ...(latest?.groupKeys?.length || (latest && latest.groupKey !== n.groupKey)
        ? { keyStatus: { [n.groupKey]: n.status } }
        : {}),
      occurrence: latest ? latest.occurrence + 1 : 1,
      ...seen,
      ...cut,
      startsAt: earliest(n.alerts, seen.lastSeenAt),
      firstSeenAt: seen.lastSeenAt,
      notifications: 1,
      suggestion: ctx.match.suggestion,
      platform: ctx.defaults.platform,
      channel: ctx.match.channel ?? ctx.defaults.channel,
      decision: { kind: 'open' },
      version: 0,
    };
    const undecided = latest && latest.decision.kind === 'open' && !latest.supersededBy;
    return {
      group,
      declare: !attachTo && group.suggestion.mode === 'declare' && n.status === 'firing',
      ...(attachTo ? { attachTo } : {}),
      ...(undecided ? { supersedes: latest } : {}),
    };
  }
  // A late "firing" of alerts that started before the group resolved (an HA replica's): only counted.
  if (latest.status === 'resolved' && n.status === 'firing')
    return {
      group: {
        ...latest,
        ...keysWith(latest, n.groupKey),
        lastSeenAt: seen.lastSeenAt,
        notifications: latest.notifications + 1,
      },
      declare: false,
    };
  // The same occurrence again: the prompt is updated in place. Its rule and channel stay what they were;
  // a declaration is never tried again (one refused is said on the prompt, which keeps its buttons).
  const { resolvedAt: _was, keyStatus: _keys, ...rest } = was as AlertGroup;
  const statuses = keyStatuses(latest, n);
  const { resolvedAt: _seenAt, ...current } = seen;
  const group: AlertGroup = {
    ...rest,
    ...keysWith(latest, n.groupKey),
    ...current,
    ...cut,
    ...statuses,
    // resolved once every key it took in has
    ...(statuses.status === 'resolved' ? { resolvedAt: seen.resolvedAt ?? seen.lastSeenAt } : {}),
    startsAt: latest.startsAt,
    notifications: latest.notifications + 1,
  };
  const d = latest.decision;
  const incident = d.kind === 'declared' || d.kind === 'attached' ? d.incident : undefined;
  return {
    group,
    declare: false,
    ...(incident && group.status === 'resolved' && latest.status !== 'resolved'
      ? { resolvedIncident: incident }
      : {}),
  };
}
