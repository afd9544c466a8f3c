// Files in and out on Teams, through the real /api/messages endpoint and a fake Graph on loopback:
// - a file shared in the incident's channel (the documented attachment shapes, test/fixtures/teams/
//   message_file_attachments.json) -> an evidence entry with its name, size, SHA-256 of the bytes the fake
//   served, and its SharePoint link; a `reference` file is fetched through Graph's shares API;
// - `export` in channel mode -> the Markdown, SVG and CSV in the channel's files folder (the .md being the
//   export renderer's output), the room's card linking them; a 429 is retried, each file uploaded once.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderExportFiles } from '../../../src/export/export-files.js';
import { loadIncidentRecord } from '../../../src/storage/sqlite/record-reader.js';
import { TeamsDriver } from '../../scenarios/teams-driver.js';
import { type BootedTeamsBot, bootTeamsBot } from '../../support/boot-teams-bot.js';
import { channelModeEnv, type FakeGraph, startFakeGraph } from '../../support/fake-graph.js';
import { CAROL, type Json, mentionMessage } from './activities.js';
import { guardLoopback } from './loopback-guard.js';

const SAMPLE = JSON.parse(
  readFileSync(new URL('../../fixtures/teams/message_file_attachments.json', import.meta.url), 'utf8'),
).payload.attachments as Json[];

const FORM = { triggerClass: 'service_outage', impact: 'No quotes', severeImpact: false, drill: false };
const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

