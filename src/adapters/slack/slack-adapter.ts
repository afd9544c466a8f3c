// The Slack side of the bot as one PlatformAdapter: the Bolt app (inbound) on the shared express
// server or Socket Mode, and the outbox sender (outbound) on the same WebClient.
import type { AdapterDeps, PlatformAdapter } from '../../bot.js';
import { createSlackApp } from './create-slack-app.js';
import { SlackSender } from './slack-sender.js';

export async function createSlackAdapter(deps: AdapterDeps): Promise<PlatformAdapter> {
  const { config, logger } = deps;
  const log = logger.child({ platform: 'slack' });
  const slack = createSlackApp({
    botToken: config.SLACK_BOT_TOKEN!,
    signingSecret: config.SLACK_SIGNING_SECRET ?? '',
    ...(config.SLACK_APP_TOKEN ? { appToken: config.SLACK_APP_TOKEN } : {}),
    ...(config.SLACK_API_URL ? { apiUrl: config.SLACK_API_URL } : {}),
    ...(config.SLACK_BOT_ID ? { botId: config.SLACK_BOT_ID } : {}),
    ...(config.SLACK_BOT_USER_ID ? { botUserId: config.SLACK_BOT_USER_ID } : {}),
    expressApp: deps.express,
    logger: log,
    deps: {
      service: deps.service,
      outbox: deps.outbox,
      dispatcher: deps.dispatcher,
      ...(config.SLACK_STAKEHOLDER_CHANNEL ? { stakeholderChannel: config.SLACK_STAKEHOLDER_CHANNEL } : {}),
      admins: config.ADMIN_USERS,
    },
  });
  const sender = new SlackSender({
    client: slack.app.client,
    outbox: deps.outbox,
    service: deps.service,
    ...(config.SLACK_STAKEHOLDER_CHANNEL ? { stakeholderChannel: config.SLACK_STAKEHOLDER_CHANNEL } : {}),
  });
  return {
    name: 'slack',
    sender,
    start: () => slack.start(),
    stop: () => slack.stop(),
  };
}
