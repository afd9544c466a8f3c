/**
 * Boots the real Slack inbound app for tests: Bolt on an ExpressReceiver (express server on 127.0.0.1:0),
 * a temp-file SQLite database, the real IncidentService with the default playbook, a real Dispatcher
 * with the SlackSender, and the fake Slack Web API on loopback.
 */

import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { Dispatcher } from '../../src/app/dispatcher.js';
import type { IncidentApp } from '../../src/app/incident-app.js';
import { IncidentService } from '../../src/app/incident-service.js';
import type { Sender } from '../../src/app/ports.js';
import { pagingConfigOf, pagingModeOf, pagingOf } from '../../src/config-paging.js';
import { ActionWebhookSender } from '../../src/integrations/action-webhook-sender.js';
import { startPaging } from '../../src/ops/start-paging.js';
import type { SlackLogger } from '../../src/platforms/slack/context.js';
import { createSlackApp, type SlackApp } from '../../src/platforms/slack/create-slack-app.js';
import { SlackSender } from '../../src/platforms/slack/slack-sender.js';
import { loadPlaybook } from '../../src/storage/playbook-file.js';
import { IncidentStore } from '../../src/storage/sqlite/incident-store.js';
import { atomically, type Db, openDatabase } from '../../src/storage/sqlite/open-database.js';
import { OutboxStore } from '../../src/storage/sqlite/outbox-store.js';
import { testSigner } from '../helpers/audit-key.js';
import { type FakeSlack, type FakeSlackOptions, startFakeSlackApi } from './fake-slack-api.js';
import { incidentApp } from './incident-app.js';
import { type ResponseUrlCatcher, SlackClientSim, startResponseUrlCatcher } from './slack-request.js';
import { tempDb } from './temp-db.js';

export const SIGNING_SECRET = 'test-signing-secret';
export const STAKEHOLDER_CHANNEL = 'C0STAKE';

export interface BootOptions {
  fake?: FakeSlackOptions;
  /** false: SLACK_STAKEHOLDER_CHANNEL unset (stakeholder posts are skipped, people are told). */
  stakeholderChannel?: boolean;
  admins?: string[];
  /** DEBRIEF_MEETING_URL: where debriefs are held. */
  debriefMeetingUrl?: string;
  /** Start the dispatcher's timer (default false: tests call `dispatcher.drain()`). */
  startDispatcher?: boolean;
  clock?: () => Date;
  /** A playbook file other than the shipped one. */
  playbookPath?: string;
  /** The environment playbook actions read (PROMOTION_GATE_URL..., ACTION_TIMEOUT_SECONDS). */
  env?: Record<string, string>;
  /** A migrated database to run on (test/helpers/backends.ts), closed with the bot; default a temp SQLite file. */
  db?: Db;
}

export interface SlackBot {
  /** http://127.0.0.1:PORT/slack/events */
  url: string;
  fake: FakeSlack;
  catcher: ResponseUrlCatcher;
  service: IncidentService;
  app: IncidentApp;
  store: IncidentStore;
  outbox: OutboxStore;
  dispatcher: Dispatcher;
  sim: SlackClientSim;
  slack: SlackApp;
  /** Errors the app logged (a listener throwing shows up here). */
  errors: { obj: object; msg?: string }[];
  close(): Promise<void>;
}

