// The incident scenario on Teams in channel mode (TEAMS_TEAM_ID): each incident gets its own channel through
// Microsoft Graph (a fake on loopback), the bot posts there, and the channel is archived once the incident is
// finished. A confidential incident gets a private channel with its people as members.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cardOf, findAction, type Json, taskFetch, taskSubmit } from '../platforms/teams/activities.js';
import { guardLoopback } from '../platforms/teams/loopback-guard.js';
import { type BootedTeamsBot, bootTeamsBot, TEAMS_TENANT } from '../support/boot-teams-bot.js';
import { channelModeEnv, type FakeGraph, startFakeGraph, TEAM_ID } from '../support/fake-graph.js';
import { assertScenarioOutcome, runScenario, STEPS } from './steps.js';
import { TEAMS_USERS, TeamsDriver, teamsActorIds } from './teams-driver.js';

/** Opens a form from the room's summary card and submits it with the values the card prefilled, plus `values`. */
async function submitDialog(
  bot: BootedTeamsBot,
  key: string,
  form: string,
  who: keyof typeof TEAMS_USERS,
  values: Record<string, string>,
): Promise<void> {
  const ref = bot.outbox.getMessageRef(key, 'teams', 'summary')!;
  const card = cardOf(bot.connector.activityById(ref.ref));
  const room = bot.store.get(key)!.room!.id;
  const where = { serviceUrl: bot.connector.serviceUrl, from: TEAMS_USERS[who], conversationId: room };
  const open = findAction(card, (a) => a.type === 'Action.Submit' && a.data?.dialog === form);
  const fetched = (await bot.sendActivity(taskFetch(open, where))).body;
  expect(fetched.task?.type, JSON.stringify(fetched)).toBe('continue');
  const content = fetched.task.value.card.content;
  const prefilled: Record<string, string> = {};
  const visit = (v: Json) => {
    if (Array.isArray(v)) for (const x of v) visit(x);
    else if (v && typeof v === 'object') {
      if (typeof v.type === 'string' && v.type.startsWith('Input.') && v.id && v.value !== undefined)
        prefilled[v.id] = String(v.value);
      for (const x of Object.values(v)) visit(x);
    }
  };
  visit(content);
  const submit = findAction(content, (a) => a.type === 'Action.Submit');
  const res = (await bot.sendActivity(taskSubmit({ ...submit.data, ...prefilled, ...values }, where))).body;
  expect(res.task?.type, JSON.stringify(res).slice(0, 600)).toBe('message');
  await bot.settle();
}

