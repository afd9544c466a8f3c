// Slack Web API errors as the outbox dispatcher's verdicts: rate limits, 5xx and network errors are
// retried (honouring Retry-After), the rest fail. The WebClient itself never retries (retries: 0,
// rejectRateLimitedCalls: true): the dispatcher owns retries.
import type { SendResult } from '../../app/ports.js';

const RETRYABLE_PLATFORM = new Set([
  'ratelimited',
  'rate_limited',
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
  'team_added_to_org',
]);

/** Errors of conversations.create after which retrying is pointless: fall back to the declaring channel. */
interface SlackErr {
  code?: string;
  data?: { error?: string };
  statusCode?: number;
  headers?: Record<string, string>;
  retryAfter?: number;
  message?: string;
}

/** The Slack `error` string of a WebClient error, or a synthetic one (`http_503`, `rate_limited`, `request_error`). */
export function slackError(e: unknown): string {
  const err = (e ?? {}) as SlackErr;
  if (err.code === 'slack_webapi_platform_error') return err.data?.error ?? 'unknown_error';
  if (err.code === 'slack_webapi_rate_limited_error') return 'ratelimited';
  if (err.code === 'slack_webapi_http_error') return `http_${err.statusCode ?? 0}`;
  if (err.code === 'slack_webapi_request_error') return 'request_error';
  return err.message ?? String(e);
}

/** Maps a WebClient error to the dispatcher's verdict. */
export function classifySlackError(e: unknown): Extract<SendResult, { status: 'retry' | 'failed' }> {
  const err = (e ?? {}) as SlackErr;
  const error = slackError(e);
  if (err.code === 'slack_webapi_rate_limited_error') {
    return { status: 'retry', error, afterMs: Math.max(0, (err.retryAfter ?? 1) * 1000) };
  }
  if (err.code === 'slack_webapi_http_error') {
    const status = err.statusCode ?? 0;
    if (status === 429) {
      const ra = Number(err.headers?.['retry-after'] ?? err.headers?.['Retry-After'] ?? 1);
      return { status: 'retry', error, afterMs: Number.isFinite(ra) ? Math.max(0, ra * 1000) : 1000 };
    }
    if (status >= 500 || status === 408) return { status: 'retry', error };
    return { status: 'failed', error };
  }
  if (err.code === 'slack_webapi_request_error') return { status: 'retry', error };
  if (err.code === 'slack_webapi_platform_error') {
    if (RETRYABLE_PLATFORM.has(error)) return { status: 'retry', error };
    return { status: 'failed', error };
  }
  // Anything else (a bug, a timeout without a code): let the dispatcher back off and try again.
  return { status: 'retry', error };
}
