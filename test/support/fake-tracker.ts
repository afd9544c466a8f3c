/**
 * Fakes of Jira Cloud (REST v3) and GitHub Issues on 127.0.0.1, for the follow-up tracker tests. Each
 * records every request (method, path with query, Authorization header, JSON body), keeps the issues it
 * created, checks the credentials (a wrong one gets 401), and can be scripted to fail the next calls of one
 * kind (an HTTP status with headers, or a hang that still applies the create, as a slow tracker does).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

// biome-ignore lint/suspicious/noExplicitAny: request bodies are free-form JSON
type Json = any;

export interface Recorded {
  method: string;
  path: string;
  auth: string | undefined;
  body: Json;
  /** When it arrived (ms since the epoch). */
  at: number;
}

export type CallKind = 'create' | 'search' | 'get';

export interface Scripted {
  kind: CallKind;
  status?: number;
  headers?: Record<string, string>;
  body?: Json;
  /** Hold the answer this long (past the bot's timeout); a create is applied all the same. */
  hangMs?: number;
}

export interface FakeIssue {
  key: string;
  number: number;
  labels: string[];
  /** Jira: the `fields` sent; GitHub: the issue body as sent. */
  sent: Json;
  /** Jira: status name and category; GitHub: state and reason. */
  status: { name: string; done: boolean; notPlanned?: boolean };
  url: string;
}

export interface FakeTracker {
  url: string;
  kind: 'jira' | 'github';
  requests: Recorded[];
  issues: FakeIssue[];
  /** The next calls of a kind fail (or hang) as scripted, in order. */
  script(...s: Scripted[]): void;
  creates(): Recorded[];
  /** An issue the tracker already has (as if created by an earlier, interrupted call). */
  seed(labels: string[], text: string): FakeIssue;
  setStatus(key: string, status: { name: string; done: boolean; notPlanned?: boolean }): void;
  close(): Promise<void>;
}

export const JIRA_EMAIL = 'bot@example.com';
export const JIRA_TOKEN = 'jira-api-token-SECRET-5f1c';
export const GITHUB_TOKEN = 'ghp_githubSECRETtoken0000000000000000';
export const GITHUB_REPO = 'acme/reliability';

