// The Slack alert prompt sender (issue 21): posts once, then updates in place; a post left in doubt by a
// crash is found in the channel by its metadata (the group's id) and updated, never posted twice.
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
});
