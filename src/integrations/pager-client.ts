// What the pager sender asks of a paging service (PagerDuty Events API v2, Opsgenie Alert API): trigger or
// resolve one alert by its dedup key. Each call is one HTTP request through callWebhook (a timeout, the
// answer sorted into success, "try again" and "give up"); the secrets it carries are never logged.
import type { PageCallData, PagerName } from '../domain/paging.js';
import type { CallResult } from './action-webhook-call.js';

export interface PagerCall {
  action: 'trigger' | 'resolve';
  /** The page's dedup key (domain/paging.ts dedupKeyOf): the same on every attempt, so a retry never pages twice. */
  dedupKey: string;
  data: PageCallData;
}

/** The call could not be made at all (a routing key not set): final, nothing was sent. */
export interface NotSent {
  notSent: string;
}

export interface PagerClient {
  readonly name: PagerName;
  send(call: PagerCall): Promise<CallResult | NotSent>;
}

export const DEFAULT_PAGE_TIMEOUT_MS = 10_000;

/** Where a paging service is reached, with its credential (config-paging.ts). */
export type PagerTarget =
  | { pager: 'pagerduty'; eventsUrl: string; routingKey: string; timeoutMs: number }
  | { pager: 'opsgenie'; apiUrl: string; apiKey: string; timeoutMs: number };
