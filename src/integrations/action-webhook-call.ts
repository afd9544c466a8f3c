// One call of a playbook action's webhook with global fetch and a timeout, its answer sorted into success
// (2xx), "try again" (408, 429 with its Retry-After, 5xx, a timeout, a network error) and "give up" (any other
// status, a redirect). Nothing here is logged: the url may hold a secret in its query and the headers do.

import type { SendResult } from '../app/ports.js';

/** What one call came to. */
export interface CallResult {
  ok: boolean;
  /** Try again later (the outbox retries with backoff, or after `retryAfterMs`). */
  retry: boolean;
  /** HTTP status; 0 when there was none. */
  status: number;
  /** The start of the answer's body (at most 500 characters, control characters dropped). */
  excerpt: string;
  /** A few words for people: "HTTP 503", "timed out after 10 s", "connection refused". */
  error?: string;
  retryAfterMs?: number;
  latencyMs: number;
}

/** The longest Retry-After honoured: a system asking for more is asked again then. */
const MAX_RETRY_AFTER_MS = 60 * 60_000;
const EXCERPT = 500;

/** Retry-After (seconds, or an HTTP date) in ms; undefined when absent or unreadable. */
export function parseRetryAfter(v: string | null, now = Date.now()): number | undefined {
  if (!v) return undefined;
  const t = v.trim();
  const ms = /^\d+$/.test(t) ? Number(t) * 1000 : Date.parse(t) - now;
  return Number.isNaN(ms) ? undefined : Math.min(Math.max(0, ms), MAX_RETRY_AFTER_MS);
}

/** The first `max` characters of a body, read without taking in the rest of it. */
async function excerptOf(res: Response, max = EXCERPT): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  try {
    while (text.length < max * 4) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
  } catch {
    /* a body cut short: keep what came */
  } finally {
    reader.cancel().catch(() => undefined);
  }
  return text
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, '')
    .trim()
    .slice(0, max);
}

/** Why a fetch threw, in a few words (never the url). */
function networkError(e: unknown, timeoutMs: number): string {
  const err = e as { name?: string; cause?: { code?: string } };
  if (err?.name === 'TimeoutError' || err?.name === 'AbortError')
    return `timed out after ${Math.round(timeoutMs / 100) / 10} s`;
  const code = err?.cause?.code;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ENOTFOUND') return 'host not found';
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return 'connection reset';
  return code ? `network error (${code})` : 'network error';
}

export async function callWebhook(
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string },
  o: { timeoutMs: number; fetch?: typeof fetch },
): Promise<CallResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  let res: Response;
  try {
    res = await (o.fetch ?? fetch)(url, {
      method: init.method,
      headers: init.headers,
      ...(init.body !== undefined ? { body: init.body } : {}),
      // a redirect would carry the headers (credentials) elsewhere: the playbook names the final address
      redirect: 'manual',
      signal: AbortSignal.timeout(o.timeoutMs),
    });
  } catch (e) {
    return {
      ok: false,
      retry: true,
      status: 0,
      excerpt: '',
      error: networkError(e, o.timeoutMs),
      latencyMs: elapsed(),
    };
  }
  let excerpt = '';
  try {
    excerpt = await excerptOf(res);
  } catch {
    excerpt = '';
  }
  const latencyMs = elapsed();
  const status = res.status;
  if (status >= 200 && status < 300) return { ok: true, retry: false, status, excerpt, latencyMs };
  const retry = status === 408 || status === 429 || status >= 500;
  const after =
    status === 429 || status === 503 ? parseRetryAfter(res.headers.get('retry-after')) : undefined;
  const error =
    status >= 300 && status < 400
      ? `HTTP ${status}: redirected; set the url to the final address`
      : `HTTP ${status}${res.statusText ? ` ${res.statusText}` : ''}`;
  return {
    ok: false,
    retry,
    status,
    excerpt,
    error: error.slice(0, 120),
    latencyMs,
    ...(after !== undefined ? { retryAfterMs: after } : {}),
  };
}

/**
 * What one answer of an outside call means for its outbox row: final (done, refused, or the last try) or to be
 * retried, and the error people read ("…; given up after N attempts" when the retries ran out).
 */
export function callOutcome(
  r: Pick<CallResult, 'ok' | 'retry' | 'error'>,
  attempt: number,
  last: boolean,
): { final: boolean; error?: string } {
  const final = r.ok || !r.retry || last;
  if (r.ok) return { final };
  return { final, error: last && r.retry ? `${r.error}; given up after ${attempt} attempts` : r.error };
}

/** The row's send result for that answer: sent (with `sent`), given up, or retried (after `afterMs`). */
export function rowResult(
  o: { ok: boolean; final: boolean; error?: string; afterMs?: number | undefined },
  sent: Record<string, unknown>,
): SendResult {
  if (o.ok) return { status: 'sent', result: sent };
  if (o.final) return { status: 'failed', error: o.error ?? 'failed' };
  return {
    status: 'retry',
    error: o.error ?? 'failed',
    ...(o.afterMs !== undefined ? { afterMs: o.afterMs } : {}),
  };
}
