// Grafana unified alerting's webhook body (contact point of type Webhook; https://grafana.com/docs/grafana/
// latest/alerting/configure-notifications/manage-contact-points/integrations/webhook-notifier/): Alertmanager's
// shape plus orgId, title, state, message, and per alert its dashboard, panel and silence links. Normalised
// to an AlertNotification; the group key is prefixed with the org, since each Grafana org groups on its own.
import { z } from 'zod';
import type { AlertNotification } from '../../domain/alert-group.js';
import { clampAlertBody } from './payload-bounds.js';
import {
  alertFields,
  alertInstance,
  httpLink,
  type ParseResult,
  reasonOf,
  status,
  stringMap,
} from './payload-kit.js';

const url = z.string().max(4_000).optional();

const schema = z.object({
  receiver: z.string().max(500).default(''),
  status,
  orgId: z.number().int().optional(),
  groupKey: z.string().min(1, 'must not be empty').max(2_000),
  groupLabels: stringMap,
  commonLabels: stringMap,
  commonAnnotations: stringMap,
  externalURL: url,
  title: z.string().max(2_000).optional(),
  truncatedAlerts: z.number().int().nonnegative().optional(),
  alerts: z
    .array(z.object({ ...alertFields, dashboardURL: url, panelURL: url, silenceURL: url }))
    .min(1, 'needs at least one alert'),
});

export function parseGrafana(body: unknown, raw: string): ParseResult<AlertNotification> {
  // too long is cut, not refused (./payload-bounds.ts): a 4xx is not retried, the alert would be lost
  const bounded = clampAlertBody(body);
  const r = schema.safeParse(bounded.body);
  if (!r.success) return { ok: false, reason: reasonOf(r.error) };
  const p = r.data;
  const externalURL = httpLink(p.externalURL);
  // Grafana's title ("[FIRING:2] (blue)") stands in for a summary only when the alerts carry none.
  const title = p.title?.trim();
  const hasSummary = p.commonAnnotations.summary || p.alerts.some((a) => a.annotations.summary);
  return {
    ok: true,
    value: {
      source: 'grafana',
      groupKey: `${p.orgId ?? 1}:${p.groupKey}`,
      status: p.status,
      receiver: p.receiver,
      groupLabels: p.groupLabels,
      commonLabels: p.commonLabels,
      commonAnnotations:
        !hasSummary && title ? { ...p.commonAnnotations, summary: title } : p.commonAnnotations,
      ...(externalURL ? { externalURL } : {}),
      // The panel, else the dashboard, else the rule in Grafana: where a person looks first.
      alerts: p.alerts.map((a) => alertInstance(a, httpLink(a.panelURL, a.dashboardURL, a.generatorURL))),
      raw,
      alertCount: p.alerts.length + (p.truncatedAlerts ?? 0),
      ...(bounded.truncated.length ? { truncated: bounded.truncated } : {}),
    },
  };
}
