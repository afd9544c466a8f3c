import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  auditChannelOf,
  ConfigError,
  readConfig,
  SETTINGS,
  settingDocs,
  slackEnabled,
  teamsEnabled,
} from '../../src/config.js';

describe('configuration', () => {
  it('defaults work with nothing set, and nothing is enabled', () => {
    const c = readConfig({});
    expect(c.PORT).toBe(3000);
    expect(c.DATABASE_PATH).toBe('./data/incident-bot.db');
    expect(slackEnabled(c) || teamsEnabled(c)).toBe(false);
  });

  it('a malformed setting is named, with what it is for', () => {
    try {
      readConfig({ PORT: 'eighty' });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as ConfigError).problems[0]).toMatch(/^PORT: .*HTTP port/);
    }
  });

  it('half a Slack configuration names the missing setting', () => {
    expect(() => readConfig({ SLACK_BOT_TOKEN: 'xoxb-1' })).toThrow(/SLACK_SIGNING_SECRET is missing/);
    expect(() => readConfig({ SLACK_SIGNING_SECRET: 's' })).toThrow(/SLACK_BOT_TOKEN is missing/);
    expect(slackEnabled(readConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's' }))).toBe(true);
  });

  it('in production, requires the audit signing key', () => {
    expect(() => readConfig({ NODE_ENV: 'production' })).toThrow(
      /AUDIT_SIGNING_KEY_FILE is required when NODE_ENV=production/,
    );
    expect(
      readConfig({ NODE_ENV: 'production', AUDIT_SIGNING_KEY_FILE: '/keys/k.pem' }).AUDIT_PUBLISH_MINUTES,
    ).toBe(15);
    expect(() => readConfig({ AUDIT_PUBLISH_MINUTES: '0' })).toThrow(/AUDIT_PUBLISH_MINUTES/);
  });

  it('reads AUDIT_CHANNEL as a channel on a configured platform', () => {
    const slack = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's' };
    const teams = { TEAMS_CLIENT_ID: 'id', TEAMS_CLIENT_SECRET: 'secret', TEAMS_TENANT_ID: 't' };
    expect(auditChannelOf(readConfig({ ...slack, AUDIT_CHANNEL: 'C0AUDIT' }))).toEqual({
      platform: 'slack',
      id: 'C0AUDIT',
    });
    expect(auditChannelOf(readConfig({ ...teams, AUDIT_CHANNEL: '19:abc@thread.tacv2' }))).toEqual({
      platform: 'teams',
      id: '19:abc@thread.tacv2',
    });
    expect(
      auditChannelOf(readConfig({ ...slack, ...teams, AUDIT_CHANNEL: 'teams:19:x@thread.tacv2' })),
    ).toEqual({
      platform: 'teams',
      id: '19:x@thread.tacv2',
    });
    expect(() => readConfig({ ...slack, AUDIT_CHANNEL: 'teams:19:x' })).toThrow(
      /AUDIT_CHANNEL names a Teams channel, but Teams is not configured/,
    );
    expect(auditChannelOf(readConfig({}))).toBeNull();
  });

  it('refuses unauthenticated Teams in production', () => {
    expect(() => readConfig({ NODE_ENV: 'production', TEAMS_ALLOW_UNAUTHENTICATED: 'true' })).toThrow(
      /refused when NODE_ENV=production/,
    );
    expect(readConfig({ TEAMS_ALLOW_UNAUTHENTICATED: 'true' }).TEAMS_ALLOW_UNAUTHENTICATED).toBe(true);
  });

  it('.env.example documents every setting, and nothing else', () => {
    const names = [...readFileSync('.env.example', 'utf8').matchAll(/^#?\s*([A-Z][A-Z0-9_]+)=/gm)].map(
      (m) => m[1],
    );
    expect(new Set(names)).toEqual(new Set(Object.keys(SETTINGS)));
  });

  it('the configuration table in docs/configuration.md agrees with the schema', () => {
    const readme = readFileSync('docs/configuration.md', 'utf8');
    const rows = [...readme.matchAll(/^\|\s*`([A-Z][A-Z0-9_]+)`\s*\|/gm)].map((m) => m[1]);
    // ...and each row says what the schema says: required, default, purpose.
    for (const doc of settingDocs()) {
      const line = readme.split('\n').find((l) => new RegExp(`^\\|\\s*\`${doc.name}\`\\s*\\|`).test(l));
      const cells = line!.split(/(?<!\\)\|/).map((c) => c.trim());
      expect([cells[2], cells[3]?.replace(/^`|`$/g, '')], doc.name).toEqual([doc.required, doc.default]);
      expect(cells[4], doc.name).toBe(doc.purpose.replace(/\|/g, '\\|'));
    }
    expect(new Set(rows)).toEqual(new Set(Object.keys(SETTINGS)));
  });
});
