/**
 * Boots the incident bot's Teams side for tests: a real temp-file SQLite database, the real
 * IncidentService with the default playbook, a real Dispatcher with the TeamsSender, the Teams adapter
 * on an express app on 127.0.0.1 (Bot Framework JWT auth ON; tokens signed by a loopback JWKS), and the
 * fake Bot Connector (test/support/fake-bot-connector.ts) as every activity's serviceUrl.
 */

import { generateKeyPairSync, type KeyObject, randomUUID, sign } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { PUBLIC, withOverrides } from '@microsoft/teams.api';
import express from 'express';
import type { AlertPromptSender } from '../../src/app/alert-ports.js';
import { Dispatcher, type Sender } from '../../src/app/dispatcher.js';
import { IncidentService } from '../../src/app/incident-service.js';
import { readConfig } from '../../src/config.js';
import { alertIntakeOf } from '../../src/config-alerts.js';
import { pagingModeOf, pagingOf } from '../../src/config-paging.js';
import { trackerOf } from '../../src/config-tracker.js';
import type { Playbook } from '../../src/domain/playbook.js';
import { ActionWebhookSender } from '../../src/integrations/action-webhook-sender.js';
import { createLogger } from '../../src/logger.js';
import { durableAcks, noteCommit } from '../../src/ops/durable-acks.js';
import { startAlerts } from '../../src/ops/start-alerts.js';
import { startPaging } from '../../src/ops/start-paging.js';
import { startTracker } from '../../src/ops/start-tracker.js';
import type { PollResult } from '../../src/ops/tracker-poller.js';
import { teamsSettings } from '../../src/platform-settings.js';
import { createTeamsAdapter, type TeamsAdapter } from '../../src/platforms/teams/teams-adapter.js';
import { silentTeamsLogger } from '../../src/platforms/teams/teams-app.js';
import { loadPlaybook } from '../../src/storage/playbook-file.js';
import { SqliteAlertStore } from '../../src/storage/sqlite/alert-store.js';
import { IncidentStore } from '../../src/storage/sqlite/incident-store.js';
import { atomically, type Db, openDatabase } from '../../src/storage/sqlite/open-database.js';
import { OutboxStore } from '../../src/storage/sqlite/outbox-store.js';
import { TeamsRefStore } from '../../src/storage/sqlite/teams-refs-store.js';
import type { Durability } from '../../src/storage/sqlite/wal-sync.js';
import { testSigner } from '../helpers/audit-key.js';
import { type FakeBotConnector, startFakeBotConnector } from './fake-bot-connector.js';
import { incidentApp } from './incident-app.js';
import { tempDb } from './temp-db.js';

// biome-ignore lint/suspicious/noExplicitAny: activities are free-form JSON
type Json = any;

export const TEAMS_CLIENT_ID = '0b6fe6d1-fece-44f7-9a48-56465e2d5ab8';
export const TEAMS_TENANT = '50612dbb-0237-4969-b378-8d42590f9c00';
export const INCIDENTS_CHANNEL = '19:incidents0000000000000000000000@thread.tacv2';
export const STAKEHOLDER_CHANNEL = '19:stakeholders00000000000000000000@thread.tacv2';

export interface BootTeamsOptions {
  /** Default true: TEAMS_INCIDENTS_CHANNEL set. false: the declaring conversation becomes the room. */
  incidentsChannel?: boolean;
  stakeholderChannel?: boolean;
  allowUnauthenticated?: boolean;
  admins?: string[];
  /** Start the dispatcher's timer (default true). */
  dispatcher?: boolean;
  /** More settings, as the environment gives them (e.g. AUDIT_CHANNEL). */
  env?: Record<string, string>;
  /** Declarations one person may make in ten minutes (a suite that declares a lot from one person). */
  declareLimit?: number;
  /** Hold /api/messages answers as the bot does (src/ops/durable-acks.ts), on this durability. */
  durability?: Durability;
  /** A playbook file other than the shipped one. */
  playbookPath?: string;
  /** A migrated database to run on (test/helpers/backends.ts), closed with the bot; default a temp SQLite file. */
  db?: Db;
}

