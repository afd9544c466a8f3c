// The Slack side of the bot as one PlatformAdapter: the Bolt app (inbound) on the shared express
// server or Socket Mode, and the outbox sender (outbound) on the same WebClient.

import { WebClient } from '@slack/web-api';
import { observeRequest, recordApiError } from '../../ops/metrics.js';
import type { PlatformAdapter, PlatformDeps } from '../platform.js';
import { SlackAlertPromptSender } from './alert-prompt-sender.js';
import { createSlackApp } from './create-slack-app.js';
import { SlackSender } from './slack-sender.js';
import { connectSocketMode, verifySlackToken } from './verify-token.js';

export interface SlackSettings {
  botToken: string;
  signingSecret?: string;
  /** xapp- token: Socket Mode. */
  appToken?: string;
  apiUrl?: string;
  botId?: string;
  botUserId?: string;
  stakeholderChannel?: string;
  auditChannel?: string;
  /** How long Slack may take to answer auth.test at start (STARTUP_TIMEOUT_SECONDS). */
  startupTimeoutMs?: number;
}

export async function createSlackAdapter(
  deps: PlatformDeps,
  settings: SlackSettings,
): Promise<PlatformAdapter> {
  const log = deps.logger.child({ platform: 'slack' });
  countApiErrors();
  // The token is checked before Bolt gets it (Bolt's own auth.test would fail as an unhandled rejection).
  const me = await verifySlackToken({
    token: settings.botToken,
    apiUrl: settings.apiUrl,
    timeoutMs: settings.startupTimeoutMs ?? 20_000,
  });
  if (
    (settings.botUserId && settings.botUserId !== me.botUserId) ||
    (settings.botId && settings.botId !== me.botId)
  )
    log.warn(
      { configured: { botUserId: settings.botUserId, botId: settings.botId }, slack: me },
      'SLACK_BOT_USER_ID / SLACK_BOT_ID differ from what Slack says the token is: using what Slack says',
    );
  const slack = createSlackApp({
    botToken: settings.botToken,
    signingSecret: settings.signingSecret ?? '',
    ...(settings.appToken ? { appToken: settings.appToken } : {}),
    ...(settings.apiUrl ? { apiUrl: settings.apiUrl } : {}),
    botId: me.botId,
    botUserId: me.botUserId,
    expressApp: deps.express,
    logger: log,
    deps: {
      app: deps.app,
      ...(settings.stakeholderChannel ? { stakeholderChannel: settings.stakeholderChannel } : {}),
    },
  });
  if (!settings.stakeholderChannel)
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
    refs: deps.refs,
    app: deps.app,
    ...(settings.stakeholderChannel ? { stakeholderChannel: settings.stakeholderChannel } : {}),
    ...(settings.auditChannel ? { auditChannel: settings.auditChannel } : {}),
  });
  return {
    name: 'slack',
    sender,
    alertSender: new SlackAlertPromptSender({ client: slack.app.client, refs: deps.refs }),
    verified: `auth.test: bot ${me.botUserId} in ${me.team || 'the workspace'}`,
    start: () =>
      settings.appToken
        ? connectSocketMode(() => slack.start(), settings.startupTimeoutMs ?? 20_000)
        : slack.start(),
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
