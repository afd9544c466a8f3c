// Every request delivered twice (Slack retries with X-Slack-Retry-Num; a double-clicked or replayed
// block action): one incident, one channel, one log entry, one post per effect.
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACTION, VIEW } from '../../src/platforms/slack/ids.js';
import { bootSlackBot, type SlackBot, STAKEHOLDER_CHANNEL } from '../support/boot-slack-bot.js';
import {
  alertValues,
  BOB,
  CAROL,
  checkChains,
  checkDeliveredExactlyOnce,
  closeValues,
  declare,
  declareValues,
  IC,
  phaseValues,
  sleep,
  updateValues,
  waitFor,
} from './fault-helpers.js';

let bot: SlackBot;
const replayCounts = { replayed: 0 };

beforeEach(async () => {
  bot = await bootSlackBot();
});
afterEach(async () => {
  await bot.close();
});

const FORM = 'application/x-www-form-urlencoded';

/** Sends a body, then the same body again as Slack's retries 1..n (n = 2 by default). */
async function twice(body: string, n = 2) {
  const first = await bot.sim.send(body, FORM);
  const again = [];
  for (let k = 1; k <= n; k++) {
    again.push(await bot.sim.send(body, FORM, { retryNum: k, retryReason: 'http_timeout' }));
    replayCounts.replayed++;
  }
  return { first, again };
}

const payloadBody = (p: unknown) => new URLSearchParams({ payload: JSON.stringify(p) }).toString();

