// Issue 19, the timeline template and the communication recap, end to end through each platform's real
// endpoint: the room gets its timeline when it is created (pinned on Slack), a decision later updates that
// same message; after the review the comms lead opens the recap (prefilled from the review) and sends it as
// is, and the stakeholder channel gets it with the lessons learned. A confidential incident's stakeholder
// channel gets the confidential notice, never the recap's content. The console shows the timeline too.
import { afterAll, describe, expect, it } from 'vitest';
import { ACTION, VIEW } from '../../src/platforms/slack/ids.js';
import { closureFields, criteria } from '../helpers/scenario.js';
import { SlackDriver } from '../scenarios/slack-driver.js';
import type { DeclareInput, Driver, ReviewInput } from '../scenarios/steps.js';
import { TeamsDriver } from '../scenarios/teams-driver.js';
import { checkAdaptiveCard, checkAllRecorded } from '../support/blockkit-limits.js';
import { bootLocalBot, ConsoleClient } from '../support/boot-local-bot.js';
import {
  bootSlackBot,
  STAKEHOLDER_CHANNEL as SLACK_STAKE,
  type SlackBot,
} from '../support/boot-slack-bot.js';
import {
  type BootedTeamsBot,
  bootTeamsBot,
  STAKEHOLDER_CHANNEL as TEAMS_STAKE,
} from '../support/boot-teams-bot.js';
import type { Json } from '../support/fake-slack-api.js';
import { stateValue } from '../support/slack-request.js';
import { BOB, cardOf, findAction, taskFetch, taskSubmit } from './teams/activities.js';

const outage: DeclareInput = {
  title: 'Ingest pipeline down',
  triggerClass: 'service_outage',
  impact: 'No prices since 09:00',
  severeImpact: false,
  drill: false,
};
const leak: DeclareInput = {
  ...outage,
  title: 'Order gateway key leaked',
  triggerClass: 'security_exposure',
};

const LESSONS = 'Watch the disks of every stateful service, not only the busy ones.';
const review: ReviewInput = {
  summary: 'The broker disk filled up and ingest stopped.',
  whys: ['Retention was too long', 'Nobody watched disk usage'],
  resilienceFactors: 'A single broker',
  correctiveActions: 'Alert on broker disk usage',
  verificationPlan: 'Fill a staging disk to 85% and see the page',
  lessons: LESSONS,
  readiness: 'Alerts meet policy',
  runbookLibrary: 'Broker runbook updated',
};
const DECISION = 'Fail over to the secondary cluster';

/** Declared, the comms lead claimed, contained, mitigated, closed, a follow-up filed, the review recorded. */
async function throughReview(d: Driver, decide?: () => Promise<void>): Promise<void> {
  // each step waits for the outbox: the next one presses a button on the refreshed summary
  await d.claim('comms_lead', 'comms');
  await d.settle();
  await decide?.();
  await d.advancePhase(criteria('detection'));
  await d.settle();
  await d.advancePhase(criteria('containment'));
  await d.settle();
  await d.close([...criteria('mitigation'), ...criteria('closure')], closureFields);
  await d.settle();
  await d.followup(
    {
      what: 'Alert on broker disk usage',
      owner: 'comms',
      due: '2026-12-10',
      objective: 'resilience',
      acceptance: 'A full disk pages the on-call',
    },
    'ic',
  );
  await d.settle();
  await d.review(review, 'ic');
  await d.settle();
}

const closers: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of closers) await c();
});

