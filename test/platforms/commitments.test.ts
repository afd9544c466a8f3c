// Stakeholder commitments and questions end to end (issue 19, "Track stakeholder questions and
// commitments"), through each platform's real endpoint: typed `commit … by …` and `question …`, listed in
// the status update form and in the status update posted to the room and the stakeholder channel, a nudge
// when a commitment falls due (the reminder pass run at a later instant), none for one already kept.
import { afterAll, describe, expect, it } from 'vitest';
import { runReminderPass } from '../../src/app/reminder-pass.js';
import type { Incident } from '../../src/domain/incident.js';
import type { IncidentStore } from '../../src/storage/sqlite/incident-store.js';
import { reminderStoreOf } from '../../src/storage/sqlite/reminder-store.js';
import { SlackDriver } from '../scenarios/slack-driver.js';
import { TeamsDriver } from '../scenarios/teams-driver.js';
import { bootLocalBot, ConsoleClient } from '../support/boot-local-bot.js';
import { bootSlackBot, STAKEHOLDER_CHANNEL } from '../support/boot-slack-bot.js';
import { bootTeamsBot, STAKEHOLDER_CHANNEL as TEAMS_STAKEHOLDERS } from '../support/boot-teams-bot.js';
import { BOB, cardOf, cardTexts, findAction, type Json, taskFetch } from './teams/activities.js';

const outage = {
  title: 'FX pricing feed down',
  triggerClass: 'service_outage',
  impact: 'FX desk quoting stale prices',
  severeImpact: false,
  drill: false,
};
const update = {
  status: 'investigating',
  developments: 'Failing over to the secondary feed',
  risks: 'Quotes may lag',
  help: 'None',
  next_update: '2026-01-05 09:00 UTC',
};

/** Runs the reminder pass `minutes` from now and makes what it queued deliverable at the real now. */
function passIn(
  store: IncidentStore,
  service: Parameters<typeof runReminderPass>[0]['service'],
  minutes: number,
) {
  const r = runReminderPass({
    reminders: reminderStoreOf(store),
    service,
    now: new Date(Date.now() + minutes * 60_000),
  });
  store.db
    .prepare("UPDATE outbox SET next_attempt_at = ? WHERE key LIKE 'reminder:%'")
    .run(new Date().toISOString());
  return r;
}

const openIds = (i: Incident) => ({
  kept: i.commitments!.find((c) => c.what.startsWith('Root cause'))!.id,
  due: i.commitments!.find((c) => c.what.startsWith('Next update'))!.id,
  question: i.questions![0]!.id,
});

const closers: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of closers) await c();
});

describe('Slack', () => {
  it('commit and question typed in the channel; listed in the form and the update; nudged when due', async () => {
    const bot = await bootSlackBot();
    closers.push(() => bot.close());
    const d = new SlackDriver(bot);
    const key = await d.declare(outage, 'ic');
    await d.claim('comms_lead', 'comms');

    const said = await d.say('commit Next update to the FX desk by in 45m', 'comms');
    expect(said).toMatch(/Commitment `c-[0-9a-f]{5}` recorded, due <!date\^/);
    await d.say('commit Root cause summary to the desk heads by in 50m', 'comms');
    // anyone in the incident records a question; a commitment is the comms lead's (or the IC's)
    await d.say('question Will clients get a credit? from Sales desk', 'ic');
    const refused = await bot.sim.slash('commit Free lunch by 12:00', {
      userId: 'U0OTHER',
      channelId: bot.store.get(key)!.room!.id,
    });
    expect(String(refused.body?.text)).toContain('Only the Communications lead or the incident commander');
    await d.settle();
    const ids = openIds(bot.store.get(key)!);
    const room = bot.store.get(key)!.room!.id;
    const roomText = () => JSON.stringify(bot.fake.messagesIn(room).map((m) => [m.text, m.blocks]));
    expect(roomText()).toContain('Will clients get a credit?');

    // the status update form lists them above its fields
    const opened = bot.fake.callsTo('views.open').length;
    await d.say('update', 'comms');
    await bot.fake.waitForCalls('views.open', opened + 1);
    const modal = JSON.stringify(bot.fake.callsTo('views.open').at(-1)!.args.view);
    expect(modal).toContain('Next update to the FX desk');
    expect(modal).toContain('Will clients get a credit?');
    expect(modal).toContain(ids.due);

    // one kept before it falls due
    expect(await d.say(`kept ${ids.kept}`, 'comms')).toContain(`Commitment \`${ids.kept}\` marked kept`);

    await d.update(update, 'comms');
    await d.settle();
    expect(d.problems).toEqual([]);
    for (const channel of [room, STAKEHOLDER_CHANNEL]) {
      const posted = JSON.stringify(bot.fake.messagesIn(channel).map((m) => m.blocks));
      expect(posted).toContain('Our open commitments');
      expect(posted).toContain('Next update to the FX desk');
      expect(posted).toContain('Will clients get a credit? (from Sales desk)');
    }
    // the kept one is not listed as open in the update
    const stake = JSON.stringify(bot.fake.messagesIn(STAKEHOLDER_CHANNEL).map((m) => m.blocks));
    expect(stake).not.toContain('Root cause summary');

    // 44 minutes on: nothing due; 46 minutes on: the open one is nudged, once; the kept one never
    expect(passIn(bot.store, bot.service, 44).reminders.filter((r) => r.kind === 'commitment-due')).toEqual(
      [],
    );
    const due = passIn(bot.store, bot.service, 46).reminders.filter((r) => r.kind === 'commitment-due');
    expect(due.map((r) => r.data.commitmentId)).toEqual([ids.due]);
    bot.dispatcher.kick();
    await d.settle();
    expect(roomText()).toContain('Commitment to stakeholders due now: Next update to the FX desk');
    expect(roomText()).toContain('<@U0COMMS>');
    const later = passIn(bot.store, bot.service, 60).reminders.filter((r) => r.kind === 'commitment-due');
    expect(later).toEqual([]);

    // the answer is recorded by the comms lead, and the list shows every outcome
    expect(await d.say(`answer ${ids.question} Yes, per the SLA`, 'comms')).toContain('recorded');
    const list = await d.say('commitments', 'ic');
    expect(list).toContain('✅');
    expect(list).toContain('Yes, per the SLA');
  });
});

