// Workstream leads end to end (issue 19, "each workstream has a named lead"), through each platform's real
// endpoint: someone takes a workstream from the summary's button, the IC types `lead <workstream>` and names
// leads with the people picker and an @mention; the summary shows every lead, the golden-hour item is done by
// the bot, and a member who is not the IC cannot name someone else.
import { afterAll, describe, expect, it } from 'vitest';
import { ALL_LED } from '../../src/domain/decide/workstreams.js';
import type { Incident } from '../../src/domain/incident.js';
import { ACTION } from '../../src/platforms/slack/ids.js';
import { VERB } from '../../src/platforms/teams/render/card-kit.js';
import { SlackDriver } from '../scenarios/slack-driver.js';
import { TeamsDriver } from '../scenarios/teams-driver.js';
import { bootLocalBot, ConsoleClient } from '../support/boot-local-bot.js';
import { bootSlackBot } from '../support/boot-slack-bot.js';
import { bootTeamsBot } from '../support/boot-teams-bot.js';
import { waitFor } from '../support/wait-for.js';
import { ALICE, BOB, CAROL, cardOf, cardTexts, executeClick, findAction } from './teams/activities.js';

const ITEM = 'owners.workstreams';
const outage = {
  title: 'Ingest pipeline down',
  triggerClass: 'service_outage',
  impact: 'No prices since 09:00',
  severeImpact: true,
  drill: false,
};

const allLed = (i: Incident | null | undefined) => i && Object.keys(i.workstreams ?? {}).length === 4;