describe('Slack', () => {
  /** The comms lead types `recap`, reads the prefilled modal and submits it unchanged. */
  async function sendRecap(bot: SlackBot, key: string): Promise<Json> {
    const room = bot.store.get(key)!.room!.id;
    const opened = bot.fake.callsTo('views.open').length;
    await bot.sim.slash('recap', { userId: 'U0COMMS', channelId: room });
    const [call] = (await bot.fake.waitForCalls('views.open', opened + 1)).slice(opened);
    const view = call!.args.view;
    expect(view.callback_id).toBe(VIEW.recap);
    const values: Record<string, Record<string, unknown>> = {};
    for (const b of view.blocks as Json[])
      if (b.type === 'input')
        values[b.block_id] = { value: stateValue.plainText(b.element.initial_value ?? '') };
    const res = await bot.sim.viewSubmission({
      callbackId: VIEW.recap,
      userId: 'U0COMMS',
      values,
      privateMetadata: view.private_metadata,
      viewId: 'VRECAP1',
    });
    expect(res.status).toBe(200);
    await bot.dispatcher.drain(10_000);
    return view;
  }

  it('the timeline is posted and pinned with the room, then updated in place by a decision; the recap reaches the stakeholders', async () => {
    const bot = await bootSlackBot();
    closers.push(() => bot.close());
    const d = new SlackDriver(bot);
    const key = await d.declare(outage, 'ic');
    const room = bot.store.get(key)!.room!.id;
    const ref = bot.outbox.getMessageRef(key, 'slack', 'timeline')!;
    expect(ref.channel).toBe(room);
    expect(bot.fake.pins).toContainEqual({ channel: room, timestamp: ref.ref });
    const first = JSON.stringify(bot.fake.message(room, ref.ref));
    expect(first).toContain('Timeline: ');
    expect(first).toContain('Containment');
    expect(first).toContain('not yet');
    expect(first).not.toContain(DECISION);

    await throughReview(d, async () => {
      await d.say(`decision ${DECISION} because the primary is down`, 'ic');
      await d.settle();
      const updated = JSON.stringify(bot.fake.message(room, ref.ref));
      expect(updated).toContain(DECISION);
      expect(bot.outbox.getMessageRef(key, 'slack', 'timeline')!.ref).toBe(ref.ref);
      expect(bot.fake.callsTo('chat.update').some((c) => c.args.ts === ref.ref)).toBe(true);
    });
    // the room is told the recap is owed, with the button that opens it
    const due = bot.fake.messagesIn(room).find((m) => JSON.stringify(m).includes('communication recap'));
    expect(JSON.stringify(due?.blocks)).toContain(ACTION.openRecap);
    expect(JSON.stringify(bot.fake.messagesIn(SLACK_STAKE))).not.toContain(LESSONS);

    const view = await sendRecap(bot, key);
    expect(JSON.stringify(view.blocks)).toContain(LESSONS); // prefilled from the review
    const stake = JSON.stringify(bot.fake.messagesIn(SLACK_STAKE).at(-1));
    expect(stake).toContain('Communication recap');
    expect(stake).toContain(LESSONS);
    expect(stake).toContain('Alert on broker disk usage');
    expect(bot.store.get(key)!.recap?.sentBy).toBe('U0COMMS');
    // the timeline shows it was sent; nothing the bot sent breaks Slack's limits
    expect(JSON.stringify(bot.fake.message(room, ref.ref))).toContain('Recap to stakeholders');
    expect(checkAllRecorded(bot.fake)).toEqual([]);
    expect(d.problems).toEqual([]);
  });

  it('a confidential incident: the stakeholder channel gets the confidential notice, not the recap', async () => {
    const bot = await bootSlackBot();
    closers.push(() => bot.close());
    const d = new SlackDriver(bot);
    const key = await d.declare(leak, 'ic');
    expect(bot.store.get(key)!.confidential).toBe(true);
    await throughReview(d);
    // (what the comms lead chose to send before, the alert or the closure notice, is theirs: only the recap here)
    const before = bot.fake.messagesIn(SLACK_STAKE).length;
    await sendRecap(bot, key);
    const room = bot.store.get(key)!.room!.id;
    expect(JSON.stringify(bot.fake.messagesIn(room))).toContain(LESSONS);
    const stake = JSON.stringify(bot.fake.messagesIn(SLACK_STAKE).slice(before));
    expect(stake).toContain('A confidential incident has had its post-incident review');
    for (const secret of [LESSONS, key, leak.title, review.summary]) expect(stake).not.toContain(secret);
    expect(bot.store.get(key)!.recap?.sentAt).toBeTruthy();
  });
});

