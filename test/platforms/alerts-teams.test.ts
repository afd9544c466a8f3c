// Alerts in (issue 21) on Teams: Alertmanager's recorded payload POSTed to the bot's /webhooks/alertmanager
// becomes one Adaptive Card in the alerts channel (through the fake Bot Connector), with the three buttons
// (task/fetch: each opens its dialog, handlers/alert-dialogs.ts); repeats and the resolution update that card
// in place. Wired as src/bot.ts wires it (test/support/boot-teams-bot.ts with ALERT_WEBHOOK_TOKEN).
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BootedTeamsBot, bootTeamsBot } from '../support/boot-teams-bot.js';

const TOKEN = 'teams-alert-token-0123456789';
const ALERTS = '19:alerts000000000000000000000000000@thread.tacv2';
// biome-ignore lint/suspicious/noExplicitAny: webhook bodies and cards are free-form JSON
type Json = any;
const fixture = (name: string): Json =>
  JSON.parse(readFileSync(new URL(`../fixtures/alerts/${name}`, import.meta.url), 'utf8'));

describe('alerts in, on Teams', () => {
  let bot: BootedTeamsBot;
  const am = (body: unknown, auth = `Bearer ${TOKEN}`) =>
    fetch(`${bot.url}/webhooks/alertmanager`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: auth },
      body: JSON.stringify(body),
    });
  const cardsIn = () => bot.connector.activities.filter((a) => a.conversationId === ALERTS);

  beforeAll(async () => {
    bot = await bootTeamsBot({ env: { ALERT_WEBHOOK_TOKEN: TOKEN, ALERTS_CHANNEL: ALERTS } });
  });
  afterAll(async () => {
    await bot?.close();
  });

  it('a firing alert is one card in the alerts channel with the Declare / Add to / Dismiss buttons', async () => {
    const r = await am(fixture('alertmanager-firing.json'));
    expect(r.status).toBe(200);
    const { alert } = (await r.json()) as { alert: string };
    await bot.settle();
    const sends = cardsIn().filter((a) => a.op === 'send');
    expect(sends).toHaveLength(1);
    const card = sends[0]!.body.attachments[0].content;
    const text = JSON.stringify(card.body);
    expect(card.body[0].text).toBe(`${alert} · Firing`);
    expect(card.body[1].text).toBe('**Test \\(job=prometheus24\\)**');
    expect(text).toContain('No playbook rule matched');
    expect(card.body.find((b: Json) => b.type === 'FactSet').facts).toContainEqual({
      title: 'dc',
      value: 'eu-west-1',
    });
    expect(card.actions.map((a: Json) => [a.title, a.data.dialog, a.data.alert])).toEqual([
      ['Declare incident', 'alert_declare', alert],
      ['Add to INC-…', 'alert_attach', alert],
      ['Dismiss', 'alert_dismiss', alert],
    ]);
  });

  it('repeats and the resolution update the same card; a wrong token changes nothing', async () => {
    expect((await am(fixture('alertmanager-firing.json'), 'Bearer nope-nope-nope-nope')).status).toBe(401);
    for (let n = 0; n < 4; n++) expect((await am(fixture('alertmanager-firing.json'))).status).toBe(200);
    expect((await am(fixture('alertmanager-resolved.json'))).status).toBe(200);
    await bot.settle();
    expect(cardsIn().filter((a) => a.op === 'send')).toHaveLength(1);
    const id = cardsIn()[0]!.responseId!;
    expect(cardsIn().filter((a) => a.op === 'update').length).toBeGreaterThanOrEqual(1);
    const latest = JSON.stringify(bot.connector.activityById(id));
    expect(latest).toContain('Resolved at');
    expect(latest).toContain('6 notifications');
  });
  it('user text from the alert never becomes markup: labels, summary and alert name are escaped', async () => {
    const body = fixture('alertmanager-firing.json');
    const link = '[Reset password](https://evil.example/reset)';
    body.groupKey = '{}:{alertname="Markdown"}';
    body.groupLabels = { alertname: `**${link}**` };
    body.commonLabels = { alertname: `**${link}**`, runbook: link };
    body.commonAnnotations = { summary: `Please ${link}` };
    body.alerts[0].labels = body.commonLabels;
    body.alerts[0].fingerprint = 'fp-markdown';
    const r = await am(body);
    expect(r.status).toBe(200);
    const { alert } = (await r.json()) as { alert: string };
    await bot.settle();
    const send = cardsIn().find((a) => a.op === 'send' && JSON.stringify(a.body).includes(alert))!;
    const card = send.body.attachments[0].content;
    const facts = card.body.find((b: Json) => b.type === 'FactSet').facts as {
      title: string;
      value: string;
    }[];
    const texts = [...facts.flatMap((f) => [f.title, f.value]), ...card.body.map((b: Json) => b.text ?? '')];
    // no live markdown link anywhere in the card: every [ ] ( ) * of the alert's text is escaped
    // (the bot's own link to the alert's source is one)
    for (const t of texts.filter((x) => !x.startsWith('[Open in '))) expect(t).not.toMatch(/(^|[^\\])\]\(/);
    expect(facts).toContainEqual({
      title: 'runbook',
      value: '\\[Reset password\\]\\(https://evil.example/reset\\)',
    });
    expect(JSON.stringify(card.body)).toContain('Please \\\\[Reset password\\\\]');
  });
});
