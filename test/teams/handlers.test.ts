import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DECLARE_DIALOG_ID } from '../../src/platforms/teams/cards.js';
import {
  type DeclareInput,
  HELP_TEXT,
  registerDemoHandlers,
} from '../../src/platforms/teams/demo-handlers.js';
import { commandTextFrom } from '../../src/platforms/teams/mentions.js';
import {
  conversationRefFrom,
  createChannelThread,
  sendToConversation,
  updateActivity,
} from '../../src/platforms/teams/proactive.js';
import { fixture, type Harness, startHarness } from './harness.js';
import { guardLoopback } from './loopback-guard.js';

const BOT_NAME = 'Incident Bot';

let h: Harness;
let guard: ReturnType<typeof guardLoopback>;
const declared: DeclareInput[] = [];

beforeAll(async () => {
  guard = guardLoopback();
  h = await startHarness({
    register: (app) =>
      registerDemoHandlers(app, {
        declare: (input) => {
          declared.push(input);
          return `INC-${declared.length}`;
        },
      }),
  });
});

afterAll(async () => {
  await h?.close();
  guard?.restore();
  // nothing but loopback was contacted: no Entra ID, no botframework.com, no smba.trafficmanager.net
  expect(guard.hosts.length).toBeGreaterThan(0);
  expect(new Set(guard.hosts)).toEqual(new Set(['127.0.0.1']));
});

beforeEach(() => {
  h.connector.clear();
  declared.length = 0;
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

/** An invoke built on the channel fixture's envelope. */
function channelInvoke(name: string, value: unknown) {
  const a = channelMessage('');
  delete a.text;
  delete a.textFormat;
  delete a.attachments;
  a.entities = a.entities.filter((e: { type: string }) => e.type !== 'mention');
  a.id = 'f:invoke-1';
  return { ...a, type: 'invoke', name, value };
}

describe('createTeamsApp on our express app', () => {
  it('serves our other routes next to /api/messages', async () => {
    const res = await fetch(`${h.baseUrl}/healthz`);
    expect(await res.json()).toEqual({ ok: true });
  });
});

describe('(a) channel message with an @mention', () => {
  it('strips the bot mention (SDK stripMentionsText + entity decode)', () => {
    const a = channelMessage('incident&nbsp;help');
    expect(commandTextFrom(a)).toBe('incident help');
    const other = channelMessage('incident declare <at>rido</at> broke it');
    expect(commandTextFrom(other)).toBe('incident declare rido broke it');
  });

  it('`@Bot incident help` -> text reply posted to the thread on the fake connector', async () => {
    const activity = channelMessage('incident help');
    const res = await h.post(activity);
    expect(res.status).toBe(200);

    const [sent] = await h.connector.waitForSent(1);
    expect(sent?.method).toBe('POST');
    // reply goes to {serviceUrl}/v3/conversations/{conversation.id}/activities; trailing slash handled
    expect(sent?.rawPath.startsWith('/amer/50612dbb-0237-4969-b378-8d42590f9c00/v3/conversations/')).toBe(
      true,
    );
    expect(sent?.rawPath).not.toContain('//');
    expect(sent?.conversationId).toBe(activity.conversation.id);
    expect(sent?.body.type).toBe('message');
    expect(sent?.body.text).toBe(HELP_TEXT);
    expect(sent?.body.from.id).toBe(activity.recipient.id);
    expect(sent?.body.conversation.id).toBe(activity.conversation.id);
    // outbound auth came from the token override, not Entra ID
    expect(sent?.headers.authorization).toBe(`Bearer ${h.outboundToken}`);
    expect(h.outboundTokenCalls.at(-1)?.scope).toBe('https://api.botframework.com/.default');
  });
});

describe('(b) reply with an Adaptive Card 1.5 with Action.Execute buttons', () => {
  it('`@Bot incident declare ...` -> card message', async () => {
    const res = await h.post(channelMessage('incident declare Payments API down'));
    expect(res.status).toBe(200);
    const [sent] = await h.connector.waitForSent(1);
    const body = sent?.body;
    expect(body.text).toBe('INC-1 declared: Payments API down');
    expect(body.attachments).toHaveLength(1);
    const att = body.attachments[0];
    expect(att.contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(att.content.type).toBe('AdaptiveCard');
    expect(att.content.version).toBe('1.5');
    const actions = att.content.actions;
    expect(actions.map((x: { type: string }) => x.type)).toEqual(['Action.Execute', 'Action.Execute']);
    expect(actions[0]).toMatchObject({ verb: 'ack', data: { action: 'ack', incidentId: 'INC-1' } });
    expect(actions[0].fallback).toMatchObject({ type: 'Action.Submit', data: { action: 'ack' } });
    expect(JSON.stringify(att.content).length).toBeLessThan(28 * 1024);
    expect(declared[0]).toMatchObject({ title: 'Payments API down', source: 'command', by: 'rido' });
  });
});

describe('(c) adaptiveCard/action invoke', () => {
  it('answers in the HTTP response with a refreshed card', async () => {
    const a = fixture('invoke_adaptivecard_action_execute.json');
    a.serviceUrl = `${h.connector.url}/amer/56653e9d-2158-46ee-90d7-675c39642038/`;
    a.value.action.verb = 'ack';
    a.value.action.data = { action: 'ack', incidentId: 'INC-7', title: 'Payments API down' };

    const res = await h.post(a);
    expect(res.status).toBe(200);
    expect(res.body.statusCode).toBe(200);
    expect(res.body.type).toBe('application/vnd.microsoft.card.adaptive');
    expect(res.body.value.type).toBe('AdaptiveCard');
    expect(res.body.value.version).toBe('1.5');
    const texts = JSON.stringify(res.body.value);
    expect(texts).toContain('INC-7: Payments API down');
    expect(texts).toContain('acknowledged by Rido');
    // nothing was posted: the refresh travels in the invoke response
    expect(h.connector.sent()).toHaveLength(0);
  });

  it('unknown verb -> 200 with an application/vnd.microsoft.error body', async () => {
    const a = fixture('invoke_adaptivecard_action_execute.json');
    a.serviceUrl = `${h.connector.url}/`;
    a.value.action.verb = 'explode';
    a.value.action.data = { action: 'explode', incidentId: 'INC-7' };
    const res = await h.post(a);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ statusCode: 400, type: 'application/vnd.microsoft.error' });
  });
});

describe('(d) message action composeExtension/submitAction (commandContext: message)', () => {
  it('creates an incident from the message and answers within the invoke', async () => {
    // Shape per Microsoft docs ("respond to the message action": invoke payload with messagePayload)
    const invoke = channelInvoke('composeExtension/submitAction', {
      commandId: 'createIncident',
      commandContext: 'message',
      requestId: 'e1b0c0a5f1e94c6a8a0c1f2d3e4f5a6b',
      context: { theme: 'default' },
      data: { severity: 'SEV1' },
      messagePayload: {
        id: '1759881511856',
        replyToId: null,
        createdDateTime: '2025-10-08T17:30:00.000Z',
        lastModifiedDateTime: null,
        deleted: false,
        subject: null,
        summary: null,
        importance: 'normal',
        locale: 'en-us',
        linkToMessage:
          'https://teams.microsoft.com/l/message/19:6848757105754c8981c67612732d9aa7@thread.tacv2/1759881511856',
        from: {
          user: {
            id: 'b15a9416-0ad3-4172-9210-7beb711d3f70',
            displayName: 'rido',
            userIdentityType: 'aadUser',
          },
          application: null,
          device: null,
          conversation: null,
        },
        body: {
          contentType: 'html',
          content: '<div><div>Checkout returns <b>502</b> for EU users&nbsp;since 17:20</div></div>',
        },
        attachments: [],
        mentions: [],
        reactions: [],
      },
    });
    const res = await h.post(invoke);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      task: { type: 'message', value: 'INC-1 declared: Checkout returns 502 for EU users since 17:20' },
    });
    expect(declared[0]).toMatchObject({
      source: 'message-action',
      severity: 'SEV1',
      sourceMessage: {
        author: 'rido',
        createdDateTime: '2025-10-08T17:30:00.000Z',
        text: 'Checkout returns 502 for EU users since 17:20',
        link: 'https://teams.microsoft.com/l/message/19:6848757105754c8981c67612732d9aa7@thread.tacv2/1759881511856',
      },
    });
  });
});

