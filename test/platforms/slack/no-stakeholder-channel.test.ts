// Without SLACK_STAKEHOLDER_CHANNEL nobody outside the incident channel hears anything: the form says so
// before sending, the sender is told after, and the record says "not sent" instead of "delivered".
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { notToStakeholders } from '../../../src/app/answers.js';
import { VIEW } from '../../../src/platforms/slack/ids.js';
import { mrkdwnOf } from '../../../src/platforms/slack/render/text.js';

const NOT_TO_STAKEHOLDERS = mrkdwnOf(notToStakeholders('SLACK_STAKEHOLDER_CHANNEL'));

import { alertValues, declare, IC } from '../../faults/fault-helpers.js';
import { bootSlackBot, type SlackBot } from '../../support/boot-slack-bot.js';
import { waitFor } from '../../support/wait-for.js';

let bot: SlackBot;
beforeEach(async () => {
  bot = await bootSlackBot({ stakeholderChannel: false });
});
afterEach(async () => {
  await bot.close();
});

describe('no stakeholder channel configured', () => {
  it('the alert form warns, the sender is told, and the record says the stakeholder copy was not sent', async () => {
    const incident = await declare(bot);
    const room = incident.room!.id;
    await bot.sim.slash('alert', { userId: IC, channelId: room });
    const [call] = await bot.fake.waitForCalls('views.open', 1);
    expect(JSON.stringify(call!.args.view.blocks)).toContain('Posted in the incident channel ONLY');
    const sub = await bot.sim.viewSubmission({
      callbackId: VIEW.initialAlert,
      userId: IC,
      privateMetadata: JSON.stringify({ k: incident.key, c: room }),
      values: alertValues(),
    });
    expect(sub.body).toBe('');
    const told = await waitFor(
      () => bot.fake.ephemerals.find((m) => m.user === IC && m.text === NOT_TO_STAKEHOLDERS),
      'the warning to the sender',
    );
    expect(told.channel).toBe(room);
    expect(await bot.dispatcher.drain(5000)).toBe(true);
    const sent = bot.store
      .logEntries(incident.key)
      .filter((e) => e.kind === 'message_sent')
      .map((e) => JSON.parse(e.payload));
    const stakeholderCopy = sent.find((p) => String(p.outboxKey).endsWith(':comm:0:stakeholders'));
    expect(stakeholderCopy).toMatchObject({ skipped: 'no stakeholder channel configured' });
    expect(sent.find((p) => String(p.outboxKey).endsWith(':comm:0:room'))?.skipped).toBeUndefined();
  });

  it('a stand-down says the all-clear reached the incident channel only', async () => {
    const incident = await declare(bot);
    const r = await bot.sim.slash('standdown planned feed maintenance', {
      userId: IC,
      channelId: incident.room!.id,
    });
    expect(r.body.text).toContain(NOT_TO_STAKEHOLDERS);
  });
});
