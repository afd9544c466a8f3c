// Monitoring alerts on an incident (issue 21): the alert it was declared from is its first evidence, more
// can be attached from their prompts ("Add to INC-…"), and when one resolves the log and the room hear it.
// The closure form shows the resolved ones as evidence that the impact has ceased (app/forms/close-alerts.ts).
import type { AlertEvidence } from '../alert-group.js';
import type { Effect, LogEffect } from '../effects.js';
import { fail } from '../errors.js';
import type { Incident, IncidentAlert } from '../incident.js';
import { userText } from '../text.js';
import { type Handler, log, notice, ok, post, ROOM } from './context.js';

/** The raw notification kept in the log: the intake already cuts it; this is the core's own bound. */
export const RAW_ALERT_LIMIT = 16_000;
const SUMMARY_LIMIT = 300;

/** What the room post about an alert carries (views/alert-post.ts renders it). */
export interface AlertPostData {
  kind: 'attached' | 'resolved' | 'firing_again';
  alert: string;
  summary: string;
  status: 'firing' | 'resolved';
  startsAt: string;
  resolvedAt?: string;
  link?: string;
  /** Who attached it (attached only). */
  by?: string;
  /** The earlier occurrence of the same alert (firing_again only). */
  previous?: string;
}

const cutTo = (s: string, max: number) => (s.length <= max ? s : `${s.slice(0, max - 1)}…`);

/** The incident's alerts (older incidents have none). */
export const alertsOf = (i: Pick<Incident, 'alerts'>): IncidentAlert[] => i.alerts ?? [];

/** The alert as the incident keeps it in its state. */
export function incidentAlert(a: AlertEvidence): IncidentAlert {
  return {
    id: a.alert,
    summary: cutTo(userText(a.summary), SUMMARY_LIMIT),
    status: a.status,
    startsAt: a.startsAt,
    ...(a.status === 'resolved' && a.resolvedAt ? { resolvedAt: a.resolvedAt } : {}),
    ...(a.link ? { link: a.link } : {}),
  };
}

/**
 * The alert as a decision-log entry: an `evidence` entry (the declared-from alert, read as any evidence is:
 * a name and a link) that also carries the alert's source, labels and the raw notification, size-limited.
 */
export function alertEvidenceLog(
  a: AlertEvidence,
  kind: 'evidence' | 'alert',
  extra: object = {},
): LogEffect {
  const raw = a.raw.length > RAW_ALERT_LIMIT ? a.raw.slice(0, RAW_ALERT_LIMIT) : a.raw;
  return log(
    kind,
    {
      ...extra,
      name: `Alert ${a.alert}: ${cutTo(userText(a.summary), SUMMARY_LIMIT)}`,
      link: a.link ?? null,
      alert: a.alert,
      source: a.source,
      summary: a.summary,
      status: a.status,
      startsAt: a.startsAt,
      ...(a.resolvedAt ? { resolvedAt: a.resolvedAt } : {}),
      labels: a.labels,
      raw,
      ...(raw.length < a.raw.length ? { rawTruncated: true } : {}),
    },
    a.link ? { source: a.link } : {},
  );
}

function postData(a: IncidentAlert, kind: AlertPostData['kind'], by?: string): AlertPostData {
  return {
    kind,
    alert: a.id,
    summary: a.summary,
    status: a.status,
    startsAt: a.startsAt,
    ...(a.resolvedAt ? { resolvedAt: a.resolvedAt } : {}),
    ...(a.link ? { link: a.link } : {}),
    ...(by ? { by } : {}),
  };
}

/** "Add to INC-…" from an alert's prompt: the alert joins the incident's evidence and its room hears it. */
export const attachAlert: Handler<'attach_alert'> = (i, c, ctx) => {
  const a = c.alert;
  if (!/^ALERT-\d+$/.test(a.alert)) return fail('invalid', 'That is not an alert id.');
  if (alertsOf(i).some((x) => x.id === a.alert))
    return fail('duplicate', `${a.alert} is already part of ${i.key}.`);
  const kept = incidentAlert(a);
  const effects: Effect[] = [
    alertEvidenceLog(a, 'alert', { kind: 'attached' }),
    post(`alert:${a.alert}:attached`, ROOM, 'alert', { ...postData(kept, 'attached', ctx.actor.id) }),
    notice(`${a.alert} added to ${i.key}.`),
  ];
  return ok({ ...i, alerts: [...alertsOf(i), kept] }, effects);
};

/**
 * The alert intake reports that an alert of the incident, resolved, fires again while the incident is open:
 * the new occurrence joins the incident (so the close form shows it firing, not "impact has ceased"), the
 * log keeps it as evidence, and the room hears it.
 */
export const alertFiringAgain: Handler<'alert_firing_again'> = (i, c) => {
  const a = c.alert;
  if (!/^ALERT-\d+$/.test(a.alert)) return fail('invalid', 'That is not an alert id.');
  if (alertsOf(i).some((x) => x.id === a.alert))
    return fail('duplicate', `${a.alert} is already part of ${i.key}.`);
  const kept = incidentAlert(a);
  const previous = userText(c.previous).slice(0, 40);
  return ok({ ...i, alerts: [...alertsOf(i), kept] }, [
    alertEvidenceLog(a, 'alert', { kind: 'firing_again', previous }),
    post(`alert:${a.alert}:firing_again`, ROOM, 'alert', {
      ...postData(kept, 'firing_again'),
      previous,
    }),
  ]);
};

/** The alert intake reports that an alert of the incident resolved (also after the incident closed). */
export const alertResolved: Handler<'alert_resolved'> = (i, c) => {
  const known = alertsOf(i).find((x) => x.id === c.alert);
  if (!known) return fail('not_found', `${userText(c.alert).slice(0, 40)} is not an alert of ${i.key}.`);
  if (known.status === 'resolved')
    return fail('duplicate', `${known.id} is already resolved (${known.resolvedAt ?? 'time unknown'}).`);
  if (Number.isNaN(Date.parse(c.resolvedAt))) return fail('invalid', 'The resolution time is not a time.');
  const resolved: IncidentAlert = { ...known, status: 'resolved', resolvedAt: c.resolvedAt };
  return ok({ ...i, alerts: alertsOf(i).map((x) => (x.id === known.id ? resolved : x)) }, [
    log('alert', { kind: 'resolved', alert: known.id, summary: known.summary, resolvedAt: c.resolvedAt }),
    post(`alert:${known.id}:resolved`, ROOM, 'alert', { ...postData(resolved, 'resolved') }),
  ]);
};