describe('(e) dialog: task/fetch + task/submit', () => {
  it('opens the form, re-shows it with errors, then accepts', async () => {
    const open = await h.post(
      channelInvoke('task/fetch', { data: { type: 'task/fetch' }, context: { theme: 'dark' } }),
    );
    expect(open.status).toBe(200);
    expect(open.body.task.type).toBe('continue');
    expect(open.body.task.value.title).toBe('Declare incident');
    const card = open.body.task.value.card;
    expect(card.contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(card.content.version).toBe('1.5');
    const ids = card.content.body.filter((e: { id?: string }) => e.id).map((e: { id: string }) => e.id);
    expect(ids).toEqual(['title', 'severity']);

    const bad = await h.post(
      channelInvoke('task/submit', { data: { action: DECLARE_DIALOG_ID, title: '   ', severity: 'SEV9' } }),
    );
    expect(bad.status).toBe(200);
    expect(bad.body.task.type).toBe('continue');
    const errorBlocks = bad.body.task.value.card.content.body.filter(
      (e: { type: string; color?: string }) => e.type === 'TextBlock' && e.color === 'Attention',
    );
    expect(errorBlocks.map((e: { text: string }) => e.text)).toEqual([
      'Title is required.',
      'Choose a severity.',
    ]);
    expect(declared).toHaveLength(0);

    const ok = await h.post(
      channelInvoke('task/submit', {
        data: { action: DECLARE_DIALOG_ID, title: 'DB failover', severity: 'SEV2' },
      }),
    );
    expect(ok.body).toEqual({ task: { type: 'message', value: 'INC-1 declared: DB failover' } });
    expect(declared[0]).toMatchObject({ title: 'DB failover', severity: 'SEV2', source: 'dialog' });
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