describe('every request delivered twice', () => {
  it('a declare submission delivered three times: one incident, one channel, one announcement, one log chain', async () => {
    const p = bot.sim.viewSubmissionPayload({
      callbackId: VIEW.declare,
      userId: IC,
      values: declareValues({ title: 'Replayed declaration' }),
      privateMetadata: JSON.stringify({ c: 'C0GENERAL' }),
      viewId: 'V0REPLAY',
      hash: '1700000000.replay',
    });
    const { first, again } = await twice(payloadBody(p));
    expect([first.status, ...again.map((a) => a.status)]).toEqual([200, 200, 200]);
    // A concurrent duplicate too (Slack retrying while the first is still in flight).
    await Promise.all([
      bot.sim.send(payloadBody(p), FORM, { retryNum: 3 }),
      bot.sim.send(payloadBody(p), FORM),
    ]);
    replayCounts.replayed += 2;
    expect(await bot.dispatcher.drain(5000)).toBe(true);
    const open = bot.store.listOpen();
    expect(open).toHaveLength(1);
    const incident = open[0]!;
    expect(bot.fake.okCallsTo('conversations.create')).toHaveLength(1);
    expect(bot.store.logEntries(incident.key).filter((e) => e.kind === 'declared')).toHaveLength(1);
    // The declarer is told in the modal (the first ack; the others say it was already declared), never by
    // a message of its own, once or per delivery.
    expect(first.body.view.blocks[0].text.text).toContain(`${incident.key} declared`);
    for (const a of again) expect(a.body.view.blocks[0].text.text).toContain('was already declared');
    expect(bot.fake.ephemerals.filter((e) => e.user === IC)).toEqual([]);
    expect(bot.fake.messagesIn(STAKEHOLDER_CHANNEL)).toHaveLength(1);
    checkDeliveredExactlyOnce(bot.store.db, bot.fake, [incident.room!.id, STAKEHOLDER_CHANNEL]);
    checkChains(bot.store.db);
    expect(bot.errors).toEqual([]);
  });

  it('slash commands retried: one modal, one log note, one decision, one role change', async () => {
    const incident = await declare(bot);
    const room = incident.room!.id;
    for (const [text, user] of [
      ['log Restarted the consumer group', IC],
      ['decision Fail over to DR', IC],
      ['role scribe', BOB],
      [`role comms <@${CAROL}|carol>`, IC],
    ] as const) {
      const body = new URLSearchParams(bot.sim.slashForm(text, { userId: user, channelId: room })).toString();
      const { first, again } = await twice(body);
      expect(first.status).toBe(200);
      expect(first.body.text).toBeTruthy();
      for (const a of again) expect(a.status).toBe(200);
    }
    const update = new URLSearchParams(
      bot.sim.slashForm('update', { userId: IC, channelId: room }),
    ).toString();
    await twice(update);
    await bot.fake.waitForCalls('views.open', 1);
    await sleep(100);
    expect(bot.fake.callsTo('views.open')).toHaveLength(1);
    expect(await bot.dispatcher.drain(5000)).toBe(true);
    const log = bot.store.logEntries(incident.key);
    expect(log.filter((e) => e.kind === 'note')).toHaveLength(1);
    expect(log.filter((e) => e.kind === 'decision')).toHaveLength(1);
    expect(log.filter((e) => e.kind === 'role' && JSON.parse(e.payload).role === 'scribe')).toHaveLength(1);
    expect(log.filter((e) => e.kind === 'role' && JSON.parse(e.payload).role === 'comms_lead')).toHaveLength(
      1,
    );
    // one "role_change" post for the assignment, one brief DM per new holder
    const roleChangePosts = bot.fake.messagesIn(room).filter((m) => /Communications lead/.test(m.text ?? ''));
    expect(roleChangePosts).toHaveLength(1);
    expect(bot.fake.messagesIn(`D${CAROL.slice(1)}`)).toHaveLength(1);
    checkDeliveredExactlyOnce(bot.store.db, bot.fake, [room, STAKEHOLDER_CHANNEL]);
    checkChains(bot.store.db);
    expect(bot.errors).toEqual([]);
  });

  it('block actions replayed (same payload): one claim, one checklist tick, no second refusal or notice', async () => {
    const incident = await declare(bot);
    const room = incident.room!.id;
    const claim = bot.sim.blockActionPayload({
      actionId: ACTION.claimRole,
      value: 'technical_lead',
      userId: BOB,
      channelId: room,
    });
    await twice(payloadBody(claim), 3);
    await waitFor(() => bot.store.get(incident.key)!.roles.technical_lead?.includes(BOB), 'claimed');
    const block = {
      type: 'actions',
      block_id: 'checklist:stabilize:v1',
      elements: [
        {
          type: 'checkboxes',
          action_id: ACTION.checkItem,
          options: [{ text: { type: 'mrkdwn', text: 'a' }, value: 'stabilize.switch_off' }],
        },
      ],
    };
    const tick = bot.sim.blockActionPayload({
      actionId: ACTION.checkItem,
      blockId: block.block_id,
      type: 'checkboxes',
      selectedOptions: [{ value: 'stabilize.switch_off' }],
      userId: BOB,
      channelId: room,
      message: { blocks: [block] },
    });
    await twice(payloadBody(tick), 3);
    await waitFor(() => bot.store.get(incident.key)!.checklist['stabilize.switch_off'], 'ticked');
    // A different user's second click on the same (already-claimed) role: refused once per click, not per delivery.
    const late = bot.sim.blockActionPayload({
      actionId: ACTION.claimRole,
      value: 'technical_lead',
      userId: CAROL,
      channelId: room,
    });
    await twice(payloadBody(late), 2);
    await waitFor(() => bot.fake.ephemerals.find((e) => e.user === CAROL), 'refusal');
    await sleep(150);
    expect(await bot.dispatcher.drain(5000)).toBe(true);
    const log = bot.store.logEntries(incident.key);
    expect(
      log.filter((e) => e.kind === 'role' && JSON.parse(e.payload).role === 'technical_lead'),
    ).toHaveLength(1);
    expect(log.filter((e) => e.kind === 'checklist')).toHaveLength(1);
    expect(bot.fake.ephemerals.filter((e) => e.user === CAROL)).toHaveLength(1);
    expect(bot.fake.messagesIn(`D${BOB.slice(1)}`)).toHaveLength(1); // one role brief
    checkDeliveredExactlyOnce(bot.store.db, bot.fake, [room, STAKEHOLDER_CHANNEL]);
    checkChains(bot.store.db);
    expect(bot.errors).toEqual([]);
  });

  it('communication, phase and close submissions delivered twice: one post each in the room and to stakeholders', async () => {
    const incident = await declare(bot);
    const room = incident.room!.id;
    const meta = JSON.stringify({ k: incident.key, c: room });
    const subs = [
      { callbackId: VIEW.initialAlert, values: alertValues() },
      { callbackId: VIEW.statusUpdate, values: updateValues() },
      { callbackId: VIEW.phase, values: phaseValues('detection', 'containment') },
      { callbackId: VIEW.phase, values: phaseValues('containment', 'mitigation') },
      { callbackId: VIEW.phase, values: phaseValues('mitigation', 'closure') },
      { callbackId: VIEW.close, values: closeValues() },
    ];
    let n = 0;
    for (const s of subs) {
      const p = bot.sim.viewSubmissionPayload({
        ...s,
        userId: IC,
        privateMetadata: meta,
        viewId: `V0R${++n}`,
        hash: `h${n}`,
      });
      const { first, again } = await twice(payloadBody(p));
      expect(first.body, JSON.stringify(first.body)).toBe('');
      for (const a of again) expect(a.status).toBe(200);
    }
    expect(await bot.dispatcher.drain(5000)).toBe(true);
    const i = bot.store.get(incident.key)!;
    expect(i.communications).toHaveLength(3);
    expect(i.phase).toBe('review');
    expect(i.closedAt).not.toBeNull();
    const log = bot.store.logEntries(incident.key);
    expect(log.filter((e) => e.kind === 'communication')).toHaveLength(3);
    expect(log.filter((e) => e.kind === 'closed')).toHaveLength(1);
    expect(log.filter((e) => e.kind === 'phase')).toHaveLength(4);
    // announcement + alert + update + closure notice to stakeholders
    expect(bot.fake.messagesIn(STAKEHOLDER_CHANNEL)).toHaveLength(4);
    checkDeliveredExactlyOnce(bot.store.db, bot.fake, [room, STAKEHOLDER_CHANNEL]);
    checkChains(bot.store.db);
    expect(bot.errors).toEqual([]);
  });

  it('events delivered twice are handled once (event_id de-dup) and never crash', async () => {
    const env = bot.sim.eventEnvelope({
      type: 'app_mention',
      text: '<@U0BOT> help',
      user: IC,
      channel: 'C0GENERAL',
    });
    const a = await bot.sim.send(JSON.stringify(env), 'application/json');
    const b = await bot.sim.send(JSON.stringify(env), 'application/json', {
      retryNum: 1,
      retryReason: 'http_timeout',
    });
    replayCounts.replayed++;
    expect([a.status, b.status]).toEqual([200, 200]);
    await sleep(100);
    expect(bot.errors).toEqual([]);
    expect(bot.store.listOpen()).toHaveLength(0);
  });
});

afterAll(() => {
  if (process.env.FAULTS_VERBOSE) console.log('FAULTS replay', JSON.stringify(replayCounts));
});
