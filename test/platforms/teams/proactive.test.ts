// The Teams SDK app on our express app, and proactive messages (post, update, new channel thread) through
// the fake Bot Connector: the SDK contracts the sender relies on.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  conversationRefFrom,
  createChannelThread,
  sendToConversation,
  updateActivity,
} from '../../../src/platforms/teams/proactive.js';
import { fixture, type Harness, startHarness } from './harness.js';
import { guardLoopback } from './loopback-guard.js';

const BOT_NAME = 'Incident Bot';

let h: Harness;
let guard: ReturnType<typeof guardLoopback>;
beforeAll(async () => {
  guard = guardLoopback();
  h = await startHarness({});
});

afterAll(async () => {
  await h?.close();
  guard?.restore();
  // nothing but loopback was contacted: no Entra ID, no botframework.com, no smba.trafficmanager.net
  expect(guard.hosts.length).toBeGreaterThan(0);
  expect(new Set(guard.hosts)).toEqual(new Set(['127.0.0.1']));
});

beforeEach(() => {
  h.connector.reset();
});

/** Channel message fixture, bot mentioned, pointed at the fake connector. */
function channelMessage(afterMention: string) {
  const a = fixture('message_channel_mention.json');
  a.serviceUrl = `${h.connector.url}/amer/50612dbb-0237-4969-b378-8d42590f9c00/`;
  a.recipient.name = BOT_NAME;
  a.text = `<at>${BOT_NAME}</at> ${afterMention}`;
  a.entities[0].text = `<at>${BOT_NAME}</at>`;
  a.entities[0].mentioned.name = BOT_NAME;
  return a;
}

describe('createTeamsApp on our express app', () => {
  it('serves our other routes next to /api/messages', async () => {
    const res = await fetch(`${h.baseUrl}/healthz`);
    expect(await res.json()).toEqual({ ok: true });
  });
});

describe('(f) proactive messages', () => {
  it('app.send(conversationId, activity) posts to the app-level serviceUrl with the token override', async () => {
    const sent = await h.app.send('a:personal-conversation', 'Reminder: INC-1 update due');
    expect(sent.id).toMatch(/^activity-/);
    const [req] = h.connector.sent();
    expect(req?.rawPath).toBe('/v3/conversations/a:personal-conversation/activities');
    expect(req?.body).toMatchObject({
      type: 'message',
      text: 'Reminder: INC-1 update due',
      from: { id: h.clientId, role: 'bot' },
      conversation: { id: 'a:personal-conversation' },
    });
    expect(req?.headers.authorization).toBe(`Bearer ${h.outboundToken}`);
  });

  it('sendToConversation/updateActivity use the STORED serviceUrl (regional prefix kept)', async () => {
    const inbound = channelMessage('incident help');
    const ref = conversationRefFrom(inbound);
    expect(ref).toMatchObject({
      conversationId: '19:6848757105754c8981c67612732d9aa7@thread.tacv2;messageid=1759881511856',
      channelId: '19:6848757105754c8981c67612732d9aa7@thread.tacv2',
      tenantId: '50612dbb-0237-4969-b378-8d42590f9c00',
    });
    const posted = await sendToConversation(h.app, ref, 'INC-1 status: mitigated');
    await updateActivity(h.app, ref, posted.id, { type: 'message', text: 'INC-1 status: resolved' });
    const [create, update] = h.connector.sent();
    expect(create?.method).toBe('POST');
    expect(create?.rawPath).toBe(
      '/amer/50612dbb-0237-4969-b378-8d42590f9c00/v3/conversations/19:6848757105754c8981c67612732d9aa7@thread.tacv2;messageid=1759881511856/activities',
    );
    expect(update?.method).toBe('PUT');
    expect(update?.activityId).toBe(posted.id);
    expect(update?.body).toMatchObject({ type: 'message', text: 'INC-1 status: resolved', id: posted.id });
  });

  it('app.send with an id updates (PUT) instead of posting', async () => {
    await h.app.send('a:conv', { type: 'message', id: 'activity-42', text: 'edited' });
    const [req] = h.connector.sent();
    expect(req?.method).toBe('PUT');
    expect(req?.path).toBe('/v3/conversations/a:conv/activities/activity-42');
  });

  it('createChannelThread starts a new thread in a channel, then posts into it', async () => {
    const channelId = '19:6848757105754c8981c67612732d9aa7@thread.tacv2';
    const thread = await createChannelThread(h.app, {
      serviceUrl: `${h.connector.url}/amer/`,
      channelId,
      tenantId: '50612dbb-0237-4969-b378-8d42590f9c00',
      activity: { type: 'message', text: 'INC-2 declared: Payments API down' },
    });
    expect(thread.conversationId).toBe(`${channelId};messageid=${thread.activityId}`);
    const [create] = h.connector.sent();
    expect(create?.rawPath).toBe('/amer/v3/conversations');
    expect(create?.body).toMatchObject({
      isGroup: true,
      channelData: { channel: { id: channelId }, tenant: { id: '50612dbb-0237-4969-b378-8d42590f9c00' } },
      tenantId: '50612dbb-0237-4969-b378-8d42590f9c00',
      activity: { type: 'message', text: 'INC-2 declared: Payments API down' },
    });
    expect(create?.headers.authorization).toBe(`Bearer ${h.outboundToken}`);

    await sendToConversation(
      h.app,
      { serviceUrl: `${h.connector.url}/amer/`, conversationId: thread.conversationId },
      'first update in the thread',
    );
    expect(h.connector.sent()[1]?.conversationId).toBe(thread.conversationId);
  });
});
