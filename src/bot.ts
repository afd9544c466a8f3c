// Builds the whole bot from a Config: database, core service, outbox dispatcher, reminder scheduler,
// one HTTP server (Slack events, Teams messages, health, metrics), and the chat adapters configured.
// main.ts calls startBot; tests call it too, with fakes on loopback. It runs over 400 lines because it is
// the one place every part is wired (each part's own wiring lives in its module, e.g. ops/start-*.ts).
import type { Server } from 'node:http';
import express from 'express';
import type { AlertPromptSender } from './app/alert-ports.js';
import { AuditPublisher } from './app/audit-publisher.js';
import { Dispatcher } from './app/dispatcher.js';
import { type DrillClock, drillClock } from './app/drill-clock.js';
import { IncidentApp } from './app/incident-app.js';
import { IncidentService } from './app/incident-service.js';
import { replicaId } from './app/outbox-lease.js';
import type { Sender } from './app/ports.js';
import { auditChannelOf, type Config, slackEnabled, teamsEnabled } from './config.js';
import { alertIntakeOf } from './config-alerts.js';
import { pagingModeOf, pagingOf } from './config-paging.js';
import { trackerOf } from './config-tracker.js';
import { ActionWebhookSender } from './integrations/action-webhook-sender.js';
import { UnconfiguredTrackerSender } from './integrations/unconfigured-tracker-sender.js';
import { checkDatabaseMode, localConsole } from './local-console.js';
import type { Logger } from './logger.js';
import { chooseSigner } from './ops/audit-key.js';
import { durableAcks, noteCommit } from './ops/durable-acks.js';
import { InflightTracker } from './ops/inflight.js';
import { activeMetrics, BotMetrics, setActiveMetrics } from './ops/metrics.js';
import { readiness } from './ops/readiness.js';
import { bindIncident, requestLogger } from './ops/request-log.js';
import { orderlyShutdown } from './ops/shutdown.js';
import { ALERT_WEBHOOK_PATHS, startAlerts } from './ops/start-alerts.js';
import { startPaging } from './ops/start-paging.js';
import { startTracker } from './ops/start-tracker.js';
import type { PollResult } from './ops/tracker-poller.js';
import { slackSettings, teamsSettings } from './platform-settings.js';
import type { PlatformAdapter } from './platforms/platform.js';
import type { WebAdapter } from './platforms/web/web-adapter.js';
import { openStore, watchConnection } from './storage/open-store.js';
import { loadPlaybook } from './storage/playbook-file.js';
import type { Db } from './storage/sql-db.js';
import { SqliteAlertStore } from './storage/sqlite/alert-store.js';
import { SqliteCheckpointFeed } from './storage/sqlite/checkpoint-feed.js';
import { classifyStorageError } from './storage/sqlite/errors.js';
import { exportRenderer } from './storage/sqlite/export-renderer.js';
import { IncidentStore } from './storage/sqlite/incident-store.js';
import { atomically } from './storage/sqlite/open-database.js';
import { OutboxStore } from './storage/sqlite/outbox-store.js';
import { TeamsRefStore } from './storage/sqlite/teams-refs-store.js';

export interface Bot {
  config: Config;
  db: Db;
  store: IncidentStore;
  outbox: OutboxStore;
  service: IncidentService;
  app: IncidentApp;
  dispatcher: Dispatcher;
  express: express.Express;
  server: Server;
  url: string;
  adapters: PlatformAdapter[];
  metrics: BotMetrics;
  /** Local mode only. */
  console?: LocalConsole;
  /** With a tracker configured: reads the filed follow-ups' issues back now (the poller's pass). */
  pollTracker?(): Promise<PollResult>;
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
  /**
   * Local mode: no chat platform, the local console instead (src/platforms/web), on a database marked
   * local, with a drill clock that can be moved forward. Never in production (main.ts decides).
   */
  local?: boolean;
  /** Local mode: the pause between two steps of a drill played in the console. */
  drillPauseMs?: number;
  /** Where the variables playbook actions name are read (default: the process environment). */
  env?: (name: string) => string | undefined;
}

/** What local mode adds to the bot: the console's address (with its key) and the drill clock. */
export interface LocalConsole {
  url: string;
  clock: DrillClock;
  web: WebAdapter;
}

