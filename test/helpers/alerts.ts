// Alert groups and notifications for tests (domain/alert-group.ts), with sensible defaults.
import type { AlertGroup, AlertNotification } from '../../src/domain/alert-group.js';

export function alertNotification(over: Partial<AlertNotification> = {}): AlertNotification {
  const labels = { alertname: 'HighErrorRate', severity: 'page', service: 'pricing' };
  return {
    source: 'alertmanager',
    groupKey: '{}:{alertname="HighErrorRate"}',
    status: 'firing',
    receiver: 'incident-bot',
    groupLabels: { alertname: 'HighErrorRate' },
    commonLabels: labels,
    commonAnnotations: { summary: 'Pricing API error rate above 5%' },
    externalURL: 'http://alertmanager.example:9093',
    alerts: [
      {
        fingerprint: 'fp1',
        status: 'firing',
        labels,
        annotations: { summary: 'Pricing API error rate above 5%' },
        startsAt: '2026-03-02T09:00:00Z',
        link: 'http://prometheus.example:9090/graph?g0.expr=up',
      },
    ],
    raw: '{"version":"4"}',
    ...over,
  };
}

export function alertGroup(over: Partial<AlertGroup> = {}): AlertGroup {
  return {
    id: '',
    source: 'alertmanager',
    groupKey: '{}:{alertname="HighErrorRate"}',
    occurrence: 1,
    status: 'firing',
    summary: 'Pricing API error rate above 5%',
    commonLabels: { alertname: 'HighErrorRate', severity: 'page' },
    alerts: alertNotification().alerts,
    startsAt: '2026-03-02T09:00:00Z',
    firstSeenAt: '2026-03-02T09:00:30Z',
    lastSeenAt: '2026-03-02T09:00:30Z',
    notifications: 1,
    suggestion: { rule: 'page', severe: true, mode: 'prompt', notify: [] },
    platform: 'slack',
    channel: 'C_ALERTS',
    decision: { kind: 'open' },
    version: 0,
    ...over,
  };
}
