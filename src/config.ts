// over 400 lines: every setting with its schema and documentation in one table (tested against the docs).
// One zod schema reads the environment (and .env when present). Every setting is documented here;
// .env.example and the README's table are checked against this list by a test.
import { existsSync } from 'node:fs';
import { z } from 'zod';
import { ALERT_SETTINGS, alertProblems } from './config-alerts.js';
import { DATABASE_SETTINGS, databaseProblems } from './config-database.js';
import { PAGING_SETTINGS, pagingProblems } from './config-paging.js';
import { TRACKER_SETTINGS, trackerProblems } from './config-tracker.js';

export interface SettingDoc {
  name: string;
  required: string;
  default: string;
  purpose: string;
}

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const list = z.string().transform((v) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);
const opt = z
  .string()
  .transform((v) => v.trim())
  .transform((v) => (v === '' ? undefined : v))
  .optional();

export const SETTINGS = {
  NODE_ENV: {
    schema: z.enum(['development', 'production', 'test']).default('development'),
    required: 'no',
    default: 'development',
    purpose: '`production` refuses unsafe switches such as TEAMS_ALLOW_UNAUTHENTICATED.',
  },
  PORT: {
    schema: z.coerce.number().int().min(0).max(65535).default(3000),
    required: 'no',
    default: '3000',
    purpose:
      'HTTP port for Slack events (/slack/events), Teams (/api/messages), /healthz, /readyz and /metrics.',
  },
  HOST: {
    schema: z.string().default('0.0.0.0'),
    required: 'no',
    default: '0.0.0.0',
    purpose: 'Address the HTTP server listens on.',
  },
  ...DATABASE_SETTINGS,
  LOCAL_DATABASE_PATH: {
    schema: z.string().min(1).default('./data/local.db'),
    required: 'no',
    default: './data/local.db',
    purpose:
      'Local mode (no platform configured, outside production): the SQLite file for drills and rehearsals, marked local so a production start refuses it.',
  },
  PLAYBOOK_PATH: {
    schema: opt,
    required: 'no',
    default: 'playbooks/emergency-procedures.yaml',
    purpose: 'The reviewed playbook file (triggers, roles, checklist, phases, templates, clocks).',
  },
  LOG_LEVEL: {
    schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    required: 'no',
    default: 'info',
    purpose: 'pino log level.',
  },
  ADMIN_USERS: {
    schema: list.default([]),
    required: 'no',
    default: '(none)',
    purpose:
      'Comma-separated user ids with incident-commander authority on every incident (phase, close, reclassify).',
  },
  DEBRIEF_MEETING_URL: {
    schema: opt.pipe(
      z
        .url({ protocol: /^https?$/, error: 'must be an http(s) URL, e.g. https://meet.example.com/debrief' })
        .optional(),
    ),
    required: 'no',
    default: '',
    purpose:
      'Where post-incident debriefs are held (a standing Teams or Zoom meeting link, https://...): put in every debrief invitation and its calendar file.',
  },
  SLACK_BOT_TOKEN: {
    schema: opt,
    required: 'for Slack',
    default: '',
    purpose: 'Bot token (xoxb-...) from the Slack app\'s "OAuth & Permissions" page.',
  },
  SLACK_SIGNING_SECRET: {
    schema: opt,
    required: 'for Slack over HTTP',
    default: '',
    purpose: 'Signing secret from the Slack app\'s "Basic Information" page; verifies every request.',
  },
  SLACK_APP_TOKEN: {
    schema: opt,
    required: 'no',
    default: '',
    purpose:
      'App-level token (xapp-..., connections:write): when set, Slack is served over Socket Mode (no public URL).',
  },
  SLACK_API_URL: {
    schema: opt,
    required: 'no',
    default: 'https://slack.com/api/',
    purpose: 'Base URL of the Slack Web API (tests and proxies set it).',
  },
  SLACK_BOT_USER_ID: {
    schema: opt,
    required: 'no',
    default: '',
    purpose:
      "The bot's user id (U...) you expect; start-up warns when Slack's auth.test names another (Slack's answer is used).",
  },
  SLACK_BOT_ID: {
    schema: opt,
    required: 'no',
    default: '',
    purpose: 'The bot id (B...) you expect; see SLACK_BOT_USER_ID.',
  },
  SLACK_STAKEHOLDER_CHANNEL: {
    schema: opt,
    required: 'no',
    default: '',
    purpose: 'Channel id where announcements, stakeholder alerts, updates and closure notices go.',
  },
  TEAMS_CLIENT_ID: {
    schema: opt,
    required: 'for Teams',
    default: '',
    purpose: 'Microsoft Entra app (bot) id.',
  },
  TEAMS_CLIENT_SECRET: {
    schema: opt,
    required: 'for Teams',
    default: '',
    purpose: "Client secret of the bot's Entra app.",
  },
  TEAMS_TENANT_ID: {
    schema: opt,
    required: 'for Teams',
    default: '',
    purpose: 'Entra tenant id (single-tenant bots).',
  },
  TEAMS_INCIDENTS_CHANNEL: {
    schema: opt,
    required: 'no',
    default: '',
    purpose: 'Teams channel id (19:...@thread.tacv2) where each incident gets its own thread.',
  },
  TEAMS_STAKEHOLDER_CHANNEL: {
    schema: opt,
    required: 'no',
    default: '',
    purpose: 'Teams channel id for stakeholder announcements and updates.',
  },
  TEAMS_CONFIDENTIAL_CHANNEL: {
    schema: opt,
    required: 'no',
    default: '',
    purpose:
      'Private Teams channel id where confidential incidents get their thread; without it a confidential incident has no Teams room.',
  },
  TEAMS_SERVICE_URL: {
    schema: opt,
    required: 'no',
    default: 'https://smba.trafficmanager.net/teams/',
    purpose: 'Bot Connector service URL used for proactive messages before any activity was received.',
  },
  TEAMS_TEAM_ID: {
    schema: opt,
    required: 'for channel mode',
    default: '',
    purpose:
      'Channel mode: the Teams team (its group id, a GUID) where each incident gets its own channel through Microsoft Graph (needs Channel.Create.Group, see docs/teams-setup.md); unset: each incident is a thread in TEAMS_INCIDENTS_CHANNEL.',
  },
  GRAPH_API_URL: {
    schema: opt.pipe(
      z
        .url({ protocol: /^https?$/, error: 'must be an http(s) URL, e.g. https://graph.microsoft.com/v1.0' })
        .optional(),
    ),
    required: 'no',
    default: 'https://graph.microsoft.com/v1.0',
    purpose: 'Base URL of Microsoft Graph (sovereign clouds, proxies and tests set it).',
  },
  MICROSOFT_LOGIN_URL: {
    schema: opt.pipe(
      z
        .url({
          protocol: /^https?$/,
          error: 'must be an http(s) URL, e.g. https://login.microsoftonline.com',
        })
        .optional(),
    ),
    required: 'no',
    default: 'https://login.microsoftonline.com',
    purpose:
      "Microsoft Entra ID login endpoint: the bot's app tokens for Graph and for the Bot Connector come from there (sovereign clouds, proxies and tests set it).",
  },
  TEAMS_ALLOW_UNAUTHENTICATED: {
    schema: bool.default(false),
    required: 'no',
    default: 'false',
    purpose:
      'LOCAL TESTING ONLY: accept unauthenticated requests on /api/messages. Refused when NODE_ENV=production.',
  },
  AUDIT_SIGNING_KEY_FILE: {
    schema: opt,
    required: 'in production',
    default: '(development: a key next to the database)',
    purpose:
      "Ed25519 private key (PEM, PKCS#8) that signs the audit checkpoints; keep it off the database host's backups. Make one with `incident-bot audit keygen --out DIR`.",
  },
  AUDIT_CHANNEL: {
    schema: opt,
    required: 'no',
    default: '',
    purpose:
      'Channel (Slack C..., or `teams:<conversation id>`) where checkpoint digests are posted, so a copy lives outside the database.',
  },
  AUDIT_PUBLISH_MINUTES: {
    schema: z.coerce.number().int().min(1).max(1440).default(15),
    required: 'no',
    default: '15',
    purpose:
      'At most this often a checkpoint digest is posted to AUDIT_CHANNEL (and whenever an incident closes).',
  },
  REMINDER_CRON: {
    schema: z.string().default('* * * * *'),
    required: 'no',
    default: '* * * * *',
    purpose:
      'When the reminder pass looks for owed nudges (cron syntax, UTC). What is owed comes from the database.',
  },
  OUTBOX_PACE_MS: {
    schema: z.coerce.number().int().min(0).default(1000),
    required: 'no',
    default: '1000',
    purpose: 'Minimum gap between two posts to one channel (Slack allows about one per second).',
  },
  OUTBOX_LEASE_SECONDS: {
    schema: z.coerce.number().min(1).max(3600).default(30),
    required: 'no',
    default: '30',
    purpose:
      'With several replicas: how long a message one replica is delivering stays its own without renewal (renewed every third of it while the send lasts); a replica that dies holds its messages this long before another takes them over, checking first whether they were already posted.',
  },
  STARTUP_TIMEOUT_SECONDS: {
    schema: z.coerce.number().min(1).max(600).default(20),
    required: 'no',
    default: '20',
    purpose:
      'How long Slack (auth.test) and Entra ID (a bot token) may take to answer at start; no answer exits 3.',
  },
  SHUTDOWN_DRAIN_SECONDS: {
    schema: z.coerce.number().min(0).default(10),
    required: 'no',
    default: '10',
    purpose: 'On SIGTERM, how long to keep delivering the outbox before exiting.',
  },
  ACTION_TIMEOUT_SECONDS: {
    schema: z.coerce.number().min(0.1).max(120).default(10),
    required: 'no',
    default: '10',
    purpose:
      "How long one call of a playbook action's webhook (freeze deployments, master switch) may take before it counts as failed and is retried.",
  },
  ...TRACKER_SETTINGS,
  ...PAGING_SETTINGS,
  ...ALERT_SETTINGS,
} as const;