export interface BootedTeamsBot {
  url: string;
  connector: FakeBotConnector;
  service: IncidentService;
  store: IncidentStore;
  outbox: OutboxStore;
  dispatcher: Dispatcher;
  adapter: TeamsAdapter;
  db: Db;
  playbook: Playbook;
  clientId: string;
  /** What the bot logged at warn or above (pino records: level 40 warn, 50 error, 60 fatal). */
  logs: { level: number; msg?: string; [k: string]: unknown }[];
  /** What the Teams SDK logged as an error (e.g. a handler that threw: "Error processing activity"). */
  sdkErrors: unknown[][];
  /** POSTs an activity to /api/messages with a valid Bot Framework token (or `auth: 'none'` / a raw header). */
  sendActivity(
    activity: Json,
    opts?: { auth?: 'valid' | 'none' | string },
  ): Promise<{ status: number; body: Json }>;
  /** Waits until the outbox is delivered. */
  settle(timeoutMs?: number): Promise<void>;
  /** With a tracker configured (JIRA_* or GITHUB_* in `env`): one pass of the status poller. */
  pollTracker?(): Promise<PollResult>;
  close(): Promise<void>;
}

const b64url = (v: string | Buffer) => Buffer.from(v).toString('base64url');

function signJwt(key: { kid: string; privateKey: KeyObject }, claims: Record<string, unknown>): string {
  const header = b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: key.kid }));
  const payload = b64url(JSON.stringify(claims));
  return `${header}.${payload}.${b64url(sign('RSA-SHA256', Buffer.from(`${header}.${payload}`), key.privateKey))}`;
}

/** Unsigned but decodable JWT: what the outbound `token` override returns (no Entra ID). */
function outboundToken(): string {
  const now = Math.floor(Date.now() / 1000);
  return `${b64url(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${b64url(
    JSON.stringify({ aud: 'https://api.botframework.com', iss: 'fake-entra', iat: now, exp: now + 3600 }),
  )}.fake`;
}

