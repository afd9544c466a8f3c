// A Microsoft Graph failure and what the outbox does about it: 429 (Retry-After honoured), 408, 5xx and
// network errors are retried by the dispatcher; 401/403 are final, with the permission to grant; other 4xx
// are final. Messages carry Graph's error code and text, never a token.
import type { SendResult } from '../../../app/ports.js';

export class GraphError extends Error {
  constructor(
    message: string,
    /** HTTP status; undefined for a network error or a timeout. */
    readonly status?: number,
    readonly extra: { code?: string | undefined; retryAfterMs?: number | undefined } = {},
  ) {
    super(message);
    this.name = 'GraphError';
  }

  get code(): string | undefined {
    return this.extra.code;
  }
}

export function isGraphError(e: unknown): e is GraphError {
  return e instanceof GraphError;
}

/** A final refusal for want of permission (or credentials). */
export function isRefused(e: unknown): boolean {
  return isGraphError(e) && (e.status === 401 || e.status === 403);
}

/** True when the dispatcher should try again later. */
export function isTransient(e: unknown): boolean {
  if (!isGraphError(e)) return true;
  const s = e.status;
  return s === undefined || s === 408 || s === 429 || s >= 500;
}

/**
 * The dispatcher's answer for a Graph failure. `grant` names the permission a 401/403 calls for, e.g.
 * "Channel.Create.Group (resource-specific consent) or Channel.Create".
 */
export function graphVerdict(e: unknown, grant: string): Exclude<SendResult, { status: 'sent' }> {
  const message = (e instanceof Error ? e.message : String(e)).slice(0, 400);
  if (isTransient(e)) {
    const afterMs = isGraphError(e) ? e.extra.retryAfterMs : undefined;
    return afterMs !== undefined
      ? { status: 'retry', error: message, afterMs }
      : { status: 'retry', error: message };
  }
  if (isRefused(e))
    return { status: 'failed', error: `${message} — grant the Teams app ${grant}`.slice(0, 500) };
  return { status: 'failed', error: message };
}
