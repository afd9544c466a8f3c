// The README's alert snippets work against this bot: the Alertmanager `receivers:` and the Grafana contact
// point are read from README.md, and their URL path, method and Authorization header (as Alertmanager's
// http_config.authorization and Grafana's authorization_scheme build it) carry the recorded payloads into the
// real bot, which stores and prompts them. A snippet that drifts from the routes or the auth fails here.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SqliteAlertStore } from '../../src/storage/sqlite/alert-store.js';
import { type RealBot, startRealBot } from '../faults/real-bot.js';

const TOKEN = 'readme-alert-token-0123456789abcdef';
const ALERTS = 'C0ALERTS';
// biome-ignore lint/suspicious/noExplicitAny: YAML and webhook bodies are free-form
type Json = any;

/** The YAML code blocks of the README's "Connect alerts" section, parsed. */
function readmeSnippets(): Json[] {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const start = readme.indexOf('## Connect alerts');
  expect(start, 'README has a "Connect alerts" section').toBeGreaterThan(-1);
  const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
  return [...section.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => parse(m[1] as string));
}

const fixture = (name: string): Json =>
  JSON.parse(readFileSync(new URL(`../fixtures/alerts/${name}`, import.meta.url), 'utf8'));

describe('README: connecting Alertmanager and Grafana', () => {
  let rb: RealBot;
  const snippets = readmeSnippets();
  const alertmanager = snippets.find((s) => s.receivers);
  const grafana = snippets.find((s) => s.contactPoints);

  beforeAll(async () => {
    rb = await startRealBot({ ALERT_WEBHOOK_TOKEN: TOKEN, ALERTS_CHANNEL: ALERTS });
    rb.fake.addChannel({ id: ALERTS, name: 'alerts', members: ['U0BOT'] });
  });
  afterAll(async () => {
    await rb?.close();
  });

  it('the Alertmanager receiver (webhook_configs, http_config.authorization) delivers to the bot', async () => {
    const receiver = alertmanager.receivers.find((r: Json) => r.webhook_configs);
    const hook = receiver.webhook_configs[0];
    expect(hook.send_resolved).toBe(true);
    // Alertmanager sends `Authorization: <type> <credentials>` (the credentials from credentials_file).
    const auth = hook.http_config.authorization;
    expect(auth.credentials_file ?? auth.credentials).toBeTruthy();
    const url = new URL(hook.url);
    const r = await fetch(`${rb.bot.url}${url.pathname}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `${auth.type} ${TOKEN}` },
      body: JSON.stringify(fixture('alertmanager-firing.json')),
    });
    expect(r.status).toBe(200);
    const body = fixture('alertmanager-firing.json');
    expect(new SqliteAlertStore(rb.bot.db).byGroupKey('alertmanager', body.groupKey)?.status).toBe('firing');
    // The route's matchers send what the shipped rules are about.
    const route = alertmanager.route.routes.find((x: Json) => x.receiver === receiver.name);
    expect(route.matchers.join(' ')).toMatch(/severity=~"page\|critical"/);
  });

  it('the Grafana contact point (webhook, authorization_scheme) delivers to the bot', async () => {
    const receiver = grafana.contactPoints[0].receivers[0];
    expect(receiver.type).toBe('webhook');
    expect(receiver.disableResolveMessage).toBe(false);
    const s = receiver.settings;
    const url = new URL(s.url);
    const r = await fetch(`${rb.bot.url}${url.pathname}`, {
      method: s.httpMethod,
      headers: { 'content-type': 'application/json', authorization: `${s.authorization_scheme} ${TOKEN}` },
      body: JSON.stringify(fixture('grafana-firing.json')),
    });
    expect(r.status).toBe(200);
    const { alert } = (await r.json()) as { alert: string };
    expect(new SqliteAlertStore(rb.bot.db).get(alert)?.source).toBe('grafana');
  });
});
