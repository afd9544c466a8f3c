import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkAllRecorded } from '../support/blockkit-limits.js';
import { bootSlackBot, type SlackBot, STAKEHOLDER_CHANNEL } from '../support/boot-slack-bot.js';
import { SlackDriver, slackActorIds } from './slack-driver.js';
import { assertScenarioOutcome, runScenario } from './steps.js';

describe('the incident scenario on Slack (the whole path through the real endpoint)', () => {
  let bot: SlackBot;
  beforeAll(async () => {
    bot = await bootSlackBot();
  });
  afterAll(async () => {
    await bot?.close();
  });

  it('declare, claim IC and comms, alert, update, two phases, log a message, close', async () => {
    const driver = new SlackDriver(bot);
    const key = await runScenario(driver);
    expect(driver.problems).toEqual([]);
    assertScenarioOutcome(bot.store, key, slackActorIds());

    const incident = bot.store.get(key)!;
    const room = incident.room!.id;
    // Slack received: one channel, one pinned summary updated in place (never re-posted), the checklist,
    // the three communications in the room and to stakeholders, the announcement.
    expect(bot.fake.callsTo('conversations.create').filter((c) => c.ok)).toHaveLength(1);
    expect(bot.fake.callsTo('pins.add')).toHaveLength(1);
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
