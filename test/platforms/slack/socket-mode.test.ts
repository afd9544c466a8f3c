// The whole bot in Socket Mode (SLACK_APP_TOKEN set): Bolt's SocketModeReceiver gets its WebSocket URL from
// the fake Web API's apps.connections.open and connects (undici's WebSocket) to a hand-written fake Socket

// Mode server on loopback. Commands and modal submissions arrive as envelopes; answers go back as acks.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Bot, startBot } from '../../../src/bot.js';
import { readConfig } from '../../../src/config.js';
import { createLogger } from '../../../src/logger.js';
import { VIEW } from '../../../src/platforms/slack/ids.js';
import type { SqliteDb } from '../../../src/storage/sqlite/open-database.js';
import { type FakeSlack, startFakeSlackApi } from '../../support/fake-slack-api.js';
import { type FakeSocketMode, startFakeSocketMode } from '../../support/fake-socket-mode.js';
import { SlackClientSim, stateValue, UNSET_RESPONSE_URL } from '../../support/slack-request.js';
import { type TempDb, tempDb } from '../../support/temp-db.js';
import { waitFor } from '../../support/wait-for.js';

const IC = 'U0IC';

let sm: FakeSocketMode;
let fake: FakeSlack;
let tmp: TempDb;
let bot: Bot | null;
// Builds payloads only (never sends over HTTP here).
const sim = new SlackClientSim({ url: 'http://127.0.0.1:9/unused', signingSecret: 'unused' });

beforeEach(async () => {
  sm = await startFakeSocketMode();
  fake = await startFakeSlackApi({
    socketModeUrl: sm.url,
    channels: [{ id: 'C0GENERAL', name: 'general', members: ['U0BOT'] }],
  });
  tmp = tempDb();
  bot = await startBot(
    readConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_PATH: tmp.path,
      SLACK_BOT_TOKEN: 'xoxb-test',
      SLACK_APP_TOKEN: 'xapp-test',
      SLACK_API_URL: fake.url,
      SLACK_BOT_ID: 'B0BOT',
      SLACK_BOT_USER_ID: 'U0BOT',
      OUTBOX_PACE_MS: '0',
      LOG_LEVEL: 'silent',
    }),
    createLogger({ level: 'silent' }),
    { scheduler: false },
  );
});

afterEach(async () => {
  await bot?.shutdown(1);
  bot = null;
  // The client closed its socket on shutdown (the close handshake, not a dropped connection).
  await sm.waitForNoConnections(2000);
  expect(sm.connections.map((c) => c.closeCode)).toEqual(sm.connections.map(() => 1000));
  await sm.close();
  await fake.close();
  tmp.cleanup();
  // No TCP socket or server is left behind (the handles go a tick after their close callbacks).
  await waitFor(
    () => !process.getActiveResourcesInfo().some((r) => r.startsWith('TCP')),
    `no TCP handles left (${process.getActiveResourcesInfo().join(', ')})`,
    2000,
  );
});

describe('Slack over Socket Mode', () => {
  it('connects with the app token: apps.connections.open, then the WebSocket, hello', async () => {
    const open = fake.okCallsTo('apps.connections.open');
    expect(open).toHaveLength(1);
    expect(open[0].token).toBe('xapp-test');
    const conn = await sm.waitForConnection();
    expect(conn.path).toMatch(/^\/link\/\?ticket=/);
    expect(conn.headers['sec-websocket-version']).toBe('13');
    expect(sm.connections).toHaveLength(1);
  });

  it('answers `/incident help` in the ack envelope (ephemeral)', async () => {
    const form = sim.slashForm('help', {
      userId: IC,
      channelId: 'C0GENERAL',
      responseUrl: UNSET_RESPONSE_URL,
    });
    const ack = await sm.request('slash_commands', form);
    expect(ack.payload.response_type).toBe('ephemeral');
    for (const verb of ['declare', 'list', 'status', 'update', 'role', 'phase', 'close'])
      expect(ack.payload.text).toContain(verb);
    // Nothing went over response_url or chat.postEphemeral: the ack carried the answer.
    expect(fake.callsTo('chat.postEphemeral')).toHaveLength(0);
  });

  it('declares from the modal submission: incident stored, channel created', async () => {
    // Socket Mode acks over its WebSocket, past the HTTP hold of durable acks: every commit syncs itself.
    expect((bot!.db as SqliteDb).pragma('synchronous', { simple: true })).toBe(2); // FULL
    const payload = sim.viewSubmissionPayload({
      callbackId: VIEW.declare,
      userId: IC,
      values: {
        title: { value: stateValue.plainText('Ingest pipeline hard down') },
        triggerClass: { value: stateValue.staticSelect('service_outage') },
        impact: { value: stateValue.plainText('No market data for EU clients') },
        severeImpact: { value: stateValue.radio('no') },
        drill: { value: stateValue.checkboxes([]) },
        commander: { value: stateValue.usersSelect(null) },
      },
      privateMetadata: JSON.stringify({ c: 'C0GENERAL' }),
      viewId: 'V0SOCKET',
    });
    const ack = await sm.request('interactive', payload);
    // A valid submission closes the modal: a bare ack (no response_action errors).
    expect(ack.payload?.response_action).not.toBe('errors');

    const b = bot!;
    const incident = await waitFor(() => b.store.listOpen()[0], 'the incident');
    expect(incident.title).toBe('Ingest pipeline hard down');
    expect(incident.declaredBy).toBe(IC);

    const [create] = await fake.waitForCalls('conversations.create', 1, 5000);
    expect(create.ok).toBe(true);
    expect(String(create.args.name)).toMatch(/^inc-/);
    const room = await waitFor(() => b.store.get(incident.key)?.room?.id, 'the incident channel recorded');
    expect(fake.channels.get(room)).toBeTruthy();
  });

  it('keeps the connection alive: the client pings (answered with pong) and answers server pings', async () => {
    const conn = await sm.waitForConnection();
    conn.ping('heartbeat');
    await waitFor(() => conn.pongs.length > 0, 'a pong from the client');
    expect(conn.pongs[0].toString()).toBe('heartbeat');
    // SocketModeClient pings every clientPingTimeout / 3 (about 1.7 s) and disconnects after 3 unanswered.
    await waitFor(() => conn.pings.length > 0, 'a ping from the client', 3000);
    expect(conn.pings[0].toString()).toMatch(/^Ping from client/);
    expect(conn.closed).toBe(false);
  });

  it('closes the socket (close handshake) when Slack sends `disconnect`', async () => {
    const first = await sm.waitForConnection();
    sm.disconnect('refresh_requested');
    await waitFor(() => first.closed, 'the first connection to close');
    expect(first.closeCode).toBe(1000);
  });

  it('reconnects after Slack sends `disconnect` and keeps answering commands', async () => {
    const first = await sm.waitForConnection();
    sm.disconnect('refresh_requested');
    await waitFor(() => first.closed, 'the first connection to close');
    // @slack/socket-mode waits clientPingTimeout (5 s) before it reconnects: slash commands in that gap fail.
    const second = await waitFor(
      () => sm.openConnections().find((c) => c !== first),
      'a second connection',
      15_000,
    );
    expect(fake.callsTo('apps.connections.open')).toHaveLength(2);
    const ack = await sm.request(
      'slash_commands',
      sim.slashForm('help', { userId: IC, channelId: 'C0GENERAL', responseUrl: UNSET_RESPONSE_URL }),
      { connection: second },
    );
    expect(ack.payload.text).toContain('declare');
  }, 20_000);
});