describe('Teams files: evidence in, export out (channel mode)', () => {
  let bot: BootedTeamsBot;
  let graph: FakeGraph;
  let guard: ReturnType<typeof guardLoopback>;
  beforeAll(async () => {
    guard = guardLoopback();
    graph = await startFakeGraph();
    bot = await bootTeamsBot({ env: channelModeEnv(graph), declareLimit: 50 });
  });
  afterAll(async () => {
    await bot?.close();
    await graph?.close();
    guard?.restore();
  });

  /** A message in the room carrying only files (no text), as Teams delivers a file share. */
  function fileMessage(room: string, attachments: Json[]): Json {
    const a = mentionMessage('', { serviceUrl: bot.connector.serviceUrl, conversationId: room, from: CAROL });
    a.text = '';
    a.entities = [];
    a.attachments = [{ contentType: 'text/html', content: '<p></p>' }, ...attachments];
    return a;
  }

  it('a file shared in the incident channel -> evidence with name, size, SHA-256 and link', async () => {
    const key = await new TeamsDriver(bot).declare({ ...FORM, title: 'Evidence outage' }, 'ic');
    await bot.settle();
    const room = bot.store.get(key)!.room!.id;
    expect(graph.channels.some((c) => c.id === room)).toBe(true);

    const bytes = Buffer.from('2026-03-01T10:00:00Z ERROR feed handler lost its session\n'.repeat(300));
    const csv = 'time,price\n10:00,101.5\n';
    const served = graph.serveFile('file_example.txt', bytes);
    const shared = graph.serveFile('test csv.csv', csv);
    const [info, ref] = structuredClone(SAMPLE);
    info.content.downloadUrl = served.downloadUrl;
    ref.contentUrl = shared.sharingUrl;
    const message = fileMessage(room, [info, ref]);
    const res = await bot.sendActivity(message);
    expect(res.status).toBeLessThan(300);

    const evidence = bot.store.logEntries(key).filter((e) => e.kind === 'evidence');
    expect(evidence).toHaveLength(2);
    const [first, second] = evidence.map((e) => JSON.parse(String(e.payload)));
    expect(first).toMatchObject({
      name: 'file_example.txt',
      size: bytes.length,
      sha256: sha(bytes),
      link: info.contentUrl,
    });
    expect(second).toMatchObject({
      name: 'test csv.csv',
      size: Buffer.byteLength(csv),
      sha256: sha(csv),
      link: shared.sharingUrl,
    });
    // the reference file came through Graph's shares API with the bot's Graph token; the download did not
    const share = graph.requests.find((r) => r.path.startsWith('/shares/u!'));
    expect(share?.authorization).toMatch(/^Bearer graph-token-/);
    const download = graph.requests.filter((r) => r.path.startsWith('/download/'));
    expect(download.every((r) => r.authorization === undefined)).toBe(true);
    // a redelivery of the same message records nothing twice
    await bot.sendActivity(message);
    expect(bot.store.logEntries(key).filter((e) => e.kind === 'evidence')).toHaveLength(2);
  });

  it('a file the bot cannot fetch is recorded by name and link, and the sharer is told why', async () => {
    const key = await new TeamsDriver(bot).declare({ ...FORM, title: 'Unfetchable outage' }, 'ic');
    await bot.settle();
    const room = bot.store.get(key)!.room!.id;
    const [info] = structuredClone(SAMPLE);
    info.content.downloadUrl = 'http://files.example.com/plain-http';
    const before = bot.connector.activities.length;
    await bot.sendActivity(fileMessage(room, [info]));
    const e = bot.store.logEntries(key).find((x) => x.kind === 'evidence');
    const p = JSON.parse(String(e?.payload));
    expect(p).toMatchObject({ name: 'file_example.txt', link: info.contentUrl });
    expect(p.sha256).toBeUndefined();
    const told = bot.connector.activities.slice(before).map((x) => JSON.stringify(x.body));
    expect(told.join('\n')).toContain('not an https Microsoft file host');
  });

  it('export -> the .md, .svg and .csv in the channel files folder, the card links them; 429 retried once per file', async () => {
    const driver = new TeamsDriver(bot);
    const key = await driver.declare({ ...FORM, title: 'Export outage' }, 'ic');
    await bot.settle();
    const room = bot.store.get(key)!.room!.id;
    graph.failNext('PUT', /-timeline\.svg:\/content$/, { status: 429, retryAfter: 0 });
    await driver.say('export', 'ic');
    await bot.settle(8000);

    const puts = graph.calls().filter((r) => r.method === 'PUT' && r.path.includes(`${key}`));
    const byName = (n: string) => puts.filter((r) => r.path.endsWith(`:/${n}:/content`));
    expect(byName(`${key}.md`).map((r) => r.status)).toEqual([201]);
    expect(byName(`${key}-timeline.svg`).map((r) => r.status)).toEqual([429, 201]);
    expect(byName(`${key}-timeline.csv`).map((r) => r.status)).toEqual([201]);

    const files = [...graph.uploaded.values()].filter((f) => f.name.startsWith(key));
    const md = files.find((f) => f.name === `${key}.md`)!;
    // the renderer's output for the record as it stood when the outbox delivered the export (the entries
    // up to the export's own); its audit-chain section names the checkpoint of that moment, so it is left out
    const record = loadIncidentRecord(bot.db, key)!;
    const upTo = record.entries.findIndex((e) => e.kind === 'export');
    const expected = renderExportFiles(
      { ...record, entries: record.entries.slice(0, upTo + 1) },
      { withData: true },
    );
    const head = (s: string) => s.replace(/\n\nExported at [^\n]*/, '').split('\n## Audit chain')[0];
    expect(head(md.bytes.toString('utf8'))).toBe(head(expected.markdown.content));
    expect(head(expected.markdown.content).length).toBeGreaterThan(500);
    expect(md.contentType).toBe('text/markdown');
    const csv = files.find((f) => f.name === `${key}-timeline.csv`)!;
    expect(csv.bytes.toString('utf8').split('\n')[0]).toBe(expected.csv!.content.split('\n')[0]);
    expect(csv.bytes.toString('utf8')).toContain('Record exported');
    const svg = files.find((f) => f.name === `${key}-timeline.svg`)!;
    expect(svg.bytes.toString('utf8')).toMatch(/^<svg|^<\?xml/);

    // the room's card links the three files by their webUrl
    const card = bot.connector.activities
      .filter((x) => x.conversationId === room)
      .map((x) => JSON.stringify(x.body))
      .find((b) => b.includes('Files tab'));
    expect(card).toBeDefined();
    for (const f of [md, svg, csv]) expect(card).toContain(f.webUrl);
  });

  it('thread mode (no TEAMS_TEAM_ID): the excerpt card stays, nothing is uploaded', async () => {
    const thread = await bootTeamsBot({ declareLimit: 50 });
    try {
      const driver = new TeamsDriver(thread);
      const key = await driver.declare({ ...FORM, title: 'Thread export' }, 'ic');
      await thread.settle();
      const uploadsBefore = graph.uploaded.size;
      await driver.say('export', 'ic');
      await thread.settle();
      expect(graph.uploaded.size).toBe(uploadsBefore);
      const bodies = thread.connector.activities.map((x) => JSON.stringify(x.body)).join('\n');
      expect(bodies).toContain(`${key}: review document`);
      expect(bodies).toContain('Start of the document');
    } finally {
      await thread.close();
    }
  });
});
