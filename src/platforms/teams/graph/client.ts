// A small Microsoft Graph client: plain fetch with the bot's app token (graph/token.ts). Why not
// @microsoft/microsoft-graph-client: the bot makes five kinds of calls (create/list channels, add a member,
// archive, rename), each delivered through the outbox, which already retries with backoff and honours
// Retry-After; the SDK's own retry middleware would retry underneath the outbox, and it is one more
// dependency to keep patched. See docs/teams-setup.md.
import { GraphError } from './errors.js';
import { type GraphToken, retryAfter } from './token.js';

export interface GraphClientOptions {
  /** https://graph.microsoft.com/v1.0 (GRAPH_API_URL). */
  baseUrl: string;
  token: GraphToken;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

// biome-ignore lint/suspicious/noExplicitAny: Graph answers are JSON read field by field
export type GraphJson = any;

export class GraphClient {
  constructor(private readonly o: GraphClientOptions) {}

  /** One Graph call; throws GraphError on a non-2xx answer (after one fresh-token retry on 401). */
  async call(method: string, path: string, body?: unknown): Promise<GraphJson> {
    const first = await this.once(method, path, body);
    if (first.status !== 401) return this.answer(first, method, path);
    // A cached token may have been revoked: one more try with a new one.
    this.o.token.invalidate();
    return this.answer(await this.once(method, path, body), method, path);
  }

  /** A file's bytes as the request body (PUT …/content, graph/drive-files.ts); same answers as `call`. */
  async upload(path: string, bytes: Uint8Array, contentType: string): Promise<GraphJson> {
    const raw = { bytes, contentType };
    const first = await this.once('PUT', path, undefined, raw);
    if (first.status !== 401) return this.answer(first, 'PUT', path);
    this.o.token.invalidate();
    return this.answer(await this.once('PUT', path, undefined, raw), 'PUT', path);
  }

  /** The bot's Graph token (a `/shares/…/content` download sends it to Graph, never to the redirect). */
  token(): Promise<string> {
    return this.o.token.get();
  }

  get baseUrl(): string {
    return this.o.baseUrl.replace(/\/+$/, '');
  }

  private async once(
    method: string,
    path: string,
    body: unknown,
    raw?: { bytes: Uint8Array; contentType: string },
  ): Promise<Response> {
    const token = await this.o.token.get();
    const type = raw ? raw.contentType : body === undefined ? undefined : 'application/json';
    try {
      return await (this.o.fetch ?? fetch)(`${this.o.baseUrl.replace(/\/+$/, '')}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          accept: 'application/json',
          ...(type ? { 'content-type': type } : {}),
        },
        ...(raw ? { body: raw.bytes } : body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(this.o.timeoutMs ?? 20_000),
      });
    } catch (e) {
      // the path only: a query ($filter on a channel name) stays out of errors and logs
      throw new GraphError(
        `Graph ${method} ${path.split('?')[0]}: ${e instanceof Error ? e.message : String(e)}`,
      );
    }
  }

  private async answer(res: Response, method: string, path: string): Promise<GraphJson> {
    const text = await res.text();
    let json: GraphJson = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = null;
    }
    if (res.ok) return json;
    const err = json?.error ?? {};
    const code = typeof err.code === 'string' ? err.code : undefined;
    const detail = typeof err.message === 'string' ? err.message : text.slice(0, 200);
    throw new GraphError(
      `Graph ${method} ${path.split('?')[0]} answered HTTP ${res.status}${code ? ` ${code}` : ''}${detail ? `: ${detail.slice(0, 200)}` : ''}`,
      res.status,
      { code, retryAfterMs: retryAfter(res.headers.get('retry-after')) },
    );
  }
}
