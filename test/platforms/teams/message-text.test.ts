/**
 * Faithful message text from Teams, end to end: the "Add to incident log" message action (POST /api/messages,
 * Bot Framework auth on) on messages whose HTML is the real samples in test/fixtures/teams/messages, and an
 * edit of a logged message; the decision-log entries hold the text as people read it in Teams.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TeamsDriver } from '../../scenarios/teams-driver.js';
import { type BootedTeamsBot, bootTeamsBot } from '../../support/boot-teams-bot.js';
import { ALICE, addToLogAction, BOB, type Json, messageChange } from './activities.js';
import { guardLoopback } from './loopback-guard.js';

const sample = (name: string) =>
  readFileSync(new URL(`../../fixtures/teams/messages/${name}`, import.meta.url), 'utf8');

let bot: BootedTeamsBot;
let guard: ReturnType<typeof guardLoopback>;
let key = '';
let room = '';
let seq = 0;

beforeAll(async () => {
  guard = guardLoopback();
  bot = await bootTeamsBot();
  const driver = new TeamsDriver(bot);
  key = await driver.declare(
    {
      title: 'Orders DB failover',
      triggerClass: 'service_outage',
      impact: 'Checkout errors',
      severeImpact: false,
      drill: false,
    },
    'ic',
  );
  room = bot.store.get(key)!.room!.id;
});

afterAll(async () => {
  await bot?.close();
  guard?.restore();
  expect(new Set(guard.hosts)).toEqual(new Set(['127.0.0.1']));
});

/** The message action on a message with this HTML body; returns the message id it was logged under. */
async function logFromTeams(html: string, o: { decision?: boolean } = {}): Promise<string> {
  const channel = room.split(';')[0]!;
  const id = `17600099${String(++seq).padStart(3, '0')}`;
  const a = addToLogAction(
    { id, html, author: BOB, createdDateTime: '2026-01-05T08:00:00.000Z', channel },
    { serviceUrl: bot.connector.serviceUrl, from: ALICE, conversationId: room },
  );
  if (o.decision) a.value.data = { kind: 'decision' };
  const res = await bot.sendActivity(a);
  expect(res.status).toBe(200);
  expect(res.body.task?.type).toBe('message');
  expect(String(res.body.task.value)).not.toMatch(/already|not in an incident/);
  return `${channel}:${id}`;
}

const entryFor = (messageId: string) => {
  const e = bot.store.logEntries(key).find((x) => JSON.parse(x.payload).messageId === messageId);
  if (!e) throw new Error(`no log entry for ${messageId}`);
  return { kind: e.kind, payload: JSON.parse(e.payload) as Json };
};

describe('message text logged from Teams', () => {
  it('a decision: paragraphs kept as lines, numeric and named entities decoded (issue 20)', async () => {
    const id = await logFromTeams(sample('issue-20-paragraphs.html'), { decision: true });
    const e = entryFor(id);
    expect(e.kind).toBe('decision');
    expect(e.payload.text).toBe('DB failover done\n… ’ €');
    expect(e.payload.author).toBe(BOB.name);
  });

  it('notes: lists, code, links, mentions and emoji as people read them', async () => {
    const cases: [string, string][] = [
      [
        'lists.html',
        'Next steps:\n• Drain broker 3\n• Restart consumers\n  • ingest\n  • billing\n1. Page the DBA\n2. Fail back',
      ],
      [
        'code-pre.html',
        "Ran on the primary:\nSELECT count(*)\n  FROM orders\n WHERE state = 'stuck' && id < 42;\n\n\n-- 0 rows\nthen systemctl  restart  pgbouncer on each node",
      ],
      [
        'links.html',
        'Graphs: Ingest dashboard (https://grafana.example/d/ingest?from=now-1h&to=now), status page https://status.example.com',
      ],
      ['mentions-graph.html', 'Ah, @Megan, @Alex, I saw them in a separate folder. Thanks!'],
      ['emoji-graph.html', 'I am looking 👀:microsoft_teams:'],
      [
        'blank-lines.html',
        'Root cause found.\n\nLag spiked after the deploy.\nTimeline:\n10:02 alert\n\n10:04 promoted',
      ],
    ];
    for (const [file, text] of cases) {
      const e = entryFor(await logFromTeams(sample(file)));
      expect(e.kind, file).toBe('note');
      expect(e.payload.text, file).toBe(text);
    }
  });

  it('an edit of a logged message: the correction holds the edited HTML (text/html attachment) as text', async () => {
    const id = await logFromTeams('<p>Broker 3 restarted</p>');
    const edit = messageChange(
      'edit',
      { id: id.split(':').pop()!, html: 'Broker 3 and 4 restarted &#8211; lag 0' },
      { serviceUrl: bot.connector.serviceUrl, from: BOB, conversationId: room },
    );
    edit.attachments = [
      {
        contentType: 'text/html',
        content: '<p>Broker 3 <b>and 4</b> restarted &#8211; lag&nbsp;0</p><ul><li>ingest ok</li></ul>',
      },
    ];
    const res = await bot.sendActivity(edit);
    expect(res.status).toBe(200);
    await bot.settle();
    const corrections = bot.store
      .logEntries(key)
      .filter((e) => e.kind === 'correction')
      .map((e) => JSON.parse(e.payload));
    expect(corrections).toEqual([
      { messageId: id, change: 'edited', text: 'Broker 3 and 4 restarted – lag 0\n• ingest ok' },
    ]);
  });
});
