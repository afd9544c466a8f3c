// Payload pieces shared by the bench's parent process and its load child.
import { fieldId as fieldBlock } from '../src/app/forms/communication.js';
import { stateValue } from '../test/support/slack-request.js';

export type Kind = 'slash' | 'button' | 'view' | 'alert';

/** Alert groups the alert-webhook load cycles through (after the first round every notification is a repeat). */
export const ALERT_GROUPS = 20;

/**
 * An Alertmanager v4 notification for group `n % ALERT_GROUPS`, firing: Alertmanager re-sends a group at every
 * group_interval while it fires. (A group that resolves and fires again starts a new prompt, which the intake
 * limits per minute: that is not a load a bench should drive.)
 */
export function alertBody(n: number): string {
  const g = n % ALERT_GROUPS;
  const status: string = 'firing';
  const labels = { alertname: 'IngestLagHigh', severity: 'critical', pipeline: `feed-${g}` };
  return JSON.stringify({
    version: '4',
    groupKey: `{}:{alertname="IngestLagHigh", pipeline="feed-${g}"}`,
    truncatedAlerts: 0,
    status,
    receiver: 'incident-bot',
    groupLabels: { alertname: 'IngestLagHigh', pipeline: `feed-${g}` },
    commonLabels: labels,
    commonAnnotations: { summary: `Ingest lag on feed-${g} above 30 s` },
    externalURL: 'http://alertmanager.example:9093',
    alerts: [
      {
        status,
        labels,
        annotations: { summary: `Ingest lag on feed-${g} above 30 s` },
        startsAt: '2026-11-30T09:00:00Z',
        endsAt: status === 'resolved' ? '2026-11-30T09:20:00Z' : '0001-01-01T00:00:00Z',
        generatorURL: 'http://prometheus.example:9090/graph?g0.expr=ingest_lag_seconds%3E30',
        fingerprint: `f00d${String(g).padStart(12, '0')}`,
      },
    ],
  });
}

/** The status-update form as submitted. */
export const updateValues = () => ({
  [fieldBlock('status')]: { v: stateValue.staticSelect('investigating') },
  [fieldBlock('developments')]: { v: stateValue.plainText('Secondary cluster is catching up') },
  [fieldBlock('risks')]: { v: stateValue.plainText('Lag may grow') },
  [fieldBlock('help')]: { v: stateValue.plainText('None') },
  [fieldBlock('next_update')]: { v: stateValue.plainText('11:00 UTC') },
});