export async function bootSlackBot(opts: BootOptions = {}): Promise<SlackBot> {
  const fake = await startFakeSlackApi({
    channels: [
      { id: 'C0GENERAL', name: 'general', members: ['U0BOT'] },
      { id: STAKEHOLDER_CHANNEL, name: 'incidents', members: ['U0BOT'] },
    ],
    ...(opts.fake ?? {}),
  });
  const catcher = await startResponseUrlCatcher();
  const tmp = opts.db ? null : tempDb();
  const db = opts.db ?? openDatabase(tmp!.path);
  const store = new IncidentStore(db, {}, testSigner);
  const outbox = new OutboxStore(db);
  const loaded = opts.playbookPath ? loadPlaybook(opts.playbookPath) : loadPlaybook();
  const actionEnv = (name: string) => opts.env?.[name];
  // Paging (PAGERDUTY_* or OPSGENIE_* in `env`), wired as src/bot.ts wires it (ops/start-paging.ts).
  const pagingConfig = pagingConfigOf(opts.env ?? {});
  const paging = pagingModeOf(pagingConfig, false);
  const service = new IncidentService(
    store,
    { playbook: loaded.playbook, ref: loaded.ref },
    {
      admins: opts.admins ?? [],
      ...(opts.debriefMeetingUrl ? { debriefMeetingUrl: opts.debriefMeetingUrl } : {}),
      ...(opts.clock ? { clock: opts.clock } : {}),
      env: actionEnv,
      ...(paging ? { paging } : {}),
    },
  );
  const errors: { obj: object; msg?: string }[] = [];
  const logger: SlackLogger = {
    info() {},
    warn() {},
    error(obj, msg) {
      errors.push({ obj, ...(msg ? { msg } : {}) });
    },
  };
  // The dispatcher needs the sender, the sender needs the app's client: break the cycle with a forward ref.
  const senderRef: { current: SlackSender | null } = { current: null };
  const actionsRef: { current: ActionWebhookSender | null } = { current: null };
  const pagerRef: Record<string, Sender> = {};
  const dispatcher = new Dispatcher({
    outbox,
    atomically: atomically(outbox.db),
    incidents: store,
    senders: {
      slack: {
        send: (row, incident) => {
          if (!senderRef.current) throw new Error('sender not ready');
          return senderRef.current.send(row, incident);
        },
      },
      // playbook actions' webhooks, wired as src/bot.ts wires them (the app exists once the dispatcher does)
      actions: {
        send: (row, incident) => {
          if (!actionsRef.current) throw new Error('actions sender not ready');
          return actionsRef.current.send(row, incident);
        },
      },
      pager: {
        send: (row, incident) => {
          if (!pagerRef.pager) throw new Error('pager sender not ready');
          return pagerRef.pager.send(row, incident);
        },
      },
    },
    baseDelayMs: 10,
    maxDelayMs: 50,
    logger,
  });
  const incidents = incidentApp({ db, service, outbox, dispatcher, logger });
  startPaging({ target: pagingOf(pagingConfig), app: incidents, senders: pagerRef, env: actionEnv });
  actionsRef.current = new ActionWebhookSender({
    app: incidents,
    env: actionEnv,
    timeoutMs: Number(opts.env?.ACTION_TIMEOUT_SECONDS ?? 10) * 1000,
  });
  const expressApp = express();
  const slack = createSlackApp({
    botToken: 'xoxb-test-token',
    signingSecret: SIGNING_SECRET,
    apiUrl: fake.url,
    expressApp,
    logger,
    botId: 'B0BOT',
    botUserId: 'U0BOT',
    deps: {
      app: incidents,
      ...(opts.stakeholderChannel === false ? {} : { stakeholderChannel: STAKEHOLDER_CHANNEL }),
    },
  });
  senderRef.current = new SlackSender({
    client: slack.app.client,
    refs: outbox,
    app: incidents,
    ...(opts.stakeholderChannel === false ? {} : { stakeholderChannel: STAKEHOLDER_CHANNEL }),
  });
  await slack.start();
  const server: Server = await new Promise((ok) => {
    const s = expressApp.listen(0, '127.0.0.1', () => ok(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
  const sim = new SlackClientSim({ url, signingSecret: SIGNING_SECRET, responseUrl: catcher.url });
  if (opts.startDispatcher) dispatcher.start(50);
  return {
    url,
    fake,
    catcher,
    service,
    app: incidents,
    store,
    outbox,
    dispatcher,
    sim,
    slack,
    errors,
    async close() {
      dispatcher.stop();
      await dispatcher.idle();
      await slack.stop();
      await new Promise<void>((ok) => {
        server.closeAllConnections?.();
        server.close(() => ok());
      });
      await fake.close();
      await catcher.close();
      await db.close();
      tmp?.cleanup();
    },
  };
}
