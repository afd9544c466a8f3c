// One HTTP call to a tracker with global fetch and a timeout, its answer sorted into "use it", "try again
// later" (429 with Retry-After, 5xx, timeout, network) and "give up" (401, 403, 404, other 4xx). Error
// messages name the HTTP status and what to check, never a credential.
import { TrackerError } from './tracker-client.js';

export interface TrackerResponse {
  status: number;
  headers: Headers;
  body: unknown;
}

/** What to tell people about a refusal, by status (`setting` names what to check). */
export interface Hints {
  auth: string;
  notFound: string;
}

/** The longest wait honoured (as on the actions side): a tracker asking for more is asked again then. */
export const MAX_RETRY_AFTER_MS = 60 * 60_000;

/** A wait the tracker asked for, within 0..MAX_RETRY_AFTER_MS. */
const capped = (ms: number) => Math.min(Math.max(0, ms), MAX_RETRY_AFTER_MS);

/** Retry-After (seconds, or an HTTP date) in ms, at most an hour; undefined when absent or unreadable. */
export function retryAfterMs(h: Headers, now = Date.now()): number | undefined {
  const v = h.get('retry-after');
  if (!v) return undefined;
  if (/^\d+$/.test(v.trim())) return capped(Number(v.trim()) * 1000);
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : capped(at - now);
}

/** A short reason from an error body (Jira: errorMessages/errors; GitHub: message/errors). */
function reasonOf(body: unknown): string {
  if (!body || typeof body !== 'object') return typeof body === 'string' ? body.slice(0, 200) : '';
  const b = body as Record<string, unknown>;
  const parts: string[] = [];
  if (Array.isArray(b.errorMessages)) parts.push(...b.errorMessages.map(String));
  if (b.errors && typeof b.errors === 'object' && !Array.isArray(b.errors))
    parts.push(...Object.entries(b.errors).map(([k, v]) => `${k}: ${String(v)}`));
  if (typeof b.message === 'string') parts.push(b.message);
  if (Array.isArray(b.errors))
    parts.push(...b.errors.map((e) => (typeof e === 'object' && e ? JSON.stringify(e) : String(e))));
  return parts.join('; ').replace(/\s+/g, ' ').slice(0, 200);
}

async function bodyOf(res: Response): Promise<unknown> {
  const text = await res.text();
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text.slice(0, 500);
  }
}

/** Calls the tracker; resolves with a 2xx answer, else throws a TrackerError. */
export async function trackerCall(
  url: string,
  init: { method: string; headers: Record<string, string>; body?: unknown },
  o: { timeoutMs: number; hints: Hints; rateLimited?: (r: TrackerResponse) => number | undefined },
): Promise<TrackerResponse> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: init.method,
      headers: {
        Accept: 'application/json',
        ...(init.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
        ...init.headers,
      },
      ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
      signal: AbortSignal.timeout(o.timeoutMs),
      redirect: 'error',
    });
  } catch (e) {
    const name = (e as { name?: string })?.name;
    if (name === 'TimeoutError' || name === 'AbortError')
      throw new TrackerError(`no answer within ${Math.round(o.timeoutMs / 100) / 10}s`, true);
    const code = (e as { cause?: { code?: string } })?.cause?.code;
    throw new TrackerError(`could not reach the tracker (${code ?? 'network error'})`, true);
  }
  let body: unknown;
  try {
    body = await bodyOf(res);
  } catch {
    throw new TrackerError(`the answer (HTTP ${res.status}) was cut off`, true, undefined, res.status);
  }
  const r: TrackerResponse = { status: res.status, headers: res.headers, body };
  if (res.ok) return r;
  const reason = reasonOf(body);
  const said = reason ? `: ${reason}` : '';
  // A client's own reading (GitHub's x-ratelimit-reset) is capped like Retry-After.
  const own = o.rateLimited?.(r);
  const limited = own === undefined ? undefined : capped(own);
  if (res.status === 429 || limited !== undefined)
    throw new TrackerError(
      `rate limited (HTTP ${res.status})`,
      true,
      limited ?? retryAfterMs(res.headers),
      res.status,
    );
  if (res.status >= 500)
    throw new TrackerError(
      `the tracker failed (HTTP ${res.status})`,
      true,
      retryAfterMs(res.headers),
      res.status,
    );
  if (res.status === 401)
    throw new TrackerError(`HTTP 401: the credentials were refused (${o.hints.auth})`, false, undefined, 401);
  if (res.status === 403)
    throw new TrackerError(`HTTP 403: permission denied${said} (${o.hints.auth})`, false, undefined, 403);
  if (res.status === 404)
    throw new TrackerError(`HTTP 404: not found (${o.hints.notFound})`, false, undefined, 404);
  throw new TrackerError(`HTTP ${res.status}${said}`, false, undefined, res.status);
}
