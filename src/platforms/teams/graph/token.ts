// The bot's app-only token for Microsoft Graph: OAuth 2.0 client credentials against
// `{MICROSOFT_LOGIN_URL}/{tenant}/oauth2/v2.0/token`, scope https://graph.microsoft.com/.default. Plain
// fetch (no MSAL, no Graph SDK): one POST, and tests point it at a fake on loopback over http. The token
// is cached until a few minutes before it expires; it is never logged nor put in an error message.
import { GraphError } from './errors.js';

export interface GraphTokenOptions {
  /** https://login.microsoftonline.com (MICROSOFT_LOGIN_URL). */
  loginUrl: string;
  tenantId: string;
  clientId: string;
  clientSecret: string;
  scope?: string;
  fetch?: typeof fetch;
  /** Milliseconds since the epoch (tests). */
  now?: () => number;
  timeoutMs?: number;
}

/** Renewed this long before Entra ID says it expires (clock skew, a slow request). */
const EARLY_MS = 5 * 60_000;

export class GraphToken {
  private cached: { token: string; until: number } | null = null;
  private pending: Promise<string> | null = null;

  constructor(private readonly o: GraphTokenOptions) {}

  async get(): Promise<string> {
    const now = (this.o.now ?? Date.now)();
    if (this.cached && now < this.cached.until) return this.cached.token;
    // One request at a time: concurrent deliveries share it.
    this.pending ??= this.fetchToken().finally(() => {
      this.pending = null;
    });
    return this.pending;
  }

  /** Forget the cached token (Graph said 401: it may have been revoked). */
  invalidate(): void {
    this.cached = null;
  }

  private async fetchToken(): Promise<string> {
    const url = `${this.o.loginUrl.replace(/\/+$/, '')}/${encodeURIComponent(this.o.tenantId)}/oauth2/v2.0/token`;
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: this.o.clientId,
      client_secret: this.o.clientSecret,
      scope: this.o.scope ?? 'https://graph.microsoft.com/.default',
    });
    let res: Response;
    try {
      res = await (this.o.fetch ?? fetch)(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form.toString(),
        signal: AbortSignal.timeout(this.o.timeoutMs ?? 15_000),
      });
    } catch (e) {
      throw new GraphError(`token request failed: ${e instanceof Error ? e.message : String(e)}`);
    }
    const body = (await res.json().catch(() => ({}))) as {
      access_token?: unknown;
      expires_in?: unknown;
      error?: unknown;
      error_description?: unknown;
    };
    if (!res.ok || typeof body.access_token !== 'string') {
      // Entra ID's own words (AADSTS…) say what is wrong; they never contain the secret.
      const why = [body.error, body.error_description].filter((x) => typeof x === 'string').join(': ');
      throw new GraphError(
        `Entra ID refused the Graph token (HTTP ${res.status}${why ? `: ${why.slice(0, 200)}` : ''}); check TEAMS_CLIENT_ID, TEAMS_CLIENT_SECRET and TEAMS_TENANT_ID`,
        // 400/401 here means bad credentials: as final as a 403 from Graph
        res.status >= 500 || res.status === 429 ? res.status : 401,
        { retryAfterMs: retryAfter(res.headers.get('retry-after')) },
      );
    }
    const seconds = Number(body.expires_in);
    const life = Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 3600_000;
    const now = (this.o.now ?? Date.now)();
    this.cached = { token: body.access_token, until: now + Math.max(life - EARLY_MS, life / 2) };
    return body.access_token;
  }
}

/** Retry-After (seconds or an HTTP date) in milliseconds; undefined when absent or unreadable. */
export function retryAfter(raw: string | null | undefined, now = Date.now()): number | undefined {
  if (raw === null || raw === undefined || raw.trim() === '') return undefined;
  const n = Number(raw);
  if (Number.isFinite(n)) return Math.max(0, n * 1000);
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
