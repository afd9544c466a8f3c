import { LogLevel, WebClient } from '@slack/web-api';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeSlack, seededRandom, startFakeSlackApi } from './fake-slack-api.js';

const TOKEN = 'xoxb-test-token';

function client(fake: FakeSlack, extra: Record<string, unknown> = {}): WebClient {
  return new WebClient(TOKEN, {
    slackApiUrl: fake.url,
    retryConfig: { retries: 2, minTimeout: 0, maxTimeout: 1 },
    logLevel: LogLevel.ERROR,
    ...extra,
  });
}

describe('fake Slack Web API driven by a real WebClient', () => {
  let fake: FakeSlack;
  let web: WebClient;
  beforeAll(async () => {
    fake = await startFakeSlackApi();
    web = client(fake);
  });
  afterAll(() => fake.close());
  beforeEach(() => fake.reset());

  it('records form-encoded calls with JSON fields parsed and the bearer token', async () => {
    const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: '*hi*' } }];
    const res = await web.chat.postMessage({ channel: 'C111', text: 'hi', blocks });
    expect(res.ok).toBe(true);
    expect(res.channel).toBe('C111');
    expect(res.ts).toMatch(/^\d+\.\d{6}$/);
    const [call] = fake.callsTo('chat.postMessage');
    expect(call.token).toBe(TOKEN);
    expect(call.args.blocks).toEqual(blocks);
    expect(call.args.text).toBe('hi');
    expect(call.ok).toBe(true);
    expect(fake.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/$/);
  });

  it('gives unique increasing ts and applies chat.update to the stored message', async () => {
    const a = await web.chat.postMessage({ channel: 'C1', text: 'one' });
    const b = await web.chat.postMessage({ channel: 'C1', text: 'two' });
    expect(Number(b.ts)).toBeGreaterThan(Number(a.ts));
    const up = await web.chat.update({
      channel: 'C1',
      ts: a.ts!,
      text: 'one (edited)',
      blocks: [{ type: 'section', text: { type: 'plain_text', text: 'edited' } }],
    });
    expect(up.ts).toBe(a.ts);
    const msgs = fake.messagesIn('C1');
    expect(msgs.map((m) => m.text)).toEqual(['one (edited)', 'two']);
    expect(msgs[0].blocks?.[0].text.text).toBe('edited');
    expect(msgs[0].edits).toHaveLength(1);
    await expect(web.chat.update({ channel: 'C1', ts: '1.000001', text: 'x' })).rejects.toMatchObject({
      data: { error: 'message_not_found' },
    });
  });

  it('retries a 429 with Retry-After 0', async () => {
    fake.failNext('chat.postMessage', { status: 429, retryAfter: 0 });
    const res = await web.chat.postMessage({ channel: 'C1', text: 'after rate limit' });
    expect(res.ok).toBe(true);
    const calls = fake.callsTo('chat.postMessage');
    expect(calls.map((c) => c.status)).toEqual([429, 200]);
    expect(fake.messagesIn('C1')).toHaveLength(1);
  });

  it('surfaces ok:false errors and rejects rate-limited calls when asked', async () => {
    fake.failNext('pins.add', { error: 'not_in_channel' });
    await expect(web.pins.add({ channel: 'C1', timestamp: '1.2' })).rejects.toMatchObject({
      code: 'slack_webapi_platform_error',
      data: { error: 'not_in_channel' },
    });
    const strict = client(fake, { rejectRateLimitedCalls: true });
    fake.failNext('chat.postMessage', { status: 429, retryAfter: 7 });
    await expect(strict.chat.postMessage({ channel: 'C1', text: 'x' })).rejects.toMatchObject({
      code: 'slack_webapi_rate_limited_error',
      retryAfter: 7,
    });
  });

  it('fails a 500 `times` times, then answers', async () => {
    fake.failNext('users.info', { status: 500, times: 2 });
    const res = await web.users.info({ user: 'U123' });
    expect(res.user?.id).toBe('U123');
    expect(res.user?.tz).toBeTruthy();
    expect(fake.callsTo('users.info').map((c) => c.status)).toEqual([500, 500, 200]);
  });

  it('creates channels, answers name_taken, invites, archives', async () => {
    fake.takenChannelNames.add('inc-taken');
    await expect(web.conversations.create({ name: 'inc-taken' })).rejects.toMatchObject({
      data: { error: 'name_taken' },
    });
    const created = await web.conversations.create({ name: 'inc-2024-001-db' });
    expect(created.channel?.id).toMatch(/^C\d+$/);
    expect(created.channel?.name).toBe('inc-2024-001-db');
    await expect(web.conversations.create({ name: 'inc-2024-001-db' })).rejects.toMatchObject({
      data: { error: 'name_taken' },
    });
    await expect(web.conversations.create({ name: 'Bad Name!' })).rejects.toMatchObject({
      data: { error: 'invalid_name_specials' },
    });
    const id = created.channel!.id!;
    await web.conversations.invite({ channel: id, users: 'U1,U2' });
    expect([...fake.channels.get(id)!.members]).toEqual(expect.arrayContaining(['U1', 'U2']));
    await expect(web.conversations.invite({ channel: id, users: 'U1' })).rejects.toMatchObject({
      data: { error: 'already_in_channel' },
    });
    const info = await web.conversations.info({ channel: id });
    expect(info.channel?.name).toBe('inc-2024-001-db');
    await web.conversations.archive({ channel: id });
    await expect(web.chat.postMessage({ channel: id, text: 'x' })).rejects.toMatchObject({
      data: { error: 'is_archived' },
    });
  });

  it('answers permalinks, ephemerals, pins, reactions, auth.test and unknown methods', async () => {
    const m = await web.chat.postMessage({ channel: 'C9', text: 'pin me' });
    const link = await web.chat.getPermalink({ channel: 'C9', message_ts: m.ts! });
    expect(link.permalink).toBe(`https://example.slack.com/archives/C9/p${m.ts!.replace('.', '')}`);
    const eph = await web.chat.postEphemeral({ channel: 'C9', user: 'U7', text: 'only you' });
    expect(eph.message_ts).toBeTruthy();
    expect(fake.ephemerals).toMatchObject([{ channel: 'C9', user: 'U7', text: 'only you' }]);
    await web.pins.add({ channel: 'C9', timestamp: m.ts! });
    await web.reactions.add({ channel: 'C9', timestamp: m.ts!, name: 'eyes' });
    expect(fake.pins).toEqual([{ channel: 'C9', timestamp: m.ts }]);
    expect(fake.reactions).toEqual([{ channel: 'C9', timestamp: m.ts, name: 'eyes' }]);
    const auth = await web.auth.test();
    expect(auth.user_id).toBe('U0BOT');
    await expect(web.apiCall('nope.method')).rejects.toMatchObject({ data: { error: 'unknown_method' } });
    const ws = await web.apps.connections.open();
    expect(ws.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\//);
  });

  it('opens, updates (with hash) and pushes views', async () => {
    const view = {
      type: 'modal' as const,
      callback_id: 'declare',
      title: { type: 'plain_text' as const, text: 'Declare' },
      blocks: [],
    };
    const opened = await web.views.open({ trigger_id: '1.2.3', view });
    expect(opened.view?.id).toMatch(/^V/);
    const updated = await web.views.update({ view_id: opened.view!.id!, hash: opened.view!.hash!, view });
    expect(updated.view?.hash).not.toBe(opened.view?.hash);
    await expect(
      web.views.update({ view_id: opened.view!.id!, hash: opened.view!.hash!, view }),
    ).rejects.toMatchObject({ data: { error: 'hash_conflict' } });
    const pushed = await web.views.push({ trigger_id: '1.2.4', view });
    expect(pushed.view?.previous_view_id).toBe(opened.view?.id);
    expect(fake.views.get(opened.view!.id!)!.history).toEqual(['open', 'update']);
  });

  it('supports files.uploadV2 end to end', async () => {
    const res = await web.filesUploadV2({
      channel_id: 'C5',
      filename: 'timeline.md',
      title: 'Timeline',
      content: '# Timeline\n- 10:00 declared',
      initial_comment: 'export',
    });
    expect(res.ok).toBe(true);
    expect(fake.callsTo('files.getUploadURLExternal')).toHaveLength(1);
    expect(fake.callsTo('files.completeUploadExternal')[0].args.files).toEqual([
      expect.objectContaining({ title: 'Timeline' }),
    ]);
    const [upload] = [...fake.uploads.values()];
    expect(upload.completed).toBe(true);
    expect(upload.body.toString('utf8')).toContain('10:00 declared');
    expect(fake.messagesIn('C5')[0].files?.[0].name).toBe('timeline.md');
  });

  it('waits for calls made in the background', async () => {
    setTimeout(() => void web.chat.postMessage({ channel: 'C1', text: 'later' }), 20);
    const calls = await fake.waitForCalls('chat.postMessage', 1, 2000);
    expect(calls[0].args.text).toBe('later');
    await expect(fake.waitForCalls('chat.update', 1, 50)).rejects.toThrow(/timed out/);
  });
});

describe('random failures', () => {
  it('seeded PRNG is deterministic', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const xs = Array.from({ length: 5 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
  });

  it('same seed gives the same failure pattern, and WebClient retries through it', async () => {
    const patterns: number[][] = [];
    for (let run = 0; run < 2; run++) {
      const fake = await startFakeSlackApi();
      try {
        fake.setRandomFailures({ rate: 0.4, seed: 7, kinds: ['429', '500'] });
        const web = new WebClient(TOKEN, {
          slackApiUrl: fake.url,
          retryConfig: { retries: 10, minTimeout: 0, maxTimeout: 1 },
          logLevel: LogLevel.ERROR,
        });
        for (let i = 0; i < 10; i++) await web.chat.postMessage({ channel: 'C1', text: `m${i}` });
        expect(fake.messagesIn('C1')).toHaveLength(10);
        patterns.push(fake.calls.map((c) => c.status));
      } finally {
        await fake.close();
      }
    }
    expect(patterns[0]).toEqual(patterns[1]);
    expect(patterns[0].some((s) => s !== 200)).toBe(true);
  });
});
