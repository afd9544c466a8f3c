// The settings of the alert intake (POST /webhooks/alertmanager and /webhooks/grafana) and their checks.
// Part of src/config.ts's schema (spread into SETTINGS); kept apart so config.ts stays readable. Without
// ALERT_WEBHOOK_TOKEN the endpoints are not mounted at all: an unauthenticated intake is never served.
import { z } from 'zod';

const opt = z
  .string()
  .transform((v) => v.trim())
  .transform((v) => (v === '' ? undefined : v))
  .optional();

export const ALERT_SETTINGS = {
  ALERT_WEBHOOK_TOKEN: {
    schema: opt,
    required: 'for alerts',
    default: '',
    purpose:
      'Bearer token Alertmanager (http_config.authorization.credentials) and Grafana (contact point: Authorization header) send to /webhooks/alertmanager and /webhooks/grafana; at least 16 characters (32 in production). Setting it turns the alert intake on.',
  },
  ALERTS_CHANNEL: {
    schema: opt,
    required: 'for alerts',
    default: '',
    purpose:
      'Channel (Slack channel id, or Teams channel conversation id) where alert prompts are posted; alerts no playbook rule matches go here, never dropped.',
  },
  ALERTS_PLATFORM: {
    schema: z
      .enum(['slack', 'teams', ''], { error: 'must be slack or teams' })
      .transform((v) => (v === '' ? undefined : v))
      .optional(),
    required: 'when both platforms are on',
    default: 'the one platform enabled',
    purpose: 'Which chat platform alert prompts are posted on (slack or teams).',
  },
  ALERT_WEBHOOK_MAX_BYTES: {
    schema: z.coerce.number().int().min(1024).max(10_485_760).default(262_144),
    required: 'no',
    default: '262144',
    purpose: 'Largest alert webhook body accepted (bytes); a larger one is answered 413.',
  },
  ALERT_MAX_NEW_GROUPS_PER_MINUTE: {
    schema: z.coerce.number().int().min(0).max(100_000).default(60),
    required: 'no',
    default: '60',
    purpose:
      'New alert groups (each a new prompt) accepted per minute; beyond it a notification is answered 503 with Retry-After, and Alertmanager and Grafana send it again later. Groups of a `declare` or `severe` rule, and alerts firing again into an open incident, are never refused nor counted. 0: no limit.',
  },
} as const;

type AlertSettings = typeof ALERT_SETTINGS;
export type AlertConfig = { [K in keyof AlertSettings]: z.output<AlertSettings[K]['schema']> } & {
  NODE_ENV: string;
};

/** What is wrong with the alert settings (each problem one sentence naming the setting). */
export function alertProblems(c: AlertConfig, enabled: { slack: boolean; teams: boolean }): string[] {
  const problems: string[] = [];
  const token = c.ALERT_WEBHOOK_TOKEN;
  if (!token) return problems;
  const min = c.NODE_ENV === 'production' ? 32 : 16;
  if (token.length < min)
    problems.push(
      `ALERT_WEBHOOK_TOKEN must be at least ${min} characters${min === 32 ? ' when NODE_ENV=production' : ''} (e.g. \`openssl rand -hex 32\`).`,
    );
  if (!c.ALERTS_CHANNEL)
    problems.push(
      'ALERTS_CHANNEL is missing: with ALERT_WEBHOOK_TOKEN set, alerts need a channel to be prompted in (alerts no rule matches go there).',
    );
  if (c.ALERTS_PLATFORM && !enabled[c.ALERTS_PLATFORM])
    problems.push(
      `ALERTS_PLATFORM is ${c.ALERTS_PLATFORM}, but ${c.ALERTS_PLATFORM === 'slack' ? 'Slack' : 'Teams'} is not configured.`,
    );
  if (!c.ALERTS_PLATFORM && enabled.slack && enabled.teams)
    problems.push(
      'ALERTS_PLATFORM is missing: both Slack and Teams are on, so say which one alert prompts go to.',
    );
  return problems;
}

/** The intake's settings once readConfig accepted them, or null when it is off (no token, or no platform). */
export function alertIntakeOf(
  c: AlertConfig,
  enabled: { slack: boolean; teams: boolean },
): {
  token: string;
  channel: string;
  platform: 'slack' | 'teams';
  maxBytes: number;
  maxNewGroupsPerMinute: number;
} | null {
  if (!c.ALERT_WEBHOOK_TOKEN || !c.ALERTS_CHANNEL) return null;
  const platform = c.ALERTS_PLATFORM ?? (enabled.slack ? 'slack' : enabled.teams ? 'teams' : null);
  if (!platform) return null;
  return {
    token: c.ALERT_WEBHOOK_TOKEN,
    channel: c.ALERTS_CHANNEL,
    platform,
    maxBytes: c.ALERT_WEBHOOK_MAX_BYTES,
    maxNewGroupsPerMinute: c.ALERT_MAX_NEW_GROUPS_PER_MINUTE,
  };
}
