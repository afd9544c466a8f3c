// The Slack alert prompt sender (issue 21): posts once, then updates in place; a post left in doubt by a
// crash is found in the channel by its metadata (the group's id), pages back, and updated, never posted
// twice; a prompt someone deleted is posted again; labels fit a section's 10 fields; the channel is checked.
import { LogLevel, WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageRefs, OutboxRow } from '../../../src/app/ports.js';
import { SlackAlertPromptSender } from '../../../src/platforms/slack/alert-prompt-sender.js';
import { alertGroup } from '../../helpers/alerts.js';
import { type FakeSlack, startFakeSlackApi } from '../../support/fake-slack-api.js';

function memoryRefs(): MessageRefs {
  const m = new Map<string, { channel: string; ref: string }>();
  return {
    getMessageRef: (i, p, n) => m.get(`${i}/${p}/${n}`) ?? null,
    setMessageRef: (i, p, n, channel, ref) => {
      m.set(`${i}/${p}/${n}`, { channel, ref });
    },
  };
}

const row = (over: Partial<OutboxRow> = {}): OutboxRow => ({
  id: 1,
  key: 'alert:ALERT-1:1',
  incidentKey: 'ALERT-1',
  platform: 'slack',
  lane: 'slack:alerts:C0ALERTS',
  target: { to: 'alerts' },
  body: { kind: 'alert_prompt', alert: 'ALERT-1' },
  createdAt: new Date().toISOString(),
  attempts: 0,
  inDoubt: false,
  ...over,
});

describe('SlackAlertPromptSender', () => {
  let fake: FakeSlack;
  let client: WebClient;
  beforeAll(async () => {
    fake = await startFakeSlackApi({ channels: [{ id: 'C0ALERTS', name: 'alerts', members: ['U0BOT'] }] });
    client = new WebClient('xoxb-t', { slackApiUrl: fake.url, logLevel: LogLevel.ERROR });
  });
  afterAll(async () => {
    await fake.close();
  });

  it('posts, then updates the same message', async () => {
    const s = new SlackAlertPromptSender({ client, refs: memoryRefs() });
    const g = alertGroup({
      id: 'ALERT-1',
      channel: 'C0ALERTS',
      firstSeenAt: new Date().toISOString(),
      version: 1,
    });
    expect((await s.send(row(), g)).status).toBe('sent');
    expect(
      (await s.send(row({ key: 'alert:ALERT-1:2' }), { ...g, notifications: 2, version: 2 })).status,
    ).toBe('sent');
    expect(fake.okCallsTo('chat.postMessage')).toHaveLength(1);
    expect(fake.okCallsTo('chat.update')).toHaveLength(1);
  });

  it('an in-doubt row finds the prompt it already posted (by metadata) and updates it', async () => {
    fake.reset();
    fake.addChannel({ id: 'C0ALERTS', name: 'alerts', members: ['U0BOT'] });
    const g = alertGroup({
      id: 'ALERT-1',
      channel: 'C0ALERTS',
      firstSeenAt: new Date().toISOString(),
      version: 1,
    });
    // the first process posted, then died before it kept the message's ts
    await new SlackAlertPromptSender({ client, refs: memoryRefs() }).send(row(), g);
    const refs = memoryRefs();
    const r = await new SlackAlertPromptSender({ client, refs }).send(row({ inDoubt: true }), g);
    expect(r.status).toBe('sent');
    expect(fake.okCallsTo('chat.postMessage')).toHaveLength(1);
    expect(fake.okCallsTo('chat.update')).toHaveLength(1);
    expect(refs.getMessageRef('ALERT-1', 'slack', 'alert_prompt:1')?.ref).toBe(
      String(fake.okCallsTo('chat.postMessage')[0]!.response.ts),
    );
  });
  it('an in-doubt row finds its prompt pages back in a busy channel', async () => {
    fake.reset();
    fake.addChannel({ id: 'C0ALERTS', name: 'alerts', members: ['U0BOT'] });
    const g = alertGroup({
      id: 'ALERT-2',
      channel: 'C0ALERTS',
      firstSeenAt: new Date().toISOString(),
      version: 1,
    });
    await new SlackAlertPromptSender({ client, refs: memoryRefs() }).send(row(), g);
    // 450 messages after it: three pages of 200
    for (let n = 0; n < 450; n++) await client.chat.postMessage({ channel: 'C0ALERTS', text: `noise ${n}` });
    const refs = memoryRefs();
    const r = await new SlackAlertPromptSender({ client, refs }).send(row({ inDoubt: true }), g);
    expect(r.status).toBe('sent');
    expect(fake.okCallsTo('chat.postMessage').filter((c) => c.args.metadata)).toHaveLength(1);
    expect(fake.okCallsTo('chat.update')).toHaveLength(1);
    expect(fake.callsTo('conversations.history').map((c) => c.args.cursor ?? '')).toEqual(['', '200', '400']);
  });

  it('a prompt someone deleted is posted again, not failed for ever', async () => {
    fake.reset();
    fake.addChannel({ id: 'C0ALERTS', name: 'alerts', members: ['U0BOT'] });
    const refs = memoryRefs();
    const s = new SlackAlertPromptSender({ client, refs });
    const g = alertGroup({
      id: 'ALERT-3',
      channel: 'C0ALERTS',
      firstSeenAt: new Date().toISOString(),
      version: 1,
    });
    await s.send(row(), g);
    const first = refs.getMessageRef('ALERT-3', 'slack', 'alert_prompt:1')!.ref;
    await client.chat.delete({ channel: 'C0ALERTS', ts: first });
    const r = await s.send(row({ key: 'alert:ALERT-3:2' }), { ...g, notifications: 2, version: 2 });
    expect(r.status).toBe('sent');
    expect(fake.okCallsTo('chat.postMessage')).toHaveLength(2);
    expect(refs.getMessageRef('ALERT-3', 'slack', 'alert_prompt:1')!.ref).not.toBe(first);
  });

  it('shows at most 10 labels (a section’s fields) and counts the rest right', async () => {
    fake.reset();
    fake.addChannel({ id: 'C0ALERTS', name: 'alerts', members: ['U0BOT'] });
    const labels = Object.fromEntries(Array.from({ length: 12 }, (_, n) => [`l${n}`, `v${n}`]));
    const g = alertGroup({ id: 'ALERT-4', channel: 'C0ALERTS', commonLabels: labels, version: 1 });
    await new SlackAlertPromptSender({ client, refs: memoryRefs() }).send(row(), g);
    const blocks = fake.okCallsTo('chat.postMessage')[0]!.args.blocks as { fields?: unknown[] }[];
    expect(blocks.find((b) => b.fields)?.fields).toHaveLength(10);
    expect(JSON.stringify(blocks)).toContain('2 more labels not shown');
  });

  it('checks the alerts channel: a wrong id or a private channel without the bot is named', async () => {
    const s = new SlackAlertPromptSender({ client, refs: memoryRefs() });
    expect(await s.checkChannel('C0ALERTS')).toBeNull();
    fake.addChannel({ id: 'C0PRIVATE', name: 'secret-alerts', is_private: true, members: [] });
    expect(await s.checkChannel('C0PRIVATE')).toMatch(/not in the private alerts channel C0PRIVATE/);
    fake.failNext('conversations.info', { error: 'channel_not_found' });
    expect(await s.checkChannel('C0NOSUCH')).toMatch(/C0NOSUCH cannot be read \(channel_not_found\)/);
  });
});
