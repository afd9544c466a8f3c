// Microsoft Teams as a platform: the Teams SDK v2 App on the shared express app (`POST /api/messages`,
// Bot Framework JWT auth ON unless allowUnauthenticated), the handlers, and the outbox Sender that talks
// to the Bot Connector.
import { type CloudEnvironment, PUBLIC, withOverrides } from '@microsoft/teams.api';
import type { ILogger } from '@microsoft/teams.common';
import type { PlatformAdapter, PlatformDeps } from '../platform.js';
import { TeamsAlertPromptSender } from './alert-prompt-sender.js';
import { teamsContext } from './context.js';
import { TeamsChannelRooms } from './graph/channel-room.js';
import { TeamChannels } from './graph/channels.js';
import { GraphClient } from './graph/client.js';
import { ChannelDrive } from './graph/drive-files.js';
import { GraphToken } from './graph/token.js';
import { registerCardActions } from './handlers/card-actions.js';
import { registerDialogs } from './handlers/dialogs.js';
import { registerMembership } from './handlers/membership.js';
import { registerMessages } from './handlers/messages.js';
import { registerPeopleSearch } from './handlers/people-search.js';
import { registerRecord } from './handlers/record.js';
import { registerRemember } from './handlers/remember.js';
import type { TeamsRefs } from './refs.js';
import {
  createTeamsApp,
  type PinoLike,
  type TeamsTokenFactory,
  teamsLoggerFromPino,
  verifyTeamsToken,
} from './teams-app.js';
import { TeamsSender } from './teams-sender.js';

export interface TeamsSettings {
  clientId?: string;
  clientSecret?: string;
  tenantId?: string;
  /** Local testing only: /api/messages without authentication (refused in production by the config). */
  allowUnauthenticated: boolean;
  serviceUrl?: string;
  incidentsChannel?: string;
  stakeholderChannel?: string;
  auditChannel?: string;
  confidentialChannel?: string;
  /** Outbound token override (tests, external token brokers): no call to Entra ID. */
  token?: TeamsTokenFactory;
  /** Cloud endpoints (sovereign clouds; tests point the JWKS at loopback). */
  cloud?: CloudEnvironment;
  /** SDK logger; default: the bot's logger. */
  sdkLogger?: ILogger;
  /** How long Entra ID may take to issue the first token at start (STARTUP_TIMEOUT_SECONDS). */
  startupTimeoutMs?: number;
  /** Channel mode (TEAMS_TEAM_ID): each incident gets its own channel in this team through Graph. */
  teamId?: string;
  /** GRAPH_API_URL (default https://graph.microsoft.com/v1.0). */
  graphApiUrl?: string;
  /** MICROSOFT_LOGIN_URL: Entra ID for the Graph token and the SDK's Bot Connector token. */
  loginUrl?: string;
}

export interface TeamsAdapter extends PlatformAdapter {
  name: 'teams';
  sender: TeamsSender;
  refs: TeamsRefs;
}

