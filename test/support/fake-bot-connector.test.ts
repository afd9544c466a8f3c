import { Client } from '@microsoft/teams.api';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeBotConnector, startFakeBotConnector } from './fake-bot-connector.js';

describe('fake Bot Framework connector', () => {
  let connector: FakeBotConnector;
  beforeAll(async () => {
    connector = await startFakeBotConnector();
  });
  afterAll(() => connector.close());
  beforeEach(() => connector.reset());

  const post = (path: string, body: unknown, method = 'POST') =>
    fetch(`${connector.serviceUrl}${path}`, {
      method,
      headers: { 'content-type': 'application/json', authorization: 'Bearer x' },
      body: JSON.stringify(body),
    });

  it('has a loopback serviceUrl with a trailing slash', () => {
    expect(connector.serviceUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  });

  it('records send, reply, update and answers like the connector', async () => {
    const sent = await (
      await post('v3/conversations/19%3Aabc%40thread.tacv2/activities', { type: 'message', text: 'hi' })
    ).json();
    expect(sent).toEqual({ id: 'activity-1' });
    const reply = await (
      await post('v3/conversations/19:abc@thread.tacv2/activities/activity-1', {
        type: 'message',
        text: 're',
      })
    ).json();
    expect(reply).toEqual({ id: 'activity-2' });
    const upd = await post(
      'v3/conversations/19:abc@thread.tacv2/activities/activity-1',
      { type: 'message', text: 'hi (edited)' },
      'PUT',
    );
    expect(await upd.json()).toEqual({ id: 'activity-1' });
    expect(connector.activities.map((a) => [a.op, a.conversationId, a.activityId])).toEqual([
      ['send', '19:abc@thread.tacv2', undefined],
      ['reply', '19:abc@thread.tacv2', 'activity-1'],
      ['update', '19:abc@thread.tacv2', 'activity-1'],
    ]);
    expect(connector.activityById('activity-1').text).toBe('hi (edited)');
    expect(connector.activitiesIn('19:abc@thread.tacv2')).toHaveLength(2);
    expect(connector.activities[0].authorization).toBe('Bearer x');
  });

  it('creates conversations and lists members', async () => {
    const res = await post('v3/conversations', {
      isGroup: false,
      members: [{ id: '29:1' }],
      activity: { type: 'message', text: 'x' },
    });
    const body = (await res.json()) as { id: string; activityId?: string };
    expect(body.id).toMatch(/^19:.*;messageid=\d+$/);
    expect(body.activityId).toMatch(/^activity-/);
    const members = (await (
      await fetch(`${connector.serviceUrl}v3/conversations/19:abc/members`)
    ).json()) as { id: string; name: string }[];
    expect(members[0]).toMatchObject({ id: expect.any(String), name: expect.any(String) });
  });

  it('fails on request', async () => {
    connector.failNext('send', { status: 429, retryAfter: 1 });
    const r = await post('v3/conversations/c1/activities', { type: 'message', text: 'x' });
    expect(r.status).toBe(429);
    expect(r.headers.get('retry-after')).toBe('1');
    expect(connector.activities).toHaveLength(0);
    const ok = await post('v3/conversations/c1/activities', { type: 'message', text: 'x' });
    expect(ok.status).toBe(200);
  });

  it('works with the Teams SDK API client (serviceUrl with trailing slash)', async () => {
    const client = new Client(connector.serviceUrl);
    const conv = client.conversations.activities('19:team@thread.tacv2');
    const created = await conv.create({ type: 'message', text: 'from sdk' });
    expect(created.id).toBe('activity-1');
    await conv.update(created.id, { type: 'message', text: 'updated from sdk' });
    await conv.reply(created.id, { type: 'message', text: 'threaded' });
    expect(connector.activities.map((a) => a.op)).toEqual(['send', 'update', 'reply']);
    expect(connector.activities[2].activityId).toBe('activity-1');
    expect(connector.activityById('activity-1').text).toBe('updated from sdk');
    await connector.waitForActivities(3, 100);
  });
});
