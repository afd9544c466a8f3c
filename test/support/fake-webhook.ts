// A fake outside system for playbook actions (the promotion gate, the master switch) on 127.0.0.1: it records
// every call (method, path, headers, JSON body) and answers from a script per path (status, headers, body, a
// delay), then 200 `{"ok":true}` once the script is used up.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface WebhookCall {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: unknown;
}

export interface ScriptedAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
  /** Answer only after this long (a timeout test). */
  delayMs?: number;
}

export interface FakeWebhook {
  url: string;
  calls: WebhookCall[];
  callsTo(path: string): WebhookCall[];
  /** The next answers on `path`, in order. */
  script(path: string, answers: ScriptedAnswer[]): void;
  close(): Promise<void>;
}

export async function startFakeWebhook(): Promise<FakeWebhook> {
  const calls: WebhookCall[] = [];
  const scripts = new Map<string, ScriptedAnswer[]>();
  const timers = new Set<NodeJS.Timeout>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: unknown = raw;
      try {
        body = raw ? JSON.parse(raw) : null;
      } catch {
        /* keep the text */
      }
      const path = req.url ?? '/';
      calls.push({ method: req.method ?? '', path, headers: req.headers, body });
      const answer = scripts.get(path)?.shift() ?? { status: 200, body: '{"ok":true}' };
      const send = () => {
        if (res.destroyed) return;
        res.writeHead(answer.status, { 'content-type': 'application/json', ...(answer.headers ?? {}) });
        res.end(answer.body ?? '');
      };
      if (answer.delayMs) {
        const t = setTimeout(() => {
          timers.delete(t);
          send();
        }, answer.delayMs);
        timers.add(t);
      } else send();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    calls,
    callsTo: (path) => calls.filter((c) => c.path === path),
    script(path, answers) {
      scripts.set(path, [...(scripts.get(path) ?? []), ...answers]);
    },
    async close() {
      for (const t of timers) clearTimeout(t);
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