describe('workstream leads on every platform', () => {
  let closers: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of closers) await c();
    closers = [];
  });

  it('Slack: Lead button, `/incident lead`, the picker and an @mention -> the summary shows the leads, the item is done', async () => {
    const bot = await bootSlackBot();
    closers.push(() => bot.close());
    const driver = new SlackDriver(bot);
    const key = await driver.declare(outage, 'ic');
    const room = bot.store.get(key)!.room!.id;
    const incident = () => bot.store.get(key)!;
    // the summary as Slack shows it now (the fake keeps earlier edits aside)
    const summary = () =>
      bot.fake.message(room, bot.outbox.getMessageRef(key, 'slack', 'summary')!.ref)!.blocks;

    // The summary offers each workstream with "no lead", a Lead button and a picker.
    const before = JSON.stringify(summary());
    expect(before).toContain('*Workstreams*');
    expect(before).toContain('*Containment*: :warning: _no lead_');
    expect(before).toContain(`${ACTION.leadWorkstream}:stakeholder_comms`);

    // The comms person takes stakeholder comms with its button.
    const pressed = await bot.sim.blockAction({
      actionId: `${ACTION.leadWorkstream}:stakeholder_comms`,
      value: 'stakeholder_comms',
      userId: 'U0COMMS',
      channelId: room,
      blockId: `summary_ws_actions:v${incident().version}`,
    });
    expect(pressed.status).toBe(200);
    await waitFor(() => incident().workstreams?.stakeholder_comms === 'U0COMMS', 'comms leads');

    // A member who is not the IC cannot name someone else (said to them alone).
    await bot.sim.blockAction({
      actionId: ACTION.assignWorkstream,
      type: 'users_select',
      selectedUser: 'U0DAVE',
      userId: 'U0COMMS',
      channelId: room,
      blockId: `ws:investigation:v${incident().version}`,
    });
    await waitFor(
      () =>
        bot.fake.ephemerals.some(
          (e) => e.user === 'U0COMMS' && /Only the incident commander/.test(e.text ?? ''),
        ),
      'the refusal',
    );
    expect(incident().workstreams?.investigation).toBeUndefined();

    // The IC: types `lead containment`, picks Dave for investigation, @mentions comms for compliance.
    await driver.say('lead containment', 'ic');
    await waitFor(() => incident().workstreams?.containment === 'U0IC', 'the IC leads containment');
    await bot.sim.blockAction({
      actionId: ACTION.assignWorkstream,
      type: 'users_select',
      selectedUser: 'U0DAVE',
      userId: 'U0IC',
      channelId: room,
      blockId: `ws:investigation:v${incident().version}`,
    });
    await waitFor(() => incident().workstreams?.investigation === 'U0DAVE', 'Dave leads investigation');
    await driver.say('lead compliance {person}', 'ic', 'comms');
    await waitFor(() => allLed(incident()), 'every workstream led');
    await driver.settle();

    expect(incident().workstreams).toEqual({
      stakeholder_comms: 'U0COMMS',
      containment: 'U0IC',
      investigation: 'U0DAVE',
      compliance: 'U0COMMS',
    });
    expect(incident().checklist[ITEM]).toMatchObject({ state: 'done', by: 'U0IC', reason: ALL_LED });
    const after = JSON.stringify(summary());
    expect(after).toContain('*Containment*: <@U0IC>');
    expect(after).toContain('*Investigation*: <@U0DAVE>');
    expect(after).toContain('*Stakeholder comms*: <@U0COMMS>');
    expect(after).toContain('*Compliance*: <@U0COMMS>');
    expect(after).not.toContain('no lead');
    const checklist = JSON.stringify(
      bot.fake.message(room, bot.outbox.getMessageRef(key, 'slack', 'checklist')!.ref)!.blocks,
    );
    expect(checklist).toMatch(/:white_check_mark: ~Verify each workstream/);
    // Dave, named from outside, was invited to the channel; the room heard each change.
    expect(
      bot.fake.callsTo('conversations.invite').some((c) => String(c.args.users).includes('U0DAVE')),
    ).toBe(true);
    const posts = bot.fake
      .callsTo('chat.postMessage')
      .filter((c) => c.args.channel === room)
      .map((c) => JSON.stringify(c.args));
    expect(posts.some((p) => p.includes('now leads *Investigation*'))).toBe(true);
    expect(posts.some((p) => p.includes('Every workstream has a named lead'))).toBe(true);
    // `/incident status` lists them; `/incident lead` alone lists them with what each covers.
    expect(await driver.say('status', 'ic')).toContain(
      'Workstreams: Containment: <@U0IC>; Investigation: <@U0DAVE>',
    );
    expect(await driver.say('lead', 'ic')).toContain('Prevent further damage');
  });

  it('Teams: Lead, the picker, `incident lead` and an @mention -> the summary card shows the leads, the item is done', async () => {
    const bot = await bootTeamsBot();
    closers.push(() => bot.close());
    const driver = new TeamsDriver(bot);
    const key = await driver.declare(outage, 'ic');
    const incident = () => bot.store.get(key)!;
    const room = incident().room!.id;
    const summary = () => {
      const ref = bot.outbox.getMessageRef(key, 'teams', 'summary')!.ref;
      return { card: cardOf(bot.connector.activityById(ref)), ref };
    };
    const where = (from: typeof ALICE, ref: string) => ({
      serviceUrl: bot.connector.serviceUrl,
      from,
      conversationId: room,
      replyToId: ref,
    });
    expect(cardTexts(summary().card)).toContain('Containment: **no lead**');

    // Bob takes stakeholder comms with its Lead button.
    let s = summary();
    const lead = findAction(
      s.card,
      (a) => a.verb === VERB.leadWorkstream && a.data.workstream === 'stakeholder_comms' && !a.data.pick,
    );
    expect((await bot.sendActivity(executeClick(lead, {}, where(BOB, s.ref)))).status).toBe(200);
    expect(incident().workstreams?.stakeholder_comms).toBe(BOB.aadObjectId);

    // Bob cannot name Carol for investigation: the card he gets back says why.
    s = summary();
    const pick = findAction(
      s.card,
      (a) => a.verb === VERB.leadWorkstream && a.data.workstream === 'investigation' && a.data.pick,
    );
    const refused = await bot.sendActivity(
      executeClick(pick, { ws_lead_investigation: CAROL.aadObjectId }, where(BOB, s.ref)),
    );
    expect(JSON.stringify(refused.body)).toContain('Only the incident commander');
    expect(incident().workstreams?.investigation).toBeUndefined();

    // Alice (IC) names Carol with the picker, types `incident lead containment`, @mentions Bob for compliance.
    s = summary();
    await bot.sendActivity(
      executeClick(pick, { ws_lead_investigation: CAROL.aadObjectId }, where(ALICE, s.ref)),
    );
    expect(incident().workstreams?.investigation).toBe(CAROL.aadObjectId);
    await driver.say('lead containment', 'ic');
    await driver.say('lead compliance {person}', 'ic', 'comms');
    await waitFor(() => allLed(incident()), 'every workstream led');
    await driver.settle();

    expect(incident().checklist[ITEM]).toMatchObject({
      state: 'done',
      by: ALICE.aadObjectId,
      reason: ALL_LED,
    });
    const texts = cardTexts(summary().card);
    expect(texts).not.toContain('no lead');
    for (const ws of ['Containment', 'Investigation', 'Stakeholder comms', 'Compliance'])
      expect(texts).toMatch(new RegExp(`${ws}: \\S`));
    const checklist = cardTexts(
      cardOf(bot.connector.activityById(bot.outbox.getMessageRef(key, 'teams', 'checklist')!.ref)),
    );
    expect(checklist).toMatch(/✅ Verify each workstream .* \(done by /);
  });

  it('the local console: Lead, Name and the typed verb -> the room shows the leads, the item is done', async () => {
    const local = await bootLocalBot();
    closers.push(() => local.close());
    const alice = await new ConsoleClient(local).enter('alice');
    const r = await alice.post('/declare', {
      _key: 'ws-declare-01',
      title: 'Ingest pipeline down',
      triggerClass: 'service_outage',
      impact: 'No prices',
      severeImpact: 'no',
      visibility: 'default',
      commander: 'me',
    });
    await local.settle();
    const key = decodeURIComponent(r.location!.split('/').pop()!);
    const bob = await new ConsoleClient(local).enter('bob');
    await bob.post(`/incidents/${key}/press`, {
      _key: 'ws-1',
      kind: 'lead_workstream',
      workstream: 'containment',
    });
    await alice.post(`/incidents/${key}/press`, {
      _key: 'ws-2',
      kind: 'lead_workstream',
      workstream: 'investigation',
      pick: 'yes',
      user: 'dave',
    });
    await alice.post(`/incidents/${key}/say`, { text: 'lead comms @Carol' });
    await alice.post(`/incidents/${key}/say`, { text: 'lead compliance' });
    await local.settle();
    const i = local.bot.app.incident(key)!;
    expect(i.workstreams).toEqual({
      containment: 'bob',
      investigation: 'dave',
      stakeholder_comms: 'carol',
      compliance: 'alice',
    });
    expect(i.checklist[ITEM]).toMatchObject({ state: 'done', reason: ALL_LED });
    const room = (await alice.get(`/incidents/${key}`)).html;
    expect(room).toContain('<h3>Workstreams</h3>');
    expect(room).toMatch(/<th scope="row"[^>]*>Investigation<\/th><td><span class="who">Dave<\/span>/);
    expect(room).not.toContain('no lead');
  });
});