export async function startBot(config: Config, logger: Logger, options: BotOptions = {}): Promise<Bot> {
  const clock = options.local ? drillClock(options.clock) : null;
  const opts: BotOptions = clock ? { ...options, clock: clock.now } : options;
  const pb = loadPlaybook(config.PLAYBOOK_PATH);
  const audit = chooseSigner({
    keyFile: config.AUDIT_SIGNING_KEY_FILE,
    dbPath: config.DATABASE_PATH,
    production: config.NODE_ENV === 'production',
  });
  // Local mode's database is for drills: the development key is what it is meant to use.
  if (audit.warning && !clock) logger.warn({ keyId: audit.signer.keyId }, audit.warning);
  // PostgreSQL with DATABASE_URL (never in local mode: main.ts leaves it out there), else the SQLite file.
  const storage = await openStore({
    url: config.DATABASE_URL,
    path: config.DATABASE_PATH,
    signer: audit.signer,
    connectTimeoutMs: config.DATABASE_CONNECT_TIMEOUT_SECONDS * 1000,
    logger,
    local: Boolean(clock),
    // Socket Mode acks over its WebSocket, past the HTTP hold of durable-acks.ts: each commit syncs instead.
    syncEveryCommit: Boolean(config.SLACK_APP_TOKEN),
    onBackup: (file) => logger.info({ file }, 'copied the database before migrating it'),
    onWalSync: (r) => metrics.walSyncSeconds.observe({ result: r.error ? 'failed' : 'ok' }, r.seconds),
    onCheckpointError: (message) => logger.warn({ db: config.DATABASE_PATH }, message),
  });
  const db = storage.db;
  let consoleKey = '';
  try {
    consoleKey = checkDatabaseMode(db, config, clock);
  } catch (e) {
    await storage.close();
    throw e;
  }
  const stopWatching = watchConnection(storage, logger);
  const store = new IncidentStore(db, { afterCommit: noteCommit }, audit.signer);
  const outbox = new OutboxStore(db);
  // The firm's backlog, where follow-ups are filed. Not from local mode: rehearsals stay out of the backlog.
  const tracker = clock ? null : trackerOf(config);
  // The variables playbook actions name (webhook urls, tokens): read when used, never copied into the config.
  const actionEnv = opts.env ?? ((name: string) => process.env[name]);
  // Paging the on-call (PagerDuty or Opsgenie); local mode rehearses and pages nobody (config-paging.ts).
  const paging = pagingModeOf(config, Boolean(clock));
  const service = new IncidentService(
    store,
    { playbook: pb.playbook, ref: pb.ref },
    {
      admins: config.ADMIN_USERS,
      ...(tracker ? { tracker: tracker.tracker } : {}),
      env: actionEnv,
      ...(config.DEBRIEF_MEETING_URL ? { debriefMeetingUrl: config.DEBRIEF_MEETING_URL } : {}),
      ...(opts.clock ? { clock: opts.clock } : {}),
      ...(paging ? { paging } : {}),
    },
  );
  const senders: Record<string, Sender> = {};
  // Alert prompts are delivered by each platform's alert sender (rows to { to: 'alerts' }; issue 21).
  const alertSenders: Partial<Record<string, AlertPromptSender>> = {};
  const metrics = new BotMetrics({
    db,
    outbox,
    playbookFor: (i) => service.playbookFor(i),
    databaseUp: () => storage.health().state === 'up',
    ...(opts.clock ? { now: opts.clock } : {}),
  });
  setActiveMetrics(metrics);
  const inflight = new InflightTracker();
  const dispatcher = new Dispatcher({
    outbox,
    atomically: atomically(outbox.db),
    incidents: store,
    senders,
    logger,
    paceMs: config.OUTBOX_PACE_MS,
    // Replicas sharing one outbox: rows are leased to this process (outbox-lease.ts).
    owner: replicaId(),
    leaseMs: config.OUTBOX_LEASE_SECONDS * 1000,
    onResult: metrics.onResult,
    durable: () => storage.durability.durable(),
    alerts: { store: { get: (id: string) => alertStore.get(id) }, senders: alertSenders },
    classifyFailure: classifyStorageError,
    ...(opts.clock ? { now: opts.clock } : {}),
  });
  const auditChannel = auditChannelOf(config);
  const publisher = new AuditPublisher({
    feed: new SqliteCheckpointFeed(db),
    logger,
    platform: auditChannel?.platform,
    everyMinutes: config.AUDIT_PUBLISH_MINUTES,
    queued: () => dispatcher.kick(),
    ...(opts.clock ? { now: opts.clock } : {}),
  });
  service.onChange((o, r) =>
    publisher.changed(!o.replay && (r.command.type === 'close' || r.command.type === 'stand_down')),
  );
  service.onChange(() => dispatcher.kick());
  service.onChange(metrics.onChange);
  service.onChange(inflight.touch);

  const app = express();
  app.disable('x-powered-by');
  app.use(requestLogger(logger), metrics.middleware, inflight.middleware);
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
  app.get('/metrics', metrics.handler);

  // Alert groups (issue 21): kept in the same database, so a prompt's decision and its incident commit together.
  const alertStore = new SqliteAlertStore(db, { afterCommit: noteCommit, ledger: store });
  const incidents = new IncidentApp({
    alerts: { store: alertStore, atomically: atomically(db) },
    service,
    dispatcher,
    dedupe: outbox,
    refs: outbox,
    renderExport: exportRenderer(db),
    classifyFailure: classifyStorageError,
    logger,
    onIncident: bindIncident,
    onTampered: () => metrics.auditRefusals.inc(),
  });
  // The backlog: follow-ups filed by `senders.tracker`, their issues read back by the poller.
  const everyMinutes = config.TRACKER_POLL_MINUTES;
  const trackerPoller =
    tracker && startTracker({ target: tracker, app: incidents, db, senders, everyMinutes, logger });
  if (!tracker) senders.tracker = new UnconfiguredTrackerSender(incidents);
  // Playbook actions (freeze deployments, master switch): their webhooks, called from the outbox.
  senders.actions = new ActionWebhookSender({
    app: incidents,
    env: actionEnv,
    timeoutMs: config.ACTION_TIMEOUT_SECONDS * 1000,
    logger,
  });
  const pager = clock ? null : pagingOf(config);
  startPaging({ target: pager, app: incidents, senders, env: actionEnv, logger });
  const adapters: PlatformAdapter[] = [];
  let web: WebAdapter | undefined;
  // Each configured platform's answer at start; /readyz is 503 until every one has answered.
  const platforms: Record<string, boolean | string> = {};
  if (slackEnabled(config)) platforms.slack = 'waiting for auth.test';
  if (teamsEnabled(config)) platforms.teams = 'waiting for a bot token';
  if (clock) platforms.web = 'starting the local console';
  app.get('/readyz', (_req, res) => {
    const checks = readiness(storage, dispatcher, platforms);
    res.status(checks.ok ? 200 : 503).json(checks);
  });
  // Until every platform has answered and the dispatcher runs, platform requests get 503 with Retry-After
  // (Slack retries events; a person sees "try again" rather than a 404, and nothing is half-handled).
  let serving = false;
  // The alert intake (issue 21): not in local mode (rehearsals take no real alerts), only with its token.
  const alertIntake = clock
    ? null
    : alertIntakeOf(config, { slack: slackEnabled(config), teams: teamsEnabled(config) });
  const gated = ['/slack/events', '/api/messages', ...(alertIntake ? ALERT_WEBHOOK_PATHS : [])];
  app.use(gated, (_req, res, next) => {
    if (serving) return next();
    res.status(503).set('Retry-After', '5').json({ ok: false, error: 'starting: the bot is not ready yet' });
  });
  app.use(
    gated,
    durableAcks(storage.durability, (e) =>
      logger.error({ err: e }, 'could not sync the database to disk; the request is not acknowledged'),
    ),
  );
  if (alertIntake)
    startAlerts({
      settings: alertIntake,
      app: incidents,
      store: alertStore,
      express: app,
      dispatcher,
      logger,
    });
  opts.beforeListen?.(app);

  // The server listens while the platforms are asked, so probes see why the bot is not ready yet.
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(config.PORT, config.HOST, (err?: Error) => (err ? reject(err) : resolve(s)));
  }).catch(async (e: unknown) => {
    stopWatching();
    await storage.close();
    throw e;
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : config.PORT;
  const url = `http://127.0.0.1:${port}`;
  logger.info({ port, platforms: Object.keys(platforms) }, 'listening; waiting for the platforms to answer');
  try {
    const deps = { app: incidents, refs: outbox, express: app, logger };
    if (slackEnabled(config)) {
      const { createSlackAdapter } = await import('./platforms/slack/slack-adapter.js');
      const slack = await createSlackAdapter(deps, slackSettings(config));
      adapters.push(slack);
    }
    if (teamsEnabled(config)) {
      const { createTeamsAdapter } = await import('./platforms/teams/teams-adapter.js');
      adapters.push(
        await createTeamsAdapter({ ...deps, teamsRefs: new TeamsRefStore(db) }, teamsSettings(config)),
      );
    }
    if (clock) {
      web = localConsole({
        deps,
        db,
        config,
        clock,
        key: consoleKey,
        store,
        service,
        dispatcher,
        audit,
        ...(opts.drillPauseMs !== undefined ? { drillPauseMs: opts.drillPauseMs } : {}),
      });
      adapters.push(web);
    }
    for (const a of adapters) senders[a.name] = a.sender;
    for (const a of adapters) if (a.alertSender) alertSenders[a.name] = a.alertSender;
    for (const a of adapters) {
      platforms[a.name] = config.SLACK_APP_TOKEN && a.name === 'slack' ? 'connecting to Socket Mode' : true;
      await a.start();
      platforms[a.name] = true;
      logger.info({ platform: a.name, answered: a.verified }, 'platform answered');
    }
  } catch (e) {
    await new Promise<void>((r) => {
      server.close(() => r());
      server.closeAllConnections?.();
    });
    for (const a of adapters) await a.stop().catch(() => undefined);
    if (activeMetrics() === metrics) setActiveMetrics(null);
    stopWatching();
    await storage.close();
    throw e;
  }
  dispatcher.start(opts.dispatchIntervalMs ?? 1000);
  publisher.start();
  serving = true;
  // The alerts channel, asked about once (a warning, never a failure): a wrong id or a private channel
  // the bot is not in would otherwise show only as prompts that fail to post.
  if (alertIntake)
    void alertSenders[alertIntake.platform]?.checkChannel?.(alertIntake.channel).then((problem) => {
      if (problem) logger.warn({ channel: alertIntake.channel }, `alert prompts: ${problem}`);
    });

  let scheduler: { stop(): void } | null = null;
  if (opts.scheduler !== false) {
    trackerPoller?.start();
    const { startReminders } = await import('./ops/start-reminders.js');
    scheduler = startReminders({
      config,
      logger,
      store,
      outbox,
      service,
      dispatcher,
      clock: opts.clock,
      options: { paging: Boolean(paging) },
    });
  }
  logger.info(
    {
      port,
      slack: slackEnabled(config),
      teams: teamsEnabled(config),
      playbook: pb.ref,
      db: storage.label,
      auditKey: audit.signer.keyId,
      auditChannel: auditChannel ? auditChannel.platform : 'none',
      tracker: tracker?.tracker ?? 'none',
      paging: paging ?? 'none',
    },
    'incident-bot started',
  );

  const shutdown = orderlyShutdown({
    drainSeconds: config.SHUTDOWN_DRAIN_SECONDS,
    stopAccepting: () => {
      accepting = false;
    },
    timers: [scheduler, publisher],
    trackerPoller,
    server,
    inflight,
    adapters,
    dispatcher,
    closeStorage: async () => {
      if (activeMetrics() === metrics) setActiveMetrics(null);
      stopWatching();
      await storage.close();
    },
    logger,
  });

  return {
    config,
    db,
    store,
    outbox,
    service,
    app: incidents,
    dispatcher,
    express: app,
    server,
    url,
    adapters,
    metrics,
    ...(clock && web ? { console: { url: `${url}/?key=${consoleKey}`, clock, web } } : {}),
    ...(trackerPoller ? { pollTracker: () => trackerPoller.pollNow() } : {}),
    shutdown,
  };
}
