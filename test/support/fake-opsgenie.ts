/**
 * A fake Opsgenie Alert API on 127.0.0.1, for the paging tests. It records every call (method, path with
 * query, Authorization header, JSON body), checks the GenieKey (a wrong one gets 401), and models dedup as
 * Opsgenie does: one open alert per alias (a repeated create only raises its count); closing by alias closes
 * it. The next calls can be scripted (429 with Retry-After, 500; `applied`: acted, then failed to answer).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

// biome-ignore lint/suspicious/noExplicitAny: request bodies are free-form JSON
type Json = any;

export interface OgCall {
  method: string;
  path: string;
  auth: string | undefined;
  body: Json;
}

export interface OgAlert {
  alias: string;
  status: 'open' | 'closed';
  count: number;
  body: Json;
}

export interface OgScripted {
  status: number;
  headers?: Record<string, string>;
  body?: string;
  applied?: boolean;
}

export interface FakeOpsgenie {
  url: string;
  calls: OgCall[];
  alerts: OgAlert[];
  alertsFor(alias: string): OgAlert[];
  script(...answers: OgScripted[]): void;
  close(): Promise<void>;
}

const ACCEPTED = (id: number) =>
  JSON.stringify({ result: 'Request will be processed', took: 0.01, requestId: `req-${id}` });

export async function startFakeOpsgenie(apiKey: string): Promise<FakeOpsgenie> {
  const calls: OgCall[] = [];
  const alerts: OgAlert[] = [];
  const queue: OgScripted[] = [];
  let n = 0;

  const apply = (method: string, path: string, body: Json): { status: number; body: string } => {
    const url = new URL(path, 'http://x');
    if (method === 'POST' && url.pathname === '/v2/alerts') {
      if (typeof body?.message !== 'string' || !body.message || body.message.length > 130)
        return {
          status: 422,
          body: JSON.stringify({ message: 'Message can not be empty or longer than 130' }),
        };
      const open = alerts.find((a) => a.alias === body.alias && a.status === 'open');
      if (open) open.count++;
      else alerts.push({ alias: body.alias, status: 'open', count: 1, body });
      return { status: 202, body: ACCEPTED(++n) };
    }
    const close = /^\/v2\/alerts\/([^/]+)\/close$/.exec(url.pathname);
    if (method === 'POST' && close && url.searchParams.get('identifierType') === 'alias') {
      const alias = decodeURIComponent(close[1]!);
      const open = alerts.find((a) => a.alias === alias && a.status === 'open');
      if (open) open.status = 'closed';
      return { status: 202, body: ACCEPTED(++n) };
    }
    return { status: 404, body: JSON.stringify({ message: 'Not found' }) };
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: Json = raw;
      try {
        body = raw ? JSON.parse(raw) : null;
      } catch {
        /* keep the text */
      }
      const path = req.url ?? '/';
      const method = req.method ?? '';
      const auth = req.headers.authorization;
      calls.push({ method, path, auth, body });
      let answer: { status: number; headers?: Record<string, string>; body: string };
      const scripted = queue.shift();
      if (auth !== `GenieKey ${apiKey}`)
        answer = { status: 401, body: JSON.stringify({ message: 'Key format is not valid!' }) };
      else if (scripted) {
        if (scripted.applied) apply(method, path, body);
        answer = {
          status: scripted.status,
          body: scripted.body ?? '{}',
          ...(scripted.headers ? { headers: scripted.headers } : {}),
        };
      } else answer = apply(method, path, body);
      res.writeHead(answer.status, { 'content-type': 'application/json', ...(answer.headers ?? {}) });
      res.end(answer.body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    alerts,
    alertsFor: (alias) => alerts.filter((a) => a.alias === alias),
    script(...answers) {
      queue.push(...answers);
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
