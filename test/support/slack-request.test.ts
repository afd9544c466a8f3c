import { createHmac } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { App, LogLevel } from '@slack/bolt';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeSlack, startFakeSlackApi } from './fake-slack-api.js';
import {
  freePort,
  loadSlackFixture,
  type ResponseUrlCatcher,
  SlackClientSim,
  signSlack,
  slackFixtureDirs,
  startResponseUrlCatcher,
  stateValue,
} from './slack-request.js';

const SECRET = 'test-signing-secret';

describe('signSlack', () => {
  it('signs like Slack: v0= + hex HMAC-SHA256 of v0:{ts}:{body}', () => {
    const h = signSlack(SECRET, 'a=b', 1_700_000_000);
    const expected = createHmac('sha256', SECRET).update('v0:1700000000:a=b').digest('hex');
    expect(h).toEqual({ 'x-slack-signature': `v0=${expected}`, 'x-slack-request-timestamp': '1700000000' });
  });
});

describe('fixtures', () => {
  it('loads every Slack fixture, and the fallback copy matches shared/', () => {
    for (const name of [
      'slash_command',
      'block_actions',
      'view_submission',
      'message_action',
      'shortcut_global',
      'event_app_mention',
    ] as const) {
      expect(loadSlackFixture(name)).toBeTypeOf('object');
    }
    const [shared, fallback] = slackFixtureDirs();
    let sharedFiles: string[] = [];
    try {
      sharedFiles = readdirSync(shared).filter((f) => f.endsWith('.json'));
    } catch {
      // shared/ absent: only the fallback is used
    }
    for (const f of sharedFiles) {
      expect(JSON.parse(readFileSync(join(fallback, f), 'utf8'))).toEqual(
        JSON.parse(readFileSync(join(shared, f), 'utf8')),
      );
    }
  });
});

