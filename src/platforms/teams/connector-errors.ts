// A Bot Connector failure as the dispatcher's answer: retried (with the Retry-After it asked for) or given up.
import type { SendResult } from '../../app/ports.js';

/** Maps a Bot Connector failure to the dispatcher's retry / failed answer. */
export function classifyError(e: unknown): Exclude<SendResult, { status: 'sent' }> {
  const err = e as {
    response?: { status?: number; headers?: Record<string, unknown> & { get?: (k: string) => unknown } };
    code?: string;
    message?: string;
  };
  const status = err?.response?.status;
  const message = `${status ? `HTTP ${status}: ` : ''}${err?.message ?? String(e)}`.slice(0, 400);
  if (status === undefined) return { status: 'retry', error: message };
  if ([408, 412, 429, 500, 502, 503, 504].includes(status)) {
    const afterMs = retryAfterMs(err.response?.headers);
    return afterMs !== undefined
      ? { status: 'retry', error: message, afterMs }
      : { status: 'retry', error: message };
  }
  return { status: 'failed', error: message };
}

function retryAfterMs(headers: Record<string, unknown> | undefined): number | undefined {
  if (!headers) return undefined;
  const raw =
    typeof (headers as { get?: unknown }).get === 'function'
      ? (headers as { get(k: string): unknown }).get('retry-after')
      : (headers['retry-after'] ?? headers['Retry-After']);
  if (raw === undefined || raw === null || raw === '') return undefined;
  const n = Number(raw);
  if (Number.isFinite(n)) return Math.max(0, n * 1000);
  const at = Date.parse(String(raw));
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}
