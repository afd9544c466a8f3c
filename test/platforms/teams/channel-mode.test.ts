// Teams channel mode against a fake Graph: Graph's answers meet the outbox (429 with Retry-After and 5xx
// retried, the channel created once), a refusal falls back to today's thread (and the room says why), a taken
// name gets a suffix, and a create whose answer was lost is found by name instead of made twice.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TeamsDriver } from '../../scenarios/teams-driver.js';
import { type BootedTeamsBot, bootTeamsBot, INCIDENTS_CHANNEL } from '../../support/boot-teams-bot.js';
import { channelModeEnv, type FakeGraph, startFakeGraph, TEAM_ID } from '../../support/fake-graph.js';
import { guardLoopback } from './loopback-guard.js';

const FORM = {
  triggerClass: 'service_outage',
  impact: 'No market data for any desk',
  severeImpact: false,
  drill: false,
};

describe('Teams channel mode (TEAMS_TEAM_ID) through a fake Microsoft Graph', () => {
  let bot: BootedTeamsBot;
  let graph: FakeGraph;
  let guard: ReturnType<typeof guardLoopback>;
  beforeAll(async () => {
    guard = guardLoopback();
    graph = await startFakeGraph();
    bot = await bootTeamsBot({ env: channelModeEnv(graph), declareLimit: 50 });
  });
  afterAll(async () => {
    await bot?.close();
    await graph?.close();
    guard?.restore();
  });

  const creates = (name?: string) =>
    graph
      .calls()
      .filter(
        (r) =>
          r.method === 'POST' &&
          r.path === `/teams/${TEAM_ID}/channels` &&
          (name === undefined || r.body?.displayName === name),
      );
  const declare = (title: string) => new TeamsDriver(bot).declare({ ...FORM, title }, 'ic');

  it('429 with Retry-After: retried after the wait, the channel created once', async () => {
    graph.failNext('POST', /^\/teams\/[^/]+\/channels$/, { status: 429, retryAfter: 1 });
    const key = await declare('Rate limited outage');
    await bot.settle(8000);
    const name = bot.store.get(key)?.room?.name;
    expect(name).toMatch(/-rate-limited-outage$/);
    const tries = creates(name);
    expect(tries.map((r) => r.status)).toEqual([429, 201]);
    // Retry-After: 1 was honoured (the dispatcher's own backoff here is 20 ms)
    expect(tries[1]!.at - tries[0]!.at).toBeGreaterThanOrEqual(950);
    expect(graph.channels.filter((c) => c.displayName === name)).toHaveLength(1);
  });

  it('5xx: retried through the outbox until Graph answers', async () => {
    graph.failNext('POST', /^\/teams\/[^/]+\/channels$/, { status: 503, times: 2 });
    const key = await declare('Flaky graph outage');
    await bot.settle(8000);
    const room = bot.store.get(key)?.room;
    expect(room?.fallback).toBeUndefined();
    expect(creates(room?.name).map((r) => r.status)).toEqual([503, 503, 201]);
    expect(room?.id).toBe(graph.channels.find((c) => c.displayName === room?.name)?.id);
  });

  it('403: the thread mode of today, and the room is told why (the permission to grant)', async () => {
    const threadsBefore = bot.connector.conversations.length;
    graph.failNext('POST', /^\/teams\/[^/]+\/channels$/, { status: 403, code: 'Forbidden' });
    const key = await declare('Refused channel outage');
    await bot.settle();
    const room = bot.store.get(key)!.room!;
    // a thread in the incidents channel, as without TEAMS_TEAM_ID
    expect(bot.connector.conversations).toHaveLength(threadsBefore + 1);
    expect(room.id.startsWith(`${INCIDENTS_CHANNEL};messageid=`)).toBe(true);
    const note = bot.connector.activities.find(
      (a) => a.conversationId === room.id && JSON.stringify(a.body).includes('could not create a channel'),
    );
    expect(JSON.stringify(note?.body)).toContain('This thread is used for the incident instead');
    expect(JSON.stringify(note?.body)).toContain('Channel.Create.Group');
    const logged = bot.store.logEntries(key).find((e) => e.kind === 'room');
    expect(JSON.stringify(logged)).toContain('fallbackReason');
    expect(bot.logs.some((l) => String(l.msg).includes('using a thread instead'))).toBe(true);
    // no token ever reaches the logs
    expect(JSON.stringify(bot.logs)).not.toMatch(/graph-token-/);
  });

  it('a name already taken in the team gets a suffix', async () => {
    const date = new Date().toISOString().slice(0, 10);
    graph.seedChannel(TEAM_ID, `inc-${date}-taken-name-outage`, 'a channel of its own');
    const key = await declare('Taken name outage');
    await bot.settle();
    expect(bot.store.get(key)?.room?.name).toBe(`inc-${date}-taken-name-outage-2`);
    expect(creates(`inc-${date}-taken-name-outage`).map((r) => r.status)).toEqual([409]);
  });

  it('a create whose answer was lost: the channel is found by name and adopted, never made twice', async () => {
    graph.failNext('POST', /^\/teams\/[^/]+\/channels$/, { status: 504, afterDoing: true });
    const key = await declare('Lost answer outage');
    await bot.settle(8000);
    const room = bot.store.get(key)!.room!;
    const same = graph.channels.filter((c) => c.description.startsWith(`${key}:`));
    expect(same).toHaveLength(1);
    expect(room.id).toBe(same[0]!.id);
    expect(creates(room.name).map((r) => r.status)).toEqual([504]);
    const lookups = graph.calls().filter((r) => r.method === 'GET' && r.query.$filter?.includes(room.name));
    expect(lookups.length).toBeGreaterThan(0);
    expect(new Set(guard.hosts)).toEqual(new Set(['127.0.0.1']));
  });
});
