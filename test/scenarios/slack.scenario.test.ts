import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BOB, declare, IC } from '../faults/fault-helpers.js';
import { checkAllRecorded } from '../support/blockkit-limits.js';
import { bootSlackBot, type SlackBot, STAKEHOLDER_CHANNEL } from '../support/boot-slack-bot.js';
import { SlackDriver, slackActorIds } from './slack-driver.js';
import { assertScenarioOutcome, runScenario } from './steps.js';

/** conversations.invite was called, successfully, for `channel` with each of `ids`; they are members. */
function expectInvited(bot: SlackBot, channel: string, ids: string[]): void {
  const invites = bot.fake.callsTo('conversations.invite').filter((c) => c.args.channel === channel);
  const invited = new Set(
    invites
      .filter((c) => c.ok)
      .flatMap((c) =>
        String(c.args.users ?? '')
          .split(',')
          .map((u) => u.trim()),
      ),
  );
  expect(invites.length, 'conversations.invite calls for the channel').toBeGreaterThan(0);
  for (const id of ids) {
    expect([...invited], `${id} invited to ${channel}`).toContain(id);
    expect(bot.fake.channels.get(channel)?.members.has(id), `${id} is a member of ${channel}`).toBe(true);
  }
}

describe('the incident scenario on Slack (the whole path through the real endpoint)', () => {
  let bot: SlackBot;
  beforeAll(async () => {
    bot = await bootSlackBot();
  });
  afterAll(async () => {
    await bot?.close();
  });

  it('declare, claim IC and comms, alert, update, tick a checklist item, two phases, log a message, close', async () => {
    const driver = new SlackDriver(bot);
    const key = await runScenario(driver);
    expect(driver.problems).toEqual([]);
    assertScenarioOutcome(bot.store, key, slackActorIds());

    const incident = bot.store.get(key)!;
    const room = incident.room!.id;
    // Slack received: one channel, a pinned summary and a pinned timeline updated in place (never re-posted),
    // the checklist, the three communications in the room and to stakeholders, the announcement.
    expect(bot.fake.callsTo('conversations.create').filter((c) => c.ok)).toHaveLength(1);
    expect(bot.fake.callsTo('pins.add')).toHaveLength(2);
    // the declarer and the incident commander were invited to the new channel
    const users = slackActorIds();
    expect(incident.declaredBy).toBe(users.ic);
    expect(incident.roles.commander).toEqual([users.ic]);
    expectInvited(bot, room, [incident.declaredBy, ...(incident.roles.commander ?? [])]);
    const summaryRef = bot.outbox.getMessageRef(key, 'slack', 'summary');
    const roomPosts = bot.fake.callsTo('chat.postMessage').filter((c) => c.ok && c.args.channel === room);
    expect(roomPosts.filter((c) => c.response?.ts === summaryRef?.ref)).toHaveLength(1);
    const updates = bot.fake.callsTo('chat.update').filter((c) => c.ok);
    expect(updates.length).toBeGreaterThan(5);
    expect(updates.filter((c) => c.args.ts === summaryRef?.ref).length).toBeGreaterThan(3);
    const stake = bot.fake
      .callsTo('chat.postMessage')
      .filter((c) => c.ok && c.args.channel === STAKEHOLDER_CHANNEL);
    expect(stake).toHaveLength(4); // announcement + initial alert + status update + closure notice
    // the latest summary says CLOSED
    const summary = bot.fake.message(room, summaryRef!.ref)!;
    expect(JSON.stringify(summary)).toMatch(/CLOSED/);
    // every message and view within Slack's limits
    expect(checkAllRecorded(bot.fake)).toEqual([]);
    expect(bot.errors).toEqual([]);
  });
});

describe('the incident channel on Slack: who is invited', () => {
  let bot: SlackBot;
  beforeAll(async () => {
    bot = await bootSlackBot();
  });
  afterAll(async () => {
    await bot?.close();
  });

  // In the scenario the declarer is the commander; here someone else is named commander on the form.
  it('declared by one person with another as incident commander: both are invited to the channel', async () => {
    const incident = await declare(bot, { user: IC, commander: BOB, channel: 'C0GENERAL' });
    const room = incident.room!.id;
    expect(incident.room!.fallback).toBeFalsy();
    expect(incident.declaredBy).toBe(IC);
    expect(incident.roles.commander).toEqual([BOB]);
    expectInvited(bot, room, [IC, BOB]);
  });
});
