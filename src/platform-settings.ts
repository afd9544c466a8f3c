// What each chat platform's adapter is built with, from the configuration (the composition root's share of
// it that is only a mapping: settings names to adapter options).
import { auditChannelOf, type Config } from './config.js';
import type { SlackSettings } from './platforms/slack/slack-adapter.js';
import type { TeamsSettings } from './platforms/teams/teams-adapter.js';

/** The Slack settings from the configuration. */
export function slackSettings(config: Config): SlackSettings {
  const auditChannel = auditChannelOf(config);
  return {
    botToken: config.SLACK_BOT_TOKEN!,
    ...(config.SLACK_SIGNING_SECRET ? { signingSecret: config.SLACK_SIGNING_SECRET } : {}),
    ...(config.SLACK_APP_TOKEN ? { appToken: config.SLACK_APP_TOKEN } : {}),
    ...(config.SLACK_API_URL ? { apiUrl: config.SLACK_API_URL } : {}),
    ...(config.SLACK_BOT_ID ? { botId: config.SLACK_BOT_ID } : {}),
    ...(config.SLACK_BOT_USER_ID ? { botUserId: config.SLACK_BOT_USER_ID } : {}),
    ...(config.SLACK_STAKEHOLDER_CHANNEL ? { stakeholderChannel: config.SLACK_STAKEHOLDER_CHANNEL } : {}),
    ...(auditChannel?.platform === 'slack' ? { auditChannel: auditChannel.id } : {}),
    startupTimeoutMs: config.STARTUP_TIMEOUT_SECONDS * 1000,
  };
}

/** The Teams settings from the configuration. */
export function teamsSettings(c: Config): TeamsSettings {
  return {
    allowUnauthenticated: c.TEAMS_ALLOW_UNAUTHENTICATED === true,
    ...(c.TEAMS_CLIENT_ID ? { clientId: c.TEAMS_CLIENT_ID } : {}),
    ...(c.TEAMS_CLIENT_SECRET ? { clientSecret: c.TEAMS_CLIENT_SECRET } : {}),
    ...(c.TEAMS_TENANT_ID ? { tenantId: c.TEAMS_TENANT_ID } : {}),
    ...(c.TEAMS_SERVICE_URL ? { serviceUrl: c.TEAMS_SERVICE_URL } : {}),
    ...(c.TEAMS_INCIDENTS_CHANNEL ? { incidentsChannel: c.TEAMS_INCIDENTS_CHANNEL } : {}),
    ...(c.TEAMS_STAKEHOLDER_CHANNEL ? { stakeholderChannel: c.TEAMS_STAKEHOLDER_CHANNEL } : {}),
    ...(c.TEAMS_CONFIDENTIAL_CHANNEL ? { confidentialChannel: c.TEAMS_CONFIDENTIAL_CHANNEL } : {}),
    ...(c.TEAMS_TEAM_ID ? { teamId: c.TEAMS_TEAM_ID } : {}),
    ...(c.GRAPH_API_URL ? { graphApiUrl: c.GRAPH_API_URL } : {}),
    ...(c.MICROSOFT_LOGIN_URL ? { loginUrl: c.MICROSOFT_LOGIN_URL } : {}),
    startupTimeoutMs: c.STARTUP_TIMEOUT_SECONDS * 1000,
    ...(auditChannelOf(c)?.platform === 'teams' ? { auditChannel: auditChannelOf(c)!.id } : {}),
  };
}
