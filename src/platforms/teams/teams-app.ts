/**
 * Microsoft Teams front end: builds a Teams SDK v2 `App` (@microsoft/teams.apps 2.1) that serves
 * `POST /api/messages` on OUR express app.
 *
 * Facts verified against node_modules/@microsoft/teams.apps@2.1.0 (dist/app.js, dist/http/*.js,
 * dist/token-manager.js, dist/middleware/auth/*.js) and exercised in test/teams/*.test.ts:
 *
 * - `new App({ httpServerAdapter: new ExpressAdapter(expressApp) })`. When given an express app (a
 *   function), ExpressAdapter does NOT own a server: `app.start()` / `app.stop()` would throw
 *   ("server lifecycle is managed externally"). We call `app.initialize()` instead and the caller runs
 *   `expressApp.listen()` / `server.close()` itself.
 * - `app.initialize()` is what registers the route: `expressApp.post('/api/messages', express.json(),
 *   handler)`. It is registered at that moment, so a catch-all 404 added to express BEFORE
 *   `createTeamsApp()` resolves would shadow it. Handlers (`app.on(...)`) may be added before or after.
 * - The route mounts its own `express.json()`: do not mount `express.json()` globally (Slack's
 *   receiver needs the raw body).
 * - Inbound auth (Bot Framework JWT) is ON unless `dangerouslyAllowUnauthenticatedRequests: true`
 *   (`skipAuth` is the deprecated alias; env DANGEROUSLY_ALLOW_UNAUTHENTICATED_REQUESTS is read only
 *   when the option is undefined - we always pass a boolean, so the env var is ignored).
 *   With auth on: no credentials -> 401 `{error:'Authentication not configured'}`; no Authorization
 *   header -> 401 `{error:'Missing authorization header'}`; bad token -> 401
 *   `{error:'JWT validation failed'}`. The JWT is checked against JWKS at
 *   `cloud.openIdMetadataUrl` with `/openidconfiguration` replaced by `/keys`, issuer
 *   `cloud.tokenIssuer` (https://api.botframework.com), audience clientId | `api://botid-<id>` |
 *   `api://<id>`, RS256 only, 5 min clock tolerance, and claim `serviceurl` must equal the activity's
 *   `serviceUrl` (case- and trailing-slash-insensitive). Tests override `cloud` so the JWKS comes from
 *   a loopback server and sign real tokens (see test/teams/harness.ts).
 * - Outbound token: credentials are chosen in this order (TokenManager.initializeCredentials):
 *   clientId+clientSecret -> MSAL client credentials (calls login.microsoftonline.com);
 *   clientId+token -> `token(scope, tenantId)` is called on EVERY outbound request, no Entra call;
 *   clientId alone -> managed identity. Each falls back to env CLIENT_ID / CLIENT_SECRET / TENANT_ID
 *   when the option is `undefined`, so when `token` is given we pass `clientSecret: ''` to stop an env
 *   CLIENT_SECRET from silently switching to MSAL. The string returned by `token` must be a decodable
 *   JWT (it is wrapped in `new JsonWebToken(value)` -> jwt-decode); the signature is not checked.
 * - Without clientId, `app.send()` throws 'App has no credentials set up' and inbound auth refuses all.
 */

import type { CloudEnvironment } from '@microsoft/teams.api';
import { App, ExpressAdapter } from '@microsoft/teams.apps';
import type { ILogger, LogLevel } from '@microsoft/teams.common';
import express from 'express';
import { PlatformStartError } from '../platform.js';

export type TeamsTokenFactory = (scope: string | string[], tenantId?: string) => string | Promise<string>;

export interface CreateTeamsAppOptions {
  /** Our express app; the Teams route is added to it. The caller owns listen()/close(). */
  expressApp: express.Express;
  /** Microsoft App ID (bot id). Required for inbound auth and for any outbound call. */
  clientId?: string;
  clientSecret?: string;
  /** Single-tenant bots: the tenant of the app registration. */
  tenantId?: string;
  /** Maps to `dangerouslyAllowUnauthenticatedRequests`. Keep false outside local development. */
  allowUnauthenticated: boolean;
  logger?: ILogger;
  /** Outbound token override (tests, or an external token broker). Avoids any call to Entra ID. */
  token?: TeamsTokenFactory;
  /**
   * Base service URL used by `app.send()` / `app.api` (NOT by replies, which use the inbound
   * activity's serviceUrl). Default: env SERVICE_URL, else https://smba.trafficmanager.net/teams.
   */
  serviceUrl?: string;
  /** Cloud endpoints (sovereign clouds; tests point openIdMetadataUrl at a loopback JWKS). */
  cloud?: CloudEnvironment;
  /** Default '/api/messages'. */
  messagingEndpoint?: `/${string}`;
}