export async function createTeamsAdapter(
  deps: PlatformDeps & { teamsRefs: TeamsRefs },
  s: TeamsSettings,
): Promise<TeamsAdapter> {
  if (s.allowUnauthenticated)
    deps.logger.warn(
      { setting: 'TEAMS_ALLOW_UNAUTHENTICATED' },
      '!!! TEAMS AUTHENTICATION IS OFF: /api/messages accepts UNAUTHENTICATED requests. Anyone who can reach this server can act as any Teams user. Local testing only. !!!',
    );
  if (!s.stakeholderChannel)
    deps.logger.warn(
      { setting: 'TEAMS_STAKEHOLDER_CHANNEL' },
      'TEAMS_STAKEHOLDER_CHANNEL is not set: stakeholder alerts, updates and closure notices reach the incident thread only',
    );
  const teams = await createTeamsApp({
    expressApp: deps.express,
    allowUnauthenticated: s.allowUnauthenticated,
    logger: s.sdkLogger ?? teamsLoggerFromPino(deps.logger as unknown as PinoLike),
    ...(s.clientId ? { clientId: s.clientId } : {}),
    ...(s.clientSecret ? { clientSecret: s.clientSecret } : {}),
    ...(s.tenantId ? { tenantId: s.tenantId } : {}),
    ...(s.token ? { token: s.token } : {}),
    ...(s.serviceUrl ? { serviceUrl: s.serviceUrl } : {}),
    ...(cloudOf(s) ? { cloud: cloudOf(s) } : {}),
  });
  const refs = deps.teamsRefs;
  const ctx = teamsContext({
    app: deps.app,
    refs,
    logger: deps.logger,
    stakeholders: Boolean(s.stakeholderChannel),
  });
  const graph = channelGraphOf(deps, s);
  if (graph) ctx.files = { graph: graph.client };
  registerRemember(teams, ctx);
  registerMembership(teams, ctx);
  registerMessages(teams, ctx);
  registerCardActions(teams, ctx);
  registerDialogs(teams, ctx);
  registerRecord(teams, ctx);
  registerPeopleSearch(teams, ctx);
  // Credentials are proven at start, after the handlers exist (local unauthenticated mode without an app id
  // has none to prove). The bot answers 503 on /api/messages until every platform has answered.
  const verified =
    s.clientId || s.token
      ? await verifyTeamsToken(teams, s.startupTimeoutMs ?? 20_000)
      : 'no credentials (TEAMS_ALLOW_UNAUTHENTICATED, local testing only)';
  const sender = new TeamsSender({
    app: teams,
    ctx,
    refs,
    messageRefs: deps.refs,
    incidentsChannel: s.incidentsChannel,
    stakeholderChannel: s.stakeholderChannel,
    auditChannel: s.auditChannel,
    confidentialChannel: s.confidentialChannel,
    defaultServiceUrl: s.serviceUrl ?? 'https://smba.trafficmanager.net/teams/',
    tenantId: s.tenantId,
    logger: deps.logger,
    channelRooms: graph?.rooms,
    channelDrive: graph ? new ChannelDrive(graph.client) : undefined,
  });
  // The express server is owned by the bot; the SDK's own start()/stop() must not be called.
  const alertSender = new TeamsAlertPromptSender({
    app: teams,
    refs,
    messageRefs: deps.refs,
    nameOf: ctx.nameOf,
    defaultServiceUrl: s.serviceUrl ?? 'https://smba.trafficmanager.net/teams/',
    ...(s.tenantId ? { tenantId: s.tenantId } : {}),
  });
  return { name: 'teams', sender, alertSender, refs, verified, start: async () => {}, stop: async () => {} };
}

/** The SDK's cloud, its login endpoint moved to MICROSOFT_LOGIN_URL when that is set (MSAL wants https). */
function cloudOf(s: TeamsSettings): CloudEnvironment | undefined {
  const login = s.loginUrl?.replace(/\/+$/, '');
  if (!login || login === PUBLIC.loginEndpoint) return s.cloud;
  return withOverrides(s.cloud ?? PUBLIC, { loginEndpoint: login });
}

/** Channel mode's Graph side, when a team id and the app's credentials are configured. */
function channelGraphOf(
  deps: PlatformDeps,
  s: TeamsSettings,
): { rooms: TeamsChannelRooms; client: GraphClient } | undefined {
  if (!s.teamId) return undefined;
  if (!(s.clientId && s.clientSecret && s.tenantId)) {
    deps.logger.warn(
      { setting: 'TEAMS_TEAM_ID' },
      'TEAMS_TEAM_ID is set but the Graph token needs TEAMS_CLIENT_ID, TEAMS_CLIENT_SECRET and TEAMS_TENANT_ID: each incident gets a thread instead',
    );
    return undefined;
  }
  const baseUrl = s.graphApiUrl ?? 'https://graph.microsoft.com/v1.0';
  const token = new GraphToken({
    loginUrl: s.loginUrl ?? PUBLIC.loginEndpoint,
    tenantId: s.tenantId,
    clientId: s.clientId,
    clientSecret: s.clientSecret,
  });
  const client = new GraphClient({ baseUrl, token });
  const rooms = new TeamsChannelRooms({
    channels: new TeamChannels(client, baseUrl),
    teamId: s.teamId,
    refs: deps.refs,
    logger: deps.logger,
  });
  return { rooms, client };
}
