// The settings of the paging service the on-call is paged through (PagerDuty Events API v2 or Opsgenie), and
// their checks. Part of src/config.ts's schema (spread into SETTINGS), like config-tracker.ts. One service at a
// time: both configured is refused at start (a page sent to one while the on-call watches the other is a
// page nobody answers). None configured: `incident page` says so and the roles nudge offers no Page button.
import { z } from 'zod';
import type { PagingMode } from './domain/paging.js';
import type { PagerTarget } from './integrations/pager-client.js';

const opt = z
  .string()
  .transform((v) => v.trim())
  .transform((v) => (v === '' ? undefined : v))
  .optional();

export const PAGING_SETTINGS = {
  PAGERDUTY_ROUTING_KEY: {
    schema: opt,
    required: 'for PagerDuty',
    default: '',
    purpose:
      'Integration key of a PagerDuty service (Events API v2 integration): pages of roles, and of playbook services without a routing key of their own, go there. Setting it turns PagerDuty paging on.',
  },
  PAGERDUTY_EVENTS_URL: {
    schema: z
      .string()
      .transform((v) => v.trim() || 'https://events.pagerduty.com')
      .default('https://events.pagerduty.com'),
    required: 'no',
    default: 'https://events.pagerduty.com',
    purpose: 'Base URL of the PagerDuty Events API (pages are POSTed to /v2/enqueue).',
  },
  OPSGENIE_API_KEY: {
    schema: opt,
    required: 'for Opsgenie',
    default: '',
    purpose:
      'API key of an Opsgenie API integration (with create and close alert rights): pages become Opsgenie alerts. Setting it turns Opsgenie paging on.',
  },
  OPSGENIE_API_URL: {
    schema: z
      .string()
      .transform((v) => v.trim() || 'https://api.opsgenie.com')
      .default('https://api.opsgenie.com'),
    required: 'no',
    default: 'https://api.opsgenie.com',
    purpose: 'Base URL of the Opsgenie API (EU accounts: https://api.eu.opsgenie.com).',
  },
  PAGE_TIMEOUT_SECONDS: {
    schema: z.coerce.number().min(0.1).max(120).default(10),
    required: 'no',
    default: '10',
    purpose:
      'How long one call to PagerDuty or Opsgenie may take before it is retried (with the same dedup key: nobody is paged twice).',
  },
} as const;

type PagingSettings = typeof PAGING_SETTINGS;
export type PagingConfig = { [K in keyof PagingSettings]: z.output<PagingSettings[K]['schema']> } & {
  NODE_ENV: string;
};

function urlProblem(name: string, v: string, production: boolean): string | null {
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    return `${name} must be a URL (${PAGING_SETTINGS[name as keyof PagingSettings].purpose})`;
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return `${name} must be an http(s) URL.`;
  if (production && u.protocol !== 'https:')
    return `${name} must use https when NODE_ENV=production: the key travels with every page.`;
  return null;
}

/** What is wrong with the paging settings (each problem one sentence naming the setting). */
export function pagingProblems(c: PagingConfig): string[] {
  const problems: string[] = [];
  const production = c.NODE_ENV === 'production';
  if (c.PAGERDUTY_ROUTING_KEY && c.OPSGENIE_API_KEY)
    problems.push(
      'Both PagerDuty (PAGERDUTY_ROUTING_KEY) and Opsgenie (OPSGENIE_API_KEY) are configured: the bot pages through one service, so remove the settings of the other.',
    );
  if (c.PAGERDUTY_ROUTING_KEY) {
    const p = urlProblem('PAGERDUTY_EVENTS_URL', c.PAGERDUTY_EVENTS_URL, production);
    if (p) problems.push(p);
  }
  if (c.OPSGENIE_API_KEY) {
    const p = urlProblem('OPSGENIE_API_URL', c.OPSGENIE_API_URL, production);
    if (p) problems.push(p);
  }
  return problems;
}

/** The paging service and what it takes to reach it (after readConfig accepted the settings), or null. */
export function pagingOf(c: PagingConfig): PagerTarget | null {
  const timeoutMs = Math.round(c.PAGE_TIMEOUT_SECONDS * 1000);
  if (c.PAGERDUTY_ROUTING_KEY && !c.OPSGENIE_API_KEY)
    return {
      pager: 'pagerduty',
      eventsUrl: c.PAGERDUTY_EVENTS_URL.replace(/\/+$/, ''),
      routingKey: c.PAGERDUTY_ROUTING_KEY,
      timeoutMs,
    };
  if (c.OPSGENIE_API_KEY && !c.PAGERDUTY_ROUTING_KEY)
    return {
      pager: 'opsgenie',
      apiUrl: c.OPSGENIE_API_URL.replace(/\/+$/, ''),
      apiKey: c.OPSGENIE_API_KEY,
      timeoutMs,
    };
  return null;
}

/** How the bot pages; undefined when no paging service is configured. The local console rehearses. */
export function pagingModeOf(c: PagingConfig, local: boolean): PagingMode | undefined {
  if (local) return 'rehearsal';
  return pagingOf(c)?.pager;
}

/** The paging settings alone, read from `env` (test boots and tools that do not read the whole config). */
export function pagingConfigOf(env: Record<string, string | undefined>): PagingConfig {
  const shape = Object.fromEntries(Object.entries(PAGING_SETTINGS).map(([k, s]) => [k, s.schema]));
  const c = z.object(shape).parse(env) as Omit<PagingConfig, 'NODE_ENV'>;
  return { ...c, NODE_ENV: env.NODE_ENV ?? 'development' };
}

/** Whether `env` configures a paging service (the CLI's reminder pass offers Page buttons then, as the bot). */
export function pagingConfigured(env: Record<string, string | undefined>): boolean {
  try {
    return pagingOf(pagingConfigOf(env)) !== null;
  } catch {
    return false; // a malformed paging setting: the bot refuses to start with it, so it does not page
  }
}
