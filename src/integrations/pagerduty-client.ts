// PagerDuty Events API v2: `POST {PAGERDUTY_EVENTS_URL}/v2/enqueue` with the routing key, `trigger` or
// `resolve`, and the page's dedup key. PagerDuty keeps one alert per dedup key while it is open, so a retried
// trigger (after a 429, a 5xx, a timeout) never pages twice. A service's own routing key is named in the
// playbook as `${ENV_NAME}` and read from the environment now; PAGERDUTY_ROUTING_KEY is the default.
import { substituteVariables } from '../domain/playbook-actions.js';
import { callWebhook } from './action-webhook-call.js';
import type { NotSent, PagerCall, PagerClient } from './pager-client.js';

export interface PagerDutyOptions {
  /** Default https://events.pagerduty.com (a fake on loopback in tests). */
  eventsUrl: string;
  /** PAGERDUTY_ROUTING_KEY: roles, and services without a key of their own. */
  routingKey: string;
  timeoutMs: number;
  /** Reads the environment variable a service's routing key names. */
  env: (name: string) => string | undefined;
  fetch?: typeof fetch;
}

/** Event payload limits (PagerDuty truncates or refuses beyond them). */
const MAX_SUMMARY = 1024;

export class PagerDutyClient implements PagerClient {
  readonly name = 'pagerduty' as const;

  constructor(private readonly o: PagerDutyOptions) {}

  /** The event as PagerDuty receives it, or why it cannot be sent. */
  event(call: PagerCall): { ok: true; body: Record<string, unknown> } | { ok: false; error: string } {
    const ref = call.data.routingKey;
    const key = ref ? substituteVariables(ref, this.o.env) : { value: this.o.routingKey, missing: [] };
    if (key.missing.length || !key.value)
      return {
        ok: false,
        error: `not configured: ${key.missing.join(', ') || 'PAGERDUTY_ROUTING_KEY'} not set`,
      };
    const base = { routing_key: key.value, dedup_key: call.dedupKey };
    if (call.action === 'resolve') return { ok: true, body: { ...base, event_action: 'resolve' } };
    const d = call.data;
    return {
      ok: true,
      body: {
        ...base,
        event_action: 'trigger',
        client: 'incident-bot',
        payload: {
          summary: d.summary.slice(0, MAX_SUMMARY),
          source: 'incident-bot',
          severity: d.severity,
          component: d.targetName,
          group: d.incident,
          custom_details: d.details,
        },
        ...(d.link ? { links: [{ href: d.link, text: `${d.incident} room` }] } : {}),
      },
    };
  }

  async send(call: PagerCall) {
    const e = this.event(call);
    if (!e.ok) return { notSent: e.error } satisfies NotSent;
    return callWebhook(
      `${this.o.eventsUrl.replace(/\/+$/, '')}/v2/enqueue`,
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'User-Agent': 'incident-bot' },
        body: JSON.stringify(e.body),
      },
      { timeoutMs: this.o.timeoutMs, ...(this.o.fetch ? { fetch: this.o.fetch } : {}) },
    );
  }
}