type Settings = typeof SETTINGS;
export type Config = { [K in keyof Settings]: z.output<Settings[K]['schema']> };

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
  }
}

export function settingDocs(): SettingDoc[] {
  return Object.entries(SETTINGS).map(([name, s]) => ({
    name,
    required: s.required,
    default: s.default,
    purpose: s.purpose,
  }));
}

/** Loads .env (if present) without overriding variables already set. */
export function loadDotEnv(file = '.env'): void {
  if (existsSync(file)) process.loadEnvFile(file);
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const shape = Object.fromEntries(Object.entries(SETTINGS).map(([k, s]) => [k, s.schema]));
  const r = z.object(shape).safeParse(env);
  if (!r.success) {
    const problems = r.error.issues.map((i) => {
      const name = String(i.path[0]);
      const doc = SETTINGS[name as keyof Settings];
      return `${name}: ${i.message}${doc ? ` (${doc.purpose})` : ''}`;
    });
    throw new ConfigError(problems);
  }
  const c = r.data as Config;
  const problems: string[] = [];
  if (c.TEAMS_ALLOW_UNAUTHENTICATED && c.NODE_ENV === 'production') {
    problems.push(
      'TEAMS_ALLOW_UNAUTHENTICATED=true is refused when NODE_ENV=production: it turns off request authentication.',
    );
  }
  if (c.NODE_ENV === 'production' && !c.AUDIT_SIGNING_KEY_FILE) {
    problems.push(
      'AUDIT_SIGNING_KEY_FILE is required when NODE_ENV=production: without a key kept away from the database the decision log can be rewritten unnoticed. Make one with `incident-bot audit keygen --out DIR`.',
    );
  }
  problems.push(...databaseProblems(c));
  if (c.SLACK_BOT_TOKEN && !c.SLACK_BOT_TOKEN.startsWith('xoxb-'))
    problems.push(
      `SLACK_BOT_TOKEN must be the bot token (xoxb-...) from the app's "OAuth & Permissions" page${c.SLACK_BOT_TOKEN.startsWith('xapp-') ? '; xapp-... is the app-level token, for SLACK_APP_TOKEN' : ''}.`,
    );
  if (c.SLACK_APP_TOKEN && !c.SLACK_APP_TOKEN.startsWith('xapp-'))
    problems.push(
      'SLACK_APP_TOKEN must be an app-level token (xapp-..., with connections:write) from the app\'s "Basic Information" page.',
    );
  if (c.TEAMS_CLIENT_ID && !c.TEAMS_TENANT_ID)
    problems.push(`TEAMS_TENANT_ID is missing: ${SETTINGS.TEAMS_TENANT_ID.purpose}`);
  if (c.SLACK_BOT_TOKEN && !c.SLACK_APP_TOKEN && !c.SLACK_SIGNING_SECRET) {
    problems.push(`SLACK_SIGNING_SECRET is missing: ${SETTINGS.SLACK_SIGNING_SECRET.purpose}`);
  }
  if (!c.SLACK_BOT_TOKEN && (c.SLACK_SIGNING_SECRET || c.SLACK_APP_TOKEN)) {
    problems.push(`SLACK_BOT_TOKEN is missing: ${SETTINGS.SLACK_BOT_TOKEN.purpose}`);
  }
  const teamsAny = c.TEAMS_CLIENT_ID || c.TEAMS_CLIENT_SECRET;
  if (teamsAny && !(c.TEAMS_CLIENT_ID && c.TEAMS_CLIENT_SECRET)) {
    for (const k of ['TEAMS_CLIENT_ID', 'TEAMS_CLIENT_SECRET'] as const) {
      if (!c[k]) problems.push(`${k} is missing: ${SETTINGS[k].purpose}`);
    }
  }
  const audit = auditChannelOf(c);
  if (audit && !(audit.platform === 'slack' ? slackEnabled(c) : teamsEnabled(c)))
    problems.push(
      `AUDIT_CHANNEL names a ${audit.platform === 'slack' ? 'Slack' : 'Teams'} channel, but ${audit.platform === 'slack' ? 'Slack' : 'Teams'} is not configured.`,
    );
  problems.push(...trackerProblems(c));
  problems.push(...pagingProblems(c));
  problems.push(...alertProblems(c, { slack: slackEnabled(c), teams: teamsEnabled(c) }));
  if (problems.length) throw new ConfigError(problems);
  return c;
}