async function listen(server: http.Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

export async function bootTeamsBot(o: BootTeamsOptions = {}): Promise<BootedTeamsBot> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = `kid-${randomUUID()}`;
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid, use: 'sig', alg: 'RS256' };
  // the Bot Framework OpenID metadata + JWKS, on loopback
  const jwksServer = http.createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    if (req.url?.endsWith('/keys')) res.end(JSON.stringify({ keys: [jwk] }));
    else
      res.end(
        JSON.stringify({
          issuer: 'https://api.botframework.com',
          jwks_uri: `${jwksUrl}/v1/.well-known/keys`,
        }),
      );
  });
  const jwksUrl = await listen(jwksServer);

  const connector = await startFakeBotConnector();
  const dbFile = o.db ? null : tempDb();
  const db = o.db ?? openDatabase(dbFile!.path);
  const loaded = o.playbookPath ? loadPlaybook(o.playbookPath) : loadPlaybook();
  const ref = loaded.ref;
  const playbook: Playbook = o.declareLimit
    ? {
        ...loaded.playbook,
        limits: { declarePerPerson: { count: o.declareLimit, minutes: 10 }, duplicateTitleMinutes: 10 },
      }
    : loaded.playbook;
  const store = new IncidentStore(db, o.durability ? { afterCommit: noteCommit } : {}, testSigner);
  const outbox = new OutboxStore(db);
  const config = readConfig({
    NODE_ENV: 'test',
    TEAMS_CLIENT_ID,
    TEAMS_CLIENT_SECRET: 'unused-because-of-the-token-override',
    TEAMS_TENANT_ID: TEAMS_TENANT,
    TEAMS_SERVICE_URL: connector.serviceUrl,
    ...(o.incidentsChannel === false ? {} : { TEAMS_INCIDENTS_CHANNEL: INCIDENTS_CHANNEL }),
    ...(o.stakeholderChannel === false ? {} : { TEAMS_STAKEHOLDER_CHANNEL: STAKEHOLDER_CHANNEL }),
    TEAMS_ALLOW_UNAUTHENTICATED: o.allowUnauthenticated ? 'true' : 'false',
    ADMIN_USERS: (o.admins ?? []).join(','),
    OUTBOX_PACE_MS: '0',
    LOG_LEVEL: 'silent',
    ...(o.env ?? {}),
  });
  const logs: BootedTeamsBot['logs'] = [];
  const logger = createLogger({
    level: 'warn',
    destination: {
      write: (line: string) => {
        logs.push(JSON.parse(line));
      },
    },
  });
  const sdkErrors: unknown[][] = [];
  const sdkLogger = silentTeamsLogger();
  sdkLogger.error = (...m: unknown[]) => {
    sdkErrors.push(m);
  };
  sdkLogger.child = () => sdkLogger;
  const tracker = trackerOf(config);
  // The variables playbook actions name (PROMOTION_GATE_URL...) come from `env` too, as from the environment.
  const actionEnv = (name: string) => o.env?.[name];
  // Paging (PAGERDUTY_* or OPSGENIE_* in `env`), as src/bot.ts wires it.
  const paging = pagingModeOf(config, false);
  const service = new IncidentService(
    store,
    { playbook, ref },
    {
      admins: config.ADMIN_USERS,
      ...(tracker ? { tracker: tracker.tracker } : {}),
      env: actionEnv,
      ...(config.DEBRIEF_MEETING_URL ? { debriefMeetingUrl: config.DEBRIEF_MEETING_URL } : {}),
      ...(paging ? { paging } : {}),
    },
  );
  const senders: Record<string, Sender> = {};
  // Alert prompts (issue 21), delivered by the adapter's alert sender, as src/bot.ts wires them.
  const alertStore = new SqliteAlertStore(db, { ledger: store });
  const alertSenders: Partial<Record<string, AlertPromptSender>> = {};
  const dispatcher = new Dispatcher({
    outbox,
    atomically: atomically(outbox.db),
    incidents: store,
    senders,
    alerts: { store: alertStore, senders: alertSenders },
    logger,
    paceMs: 0,
    baseDelayMs: 20,
    maxDelayMs: 200,
  });
  service.onChange(() => dispatcher.kick());

  const app = express();
  if (o.durability)
    app.use(
      '/api/messages',
      durableAcks(o.durability, () => undefined),
    );
  app.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });
  const incidents = incidentApp({ db, service, outbox, dispatcher, logger });
  // The backlog, wired as src/bot.ts wires it (the sender under `tracker`; the poller run by the test).
  const everyMinutes = config.TRACKER_POLL_MINUTES;
  const poller =
    tracker && startTracker({ target: tracker, app: incidents, db, senders, everyMinutes, logger });
  // Playbook actions' webhooks, wired as src/bot.ts wires them.
  senders.actions = new ActionWebhookSender({
    app: incidents,
    env: actionEnv,
    timeoutMs: config.ACTION_TIMEOUT_SECONDS * 1000,
    logger,
  });
  startPaging({ target: pagingOf(config), app: incidents, senders, env: actionEnv, logger });
  const adapter = await createTeamsAdapter(
    { app: incidents, refs: outbox, express: app, logger, teamsRefs: new TeamsRefStore(db) },
    {
      ...teamsSettings(config),
      token: () => outboundToken(),
      cloud: withOverrides(PUBLIC, { openIdMetadataUrl: `${jwksUrl}/v1/.well-known/openidconfiguration` }),
      sdkLogger,
    },
  );
  senders.teams = adapter.sender;
  if (adapter.alertSender) alertSenders.teams = adapter.alertSender;
  // The alert webhooks, with ALERT_WEBHOOK_TOKEN and ALERTS_CHANNEL in `env` (src/ops/start-alerts.ts).
  const alertIntake = alertIntakeOf(config, { slack: false, teams: true });
  if (alertIntake)
    startAlerts({
      settings: alertIntake,
      app: incidents,
      store: alertStore,
      express: app,
      dispatcher,
      logger,
    });
  const server = http.createServer(app);
  const url = await listen(server);
  await adapter.start();
  if (o.dispatcher !== false) dispatcher.start(25);

  const inboundToken = (serviceUrl: string) => {
    const now = Math.floor(Date.now() / 1000);
    return signJwt(
      { kid, privateKey },
      {
        iss: 'https://api.botframework.com',
        aud: TEAMS_CLIENT_ID,
        serviceurl: serviceUrl,
        nbf: now - 10,
        iat: now - 10,
        exp: now + 3600,
      },
    );
  };

  return {
    url,
    connector,
    service,
    store,
    outbox,
    dispatcher,
    adapter,
    db,
    playbook,
    clientId: TEAMS_CLIENT_ID,
    logs,
    sdkErrors,
    async sendActivity(activity, opts = {}) {
      const auth = opts.auth ?? 'valid';
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (auth === 'valid') headers.authorization = `Bearer ${inboundToken(activity.serviceUrl)}`;
      else if (auth !== 'none') headers.authorization = auth;
      const res = await fetch(`${url}/api/messages`, {
        method: 'POST',
        headers,
        body: JSON.stringify(activity),
      });
      const text = await res.text();
      let body: Json = text;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        /* keep the text */
      }
      return { status: res.status, body };
    },
    ...(poller ? { pollTracker: () => poller.pollNow() } : {}),
    async settle(timeoutMs = 4000) {
      await dispatcher.idle();
      const ok = await dispatcher.drain(timeoutMs);
      if (!ok)
        throw new Error(
          `outbox not delivered: ${JSON.stringify(outbox.pending().map((r) => [r.key, r.attempts]))}`,
        );
      await dispatcher.idle();
    },
    async close() {
      dispatcher.stop();
      await dispatcher.idle();
      await adapter.stop();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      jwksServer.closeAllConnections();
      await new Promise<void>((r) => jwksServer.close(() => r()));
      await connector.close();
      await db.close();
      dbFile?.cleanup();
    },
  };
}