describe('SlackClientSim against a real Bolt App (HTTPReceiver)', () => {
  let fake: FakeSlack;
  let catcher: ResponseUrlCatcher;
  let app: App;
  let sim: SlackClientSim;
  // biome-ignore lint/suspicious/noExplicitAny: captured listener arguments
  const seen: Record<string, any[]> = {};
  // biome-ignore lint/suspicious/noExplicitAny: captured listener arguments
  const record = (key: string, v: any) => {
    seen[key] = [...(seen[key] ?? []), v];
  };

  beforeAll(async () => {
    fake = await startFakeSlackApi();
    catcher = await startResponseUrlCatcher();
    app = new App({
      token: 'xoxb-test',
      signingSecret: SECRET,
      botId: 'B0BOT',
      botUserId: 'U0BOT',
      logLevel: LogLevel.ERROR,
      clientOptions: { slackApiUrl: fake.url, retryConfig: { retries: 0 } },
    });
    app.command('/incident', async ({ command, ack, respond, client, context }) => {
      await ack();
      record('command', { command, retryNum: context.retryNum });
      await respond({ text: `declaring: ${command.text}` });
      await client.chat.postMessage({ channel: command.channel_id, text: `Incident: ${command.text}` });
    });
    app.action('ack_btn', async ({ ack, body, action }) => {
      await ack();
      record('action', { body, action });
    });
    app.view('declare', async ({ ack, view }) => {
      const title = view.state.values.title?.title_input?.value ?? '';
      if (title.length < 3) {
        await ack({ response_action: 'errors', errors: { title: 'Too short' } });
        return;
      }
      await ack();
      record('view', view);
    });
    app.shortcut(
      { callback_id: 'declare_from_message', type: 'message_action' },
      async ({ ack, shortcut }) => {
        await ack();
        record('shortcut', shortcut);
      },
    );
    app.shortcut({ callback_id: 'declare_global', type: 'shortcut' }, async ({ ack, shortcut }) => {
      await ack();
      record('global', shortcut);
    });
    app.event('app_mention', async ({ event, context }) => {
      record('mention', { event, retryNum: context.retryNum, retryReason: context.retryReason });
    });
    const port = await freePort();
    const server = (await app.start({ port, host: '127.0.0.1' })) as Server;
    const actualPort = (server.address() as AddressInfo).port;
    sim = new SlackClientSim({
      url: `http://127.0.0.1:${actualPort}/slack/events`,
      signingSecret: SECRET,
      responseUrl: catcher.url,
    });
  });
  afterAll(async () => {
    await app.stop();
    await catcher.close();
    await fake.close();
  });
  beforeEach(() => {
    for (const k of Object.keys(seen)) delete seen[k];
    fake.reset();
    catcher.reset();
  });

  it('delivers a slash command; respond() reaches the catcher and the client reaches the fake', async () => {
    const res = await sim.slash('declare db down', { userId: 'U1', channelId: 'C42' });
    expect(res.status).toBe(200);
    const [post] = await catcher.waitForPosts(1);
    expect(post.body).toMatchObject({ text: 'declaring: declare db down' });
    const [call] = await fake.waitForCalls('chat.postMessage');
    expect(call.args).toMatchObject({ channel: 'C42', text: 'Incident: declare db down' });
    expect(seen.command[0].command).toMatchObject({ user_id: 'U1', channel_id: 'C42', command: '/incident' });
    expect(seen.command[0].command.trigger_id).toMatch(/^\d+\.\d+\.[0-9a-f]+$/);
  });

  it('routes response_url per request with urlFor()', async () => {
    const url = catcher.urlFor('req-1');
    await sim.slash('status', { userId: 'U1', channelId: 'C1', responseUrl: url });
    const posts = await catcher.waitForPosts(1, 3000, url);
    expect(posts[0].path).toBe('/r/req-1');
  });

  it('answers 401 to a bad signature, a missing one, and a stale timestamp', async () => {
    const bad = await sim.slash('x', { userId: 'U1', channelId: 'C1', signingSecret: 'wrong' });
    expect(bad.status).toBe(401);
    const missing = await sim.slash('x', { userId: 'U1', channelId: 'C1', unsigned: true });
    expect(missing.status).toBe(401);
    const stale = await sim.slash('x', {
      userId: 'U1',
      channelId: 'C1',
      timestamp: Math.floor(Date.now() / 1000) - 600,
    });
    expect(stale.status).toBe(401);
    expect(seen.command).toBeUndefined();
  });

  it('delivers a block action built from the real payload', async () => {
    const res = await sim.blockAction({
      actionId: 'ack_btn',
      blockId: 'inc_actions',
      value: 'INC-1',
      userId: 'U2',
      channelId: 'C42',
      messageTs: '1700000001.000001',
    });
    expect(res.status).toBe(200);
    const { body, action } = seen.action[0];
    expect(action).toMatchObject({
      action_id: 'ack_btn',
      block_id: 'inc_actions',
      value: 'INC-1',
      type: 'button',
    });
    expect(body.user.id).toBe('U2');
    expect(body.container).toMatchObject({ channel_id: 'C42', message_ts: '1700000001.000001' });
    expect(body.message.ts).toBe('1700000001.000001');
  });

  it('delivers a view submission and returns field errors as JSON', async () => {
    const err = await sim.viewSubmission({
      callbackId: 'declare',
      userId: 'U3',
      values: { title: { title_input: stateValue.plainText('x') } },
    });
    expect(err.status).toBe(200);
    expect(err.body).toEqual({ response_action: 'errors', errors: { title: 'Too short' } });
    const ok = await sim.viewSubmission({
      callbackId: 'declare',
      userId: 'U3',
      privateMetadata: '{"channel":"C1"}',
      values: {
        title: { title_input: stateValue.plainText('Database down') },
        sev: { sev_select: stateValue.staticSelect('sev1', 'SEV1') },
      },
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toBe('');
    expect(seen.view[0].private_metadata).toBe('{"channel":"C1"}');
    expect(seen.view[0].state.values.sev.sev_select.selected_option.value).toBe('sev1');
  });

  it('delivers message and global shortcuts', async () => {
    const r1 = await sim.messageShortcut({
      callbackId: 'declare_from_message',
      userId: 'U4',
      channelId: 'C7',
      messageTs: '1700000002.000100',
      messageText: 'db is on fire',
    });
    expect(r1.status).toBe(200);
    expect(seen.shortcut[0]).toMatchObject({
      type: 'message_action',
      channel: { id: 'C7' },
      message: { ts: '1700000002.000100', text: 'db is on fire' },
    });
    const r2 = await sim.globalShortcut({ callbackId: 'declare_global', userId: 'U4' });
    expect(r2.status).toBe(200);
    expect(seen.global[0]).toMatchObject({ type: 'shortcut', user: { id: 'U4' } });
  });

  it('delivers events with retry headers surfaced as context.retryNum', async () => {
    const r = await sim.appMention('<@U0BOT> incident status', {
      userId: 'U5',
      channelId: 'C8',
      eventId: 'Ev1',
      retryNum: 1,
      retryReason: 'http_timeout',
    });
    expect(r.status).toBe(200);
    await expect.poll(() => seen.mention?.length ?? 0).toBe(1);
    expect(seen.mention[0]).toMatchObject({
      event: { type: 'app_mention', user: 'U5', channel: 'C8', text: '<@U0BOT> incident status' },
      retryNum: 1,
      retryReason: 'http_timeout',
    });
    const env = sim.eventEnvelope(
      { type: 'app_mention', text: 'x', user: 'U1', channel: 'C1' },
      { eventId: 'Ev9' },
    );
    expect(env).toMatchObject({ type: 'event_callback', event_id: 'Ev9', team_id: 'T111' });
  });

  it('answers url_verification', async () => {
    const r = await sim.urlVerification('abc');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ challenge: 'abc' });
  });
});
