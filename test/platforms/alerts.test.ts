// Alerts in (issue 21), through the real bot (src/bot.ts startBot) on Slack: Alertmanager's and Grafana's
// recorded payloads (test/fixtures/alerts) POSTed to /webhooks/*, a prompt posted and updated in the alerts
// channel of the fake Slack Web API, `mode: declare` declaring as the bot, de-duplication by group key,
// resolution, and the refusals: no token, a wrong token, a malformed body, a body too large.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BOT_ID } from '../../src/domain/text.js';
import { DEFAULT_PLAYBOOK_PATH } from '../../src/storage/playbook-file.js';
import { SqliteAlertStore } from '../../src/storage/sqlite/alert-store.js';
import { type RealBot, startRealBot } from '../faults/real-bot.js';
import { tempDb } from '../support/temp-db.js';

const TOKEN = 'alert-token-0123456789abcdef';
const ALERTS = 'C0ALERTS';
// biome-ignore lint/suspicious/noExplicitAny: webhook bodies are free-form JSON
type Json = any;
const errorOf = async (r: Response) => ((await r.json()) as { error?: string }).error;
const fixture = (name: string): Json =>
  JSON.parse(readFileSync(new URL(`../fixtures/alerts/${name}`, import.meta.url), 'utf8'));

/** Alertmanager's recorded payload for another alert name (its own group). */
function amFor(alertname: string, status: 'firing' | 'resolved' = 'firing'): Json {
  const p = fixture(status === 'firing' ? 'alertmanager-firing.json' : 'alertmanager-resolved.json');
  p.groupKey = `{}:{alertname="${alertname}"}`;
  p.groupLabels.alertname = alertname;
  p.commonLabels.alertname = alertname;
  p.alerts[0].labels.alertname = alertname;
  // Alertmanager's fingerprint is its labels' (an alert of another name has another one)
  p.alerts[0].fingerprint = `fp-${alertname}`;
  p.commonAnnotations.summary = `${alertname} on localhost:9090`;
  return p;
}

/** The alert firing again: started after it resolved (a late copy of the old "firing" is only counted). */
function startedLater(p: Json): Json {
  return { ...p, alerts: p.alerts.map((a: Json) => ({ ...a, startsAt: '2018-08-03T09:00:00Z' })) };
}

