// The Bolt app: HTTP (ExpressReceiver at POST /slack/events on a shared express app) or Socket Mode.
// The Web API client never retries (the outbox dispatcher owns retries) and rejects rate-limited calls.
import { App, ExpressReceiver, type Logger, LogLevel } from '@slack/bolt';
import express, { type Express } from 'express';
import type { SlackLogger } from './context.js';
import { registerSlack, type SlackDeps } from './register.js';
import { slackRequestGuard } from './request-guard.js';

export const SLACK_EVENTS_PATH = '/slack/events';

export interface CreateSlackAppOptions {
  botToken: string;
  signingSecret: string;
  /** xapp- token: use Socket Mode (no public URL). */
  appToken?: string;
  /** Web API base URL (tests: a fake on loopback, e.g. http://127.0.0.1:PORT/api/). */
  apiUrl?: string;
  /** The shared express app to mount `POST /slack/events` on (HTTP mode). */
  expressApp?: Express;
  logger: SlackLogger;
  deps: Omit<SlackDeps, 'logger'>;
  /** The identity auth.test gave at start (verify-token.ts): Bolt then does not ask again. */
  botId?: string;
  botUserId?: string;
}

export interface SlackApp {
  app: App;
  /** The ExpressReceiver in HTTP mode; null in Socket Mode. */
  receiver: ExpressReceiver | null;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Bolt's logger interface on top of a pino-style logger. */
export function boltLogger(log: SlackLogger): Logger {
  let level = LogLevel.INFO;
  const text = (m: unknown[]) =>
    m.map((x) => (x instanceof Error ? x.message : typeof x === 'string' ? x : JSON.stringify(x))).join(' ');
  return {
    debug: (...m: unknown[]) => log.debug?.({ src: 'bolt' }, text(m)),
    info: (...m: unknown[]) => log.info({ src: 'bolt' }, text(m)),
    warn: (...m: unknown[]) => log.warn({ src: 'bolt' }, text(m)),
    error: (...m: unknown[]) => log.error({ src: 'bolt' }, text(m)),
    setLevel: (l: LogLevel) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}

export function createSlackApp(opts: CreateSlackAppOptions): SlackApp {
  const logger = boltLogger(opts.logger);
  const clientOptions = {
    ...(opts.apiUrl ? { slackApiUrl: opts.apiUrl } : {}),
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
  };
  const identity = {
    ...(opts.botId ? { botId: opts.botId } : {}),
    ...(opts.botUserId ? { botUserId: opts.botUserId } : {}),
  };
  let app: App;
  let receiver: ExpressReceiver | null = null;
  if (opts.appToken) {
    app = new App({
      token: opts.botToken,
      appToken: opts.appToken,
      socketMode: true,
      logger,
      clientOptions,
      ...identity,
      ...(opts.apiUrl ? { installerOptions: { clientOptions: { slackApiUrl: opts.apiUrl } } } : {}),
    });
  } else {
    const expressApp = opts.expressApp ?? express();
    // Registered before the receiver's route, so it runs first (future timestamps, malformed bodies).
    expressApp.post(SLACK_EVENTS_PATH, slackRequestGuard(opts.signingSecret, opts.logger));
    receiver = new ExpressReceiver({
      signingSecret: opts.signingSecret,
      endpoints: SLACK_EVENTS_PATH,
      app: expressApp,
      logger,
      // Ack at once; listeners go on after answering (every one acks within 3 s).
      processBeforeResponse: false,
    });
    app = new App({ token: opts.botToken, receiver, logger, clientOptions, ...identity });
  }
  app.error(async (e) => {
    opts.logger.error({ err: e.message, code: (e as { code?: string }).code }, 'slack listener error');
  });
  registerSlack(app, { ...opts.deps, logger: opts.logger });
  return {
    app,
    receiver,
    async start() {
      // HTTP mode: the route is already on the shared express app; whoever owns the server listens.
      if (opts.appToken) await app.start();
    },
    async stop() {
      if (opts.appToken) await app.stop();
    },
  };
}
