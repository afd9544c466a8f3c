// POST /webhooks/alertmanager and /webhooks/grafana as answers, framework-free (ops/start-alerts.ts mounts
// them on the bot's express server). In this order: the bearer token (compared in constant time; 401 with
// WWW-Authenticate), the body's size (413, enforced while reading it), its JSON and shape (400 with a short
// reason, never a stack), then the intake, which stores the notification and queues the prompt in one
// transaction and answers at once (the prompt is posted by the outbox, not in the request).
import { createHash, timingSafeEqual } from 'node:crypto';
import { AlertFloodError, type AlertIntake } from '../../app/alert-intake.js';
import type { AppLogger } from '../../app/ports.js';
import type { AlertNotification, AlertSource } from '../../domain/alert-group.js';
import { withoutControlsDeep } from '../../domain/text.js';
import { parseAlertmanager } from './alertmanager-payload.js';
import { parseGrafana } from './grafana-payload.js';
import type { ParseResult } from './payload-kit.js';

export const ALERT_WEBHOOK_PATHS = ['/webhooks/alertmanager', '/webhooks/grafana'] as const;

/** The raw body kept as evidence with each notification (the decision log keeps the same, cut again). */
export const RAW_EVIDENCE_LIMIT = 16_000;

export interface WebhookAnswer {
  status: number;
  headers?: Record<string, string>;
  json: Record<string, unknown>;
}

/** C0 control characters but JSON's whitespace (tab, newline, carriage return). */
const RAW_CONTROLS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g;

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/** Whether the request carries `Authorization: Bearer <token>`; equal-length digests, compared in constant time. */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer[ ]+(.+)$/i.exec(header?.trim() ?? '');
  const given = m?.[1]?.trim() ?? '';
  return timingSafeEqual(digest(given), digest(token)) && given.length > 0;
}

/** The 401 for a request without the token (null: it may go on). Checked before the body is read. */
export function unauthorized(authorization: string | undefined, token: string): WebhookAnswer | null {
  if (bearerMatches(authorization, token)) return null;
  return {
    status: 401,
    headers: { 'WWW-Authenticate': 'Bearer realm="incident-bot alerts"' },
    json: { ok: false, error: 'missing or wrong bearer token (ALERT_WEBHOOK_TOKEN)' },
  };
}

export function tooLarge(maxBytes: number): WebhookAnswer {
  return {
    status: 413,
    json: { ok: false, error: `the body is larger than ${maxBytes} bytes (ALERT_WEBHOOK_MAX_BYTES)` },
  };
}

const PARSERS: Record<AlertSource, (body: unknown, raw: string) => ParseResult<AlertNotification>> = {
  alertmanager: parseAlertmanager,
  grafana: parseGrafana,
};

/** The answer to an authenticated body of `source`'s webhook. */
export function alertWebhookAnswer(
  o: { intake: Pick<AlertIntake, 'receive'>; logger: AppLogger },
  source: AlertSource,
  body: Buffer,
): WebhookAnswer {
  // A raw control character is never valid JSON (a string must escape it): dropped rather than refused, so a
  // sender's stray NUL costs nothing. An escaped one (\u0000) leaves every parsed string, keys too: NUL cannot
  // be stored on PostgreSQL, nor a group's state holding its escape be read (both databases alike). The raw
  // body kept as evidence may still hold the escape as six plain characters, which PostgreSQL's text takes.
  const text = body.toString('utf8').replace(RAW_CONTROLS, '');
  let json: unknown;
  try {
    json = withoutControlsDeep(JSON.parse(text));
  } catch {
    return { status: 400, json: { ok: false, error: 'the body is not JSON' } };
  }
  const parsed = PARSERS[source](json, text.slice(0, RAW_EVIDENCE_LIMIT));
  if (!parsed.ok) return { status: 400, json: { ok: false, error: parsed.reason } };
  try {
    const r = o.intake.receive(parsed.value);
    return {
      status: 200,
      json: { ok: true, alert: r.alert, ...(r.incident ? { incident: r.incident } : {}) },
    };
  } catch (e) {
    // Stored nothing (one transaction): the sender retries (Alertmanager and Grafana do on a 5xx).
    if (e instanceof AlertFloodError) {
      o.logger.warn(
        { source, groupKey: parsed.value.groupKey.slice(0, 200), limit: e.limit },
        'alert flood: new alert group refused for now (ALERT_MAX_NEW_GROUPS_PER_MINUTE); the sender retries',
      );
      return {
        status: 503,
        headers: { 'Retry-After': String(e.retryAfterSeconds) },
        json: { ok: false, error: `${e.message}; try again later` },
      };
    }
    o.logger.error({ err: e, source }, 'alert notification not stored');
    return {
      status: 503,
      headers: { 'Retry-After': '5' },
      json: { ok: false, error: 'could not store the alert; try again' },
    };
  }
}