/** Where checkpoint digests are posted: `teams:<id>`, `slack:<id>`, or a bare id on the one platform configured (Slack when both are). */
export function auditChannelOf(c: Config): { platform: 'slack' | 'teams'; id: string } | null {
  const v = c.AUDIT_CHANNEL;
  if (!v) return null;
  const m = /^(slack|teams):(.+)$/.exec(v);
  if (m) return { platform: m[1] as 'slack' | 'teams', id: m[2]! };
  return { platform: slackEnabled(c) || !teamsEnabled(c) ? 'slack' : 'teams', id: v };
}

export function slackEnabled(c: Config): boolean {
  return Boolean(c.SLACK_BOT_TOKEN && (c.SLACK_SIGNING_SECRET || c.SLACK_APP_TOKEN));
}

export function teamsEnabled(c: Config): boolean {
  return Boolean((c.TEAMS_CLIENT_ID && c.TEAMS_CLIENT_SECRET) || c.TEAMS_ALLOW_UNAUTHENTICATED);
}

/**
 * Local mode: no chat platform is configured and this is not production. The bot then serves the local
 * console on its own database, on loopback unless HOST was set on purpose.
 */
export function localMode(c: Config, env: NodeJS.ProcessEnv = process.env): Config | null {
  if (slackEnabled(c) || teamsEnabled(c) || c.NODE_ENV === 'production') return null;
  return {
    ...c,
    DATABASE_PATH: c.LOCAL_DATABASE_PATH,
    // Rehearsals never touch the shared database: local mode is SQLite only (see localModeIgnores).
    DATABASE_URL: undefined,
    HOST: env.HOST?.trim() ? c.HOST : '127.0.0.1',
    // The one line with the address is what a newcomer needs to see; the logs are there when asked for.
    LOG_LEVEL: env.LOG_LEVEL?.trim() ? c.LOG_LEVEL : 'warn',
    // Pacing is for Slack's rate limits; the console delivers at once.
    OUTBOX_PACE_MS: env.OUTBOX_PACE_MS?.trim() ? c.OUTBOX_PACE_MS : 0,
  };
}

