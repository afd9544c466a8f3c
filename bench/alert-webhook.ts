// The alert intake under load: Alertmanager notifications (v4, bearer token) at a fixed rate over a few alert
// groups, each a repeat of a firing group, so every one is authenticated, parsed, matched, stored (the group
// and its count) and queues a refresh of its prompt. The issue's goal: answered within a second.
import type { LoadRequest, LoadResult } from './load-child.js';
import { ALERT_GROUPS } from './payloads.js';

export const ALERT_TOKEN = 'bench-alert-webhook-token-0123456789';
export const ALERTS_CHANNEL = 'C0ALERTS';

const pct = (sorted: number[], p: number) =>
  sorted.length ? (sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0) : 0;

export async function alertWebhookRow(o: {
  botUrl: string;
  rate: number;
  seconds: number;
  run: (q: Omit<LoadRequest, 'id'>) => Promise<LoadResult>;
  /** Waits until everything the bot owes is delivered. */
  settle: () => Promise<void>;
  /** Slack Web API calls since the mark, by method. */
  calls: () => Promise<{ total: number; detail: string }>;
}): Promise<string[]> {
  const q = {
    url: `${o.botUrl}/webhooks/alertmanager`,
    secret: ALERT_TOKEN,
    kind: 'alert' as const,
    userPrefix: 'U0A',
    ic: 'U0A',
    rooms: [],
    keysByRoom: {},
  };
  await o.run({ ...q, rate: o.rate, seconds: 1 });
  await o.settle();
  const r = await o.run({ ...q, rate: o.rate, seconds: o.seconds });
  await o.settle();
  const calls = await o.calls();
  const p99 = pct(r.lat, 99);
  const n = Math.round(o.rate * o.seconds);
  return [
    `ack Alertmanager webhook (\`POST /webhooks/alertmanager\`, stored before the answer), ${o.rate}/s × ${o.seconds} s over ${ALERT_GROUPS} firing alert groups (repeats)`,
    `p50 ${pct(r.lat, 50).toFixed(2)} ms, p99 ${p99.toFixed(2)} ms${r.errors ? `, ${r.errors} errors` : ''}; Slack calls for the warm-up and the ${n} notifications: ${calls.total} (${calls.detail})`,
    '',
    `${p99 <= 1000 && r.errors === 0 ? 'met' : 'NOT met'} (goal: every answer within 1 s)`,
  ];
}
