// The real wiring (src/bot.ts startBot) in-process, with a capturing pino logger: used where the
// test needs the production Dispatcher settings (pacing) or the production log lines (secret scan).
import { Writable } from 'node:stream';
import { type Bot, startBot } from '../../src/bot.js';
import { readConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { type FakeSlack, startFakeSlackApi } from '../support/fake-slack-api.js';
import { SlackClientSim, startResponseUrlCatcher } from '../support/slack-request.js';
import { tempDb } from '../support/temp-db.js';

export const REAL_TOKEN = 'xoxb-1111-2222-faultsuiteSECRETtoken';
export const REAL_SECRET = 'faultsuite-signing-secret-9f8e7d6c';

export interface RealBot {
  bot: Bot;
  fake: FakeSlack;
  sim: SlackClientSim;
  logLines: string[];
  close(): Promise<void>;
}

export async function startRealBot(env: Record<string, string> = {}): Promise<RealBot> {
  const fake = await startFakeSlackApi({
    channels: [
      { id: 'C0GENERAL', name: 'general', members: ['U0BOT'] },
      { id: 'C0STAKE', name: 'incidents', members: ['U0BOT'] },
      { id: 'C0AUDIT', name: 'audit', members: ['U0BOT'] },
    ],
  });
  const catcher = await startResponseUrlCatcher();
  const tmp = tempDb();
  const logLines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, cb) {
      logLines.push(...String(chunk).split('\n').filter(Boolean));
      cb();
    },
  });
  const config = readConfig({
    SLACK_BOT_TOKEN: REAL_TOKEN,
    SLACK_SIGNING_SECRET: REAL_SECRET,
    SLACK_API_URL: fake.url,
    SLACK_BOT_ID: 'B0BOT',
    SLACK_BOT_USER_ID: 'U0BOT',
    SLACK_STAKEHOLDER_CHANNEL: 'C0STAKE',
    DATABASE_PATH: tmp.path,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'trace',
    OUTBOX_PACE_MS: '0',
    ...env,
  });
  const logger = createLogger({ level: 'trace', destination });
  const bot = await startBot(config, logger, { scheduler: false, dispatchIntervalMs: 50 });
  const sim = new SlackClientSim({
    url: `${bot.url}/slack/events`,
    signingSecret: REAL_SECRET,
    responseUrl: catcher.url,
  });
  return {
    bot,
    fake,
    sim,
    logLines,
    async close() {
      await bot.shutdown(2);
      await fake.close();
      await catcher.close();
      tmp.cleanup();
    },
  };
}
