/**
 * A fake PagerDuty Events API v2 on 127.0.0.1, for the paging tests. It records every call (path, JSON body),
 * checks the routing key (an unknown one gets 400, as PagerDuty refuses an invalid event), and models dedup
 * as PagerDuty does: one alert per dedup key while it is open, however many triggers arrive; a resolve
 * closes it. It can be scripted to answer the next calls otherwise (429 with Retry-After, 500, a hang), and
 * a scripted failure may still apply the event (`applied`), as a server that acted but failed to answer.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

// biome-ignore lint/suspicious/noExplicitAny: events are free-form JSON
type Json = any;

export interface PdCall {
  path: string;
  body: Json;
  at: number;
}

export interface PdAlert {
  dedupKey: string;
  routingKey: string;
  status: 'triggered' | 'resolved';
  /** Triggers received for it while open (deduplicated into this one alert). */
  triggers: number;
  payload: Json;
  links?: Json;
}

export interface PdScripted {
  status: number;
  headers?: Record<string, string>;
  body?: string;
  /** Answer only after this long (past the bot's timeout). */
  delayMs?: number;
  /** The event is applied all the same (the server acted, then failed to answer). */
  applied?: boolean;
}

export interface FakePagerDuty {
  url: string;
  calls: PdCall[];
  /** Every alert opened, in order (a dedup key reopened after its resolve opens a new one). */
  alerts: PdAlert[];
  alertsFor(dedupKey: string): PdAlert[];
  /** The next calls' answers, in order. */
  script(...answers: PdScripted[]): void;
  close(): Promise<void>;
}

export async function startFakePagerDuty(routingKeys: string[]): Promise<FakePagerDuty> {
  const calls: PdCall[] = [];
  const alerts: PdAlert[] = [];
  const queue: PdScripted[] = [];
  const timers = new Set<NodeJS.Timeout>();

  const apply = (e: Json): { status: number; body: string } => {
    if (!e || typeof e !== 'object' || !routingKeys.includes(e.routing_key))
      return {
        status: 400,
        body: JSON.stringify({
          status: 'invalid event',
          message: 'Event object is invalid',
          errors: ['Invalid routing key'],
        }),
      };
    if (typeof e.dedup_key !== 'string' || !['trigger', 'resolve'].includes(e.event_action))
      return {
        status: 400,
        body: JSON.stringify({ status: 'invalid event', message: 'Event object is invalid' }),
      };
    const open = alerts.find((a) => a.dedupKey === e.dedup_key && a.status === 'triggered');
    if (e.event_action === 'trigger') {
      if (!e.payload?.summary || !e.payload?.source || !e.payload?.severity)
        return {
          status: 400,
          body: JSON.stringify({ status: 'invalid event', errors: ['payload is missing'] }),
        };
      if (open) open.triggers++;
      else
        alerts.push({
          dedupKey: e.dedup_key,
          routingKey: e.routing_key,
          status: 'triggered',
          triggers: 1,
          payload: e.payload,
          links: e.links,
        });
    } else if (open) open.status = 'resolved';
    return {
      status: 202,
      body: JSON.stringify({ status: 'success', message: 'Event processed', dedup_key: e.dedup_key }),
    };
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
      calls.push({ path, body, at: Date.now() });
      const scripted = path === '/v2/enqueue' ? queue.shift() : undefined;
      let answer: { status: number; headers?: Record<string, string>; body: string };
      if (path !== '/v2/enqueue' || req.method !== 'POST') answer = { status: 404, body: '{}' };
      else if (scripted) {
        if (scripted.applied) apply(body);
        answer = {
          status: scripted.status,
          body: scripted.body ?? '{}',
          ...(scripted.headers ? { headers: scripted.headers } : {}),
        };
      } else answer = apply(body);
      const send = () => {
        if (res.destroyed) return;
        res.writeHead(answer.status, { 'content-type': 'application/json', ...(answer.headers ?? {}) });
        res.end(answer.body);
      };
      if (scripted?.delayMs) {
        const t = setTimeout(() => {
          timers.delete(t);
          send();
        }, scripted.delayMs);
        timers.add(t);
      } else send();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    alerts,
    alertsFor: (k) => alerts.filter((a) => a.dedupKey === k),
    script(...answers) {
      queue.push(...answers);
    },
    async close() {
      for (const t of timers) clearTimeout(t);
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