/** Builds and initializes the Teams app; `POST <messagingEndpoint>` is live on `expressApp` on return. */
export async function createTeamsApp(opts: CreateTeamsAppOptions): Promise<App> {
  const logger = opts.logger;
  const endpoint = opts.messagingEndpoint ?? '/api/messages';
  // Registered before the SDK's route (app.initialize()), so it runs first; the body it parses is not
  // parsed again (same limit as the SDK's own express.json()).
  // - A body that is not JSON, not an object/array, or too large is answered with a plain JSON 4xx: the
  //   SDK's parser left it to express's default error page (the stack trace, outside production).
  // - The SDK's router reads `activity.value.<field>` of some invokes unguarded
  //   (composeExtension/submitAction, fileConsent/invoke, message/submitAction): an invoke whose value is
  //   missing or not an object threw there, before any handler, and was answered 500 (a redelivery of the
  //   same bad input). Such a value carries nothing: it reaches the handlers as an empty object.
  const parseJson = express.json();
  opts.expressApp.post(endpoint, (req, res, next) => {
    parseJson(req, res, (err?: unknown) => {
      if (err) {
        const status = Number((err as { status?: unknown }).status);
        logger?.warn(`rejected a malformed request body: ${(err as Error).message ?? err}`);
        res.status(status >= 400 && status < 500 ? status : 400).json({ error: 'Malformed request body' });
        return;
      }
      const body = req.body as { type?: unknown; value?: unknown } | undefined;
      if (body && typeof body === 'object' && body.type === 'invoke') {
        if (!body.value || typeof body.value !== 'object') body.value = {};
      }
      next();
    });
  });
  const app = new App({
    httpServerAdapter: new ExpressAdapter(opts.expressApp, logger ? { logger } : undefined),
    clientId: opts.clientId,
    // see header: '' blocks the env CLIENT_SECRET fallback when a token factory is used
    clientSecret: opts.token ? '' : opts.clientSecret,
    tenantId: opts.tenantId,
    token: opts.token,
    dangerouslyAllowUnauthenticatedRequests: opts.allowUnauthenticated,
    messagingEndpoint: endpoint,
    ...(logger ? { logger } : {}),
    ...(opts.serviceUrl ? { serviceUrl: opts.serviceUrl } : {}),
    ...(opts.cloud ? { cloud: opts.cloud } : {}),
  });
  await app.initialize();
  return app;
}

/** Minimal structural view of a pino logger (avoids importing pino here). */
export interface PinoLike {
  trace(obj: unknown, msg?: string): void;
  debug(obj: unknown, msg?: string): void;
  info(obj: unknown, msg?: string): void;
  warn(obj: unknown, msg?: string): void;
  error(obj: unknown, msg?: string): void;
  child(bindings: Record<string, unknown>): PinoLike;
}

/** Adapts a pino logger to the SDK's `ILogger` (debug/info/warn/error/trace/log/child). */
export function teamsLoggerFromPino(pino: PinoLike): ILogger {
  const emit = (level: LogLevel, msg: unknown[]) => {
    const [first, ...rest] = msg;
    const text = typeof first === 'string' ? first : JSON.stringify(first);
    if (rest.length === 0) pino[level](text);
    else pino[level]({ args: rest }, text);
  };
  return {
    debug: (...m: unknown[]) => emit('debug', m),
    info: (...m: unknown[]) => emit('info', m),
    warn: (...m: unknown[]) => emit('warn', m),
    error: (...m: unknown[]) => emit('error', m),
    trace: (...m: unknown[]) => emit('trace', m),
    log: (level: LogLevel, ...m: unknown[]) => emit(level, m),
    child: (name: string) => teamsLoggerFromPino(pino.child({ teams: name })),
  };
}

/** A logger that drops everything (tests). The SDK's default ConsoleLogger is chatty. */
export function silentTeamsLogger(): ILogger {
  const noop = () => {};
  const logger: ILogger = {
    debug: noop,
    info: noop,
    warn: noop,
    error: noop,
    trace: noop,
    log: noop,
    child: () => logger,
  };
  return logger;
}

/**
 * Gets a bot token once at start (the SDK's protected `getBotToken`, which every outbound call uses), with a
 * deadline: Entra refusing the app's credentials, or not answering, stops start-up with one sentence.
 */
export async function verifyTeamsToken(app: App, timeoutMs: number): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const token = await Promise.race([
      (app as unknown as { getBotToken(): Promise<unknown> }).getBotToken(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })),
          timeoutMs,
        );
      }),
    ]);
    if (!token)
      throw new PlatformStartError(
        'teams',
        'refused',
        "Teams: no bot token could be obtained: set TEAMS_CLIENT_ID, TEAMS_CLIENT_SECRET and TEAMS_TENANT_ID of the bot's Entra app.",
      );
    return 'bot token obtained from Entra ID';
  } catch (e) {
    if (e instanceof PlatformStartError) throw e;
    const err = e as { code?: string; message?: string; errorCode?: string; response?: { status?: number } };
    const text = `${err.errorCode ?? ''} ${err.message ?? ''}`;
    const status = err.response?.status;
    if (
      (status && status >= 400 && status < 500) ||
      /AADSTS\d+|invalid_client|unauthorized_client|invalid_request/.test(text)
    )
      throw new PlatformStartError(
        'teams',
        'refused',
        `Entra ID refused the bot's credentials (${(text.match(/AADSTS\d+/) ?? text.match(/invalid_client|unauthorized_client|invalid_request/) ?? [status ? `HTTP ${status}` : 'refused'])[0]}): check TEAMS_CLIENT_ID, TEAMS_CLIENT_SECRET (not expired) and TEAMS_TENANT_ID.`,
      );
    if (err.message === 'timeout' && err.code === 'ETIMEDOUT')
      throw new PlatformStartError(
        'teams',
        'unreachable',
        `Entra ID did not answer a token request within ${Math.round(timeoutMs / 1000)} s: check the network and the proxy.`,
      );
    const why = err.errorCode || err.code || (err.message ?? 'unknown error').slice(0, 120);
    throw new PlatformStartError(
      'teams',
      'unreachable',
      `Entra ID could not be reached for a bot token (${why}): check the network, the proxy and TEAMS_TENANT_ID.`,
    );
  } finally {
    clearTimeout(timer);
  }
}
