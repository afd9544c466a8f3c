/**
 * Microsoft Teams as a front end of the incident core: the Teams SDK v2 App on the shared express app
 * (`POST /api/messages`, Bot Framework JWT auth ON unless TEAMS_ALLOW_UNAUTHENTICATED), the incident
 * handlers, and the outbox Sender that talks to the Bot Connector.
 */
import type { CloudEnvironment } from '@microsoft/teams.api';
import type { ILogger } from '@microsoft/teams.common';
import type { AdapterDeps, PlatformAdapter } from '../../bot.js';
import { TeamsRefStore } from './refs-store.js';
import { createTeamsApp, type PinoLike, type TeamsTokenFactory, teamsLoggerFromPino } from './teams-app.js';
import { registerIncidentHandlers } from './teams-handlers.js';
import { TeamsSender } from './teams-sender.js';

export interface TeamsAdapterOptions {
  /** Outbound token override (tests, external token brokers): no call to Entra ID. */
  token?: TeamsTokenFactory;
  /** Cloud endpoints (sovereign clouds; tests point the JWKS at loopback). */
  cloud?: CloudEnvironment;
  /** SDK logger; default: the bot's pino logger. */
  sdkLogger?: ILogger;
}

export interface TeamsAdapter extends PlatformAdapter {
  name: 'teams';
  sender: TeamsSender;
  refs: TeamsRefStore;
}

export async function createTeamsAdapter(
  deps: AdapterDeps,
  opts: TeamsAdapterOptions = {},
): Promise<TeamsAdapter> {
  const c = deps.config;
  const allowUnauthenticated = c.TEAMS_ALLOW_UNAUTHENTICATED === true;
  if (allowUnauthenticated) {
    deps.logger.warn(
      { setting: 'TEAMS_ALLOW_UNAUTHENTICATED' },
      '!!! TEAMS AUTHENTICATION IS OFF: /api/messages accepts UNAUTHENTICATED requests. Anyone who can reach this server can act as any Teams user. Local testing only. !!!',
    );
  }
  if (!c.TEAMS_STAKEHOLDER_CHANNEL)
    deps.logger.warn(
      { setting: 'TEAMS_STAKEHOLDER_CHANNEL' },
      'TEAMS_STAKEHOLDER_CHANNEL is not set: stakeholder alerts, updates and closure notices reach the incident thread only',
    );
  const app = await createTeamsApp({
    expressApp: deps.express,
    allowUnauthenticated,
    logger: opts.sdkLogger ?? teamsLoggerFromPino(deps.logger as unknown as PinoLike),
    ...(c.TEAMS_CLIENT_ID ? { clientId: c.TEAMS_CLIENT_ID } : {}),
    ...(c.TEAMS_CLIENT_SECRET ? { clientSecret: c.TEAMS_CLIENT_SECRET } : {}),
    ...(c.TEAMS_TENANT_ID ? { tenantId: c.TEAMS_TENANT_ID } : {}),
    ...(opts.token ? { token: opts.token } : {}),
    ...(c.TEAMS_SERVICE_URL ? { serviceUrl: c.TEAMS_SERVICE_URL } : {}),
    ...(opts.cloud ? { cloud: opts.cloud } : {}),
  });
  const refs = new TeamsRefStore(deps.store.db);
  registerIncidentHandlers(app, {
    service: deps.service,
    store: deps.store,
    outbox: deps.outbox,
    dispatcher: deps.dispatcher,
    refs,
    admins: c.ADMIN_USERS,
    stakeholders: Boolean(c.TEAMS_STAKEHOLDER_CHANNEL),
    logger: deps.logger,
  });
  const sender = new TeamsSender({
    app,
    refs,
    service: deps.service,
    outbox: deps.outbox,
    incidentsChannel: c.TEAMS_INCIDENTS_CHANNEL,
    stakeholderChannel: c.TEAMS_STAKEHOLDER_CHANNEL,
    defaultServiceUrl: c.TEAMS_SERVICE_URL ?? 'https://smba.trafficmanager.net/teams/',
    tenantId: c.TEAMS_TENANT_ID,
    logger: deps.logger,
  });
  return {
    name: 'teams',
    sender,
    refs,
    // The express server is owned by the bot; the SDK's own start()/stop() must not be called.
    start: async () => {},
    stop: async () => {},
  };
}
