// Builds the whole bot from a Config: database, core service, outbox dispatcher, reminder scheduler,
// one HTTP server (Slack events, Teams messages, health, metrics), and the chat adapters configured.
// main.ts calls startBot; tests call it too, with fakes on loopback.
import type { Server } from 'node:http';
import express from 'express';
import { IncidentStore } from './adapters/sqlite/incident-store.js';
import { latestVersion, schemaVersion } from './adapters/sqlite/migrate.js';
import { type Db, openDatabase } from './adapters/sqlite/open-database.js';
import { OutboxStore } from './adapters/sqlite/outbox-store.js';
import { type Config, slackEnabled, teamsEnabled } from './config.js';
import type { Logger } from './logger.js';
import { loadPlaybook } from './playbook/load-playbook.js';
import { Dispatcher, type Sender } from './workflows/dispatcher.js';
import { IncidentService } from './workflows/incident-service.js';

export interface PlatformAdapter {
  name: 'slack' | 'teams';
  sender: Sender;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface Bot {
  config: Config;
  db: Db;
  store: IncidentStore;
  outbox: OutboxStore;
  service: IncidentService;
  dispatcher: Dispatcher;
  express: express.Express;
  server: Server;
  url: string;
  adapters: PlatformAdapter[];
  /** Stops accepting work, stops the scheduler, drains the outbox for up to `drainSeconds`, closes the database. */
  shutdown(drainSeconds?: number): Promise<{ drained: boolean }>;
}

export interface BotOptions {
  clock?: () => Date;
  /** Extra route registration (tests). */
  beforeListen?: (app: express.Express) => void;
  dispatchIntervalMs?: number;
  /** Skip the cron scheduler (tests drive reminder passes themselves). */
  scheduler?: boolean;
}

export async function startBot(config: Config, logger: Logger, opts: BotOptions = {}): Promise<Bot> {
  const pb = loadPlaybook(config.PLAYBOOK_PATH);
  const db = openDatabase(config.DATABASE_PATH);
  const store = new IncidentStore(db);
  const outbox = new OutboxStore(db);
  const service = new IncidentService(store, { playbook: pb.playbook, ref: pb.ref }, {
    admins: config.ADMIN_USERS,
    ...(opts.clock ? { clock: opts.clock } : {}),
  });
  const senders: Record<string, Sender> = {};
  const dispatcher = new Dispatcher({
    outbox,
    incidents: store,
    senders,
    logger,
    paceMs: config.OUTBOX_PACE_MS,
    ...(opts.clock ? { now: opts.clock } : {}),
  });
  service.onChange(() => dispatcher.kick());

  const app = express();
  app.disable('x-powered-by');
  let accepting = true;
  app.use((_req, res, next) => {
    if (!accepting) {
      res.status(503).set('Connection', 'close').json({ ok: false, error: 'shutting down' });
      return;
    }
    next();
  });
  app.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });
  app.get('/readyz', (_req, res) => {
    const checks = readiness(db, dispatcher);
    res.status(checks.ok ? 200 : 503).json(checks);
  });

  const adapters: PlatformAdapter[] = [];
  const deps = { config, logger, service, store, outbox, dispatcher, express: app, clock: opts.clock };
  if (slackEnabled(config)) {
    const { createSlackAdapter } = await import('./adapters/slack/slack-adapter.js');
    adapters.push(await createSlackAdapter(deps));
  }
  if (teamsEnabled(config)) {
    const { createTeamsAdapter } = await import('./adapters/teams/teams-adapter.js');
    adapters.push(await createTeamsAdapter(deps));
  }
  for (const a of adapters) senders[a.name] = a.sender;
  opts.beforeListen?.(app);

  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(config.PORT, config.HOST, (err?: Error) => (err ? reject(err) : resolve(s)));
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : config.PORT;
  const url = `http://127.0.0.1:${port}`;
  for (const a of adapters) await a.start();
  dispatcher.start(opts.dispatchIntervalMs ?? 1000);

  let scheduler: { stop(): void } | null = null;
  if (opts.scheduler !== false) {
    const { startReminders } = await import('./workflows/start-reminders.js');
    scheduler = startReminders({ config, logger, db, store, outbox, service, dispatcher, clock: opts.clock });
  }
  logger.info(
    { port, slack: slackEnabled(config), teams: teamsEnabled(config), playbook: pb.ref, db: config.DATABASE_PATH },
    'incident-bot started',
  );

  let closed: Promise<{ drained: boolean }> | null = null;
  const shutdown = (drainSeconds = config.SHUTDOWN_DRAIN_SECONDS) => {
    closed ??= (async () => {
      accepting = false;
      scheduler?.stop();
      const serverClosed = new Promise<void>((r) => server.close(() => r()));
      server.closeIdleConnections?.();
      for (const a of adapters) await a.stop().catch(() => undefined);
      dispatcher.stop();
      const drained = await dispatcher.drain(drainSeconds * 1000);
      await Promise.race([serverClosed, new Promise((r) => setTimeout(r, 1000))]);
      db.close();
      logger.info({ drained }, 'incident-bot stopped');
      return { drained };
    })();
    return closed;
  };

  return { config, db, store, outbox, service, dispatcher, express: app, server, url, adapters, shutdown };
}

export function readiness(db: Db, dispatcher: Dispatcher): { ok: boolean; checks: Record<string, boolean | string> } {
  const checks: Record<string, boolean | string> = {};
  try {
    db.prepare('INSERT INTO processed_events (id, at) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET at = excluded.at').run(
      'readyz-probe',
      new Date().toISOString(),
    );
    checks.database = true;
  } catch (e) {
    checks.database = e instanceof Error ? e.message : 'error';
  }
  try {
    checks.migrations = schemaVersion(db) === latestVersion();
  } catch {
    checks.migrations = false;
  }
  checks.dispatcher = dispatcher.isRunning;
  return { ok: Object.values(checks).every((v) => v === true), checks };
}

export type AdapterDeps = {
  config: Config;
  logger: Logger;
  service: IncidentService;
  store: IncidentStore;
  outbox: OutboxStore;
  dispatcher: Dispatcher;
  express: express.Express;
  clock: (() => Date) | undefined;
};
