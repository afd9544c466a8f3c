// The paging settings (src/config-paging.ts): PagerDuty or Opsgenie, not both (one sentence at start), their
// URLs (https in production), and what the bot pages through; none configured is no paging.
import { describe, expect, it } from 'vitest';
import { ConfigError, readConfig } from '../../src/config.js';
import { pagingModeOf, pagingOf } from '../../src/config-paging.js';

const base = { TEAMS_ALLOW_UNAUTHENTICATED: 'true' };

function problems(env: Record<string, string>): string[] {
  try {
    readConfig({ ...base, ...env });
    return [];
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
}

describe('paging settings', () => {
  it('PagerDuty: the routing key turns it on, with the default Events API', () => {
    const c = readConfig({ ...base, PAGERDUTY_ROUTING_KEY: 'R0UTE' });
    expect(pagingOf(c)).toEqual({
      pager: 'pagerduty',
      eventsUrl: 'https://events.pagerduty.com',
      routingKey: 'R0UTE',
      timeoutMs: 10_000,
    });
    expect(pagingModeOf(c, false)).toBe('pagerduty');
    expect(pagingModeOf(c, true)).toBe('rehearsal');
  });

  it('Opsgenie: the API key turns it on (EU URL kept, trailing slash dropped)', () => {
    const c = readConfig({
      ...base,
      OPSGENIE_API_KEY: 'k',
      OPSGENIE_API_URL: 'https://api.eu.opsgenie.com/',
    });
    expect(pagingOf(c)).toMatchObject({
      pager: 'opsgenie',
      apiUrl: 'https://api.eu.opsgenie.com',
      apiKey: 'k',
    });
  });

  it('none configured: no paging', () => {
    const c = readConfig(base);
    expect(pagingOf(c)).toBeNull();
    expect(pagingModeOf(c, false)).toBeUndefined();
  });

  it('both at once is refused in one sentence; a plain-http URL is refused in production', () => {
    expect(problems({ PAGERDUTY_ROUTING_KEY: 'a', OPSGENIE_API_KEY: 'b' })).toEqual([
      'Both PagerDuty (PAGERDUTY_ROUTING_KEY) and Opsgenie (OPSGENIE_API_KEY) are configured: the bot pages through one service, so remove the settings of the other.',
    ]);
    expect(problems({ PAGERDUTY_ROUTING_KEY: 'a', PAGERDUTY_EVENTS_URL: 'not a url' })).toEqual([
      expect.stringMatching(/^PAGERDUTY_EVENTS_URL must be a URL/),
    ]);
    expect(
      problems({
        NODE_ENV: 'production',
        AUDIT_SIGNING_KEY_FILE: '/k.pem',
        TEAMS_ALLOW_UNAUTHENTICATED: 'false',
        OPSGENIE_API_KEY: 'b',
        OPSGENIE_API_URL: 'http://opsgenie.internal',
      }),
    ).toContain('OPSGENIE_API_URL must use https when NODE_ENV=production: the key travels with every page.');
  });
});