/**
 * What local mode says when DATABASE_URL is set: it is ignored, not refused. Local mode already leaves
 * DATABASE_PATH alone for its own LOCAL_DATABASE_PATH, so a .env copied from a deployment opens the console
 * on a local file rather than putting drills into the firm's PostgreSQL database, and still starts.
 */
export function localModeIgnores(c: Config): string | null {
  return c.DATABASE_URL
    ? `incident-bot: local mode ignores DATABASE_URL (it stays on its own SQLite file, ${c.LOCAL_DATABASE_PATH}, so drills never reach the shared database). Configure Slack or Teams to run on PostgreSQL.`
    : null;
}

/** The one line local mode prints. */
export function localModeLine(url: string): string {
  return `incident-bot: local mode (no Slack or Teams configured): open ${url} — to connect Slack or Teams instead, see "Connect Slack" / "Connect Teams" in the README.`;
}

/** What a newcomer sees when nothing is configured in production. */
export const NOTHING_CONFIGURED = [
  'incident-bot: no chat platform is configured, so there is nothing to serve.',
  'Missing: SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (Slack), or TEAMS_CLIENT_ID, TEAMS_CLIENT_SECRET and TEAMS_TENANT_ID (Teams).',
  '',
  'To fix it:',
  '  1. Create the Slack app from slack/manifest.json (https://api.slack.com/apps -> Create New App -> From a manifest).',
  '  2. Copy .env.example to .env and put the Bot token (xoxb-...) and the Signing secret in it.',
  '  3. Start again: npm start',
  '',
  'Outside production (NODE_ENV is not production), npm start with nothing configured opens the local console instead.',
].join('\n');