async function readBody(req: http.IncomingMessage): Promise<Json> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export async function startFakeTracker(kind: 'jira' | 'github'): Promise<FakeTracker> {
  const requests: Recorded[] = [];
  const issues: FakeIssue[] = [];
  const queue: Scripted[] = [];
  const sockets = new Set<import('node:net').Socket>();
  let base = '';
  const expectedAuth =
    kind === 'jira'
      ? `Basic ${Buffer.from(`${JIRA_EMAIL}:${JIRA_TOKEN}`).toString('base64')}`
      : `Bearer ${GITHUB_TOKEN}`;

  const kindOf = (method: string, path: string): CallKind =>
    method === 'POST' && /\/issues?$/.test(path.split('?')[0]!)
      ? 'create'
      : method === 'POST' || path.includes('?labels=') || /\/issues\?/.test(path)
        ? 'search'
        : 'get';

  const create = (body: Json): FakeIssue => {
    const n = issues.length + 1;
    const issue: FakeIssue =
      kind === 'jira'
        ? {
            key: `${body.fields.project.key}-${n}`,
            number: n,
            labels: body.fields.labels ?? [],
            sent: body.fields,
            status: { name: 'To Do', done: false },
            url: `${base}/browse/${body.fields.project.key}-${n}`,
          }
        : {
            key: `${GITHUB_REPO}#${n}`,
            number: n,
            labels: body.labels ?? [],
            sent: body.body,
            status: { name: 'open', done: false },
            url: `https://github.example/${GITHUB_REPO}/issues/${n}`,
          };
    issues.push(issue);
    return issue;
  };

  const jiraView = (i: FakeIssue) => ({
    id: String(1000 + i.number),
    key: i.key,
    fields: {
      description: i.sent.description,
      status: { name: i.status.name, statusCategory: { key: i.status.done ? 'done' : 'new' } },
    },
  });
  const githubView = (i: FakeIssue) => ({
    number: i.number,
    html_url: i.url,
    body: i.sent,
    labels: i.labels.map((name) => ({ name })),
    state: i.status.done || i.status.notPlanned ? 'closed' : 'open',
    state_reason: i.status.notPlanned ? 'not_planned' : i.status.done ? 'completed' : null,
  });

  const answer = (method: string, path: string, body: Json): { status: number; body: Json } => {
    const [p, q = ''] = path.split('?');
    const query = new URLSearchParams(q);
    if (kind === 'jira') {
      if (method === 'POST' && p === '/rest/api/3/issue') {
        if (!body?.fields?.project?.key) return { status: 400, body: { errorMessages: ['no project'] } };
        const i = create(body);
        return {
          status: 201,
          body: { id: String(1000 + i.number), key: i.key, self: `${base}/rest/api/3/issue/${i.key}` },
        };
      }
      if (method === 'POST' && p === '/rest/api/3/search/jql') {
        const label = /labels = "([^"]+)"/.exec(String(body?.jql ?? ''))?.[1];
        return {
          status: 200,
          body: { issues: issues.filter((i) => label && i.labels.includes(label)).map(jiraView) },
        };
      }
      const m = /^\/rest\/api\/3\/issue\/([^/]+)$/.exec(p!);
      if (method === 'GET' && m) {
        const i = issues.find((x) => x.key === decodeURIComponent(m[1]!));
        return i
          ? { status: 200, body: jiraView(i) }
          : { status: 404, body: { errorMessages: ['Issue does not exist'] } };
      }
      return { status: 404, body: { errorMessages: ['no such resource'] } };
    }
    const prefix = `/repos/${GITHUB_REPO}/issues`;
    if (method === 'POST' && p === prefix) return { status: 201, body: githubView(create(body)) };
    if (method === 'GET' && p === prefix) {
      const label = query.get('labels');
      return { status: 200, body: issues.filter((i) => label && i.labels.includes(label)).map(githubView) };
    }
    const m = new RegExp(`^${prefix}/(\\d+)$`).exec(p!);
    if (method === 'GET' && m) {
      const i = issues.find((x) => x.number === Number(m[1]));
      return i ? { status: 200, body: githubView(i) } : { status: 404, body: { message: 'Not Found' } };
    }
    return { status: 404, body: { message: 'Not Found' } };
  };

  const server = http.createServer(async (req, res) => {
    const method = req.method ?? 'GET';
    const path = req.url ?? '/';
    const body = await readBody(req);
    requests.push({ method, path, auth: req.headers.authorization, body, at: Date.now() });
    const send = (status: number, b: Json, headers: Record<string, string> = {}) => {
      if (res.destroyed) return;
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(b === undefined ? '' : JSON.stringify(b));
    };
    if (req.headers.authorization !== expectedAuth)
      return send(
        401,
        kind === 'jira' ? { errorMessages: ['Unauthorized'] } : { message: 'Bad credentials' },
      );
    const k = kindOf(method, path);
    const at = queue.findIndex((s) => s.kind === k);
    const scripted = at >= 0 ? queue.splice(at, 1)[0] : undefined;
    if (scripted?.hangMs !== undefined) {
      const r = answer(method, path, body); // the tracker applies it; the answer comes too late
      await new Promise((ok) => setTimeout(ok, scripted.hangMs));
      return send(r.status, r.body);
    }
    if (scripted?.status) return send(scripted.status, scripted.body ?? {}, scripted.headers);
    const r = answer(method, path, body);
    send(r.status, r.body);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: base,
    kind,
    requests,
    issues,
    script: (...s) => queue.push(...s),
    creates: () => requests.filter((r) => kindOf(r.method, r.path) === 'create'),
    seed(labels, text) {
      return kind === 'jira'
        ? create({
            fields: {
              project: { key: 'REL' },
              labels,
              summary: 'seeded',
              description: {
                type: 'doc',
                version: 1,
                content: [{ type: 'paragraph', content: [{ type: 'text', text }] }],
              },
            },
          })
        : create({ title: 'seeded', body: text, labels });
    },
    setStatus(key, status) {
      const i = issues.find((x) => x.key === key);
      if (!i) throw new Error(`no issue ${key}`);
      i.status = status;
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((ok) => server.close(() => ok()));
    },
  };
}

/** The settings that point the bot at a fake. */
export function trackerEnv(f: FakeTracker): Record<string, string> {
  return f.kind === 'jira'
    ? {
        JIRA_BASE_URL: f.url,
        JIRA_EMAIL,
        JIRA_API_TOKEN: JIRA_TOKEN,
        JIRA_PROJECT_KEY: 'REL',
        TRACKER_TIMEOUT_SECONDS: '1',
        // Jira's search is eventually consistent: the bot looks for a create in doubt only this much later.
        JIRA_SEARCH_SETTLE_SECONDS: '2',
      }
    : {
        GITHUB_TOKEN,
        GITHUB_REPOSITORY: GITHUB_REPO,
        GITHUB_API_URL: f.url,
        TRACKER_TIMEOUT_SECONDS: '1',
      };
}
