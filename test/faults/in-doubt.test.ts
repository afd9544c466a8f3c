// A post Slack accepted just before the process died is found by its outbox key, not sent twice.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OUTBOX_EVENT_TYPE, SlackSender } from '../../src/platforms/slack/slack-sender.js';
import { declareRequest } from '../helpers/scenario.js';
import { bootSlackBot, type SlackBot, STAKEHOLDER_CHANNEL } from '../support/boot-slack-bot.js';

let bot: SlackBot;
beforeEach(async () => {
  bot = await bootSlackBot();
});
afterEach(async () => {
  await bot.close();
});

const fields = { status: 'investigating', developments: 'd', risks: 'r', help: 'h', next_update: 'n' };

async function declared(): Promise<string> {
  const r = bot.service.handle(declareRequest('doubt-declare', { actor: { platform: 'slack', id: 'U0IC' } }));
  if (!r.ok) throw new Error(r.error.message);
  expect(await bot.dispatcher.drain(5000)).toBe(true);
  return r.incident.key;
}

function postsWithKey(channel: string, key: string) {
  return bot.fake
    .messagesIn(channel)
    .filter(
      (m) =>
        (m as { metadata?: { event_payload?: { outbox_key?: string } } }).metadata?.event_payload
          ?.outbox_key === key,
    );
}

describe('in-doubt deliveries', () => {
  it('a post accepted by Slack but never marked sent (crash) is found on restart and not posted again', async () => {
    const key = await declared();
    bot.service.handle({
      key: 'doubt-update',
      incidentKey: key,
      command: { type: 'post_status_update', fields },
      actor: { platform: 'slack', id: 'U0IC' },
    });
    const row = bot.outbox.pending().find((r) => r.lane.endsWith(':stakeholders'))!;
    expect(row.body.kind).toBe('post');
    // The delivery starts, Slack accepts the post, and the process dies before the row is marked sent.
    bot.outbox.markInFlight(row.id, new Date());
    const sender = new SlackSender({
      client: bot.slack.app.client,
      refs: bot.outbox,
      app: bot.app,
      stakeholderChannel: STAKEHOLDER_CHANNEL,
    });
    const first = await sender.send(bot.outbox.pending().find((r) => r.id === row.id)!, bot.store.get(key)!);
    expect(first.status).toBe('sent');
    expect(postsWithKey(STAKEHOLDER_CHANNEL, row.key)).toHaveLength(1);
    // "Restart": the row is still pending and now in doubt.
    const again = bot.outbox.pending().find((r) => r.id === row.id)!;
    expect(again.inDoubt).toBe(true);
    expect(await bot.dispatcher.drain(5000)).toBe(true);
    expect(postsWithKey(STAKEHOLDER_CHANNEL, row.key)).toHaveLength(1);
    expect(bot.fake.callsTo('conversations.history').length).toBeGreaterThan(0);
    const stored = bot.store.db.prepare('SELECT result FROM outbox WHERE id = ?').get(row.id) as {
      result: string;
    };
    expect(JSON.parse(stored.result)).toMatchObject({ foundAfterCrash: true });
  });

  it('a DM (role brief) accepted before a crash is found in the DM channel and not sent again', async () => {
    const key = await declared();
    bot.service.handle({
      key: 'doubt-claim',
      incidentKey: key,
      command: { type: 'claim_role', role: 'scribe' },
      actor: { platform: 'slack', id: 'U0SCRIBE' },
      roomId: bot.store.get(key)!.room!.id, // clicked in the incident's channel
    });
    const row = bot.outbox.pending().find((r) => r.target.to === 'user')!;
    expect(row.body).toMatchObject({ kind: 'post', template: 'role_brief' });
    bot.outbox.markInFlight(row.id, new Date());
    const sender = new SlackSender({
      client: bot.slack.app.client,
      refs: bot.outbox,
      app: bot.app,
    });
    expect(
      (await sender.send(bot.outbox.pending().find((r) => r.id === row.id)!, bot.store.get(key)!)).status,
    ).toBe('sent');
    expect(postsWithKey('D0SCRIBE', row.key)).toHaveLength(1);
    expect(await bot.dispatcher.drain(5000)).toBe(true);
    expect(postsWithKey('D0SCRIBE', row.key)).toHaveLength(1);
    expect(bot.fake.callsTo('conversations.open').map((c) => c.args.users)).toContain('U0SCRIBE');
  });

  it('an in-doubt post that Slack never got is posted once', async () => {
    const key = await declared();
    bot.service.handle({
      key: 'doubt-update-2',
      incidentKey: key,
      command: { type: 'post_status_update', fields },
      actor: { platform: 'slack', id: 'U0IC' },
    });
    const row = bot.outbox.pending().find((r) => r.lane.endsWith(':stakeholders'))!;
    bot.outbox.markInFlight(row.id, new Date()); // died before the request left
    expect(await bot.dispatcher.drain(5000)).toBe(true);
    expect(postsWithKey(STAKEHOLDER_CHANNEL, row.key)).toHaveLength(1);
  });

  it('ordinary deliveries never read the history', async () => {
    const key = await declared();
    bot.service.handle({
      key: 'plain-update',
      incidentKey: key,
      command: { type: 'post_status_update', fields },
      actor: { platform: 'slack', id: 'U0IC' },
    });
    expect(await bot.dispatcher.drain(5000)).toBe(true);
    expect(bot.fake.callsTo('conversations.history')).toHaveLength(0);
    const posts = bot.fake.callsTo('chat.postMessage').filter((c) => c.ok && c.args.metadata);
    expect(posts.length).toBeGreaterThan(0);
    expect(posts.every((c) => c.args.metadata.event_type === OUTBOX_EVENT_TYPE)).toBe(true);
  });
});
