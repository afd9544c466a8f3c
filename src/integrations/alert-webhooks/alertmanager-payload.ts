// Prometheus Alertmanager's webhook body, payload version 4
// (https://prometheus.io/docs/alerting/latest/configuration/#webhook_config), normalised to an
// AlertNotification. Fields Alertmanager may add later are ignored; what the bot relies on is checked.
// Too long is cut, not refused (./payload-bounds.ts): Alertmanager does not retry a 4xx.
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

const schema = z.object({
  version: z.literal('4', { error: 'must be "4" (Alertmanager webhook payload version 4)' }),
  groupKey: z.string().min(1, 'must not be empty').max(2_000),
  truncatedAlerts: z.number().int().nonnegative().optional(),
  status,
  receiver: z.string().max(500).default(''),
  groupLabels: stringMap,
  commonLabels: stringMap,
  commonAnnotations: stringMap,
  externalURL: z.string().max(4_000).optional(),
  alerts: z.array(z.object(alertFields)).min(1, 'needs at least one alert'),
});

export function parseAlertmanager(body: unknown, raw: string): ParseResult<AlertNotification> {
  const bounded = clampAlertBody(body);
  const r = schema.safeParse(bounded.body);
  if (!r.success) return { ok: false, reason: reasonOf(r.error) };
  const p = r.data;
  const externalURL = httpLink(p.externalURL);
  return {
    ok: true,
    value: {
      source: 'alertmanager',
      groupKey: p.groupKey,
      status: p.status,
      receiver: p.receiver,
      groupLabels: p.groupLabels,
      commonLabels: p.commonLabels,
      commonAnnotations: p.commonAnnotations,
      ...(externalURL ? { externalURL } : {}),
      alerts: p.alerts.map((a) => alertInstance(a, httpLink(a.generatorURL))),
      raw,
      // Alertmanager's max_alerts sends the first alerts only and counts the rest
      alertCount: p.alerts.length + (p.truncatedAlerts ?? 0),
      ...(bounded.truncated.length ? { truncated: bounded.truncated } : {}),
    },
  };
}