describe('the incident scenario on Teams, channel mode', () => {
  let bot: BootedTeamsBot;
  let graph: FakeGraph;
  let guard: ReturnType<typeof guardLoopback>;
  beforeAll(async () => {
    guard = guardLoopback();
    graph = await startFakeGraph();
    bot = await bootTeamsBot({ env: channelModeEnv(graph) });
  });
  afterAll(async () => {
    await bot?.close();
    await graph?.close();
    guard?.restore();
  });

  it('declare -> its own channel, posts there, review and recap -> archived', async () => {
    const driver = new TeamsDriver(bot);
    const key = await runScenario(driver);
    assertScenarioOutcome(bot.store, key, teamsActorIds());
    const incident = bot.store.get(key)!;

    // one standard channel, named like Slack's, within Teams' limits, created with the app token
    const creates = graph
      .calls()
      .filter((r) => r.method === 'POST' && r.path === `/teams/${TEAM_ID}/channels`);
    expect(creates).toHaveLength(1);
    expect(creates[0]!.body).toMatchObject({
      displayName: `inc-${incident.declaredAt.slice(0, 10)}-ingest-pipeline-hard-down`,
      membershipType: 'standard',
      description: `${key}: Ingest pipeline hard down`,
    });
    expect(creates[0]!.authorization).toMatch(/^Bearer graph-token-\d+$/);
    const tokenRequest = graph.requests.find((r) => r.path.endsWith('/oauth2/v2.0/token'))!;
    expect(tokenRequest.path).toBe(`/${TEAMS_TENANT}/oauth2/v2.0/token`);
    expect(tokenRequest.body).toMatchObject({
      grant_type: 'client_credentials',
      scope: 'https://graph.microsoft.com/.default',
    });
    const channel = graph.channels[0]!;
    expect(incident.room).toMatchObject({ platform: 'teams', id: channel.id, name: channel.displayName });
    expect(incident.room?.link).toBe(channel.webUrl);
    // no thread in the incidents channel: the summary, checklist and timeline were posted in the channel
    expect(bot.connector.conversations).toHaveLength(0);
    for (const view of ['summary', 'checklist', 'timeline'])
      expect(bot.outbox.getMessageRef(key, 'teams', view)?.channel, view).toBe(channel.id);
    const inChannel = bot.connector.activities.filter((a) => a.conversationId === channel.id);
    expect(inChannel.length).toBeGreaterThan(5);
    const closed = bot.connector.activities.find(
      (a) => a.conversationId === channel.id && JSON.stringify(a.body).includes('closed'),
    );
    expect(closed).toBeDefined();
    // closed, not finished: the review happens in the channel, which stays open
    expect(channel.isArchived).toBe(false);

    await driver.followup(
      {
        what: 'Add lag alerting on the secondary cluster',
        owner: 'ic',
        due: '2026-02-01',
        objective: 'resilience',
        acceptance: 'An alert fires when lag exceeds 30 s',
      },
      'ic',
    );
    await driver.review(
      {
        summary: 'Kafka broker disk filled up',
        whys: ['Disk full', 'Retention too long'],
        resilienceFactors: 'Failover worked',
        correctiveActions: 'Shorter retention',
        verificationPlan: 'Disk usage alert tested',
        lessons: 'Watch disk',
        readiness: 'Yes',
        runbookLibrary: 'Updated',
      },
      'ic',
    );
    await driver.settle();
    expect(bot.store.get(key)?.phase).toBe('done');
    // the recap is still owed (sent from the room): not archived yet
    expect(channel.isArchived).toBe(false);
    await submitDialog(bot, key, 'recap', 'comms', {});
    expect(bot.store.get(key)?.recap?.sentAt).toBeTruthy();
    expect(channel.isArchived).toBe(true);
    const archives = graph
      .calls()
      .filter((r) => r.path === `/teams/${TEAM_ID}/channels/${channel.id}/archive`);
    expect(archives).toHaveLength(1);
    expect(bot.outbox.pending()).toEqual([]);
    expect(new Set(guard.hosts)).toEqual(new Set(['127.0.0.1']));
  });

  it('a confidential incident gets a private channel: the declarer its owner, role holders members', async () => {
    const driver = new TeamsDriver(bot);
    const declare = STEPS[0]!;
    if (declare.kind !== 'declare') throw new Error('the first step declares');
    const key = await driver.declare(
      { ...declare.form, title: 'Suspected data leak', visibility: 'confidential' } as typeof declare.form,
      'ic',
    );
    expect(bot.store.get(key)?.confidential).toBe(true);
    await driver.settle();
    const channel = graph.channels.find((c) => c.description.startsWith(`${key}:`))!;
    expect(channel.membershipType).toBe('private');
    // named by its number, described by its key: the title stays inside (admins see private channel names)
    expect(channel.displayName).toBe(`inc-${bot.store.get(key)!.declaredAt.slice(0, 10)}-${key.slice(-4)}`);
    expect(channel.description).toBe(`${key}:`);
    expect(channel.members).toEqual([{ userId: TEAMS_USERS.ic.aadObjectId, roles: ['owner'] }]);
    expect(bot.store.get(key)?.room?.id).toBe(channel.id);
    // someone added to the incident is added to its private channel (POST …/members)
    await driver.say('add {person}', 'ic', 'comms');
    expect(channel.members).toContainEqual({ userId: TEAMS_USERS.comms.aadObjectId, roles: [] });
    const added = graph.calls().filter((r) => r.path === `/teams/${TEAM_ID}/channels/${channel.id}/members`);
    expect(added.at(-1)?.body).toEqual({
      '@odata.type': '#microsoft.graph.aadUserConversationMember',
      roles: [],
      'user@odata.bind': `${graph.graphUrl}/users('${TEAMS_USERS.comms.aadObjectId}')`,
    });
  });
});