describe('Teams', () => {
  it('the same through @mentions: listed in the dialog and the posted update, nudged when due', async () => {
    const bot = await bootTeamsBot();
    closers.push(() => bot.close());
    const d = new TeamsDriver(bot);
    const key = await d.declare(outage, 'ic');
    await d.claim('comms_lead', 'comms');
    expect(await d.say('commit Next update to the FX desk by in 45m', 'comms')).toMatch(
      /Commitment .*c-[0-9a-f]{5}.* recorded/,
    );
    await d.say('commit Root cause summary to the desk heads by in 50m', 'comms');
    await d.say('question Will clients get a credit? from Sales desk', 'ic');
    expect(await d.say('commit Nothing by teatime', 'comms')).toContain('I can\'t read "teatime" as a time');
    const ids = openIds(bot.store.get(key)!);
    expect(await d.say(`kept ${ids.kept}`, 'comms')).toContain('marked kept');

    // the status update dialog lists them above its fields
    const ref = bot.outbox.getMessageRef(key, 'teams', 'summary')!;
    const summary = cardOf(bot.connector.activityById(ref.ref));
    const open = findAction(summary, (a) => a.type === 'Action.Submit' && a.data?.dialog === 'update');
    const room = bot.store.get(key)!.room!.id;
    const res = await bot.sendActivity(
      taskFetch(open, { serviceUrl: bot.connector.serviceUrl, from: BOB, conversationId: room }),
    );
    const dialog = cardTexts(res.body.task.value.card.content);
    expect(dialog).toContain('Next update to the FX desk');
    expect(dialog).toContain('Will clients get a credit?');

    await d.update(update, 'comms');
    await bot.settle();
    const posted = (conversation: string) =>
      bot.connector.activities
        .filter((a) => a.op === 'send' && String(a.conversationId).startsWith(conversation))
        .map((a) => cardTexts(cardOf(a.body)))
        .join('\n')
        .replace(/\\/g, ''); // Teams markdown escapes
    for (const where of [room.split(';')[0]!, TEAMS_STAKEHOLDERS]) {
      const text = posted(where);
      expect(text).toContain('Our open commitments');
      expect(text).toContain('Next update to the FX desk');
      expect(text).toContain('Will clients get a credit? (from Sales desk)');
    }
    expect(posted(TEAMS_STAKEHOLDERS)).not.toContain('Root cause summary');

    const before = bot.connector.activities.length;
    const due = passIn(bot.store, bot.service, 46).reminders.filter((r) => r.kind === 'commitment-due');
    expect(due.map((r) => r.data.commitmentId)).toEqual([ids.due]);
    bot.dispatcher.kick();
    await bot.settle();
    const nudges = bot.connector.activities
      .slice(before)
      .map((a: Json) => cardTexts(cardOf(a.body)))
      .filter((t) => t.includes('Commitment to stakeholders due now'));
    expect(nudges).toHaveLength(1);
    expect(nudges[0]).toContain('Next update to the FX desk');
    expect(passIn(bot.store, bot.service, 60).reminders.filter((r) => r.kind === 'commitment-due')).toEqual(
      [],
    );
  });
});

describe('the local console', () => {
  it('typed verbs record them; the room shows the summary line and the update lists them', async () => {
    const local = await bootLocalBot();
    closers.push(() => local.close());
    const alice = await new ConsoleClient(local).enter('alice');
    const r = await alice.post('/declare', {
      _key: 'commitments-declare-01',
      title: 'FX pricing feed down',
      triggerClass: 'service_outage',
      impact: 'Stale quotes',
      severeImpact: 'no',
      visibility: 'default',
      commander: 'me',
    });
    await local.settle();
    const key = /INC-\d{4}-\d{4}/.exec(r.location ?? '')![0];
    await alice.post(`/incidents/${key}/say`, { text: 'commit Next update to the FX desk by in 2h' });
    await alice.post(`/incidents/${key}/say`, { text: 'question Will clients get a credit? from Sales' });
    await local.settle();
    const i = local.bot.app.incident(key)!;
    expect(i.commitments).toHaveLength(1);
    expect(i.questions?.[0]?.from).toBe('Sales');
    const page = (await alice.get(`/incidents/${key}`)).html;
    expect(page).toContain('1 commitment to stakeholders open');
    const form = (await alice.get(`/incidents/${key}/forms/update`)).html;
    expect(form).toContain('Next update to the FX desk');
    expect(form).toContain('Will clients get a credit?');
  });
});
