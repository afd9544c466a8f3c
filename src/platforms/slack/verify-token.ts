// Asks Slack who the bot token is (auth.test) before anything else uses it, with a deadline: a refused
// token or a silent Slack stops start-up with one sentence (main.ts exits 3), instead of Bolt's own
// auth.test failing later as an unhandled rejection with a stack trace.
import { LogLevel, WebClient } from '@slack/web-api';
import { PlatformStartError } from '../platform.js';

export interface SlackIdentity {
  botUserId: string;
  botId: string;
  team: string;
}

const REFUSED = new Set([
  'invalid_auth',
  'not_authed',
  'account_inactive',
  'token_revoked',
  'token_expired',
  'no_permission',
  'not_allowed_token_type',
  'ekm_access_denied',
]);

export async function verifySlackToken(o: {
  token: string;
  apiUrl?: string | undefined;
  timeoutMs: number;
}): Promise<SlackIdentity> {
  const client = new WebClient(o.token, {
    ...(o.apiUrl ? { slackApiUrl: o.apiUrl } : {}),
    retryConfig: { retries: 0 },
    // Its own warning would be a second line on stderr; the failure is reported once, below.
    logLevel: LogLevel.ERROR,
    timeout: o.timeoutMs,
  });
  const where = o.apiUrl ?? 'https://slack.com/api/';
  let timer: NodeJS.Timeout | undefined;
  try {
    // WebClient's timeout covers a connection that answers slowly; the race covers one that never does.
    const r = await Promise.race([
      client.auth.test(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })),
          o.timeoutMs,
        );
      }),
    ]);
    if (!r.user_id || !r.bot_id)
      throw new PlatformStartError(
        'slack',
        'refused',
        'Slack: SLACK_BOT_TOKEN is not a bot token (auth.test named no bot user). Use the "Bot User OAuth Token" (xoxb-...) from the app\'s "OAuth & Permissions" page.',
      );
    return { botUserId: r.user_id, botId: r.bot_id, team: r.team ?? '' };
  } catch (e) {
    if (e instanceof PlatformStartError) throw e;
    const err = e as {
      code?: string;
      data?: { error?: string };
      original?: {
        code?: unknown;
        name?: string;
        cause?: { code?: string; name?: string; message?: string };
      };
      statusCode?: number;
    };
    const said = err.data?.error;
    if (said && REFUSED.has(said))
      throw new PlatformStartError(
        'slack',
        'refused',
        `Slack refused SLACK_BOT_TOKEN (${said}): check the token on the app's "OAuth & Permissions" page, and that the app is installed in the workspace.`,
      );
    if (said)
      throw new PlatformStartError(
        'slack',
        'refused',
        `Slack answered auth.test with "${said}": check SLACK_BOT_TOKEN and the app's installation.`,
      );
    const cause = err.original?.cause;
    // WebClient's own deadline aborts fetch with a DOMException (numeric code 23, name TimeoutError).
    const timedOut =
      err.code === 'ETIMEDOUT' ||
      [err.original?.name, cause?.name].some((n) => n === 'TimeoutError' || n === 'AbortError');
    const why = timedOut
      ? undefined
      : (cause?.code ??
        cause?.message ??
        (typeof err.original?.code === 'string' ? err.original.code : undefined) ??
        (err.statusCode ? `HTTP ${err.statusCode}` : undefined));
    throw new PlatformStartError(
      'slack',
      'unreachable',
      why
        ? `Slack could not be reached for auth.test at ${where} (${why}): check the network, the proxy, or SLACK_API_URL.`
        : `Slack did not answer auth.test at ${where} within ${Math.round(o.timeoutMs / 1000)} s: check the network, the proxy, or SLACK_API_URL.`,
    );
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Opens the Socket Mode connection (SLACK_APP_TOKEN) with the same deadline: a refused app token or a
 * connection that never opens stops start-up with one sentence instead of retrying forever unseen.
 */
export async function connectSocketMode(start: () => Promise<void>, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      start(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })),
          timeoutMs,
        );
      }),
    ]);
  } catch (e) {
    const said = (e as { data?: { error?: string } }).data?.error;
    if (said)
      throw new PlatformStartError(
        'slack',
        'refused',
        `Slack refused SLACK_APP_TOKEN (${said}): use an app-level token with connections:write from the app's "Basic Information" page, and enable Socket Mode.`,
      );
    throw new PlatformStartError(
      'slack',
      'unreachable',
      `Slack's Socket Mode connection did not open within ${Math.round(timeoutMs / 1000)} s: check the network and the proxy (WebSockets to wss-primary.slack.com), or use the HTTP endpoint.`,
    );
  } finally {
    clearTimeout(timer);
  }
}
