// The Slack side of the bot as one PlatformAdapter: the Bolt app (inbound) on the shared express
// server or Socket Mode, and the outbox sender (outbound) on the same WebClient.

import { WebClient } from '@slack/web-api';
import type { AdapterDeps, PlatformAdapter } from '../../bot.js';
import { observeRequest, recordApiError } from '../../ops/metrics.js';
import { createSlackApp } from './create-slack-app.js';
import { SlackSender } from './slack-sender.js';

export async function createSlackAdapter(deps: AdapterDeps): Promise<PlatformAdapter> {
  const { config, logger } = deps;
  const log = logger.child({ platform: 'slack' });
  countApiErrors();
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
  if (!config.SLACK_STAKEHOLDER_CHANNEL)
    log.warn(
      { setting: 'SLACK_STAKEHOLDER_CHANNEL' },
      'SLACK_STAKEHOLDER_CHANNEL is not set: announcements, stakeholder alerts, updates and closure notices go to the incident channel only',
    );
  // Handler time per request kind, from Bolt's global middleware (the listener's work, after the ack too).
  slack.app.use(async ({ body, next }) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      const b = body as { command?: string; type?: string; event?: { type?: string } };
      const kind = b.command
        ? 'slash_command'
        : b.type === 'event_callback'
          ? `event:${b.event?.type ?? 'unknown'}`
          : (b.type ?? 'unknown');
      observeRequest(kind, (performance.now() - started) / 1000);
    }
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

/**
 * Every failed Web API call (from listeners, Bolt's per-request clients or the outbox sender) is counted by
 * method and error code. WebClient binds its method shortcuts to `apiCall` when a client is constructed,
 * so the wrapper goes on the prototype, once, before the app creates its clients.
 */
let instrumented = false;
function countApiErrors(): void {
  if (instrumented) return;
  instrumented = true;
  const apiCall = WebClient.prototype.apiCall;
  WebClient.prototype.apiCall = async function (this: WebClient, method, options) {
    try {
      return await apiCall.call(this, method, options);
    } catch (e) {
      const err = e as { code?: string; data?: { error?: string }; statusCode?: number };
      recordApiError(
        'slack',
        method,
        err.data?.error ?? (err.statusCode ? `http_${err.statusCode}` : (err.code ?? 'error')),
      );
      throw e;
    }
  };
}
