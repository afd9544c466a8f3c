/**
 * Minimal fake Bot Connector (+ Bot Framework JWKS) on 127.0.0.1 for the Teams adapter tests.
 * (The fuller shared one is test/support/fake-bot-connector.ts, owned by someone else.)
 *
 * Serves, under ANY path prefix (Teams serviceUrls carry one, e.g. `/amer/<tenant>/`):
 *   POST /v3/conversations                         -> { id: '<channel>;messageid=<n>', activityId, serviceUrl }
 *   POST /v3/conversations/<id>/activities         -> { id: 'activity-<n>' }
 *   PUT  /v3/conversations/<id>/activities/<aid>   -> { id: '<aid>' }
 *   GET  /v1/.well-known/openidconfiguration|keys  -> OpenID metadata / the JWKS given at start
 * and records every request.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** Untyped wire JSON (activities, connector answers): tests poke into it freely. */
// biome-ignore lint/suspicious/noExplicitAny: untyped wire JSON
export type WireJson = any;

export interface RecordedRequest {
  method: string;
  /** raw request path as sent (prefix included, percent-encoding untouched) */
  rawPath: string;
  /** decoded path after the `/v3/` prefix, e.g. `/v3/conversations/19:x;messageid=1/activities` */
  path: string;
  /** conversation id decoded from the path, when present */
  conversationId?: string;
  activityId?: string;
  headers: http.IncomingHttpHeaders;
  body: WireJson;
}

export interface FakeConnector {
  /** base URL, no trailing slash: `http://127.0.0.1:<port>` */
  url: string;
  requests: RecordedRequest[];
  /** POST/PUT requests under /v3/ (what the bot sent) */
  sent(): RecordedRequest[];
  waitForSent(count: number, timeoutMs?: number): Promise<RecordedRequest[]>;
  clear(): void;
  close(): Promise<void>;
}

export async function startFakeConnector(opts: { jwks?: { keys: object[] } } = {}): Promise<FakeConnector> {
  const requests: RecordedRequest[] = [];
  let seq = 0;
  let url = '';

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: WireJson = raw;
      try {
        body = raw ? JSON.parse(raw) : undefined;
      } catch {
        /* keep raw */
      }
      const rawPath = req.url ?? '/';
      const pathOnly = rawPath.split('?')[0] ?? '/';
      const send = (status: number, payload: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(payload));
      };

      if (req.method === 'GET' && pathOnly.endsWith('/.well-known/keys')) {
        return send(opts.jwks ? 200 : 404, opts.jwks ?? { error: 'no jwks configured' });
      }
      if (req.method === 'GET' && pathOnly.endsWith('/.well-known/openidconfiguration')) {
        return send(200, { issuer: 'https://api.botframework.com', jwks_uri: `${url}/v1/.well-known/keys` });
      }

      const i = pathOnly.indexOf('/v3/');
      const decoded = i >= 0 ? decodeURIComponent(pathOnly.slice(i)) : decodeURIComponent(pathOnly);
      const m = /^\/v3\/conversations(?:\/(.+?)\/activities(?:\/([^/]+))?)?\/?$/.exec(decoded);
      const rec: RecordedRequest = {
        method: req.method ?? 'GET',
        rawPath,
        path: decoded,
        ...(m?.[1] ? { conversationId: m[1] } : {}),
        ...(m?.[2] ? { activityId: m[2] } : {}),
        headers: req.headers,
        body,
      };
      requests.push(rec);

      if (!m) return send(404, { error: { code: 'NotFound', message: decoded } });
      if (req.method === 'POST' && !m[1]) {
        const n = String(1_700_000_000_000 + ++seq);
        const channel = body?.channelData?.channel?.id ?? `19:fake-${seq}@thread.tacv2`;
        return send(201, { id: `${channel};messageid=${n}`, activityId: n, serviceUrl: url });
      }
      if (req.method === 'POST' && m[1] && !m[2]) return send(201, { id: `activity-${++seq}` });
      if (req.method === 'PUT' && m[2]) return send(200, { id: m[2] });
      return send(405, { error: { code: 'MethodNotAllowed', message: `${req.method} ${decoded}` } });
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const sent = () =>
    requests.filter((r) => (r.method === 'POST' || r.method === 'PUT') && r.path.startsWith('/v3/'));
  return {
    url,
    requests,
    sent,
    async waitForSent(count, timeoutMs = 2000) {
      const deadline = Date.now() + timeoutMs;
      while (sent().length < count) {
        if (Date.now() > deadline) throw new Error(`expected ${count} sent requests, got ${sent().length}`);
        await new Promise((r) => setTimeout(r, 10));
      }
      return sent();
    },
    clear() {
      requests.length = 0;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
