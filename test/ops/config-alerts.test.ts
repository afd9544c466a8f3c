// The alert intake's settings (issue 21): off without a token; a token needs a channel; weak tokens and an
// ambiguous platform are start-up errors in one sentence each.
import { describe, expect, it } from 'vitest';
import { readConfig, slackEnabled, teamsEnabled } from '../../src/config.js';
import { alertIntakeOf } from '../../src/config-alerts.js';

const slack = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's' };
const teams = { TEAMS_CLIENT_ID: 'c', TEAMS_CLIENT_SECRET: 's', TEAMS_TENANT_ID: 't' };
const TOKEN = 'a'.repeat(16);
const intake = (env: Record<string, string>) => {
  const c = readConfig(env);
  return alertIntakeOf(c, { slack: slackEnabled(c), teams: teamsEnabled(c) });
};

describe('alert settings', () => {
  it('is off without a token, on the one platform enabled with one', () => {
    expect(intake(slack)).toBeNull();
    expect(intake({ ...teams, ALERT_WEBHOOK_TOKEN: TOKEN, ALERTS_CHANNEL: '19:a@thread.tacv2' })).toEqual({
      token: TOKEN,
      channel: '19:a@thread.tacv2',
      platform: 'teams',
      maxBytes: 262_144,
      maxNewGroupsPerMinute: 60,
    });
    const off = { ...slack, ALERT_WEBHOOK_TOKEN: TOKEN, ALERTS_CHANNEL: 'C1' };
    expect(intake({ ...off, ALERT_MAX_NEW_GROUPS_PER_MINUTE: '0' })?.maxNewGroupsPerMinute).toBe(0);
    expect(() => readConfig({ ...off, ALERT_MAX_NEW_GROUPS_PER_MINUTE: '-1' })).toThrow(
      /ALERT_MAX_NEW_GROUPS_PER_MINUTE/,
    );
  });

  it('refuses a token without a channel, a short token, and two platforms without a choice', () => {
    expect(() => readConfig({ ...slack, ALERT_WEBHOOK_TOKEN: TOKEN })).toThrow(/^ALERTS_CHANNEL is missing/m);
    expect(() => readConfig({ ...slack, ALERT_WEBHOOK_TOKEN: 'short', ALERTS_CHANNEL: 'C1' })).toThrow(
      /ALERT_WEBHOOK_TOKEN must be at least 16 characters/,
    );
    expect(() =>
      readConfig({ ...slack, NODE_ENV: 'production', ALERT_WEBHOOK_TOKEN: TOKEN, ALERTS_CHANNEL: 'C1' }),
    ).toThrow(/at least 32 characters when NODE_ENV=production/);
    expect(() =>
      readConfig({ ...slack, ...teams, ALERT_WEBHOOK_TOKEN: TOKEN, ALERTS_CHANNEL: 'C1' }),
    ).toThrow(/ALERTS_PLATFORM is missing/);
    expect(() =>
      readConfig({ ...slack, ALERT_WEBHOOK_TOKEN: TOKEN, ALERTS_CHANNEL: 'C1', ALERTS_PLATFORM: 'teams' }),
    ).toThrow(/ALERTS_PLATFORM is teams, but Teams is not configured/);
    expect(
      intake({
        ...slack,
        ...teams,
        ALERT_WEBHOOK_TOKEN: TOKEN,
        ALERTS_CHANNEL: 'C1',
        ALERTS_PLATFORM: 'slack',
      })?.platform,
    ).toBe('slack');
  });
});