describe('Teams', () => {
  /** Bob (comms lead) opens the recap from the room's "recap due" card and submits it as prefilled. */
  async function sendRecap(bot: BootedTeamsBot, key: string): Promise<Json> {
    const room = bot.store.get(key)!.room!.id;
    const due = bot.connector
      .activitiesIn(room)
      .map((a) => cardOf(a.activity))
      .find((c) => JSON.stringify(c ?? {}).includes('"dialog":"recap"'));
    const open = findAction(due, (a) => a.type === 'Action.Submit' && a.data?.dialog === 'recap');
    const w = { serviceUrl: bot.connector.serviceUrl, from: BOB, conversationId: room };
    const fetched = (await bot.sendActivity(taskFetch(open, w))).body;
    expect(fetched.task?.type).toBe('continue');
    const card = fetched.task.value.card.content;
    const values: Record<string, string> = {};
    const visit = (v: Json) => {
      if (Array.isArray(v)) for (const x of v) visit(x);
      else if (v && typeof v === 'object') {
        if (String(v.type).startsWith('Input.') && v.id) values[v.id] = String(v.value ?? '');
        for (const x of Object.values(v)) visit(x);
      }
    };
    visit(card.body);
    const submit = findAction(card, (a) => a.type === 'Action.Submit');
    const res = (await bot.sendActivity(taskSubmit({ ...submit.data, ...values }, w))).body;
    expect(res.task?.type).toBe('message');
    await bot.settle();
    return card;
  }

  /** What the stakeholder channel received, from the `from`th post on. */
  const toStakeholders = (bot: BootedTeamsBot, from = 0) =>
    JSON.stringify(
      bot.connector
        .sent()
        .filter((r) => (r.conversationId ?? '').startsWith(TEAMS_STAKE))
        .slice(from)
        .map((r) => r.body),
    );
  const stakeholderPosts = (bot: BootedTeamsBot) =>
    bot.connector.sent().filter((r) => (r.conversationId ?? '').startsWith(TEAMS_STAKE)).length;

  it('the timeline card is posted in the thread and updated in place; the recap reaches the stakeholders', async () => {
    const bot = await bootTeamsBot();
    closers.push(() => bot.close());
    const d = new TeamsDriver(bot);
    const key = await d.declare(outage, 'ic');
    const ref = bot.outbox.getMessageRef(key, 'teams', 'timeline')!;
    expect(ref.channel).toBe(bot.store.get(key)!.room!.id);
    const first = JSON.stringify(bot.connector.activityById(ref.ref));
    expect(first).toContain('Timeline: ');
    expect(first).toContain('Containment');
    expect(first).not.toContain(DECISION);

    await throughReview(d, async () => {
      await d.say(`decision ${DECISION} because the primary is down`, 'ic');
      const card = bot.connector.activityById(ref.ref);
      expect(JSON.stringify(card)).toContain(DECISION);
      expect(bot.outbox.getMessageRef(key, 'teams', 'timeline')!.ref).toBe(ref.ref);
      expect(bot.connector.activities.some((a) => a.op === 'update' && a.activityId === ref.ref)).toBe(true);
      expect(checkAdaptiveCard(cardOf(card))).toEqual([]);
    });
    expect(toStakeholders(bot)).not.toContain(LESSONS);

    const card = await sendRecap(bot, key);
    expect(JSON.stringify(card)).toContain(LESSONS);
    const stake = toStakeholders(bot);
    expect(stake).toContain('Communication recap');
    expect(stake).toContain(LESSONS);
    expect(bot.store.get(key)!.recap?.sentBy).toBe(BOB.aadObjectId);
  });

  it('a confidential incident: the stakeholder channel gets the confidential notice, not the recap', async () => {
    const bot = await bootTeamsBot({
      env: { TEAMS_CONFIDENTIAL_CHANNEL: '19:security0000000000000000000000@thread.tacv2' },
    });
    closers.push(() => bot.close());
    const d = new TeamsDriver(bot);
    const key = await d.declare(leak, 'ic');
    expect(bot.store.get(key)!.confidential).toBe(true);
    await throughReview(d);
    // (what the comms lead chose to send before, the alert or the closure notice, is theirs: only the recap here)
    const before = stakeholderPosts(bot);
    await sendRecap(bot, key);
    const stake = toStakeholders(bot, before);
    expect(stake).toContain('A confidential incident has had its post-incident review');
    for (const secret of [LESSONS, key, leak.title, review.summary]) expect(stake).not.toContain(secret);
    expect(bot.store.get(key)!.recap?.sentAt).toBeTruthy();
  });
});

describe('the local console', () => {
  it('the room page shows the timeline, with a decision under its phase', async () => {
    const local = await bootLocalBot();
    closers.push(() => local.close());
    const c = await new ConsoleClient(local).enter('alice');
    const r = await c.post('/declare', {
      _key: 'timeline-declare-01',
      title: outage.title,
      triggerClass: outage.triggerClass,
      impact: outage.impact,
      severeImpact: 'no',
      visibility: 'default',
      commander: 'me',
    });
    await local.settle();
    await c.post(`${r.location!}/say`, { text: `decision ${DECISION}` });
    await local.settle();
    const room = (await c.get(r.location!)).html;
    const timeline = room.slice(room.indexOf('id="tl-h"'));
    expect(timeline).toContain('Detection &#38; verification');
    expect(timeline).toContain(DECISION);
    expect(timeline).toContain('Containment</strong> · not yet');
  });
});
