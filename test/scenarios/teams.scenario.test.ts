import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guardLoopback } from '../platforms/teams/loopback-guard.js';
import { checkAdaptiveCard } from '../support/blockkit-limits.js';
import { type BootedTeamsBot, bootTeamsBot } from '../support/boot-teams-bot.js';
import { assertScenarioOutcome, runScenario } from './steps.js';
import { TeamsDriver, teamsActorIds } from './teams-driver.js';

describe('the incident scenario on Teams', () => {
  let bot: BootedTeamsBot;
  let guard: ReturnType<typeof guardLoopback>;
  beforeAll(async () => {
    guard = guardLoopback();
    bot = await bootTeamsBot();
  });
  afterAll(async () => {
    await bot?.close();
    guard?.restore();
  });

  it('declare, claim IC and comms, alert, update, tick a checklist item, two phases, log a message, close', async () => {
    const key = await runScenario(new TeamsDriver(bot));
    assertScenarioOutcome(bot.store, key, teamsActorIds());
    // everything the bot sent fits Teams' card limits, and only loopback was contacted
    for (const a of bot.connector.activities)
      for (const att of a.body?.attachments ?? []) expect(checkAdaptiveCard(att)).toEqual([]);
    expect(new Set(guard.hosts)).toEqual(new Set(['127.0.0.1']));
  });
});
