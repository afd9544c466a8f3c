// Slack Web API failures made anywhere in the bot are counted by method and error code on /metrics.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Bot, startBot } from '../../src/bot.js';
import { readConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { declareRequest } from '../helpers/scenario.js';
import { type FakeSlack, startFakeSlackApi } from '../support/fake-slack-api.js';
import { tempDb } from '../support/temp-db.js';

describe('chat API errors metric', () => {
  let fake: FakeSlack;
  let bot: Bot;
  beforeAll(async () => {
    fake = await startFakeSlackApi();
    const config = readConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_PATH: tempDb().path,
      SLACK_BOT_TOKEN: 'xoxb-test',
      SLACK_SIGNING_SECRET: 'secret',
      SLACK_API_URL: fake.url,
      SLACK_BOT_ID: 'B0BOT',
      SLACK_BOT_USER_ID: 'U0BOT',
      OUTBOX_PACE_MS: '0',
      LOG_LEVEL: 'silent',
    });
    bot = await startBot(config, createLogger({ level: 'silent' }), {
      scheduler: false,
      dispatchIntervalMs: 50,
    });
  });
  afterAll(async () => {
    await bot?.shutdown(1);
    await fake?.close();
  });

  it('counts a refused conversations.create under its method and code', async () => {
    fake.failNext('conversations.create', { error: 'restricted_action' });
    const r = bot.service.handle(declareRequest('metric-1', { actor: { platform: 'slack', id: 'U0IC' } }));
    expect(r.ok).toBe(true);
    await bot.dispatcher.drain(5000);
    const text = await (await fetch(`${bot.url}/metrics`)).text();
    const line = text
      .split('\n')
      .find(
        (l) =>
          l.startsWith('incident_bot_chat_api_errors_total{') && l.includes('method="conversations.create"'),
      );
    expect(line).toBeDefined();
    expect(line).toContain('code="restricted_action"');
    expect(line).toContain('platform="slack"');
    expect(Number(line!.split(' ').at(-1))).toBe(1);
  });

  it('times Slack handlers by request kind', async () => {
    const { SlackClientSim } = await import('../support/slack-request.js');
    const sim = new SlackClientSim({ url: `${bot.url}/slack/events`, signingSecret: 'secret' });
    const r = await sim.slash('help', { userId: 'U0IC', channelId: 'C1' });
    expect(r.status).toBe(200);
    const text = await (await fetch(`${bot.url}/metrics`)).text();
    expect(text).toMatch(/incident_bot_handler_duration_seconds_count\{kind="slash_command"\} 1/);
  });
});
