// Opsgenie Alert API: a page creates an alert (`POST {OPSGENIE_API_URL}/v2/alerts`) whose alias is the page's
// dedup key, and closing the incident closes it (`POST /v2/alerts/{alias}/close?identifierType=alias`).
// Opsgenie keeps one open alert per alias (a repeat only raises its count), so a retried create never pages
// twice. Authenticated with `Authorization: GenieKey <OPSGENIE_API_KEY>`; the key is never logged.
import { callWebhook } from './action-webhook-call.js';
import type { PagerCall, PagerClient } from './pager-client.js';

export interface OpsgenieOptions {
  /** Default https://api.opsgenie.com (EU accounts: https://api.eu.opsgenie.com). */
  apiUrl: string;
  apiKey: string;
  timeoutMs: number;
  fetch?: typeof fetch;
}

/** Opsgenie's limits: message 130 characters, alias 512. */
const MAX_MESSAGE = 130;

export class OpsgenieClient implements PagerClient {
  readonly name = 'opsgenie' as const;

  constructor(private readonly o: OpsgenieOptions) {}

  /** The request as Opsgenie receives it (path and JSON body). */
  request(call: PagerCall): { path: string; body: Record<string, unknown> } {
    const alias = call.dedupKey.slice(0, 512);
    if (call.action === 'resolve')
      return {
        path: `/v2/alerts/${encodeURIComponent(alias)}/close?identifierType=alias`,
        body: { source: 'incident-bot', note: `${call.data.incident} closed: the page is resolved.` },
      };
    const d = call.data;
    return {
      path: '/v2/alerts',
      body: {
        message: d.summary.slice(0, MAX_MESSAGE),
        alias,
        description: [d.summary, ...(d.link ? [`Room: ${d.link}`] : [])].join('\n'),
        ...(d.team ? { responders: [{ name: d.team, type: 'team' }] } : {}),
        details: d.details,
        tags: [d.incident],
        source: 'incident-bot',
        priority: d.severity === 'critical' ? 'P1' : 'P2',
      },
    };
  }

  async send(call: PagerCall) {
    const r = this.request(call);
    return callWebhook(
      `${this.o.apiUrl.replace(/\/+$/, '')}${r.path}`,
      {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'User-Agent': 'incident-bot',
          Authorization: `GenieKey ${this.o.apiKey}`,
        },
        body: JSON.stringify(r.body),
      },
      { timeoutMs: this.o.timeoutMs, ...(this.o.fetch ? { fetch: this.o.fetch } : {}) },
    );
  }
}