describe('alerts in, on Slack (real bot)', () => {
  let rb: RealBot;
  let playbookFile: string;
  const post = (pathname: string, body: unknown, o: { auth?: string | null; raw?: string } = {}) =>
    fetch(`${rb.bot.url}${pathname}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(o.auth === null ? {} : { authorization: o.auth ?? `Bearer ${TOKEN}` }),
      },
      body: o.raw ?? JSON.stringify(body),
    });
  const am = (body: unknown, o: { auth?: string | null; raw?: string } = {}) =>
    post('/webhooks/alertmanager', body, o);
  const alerts = () => new SqliteAlertStore(rb.bot.db);
  const prompts = () => rb.fake.okCallsTo('chat.postMessage').filter((c) => c.args.channel === ALERTS);
  const settle = () => rb.bot.dispatcher.drain(5000);

  beforeAll(async () => {
    // The shipped playbook plus one rule that declares: an ingest alert is an outage, no doubt about it.
    playbookFile = path.join(path.dirname(tempDb().path), 'alerts.yaml');
    writeFileSync(
      playbookFile,
      readFileSync(DEFAULT_PLAYBOOK_PATH, 'utf8').replace(
        /^alertRules:\n/m,
        [
          'alertRules:',
          '  - name: ingest-down',
          "    matchRe: { alertname: 'Ingest.*' }",
          '    triggerClass: service_outage',
          '    impact: Prices are stale',
          '    severe: true',
          '    mode: declare',
          '    notify: [U0ONCALL, U0SECOND]',
          '',
        ].join('\n'),
      ),
    );
    rb = await startRealBot({
      ALERT_WEBHOOK_TOKEN: TOKEN,
      ALERTS_CHANNEL: ALERTS,
      ALERT_WEBHOOK_MAX_BYTES: '4096',
      PLAYBOOK_PATH: playbookFile,
    });
    rb.fake.addChannel({ id: ALERTS, name: 'alerts', members: ['U0BOT'] });
  });
  afterAll(async () => {
    await rb?.close();
  });

  it('refuses without the token or with a wrong one (401, WWW-Authenticate), stores nothing', async () => {
    for (const auth of [null, 'Bearer wrong-token-0123456789abcdef', `Basic ${TOKEN}`]) {
      const r = await am(fixture('alertmanager-firing.json'), { auth });
      expect(r.status).toBe(401);
      expect(r.headers.get('www-authenticate')).toMatch(/^Bearer/);
    }
    expect(alerts().byGroupKey('alertmanager', fixture('alertmanager-firing.json').groupKey)).toBeNull();
  });

  it('answers 400 with a reason for a malformed body, 413 for one too large', async () => {
    const notJson = await am(null, { raw: '{"version": "4",' });
    expect([notJson.status, await errorOf(notJson)]).toEqual([400, 'the body is not JSON']);
    const v3 = await am({ ...fixture('alertmanager-firing.json'), version: '3' });
    expect(v3.status).toBe(400);
    expect(await errorOf(v3)).toBe('version: must be "4" (Alertmanager webhook payload version 4)');
    const noAlerts = await am({ ...fixture('alertmanager-firing.json'), alerts: [] });
    expect(await errorOf(noAlerts)).toBe('alerts: needs at least one alert');
    const big = fixture('alertmanager-firing.json');
    big.commonAnnotations.description = 'x'.repeat(5000);
    const tooLarge = await am(big);
    expect(tooLarge.status).toBe(413);
    expect(await errorOf(tooLarge)).toContain('ALERT_WEBHOOK_MAX_BYTES');
  });

  it('firing with no rule: one prompt in the alerts channel, with the three buttons', async () => {
    const r = await am(fixture('alertmanager-firing.json'));
    expect(r.status).toBe(200);
    const { alert } = (await r.json()) as { alert: string };
    expect(alert).toMatch(/^ALERT-\d+$/);
    await settle();
    const posted = prompts().filter((c) => JSON.stringify(c.args.blocks).includes(alert));
    expect(posted).toHaveLength(1);
    const text = JSON.stringify(posted[0]!.args.blocks);
    expect(text).toContain('Test (job=prometheus24)');
    expect(text).toContain('No playbook rule matched');
    expect(text).toContain('http://example.com:9090/graph');
    expect(text).toContain('eu-west-1');
    const buttons = (posted[0]!.args.blocks as Json[]).find((b) => b.type === 'actions').elements;
    expect(buttons.map((b: Json) => [b.action_id, b.value])).toEqual([
      ['alert_declare', alert],
      ['alert_attach', alert],
      ['alert_dismiss', alert],
    ]);
  });

  it('the same group 5 times: one message, updated in place, 5 notifications, no incident', async () => {
    const body = amFor('DiskAlmostFull');
    const postsBefore = prompts().length;
    let id = '';
    for (let n = 0; n < 5; n++) {
      const r = await am(body);
      expect(r.status).toBe(200);
      id = ((await r.json()) as { alert: string }).alert;
      await settle();
    }
    // exactly one chat.postMessage in the alerts channel for the five: the rest are edits
    expect(prompts().length - postsBefore).toBe(1);
    const mine = prompts().filter((c) => JSON.stringify(c.args.blocks).includes(id));
    expect(mine).toHaveLength(1);
    const ts = String(mine[0]!.response.ts);
    const msg = rb.fake.message(ALERTS, ts)!;
    expect(msg.edits.length).toBeGreaterThanOrEqual(1);
    expect(JSON.stringify(msg.blocks)).toContain('5 notifications');
    expect(alerts().get(id)?.notifications).toBe(5);
    // the raw body is kept once (repeats only counted)
    expect(alerts().notifications(id)).toHaveLength(1);
    expect(rb.bot.store.listOpen()).toHaveLength(0);

    // resolved: the same message says so, and loses nothing else
    const r = await am(amFor('DiskAlmostFull', 'resolved'));
    expect(((await r.json()) as { alert: string }).alert).toBe(id);
    await settle();
    const after = JSON.stringify(rb.fake.message(ALERTS, ts)!.blocks);
    expect(after).toContain('Resolved at');
    expect(alerts().get(id)).toMatchObject({ status: 'resolved', resolvedAt: '2018-08-03T08:07:26.739Z' });
    expect(prompts().length - postsBefore).toBe(1);
    expect(
      alerts()
        .notifications(id)
        .map((n) => n.status),
    ).toEqual(['firing', 'resolved']);

    // undecided, it fires again: a new message (Slack notifies on a post, not on an edit far up the
    // channel), the old one pointing to it, without its buttons
    const again = await am(startedLater(body));
    const next = ((await again.json()) as { alert: string }).alert;
    expect(next).not.toBe(id);
    await settle();
    expect(prompts().length - postsBefore).toBe(2);
    const fresh = prompts().at(-1)!;
    expect(JSON.stringify(fresh.args.blocks)).toContain(`${next} · Firing`);
    expect(JSON.stringify(fresh.args.blocks)).toContain('alert_declare');
    const old = JSON.stringify(rb.fake.message(ALERTS, ts)!.blocks);
    expect(old).toContain(`see *${next}*`);
    expect(old).not.toContain('alert_declare');
  });

  it('the same new group sent 5 times at once: one group, one prompt', async () => {
    const body = amFor('BurstAlert');
    const postsBefore = prompts().length;
    const answers = await Promise.all(Array.from({ length: 5 }, () => am(body)));
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    const ids = await Promise.all(answers.map(async (r) => ((await r.json()) as { alert: string }).alert));
    expect(new Set(ids).size).toBe(1);
    await settle();
    expect(prompts().length - postsBefore).toBe(1);
    expect(alerts().get(ids[0]!)?.notifications).toBe(5);
    expect(JSON.stringify(rb.fake.message(ALERTS, String(prompts().at(-1)!.response.ts))!.blocks)).toContain(
      '5 notifications',
    );
  });

  it('mode declare: the bot declares with the alert as first evidence, invites notify; repeats never open a second; resolved is told', async () => {
    const before = rb.bot.store.listOpen().length;
    const body = amFor('IngestDown');
    const first = (await (await am(body)).json()) as { alert: string; incident: string };
    expect(first.incident).toMatch(/^INC-/);
    for (let n = 0; n < 4; n++) {
      const again = (await (await am(body)).json()) as { alert: string; incident: string };
      expect(again).toEqual(first);
    }
    await settle();
    expect(rb.bot.store.listOpen()).toHaveLength(before + 1);
    const inc = rb.bot.store.get(first.incident)!;
    expect(inc).toMatchObject({
      declaredBy: BOT_ID,
      title: 'IngestDown on localhost:9090',
      triggerClass: 'service_outage',
      impact: 'Prices are stale',
      severeImpact: true,
    });
    expect(inc.roles.commander).toEqual(['U0ONCALL']);
    expect(inc.members).toContain('U0SECOND');
    const log = rb.bot.store.logEntries(first.incident);
    const kinds = log.map((e) => e.kind);
    expect(kinds.slice(0, 2)).toEqual(['declared', 'evidence']);
    const evidence = JSON.parse(log[1]!.payload);
    expect(evidence).toMatchObject({ alert: first.alert, source: 'alertmanager', status: 'firing' });
    expect(JSON.parse(evidence.raw).groupKey).toBe('{}:{alertname="IngestDown"}');
    expect(log.some((e) => e.kind === 'member' && JSON.parse(e.payload).user === 'U0SECOND')).toBe(true);
    // invited to the room by the declaration itself (no separate command)
    const declaredWith = log.filter((e) => ['declared', 'evidence', 'member'].includes(e.kind));
    expect(new Set(declaredWith.map((e) => e.command_key))).toEqual(
      new Set([`alert:${first.alert}:declare`]),
    );
    expect(
      rb.fake.callsTo('conversations.invite').some((c) => String(c.args.users).includes('U0SECOND')),
    ).toBe(true);
    // the prompt says who declared what, by key, with no buttons left
    const prompt = JSON.stringify(
      rb.fake.message(ALERTS, rb.bot.outbox.getMessageRef(first.alert, 'slack', 'alert_prompt:1')!.ref)!
        .blocks,
    );
    expect(prompt).toContain(`Declared as *${first.incident}*`);
    expect(prompt).not.toContain('alert_declare');

    const resolved = await am(amFor('IngestDown', 'resolved'));
    expect(resolved.status).toBe(200);
    await settle();
    const resolvedLog = rb.bot.store.logEntries(first.incident).filter((e) => e.kind === 'alert');
    expect(resolvedLog.map((e) => JSON.parse(e.payload).kind)).toContain('resolved');
    const room = rb.bot.store.get(first.incident)!.room!.id;
    expect(
      rb.fake.messagesIn(room).some((m) => (m.text ?? '').includes(`alert ${first.alert} resolved`)),
    ).toBe(true);
    expect(rb.bot.store.listOpen()).toHaveLength(before + 1);

    // it fires again while the incident is open: a new prompt, added to that incident by the bot (no
    // Declare button, no second incident); the room hears it, and the incident's alert is firing again
    const postsBefore = prompts().length;
    const again = (await (await am(startedLater(body))).json()) as { alert: string; incident: string };
    expect(again.alert).not.toBe(first.alert);
    expect(again.incident).toBe(first.incident);
    await settle();
    expect(prompts().length - postsBefore).toBe(1);
    const newPrompt = JSON.stringify(prompts().at(-1)!.args.blocks);
    expect(newPrompt).toContain(`added to *${first.incident}*`);
    expect(newPrompt).not.toContain('alert_declare');
    expect(rb.bot.store.listOpen()).toHaveLength(before + 1);
    expect(rb.bot.store.get(first.incident)!.alerts?.at(-1)).toMatchObject({
      id: again.alert,
      status: 'firing',
    });
    expect(
      rb.fake.messagesIn(room).some((m) => (m.text ?? '').includes(`alert ${again.alert} firing again`)),
    ).toBe(true);
  });

  it('Grafana: the documented payload is prompted, with its rule link and both alerts counted', async () => {
    const r = await post('/webhooks/grafana', fixture('grafana-firing.json'));
    expect(r.status).toBe(200);
    const { alert } = (await r.json()) as { alert: string };
    await settle();
    const posted = prompts().filter((c) => JSON.stringify(c.args.blocks).includes(alert));
    expect(posted).toHaveLength(1);
    const text = JSON.stringify(posted[0]!.args.blocks);
    expect(text).toContain('This alert was triggered for zone us-1');
    expect(text).toContain('2 alerts in this group');
    expect(text).toContain('https://play.grafana.org/alerting/1afz29v7z/edit');
    expect(alerts().get(alert)).toMatchObject({ source: 'grafana', groupKey: '1:{}:{}' });
  });

  it('Grafana resolved: the same prompt says so', async () => {
    const r = await post('/webhooks/grafana', fixture('grafana-resolved.json'));
    expect(r.status).toBe(200);
    const { alert } = (await r.json()) as { alert: string };
    await settle();
    expect(alerts().get(alert)).toMatchObject({
      source: 'grafana',
      groupKey: '1:{}:{}',
      status: 'resolved',
      resolvedAt: '2021-10-12T08:26:03.157Z',
    });
    const ts = rb.bot.outbox.getMessageRef(alert, 'slack', 'alert_prompt:1')!.ref;
    const text = JSON.stringify(rb.fake.message(ALERTS, ts)!.blocks);
    expect(text).toContain(`${alert} · Resolved`);
    expect(prompts().filter((c) => JSON.stringify(c.args.blocks).includes(alert))).toHaveLength(1);
  });

  it('logged no error along the way (a prompt not delivered, an intake failure)', () => {
    const bad = rb.logLines.map((l) => JSON.parse(l)).filter((l) => l.level >= 50);
    expect(bad.map((l) => l.msg)).toEqual([]);
  });
});

describe('alerts off', () => {
  it('without ALERT_WEBHOOK_TOKEN the webhooks are not served (404)', async () => {
    const rb = await startRealBot({});
    try {
      const r = await fetch(`${rb.bot.url}/webhooks/alertmanager`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
        body: JSON.stringify(fixture('alertmanager-firing.json')),
      });
      expect(r.status).toBe(404);
    } finally {
      await rb.close();
    }
  });
});
