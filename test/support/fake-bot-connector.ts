/**
 * A fake Bot Framework connector (the `serviceUrl` of Teams activities) on loopback. Point test activities'
 * `serviceUrl` at `connector.serviceUrl` (a regional prefix such as `/amer/<tenant>/` before `/v3/` is
 * fine) and read what the bot sent from `activities` (or every POST/PUT from `sent()`). With `jwks`, it also
 * serves the Bot Framework OpenID metadata and signing keys, for tests of inbound authentication.
 */
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

// biome-ignore lint/suspicious/noExplicitAny: Bot Framework activities are free-form JSON
type Json = any;

export type ConnectorOp =
  | 'send' // POST /v3/conversations/{id}/activities
  | 'reply' // POST /v3/conversations/{id}/activities/{replyToId}, or a send with replyToId in the body
  | 'update' // PUT /v3/conversations/{id}/activities/{activityId}
  | 'delete' // DELETE /v3/conversations/{id}/activities/{activityId}
  | 'createConversation' // POST /v3/conversations
  | 'getMembers' // GET /v3/conversations/{id}/members[...] or /activities/{id}/members
  | 'token' // POST .../oauth2/v2.0/token
  | 'other';

export interface ConnectorRequest {
  op: ConnectorOp;
  method: string;
  /** The path from `/v3/` on, decoded (the whole path when there is no `/v3/`). */
  path: string;
  /** The request path as sent (regional prefix included, percent-encoding untouched). */
  rawPath: string;
  headers: IncomingMessage['headers'];
  query: Record<string, string>;
  conversationId?: string;
  /** replyToId (reply) or activityId (update/delete). */
  activityId?: string;
  body: Json;
  authorization?: string;
  at: number;
  status: number;
  /** id answered for a send/reply/update (`activity-N`). */
  responseId?: string;
}

export interface ConnectorFailSpec {
  status?: number;
  /** Retry-After seconds (for 429). */
  retryAfter?: number;
  times?: number;
  body?: Json;
}

export interface FakeMember {
  id: string;
  name: string;
  aadObjectId?: string;
  email?: string;
  userPrincipalName?: string;
  givenName?: string;
  surname?: string;
  tenantId?: string;
  userRole?: string;
}

export interface FakeBotConnector {
  /** `http://127.0.0.1:PORT/` (with trailing slash, as Teams sends it). */
  serviceUrl: string;
  /** `http://127.0.0.1:PORT` (no trailing slash), to build regional service URLs from. */
  url: string;
  /** POST and PUT requests under /v3/ (what the bot sent, conversations created included). */
  sent(): ConnectorRequest[];
  waitForSent(count: number, timeoutMs?: number): Promise<ConnectorRequest[]>;
  /** Every request, in arrival order. */
  requests: ConnectorRequest[];
  /** Activities the bot sent, replied, or updated (send | reply | update), in arrival order. */
  activities: ConnectorRequest[];
  /** Latest content of each activity id (send/reply, with updates applied). */
  activityById(id: string): Json | undefined;
  /** Current activities of a conversation (updates applied, deletes removed). */
  activitiesIn(conversationId: string): { id: string; activity: Json }[];
  /** Conversations created through POST /v3/conversations. */
  conversations: { id: string; params: Json; activityId?: string }[];
  /** Members answered for GET .../members (default: two users). */
  members: FakeMember[];
  waitForActivities(count?: number, timeoutMs?: number): Promise<ConnectorRequest[]>;
  /** Fail the next matching request(s); `op` '*' matches any. */
  failNext(op: ConnectorOp | '*', spec?: ConnectorFailSpec): void;
  reset(): void;
  close(): Promise<void>;
}

function readJson(req: IncomingMessage): Promise<Json> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      if (!raw) return resolve(undefined);
      if ((req.headers['content-type'] ?? '').includes('x-www-form-urlencoded'))
        return resolve(Object.fromEntries(new URLSearchParams(raw)));
      try {
        resolve(JSON.parse(raw));
      } catch {
        resolve(raw);
      }
    });
    req.on('error', reject);
  });
}

const DEFAULT_MEMBERS: FakeMember[] = [
  {
    id: '29:1-user-alice',
    name: 'Alice Example',
    aadObjectId: '00000000-0000-0000-0000-00000000a11c',
    email: 'alice@example.com',
    userPrincipalName: 'alice@example.com',
    givenName: 'Alice',
    surname: 'Example',
    userRole: 'user',
  },
  {
    id: '29:1-user-bob',
    name: 'Bob Example',
    aadObjectId: '00000000-0000-0000-0000-000000000b0b',
    email: 'bob@example.com',
    userPrincipalName: 'bob@example.com',
    givenName: 'Bob',
    surname: 'Example',
    userRole: 'user',
  },
];

export async function startFakeBotConnector(
  opts: { members?: FakeMember[]; jwks?: { keys: object[] } } = {},
): Promise<FakeBotConnector> {
  const requests: ConnectorRequest[] = [];
  const activities: ConnectorRequest[] = [];
  const byId = new Map<string, { conversationId: string; activity: Json; deleted: boolean }>();
  const conversations: { id: string; params: Json; activityId?: string }[] = [];
  const failures = new Map<string, ConnectorFailSpec[]>();
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  let counter = 0;
  const members: FakeMember[] = structuredClone(opts.members ?? DEFAULT_MEMBERS);

  const nextId = () => {
    counter += 1;
    return `activity-${counter}`;
  };

  function takeFailure(op: ConnectorOp): ConnectorFailSpec | undefined {
    for (const key of [op, '*']) {
      const q = failures.get(key);
      if (q?.length) {
        const spec = q[0];
        const left = (spec.times ?? 1) - 1;
        if (left <= 0) q.shift();
        else q[0] = { ...spec, times: left };
        return spec;
      }
    }
    return undefined;
  }

  function send(res: ServerResponse, status: number, body: Json, headers: Record<string, string> = {}): void {
    const text = body === undefined ? '' : JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(text);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // clients build `${serviceUrl}/v3/...`; with a trailing-slash serviceUrl that is `//v3/...`
    // (which `new URL` would read as a protocol-relative URL), so collapse slashes first
    const url = new URL((req.url ?? '/').replace(/\/{2,}/g, '/'), 'http://127.0.0.1');
    const method = req.method ?? 'GET';
    const body = await readJson(req);
    const all = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    // a regional prefix (`/amer/<tenant>/`) may come before `/v3/`
    const v3 = all.indexOf('v3');
    const segs = v3 > 0 ? all.slice(v3) : all;
    const path = v3 >= 0 ? `/${segs.join('/')}` : url.pathname;
    if (opts.jwks && method === 'GET' && /\/\.well-known\//.test(url.pathname)) {
      if (url.pathname.endsWith('/keys')) send(res, 200, opts.jwks);
      else
        send(res, 200, { issuer: 'https://api.botframework.com', jwks_uri: `${base}/v1/.well-known/keys` });
      return;
    }
    let op: ConnectorOp = 'other';
    let conversationId: string | undefined;
    let activityId: string | undefined;

    if (/\/oauth2\/v2\.0\/token$/.test(path) || /\/botframework\.com\/oauth2\/token/.test(path)) op = 'token';
    else if (segs[0] === 'v3' && segs[1] === 'conversations') {
      conversationId = segs[2];
      if (!conversationId) op = method === 'POST' ? 'createConversation' : 'other';
      else if (segs[3] === 'activities') {
        activityId = segs[4];
        if (segs[5] === 'members') op = 'getMembers';
        else if (method === 'POST') op = activityId || body?.replyToId ? 'reply' : 'send';
        else if (method === 'PUT' && activityId) op = 'update';
        else if (method === 'DELETE' && activityId) op = 'delete';
        if (op === 'reply' && !activityId) activityId = body?.replyToId;
      } else if (
        (segs[3] === 'members' || segs[3] === 'pagedMembers' || segs[3] === 'pagedmembers') &&
        method === 'GET'
      )
        op = 'getMembers';
    }

    const rec: ConnectorRequest = {
      op,
      method,
      path,
      rawPath: req.url ?? '/',
      headers: req.headers,
      query: Object.fromEntries(url.searchParams),
      conversationId,
      activityId,
      body,
      authorization: req.headers.authorization,
      at: Date.now(),
      status: 200,
    };
    requests.push(rec);

    const failure = takeFailure(op);
    if (failure) {
      rec.status = failure.status ?? 500;
      const headers: Record<string, string> = {};
      if (failure.retryAfter !== undefined) headers['retry-after'] = String(failure.retryAfter);
      send(
        res,
        rec.status,
        failure.body ?? { error: { code: 'ServiceError', message: 'scripted failure' } },
        headers,
      );
      emitter.emit('request', rec);
      return;
    }

    switch (op) {
      case 'token':
        send(res, 200, {
          token_type: 'Bearer',
          expires_in: 3600,
          ext_expires_in: 3600,
          access_token: 'fake-connector-token',
        });
        break;
      case 'send':
      case 'reply': {
        const id = nextId();
        rec.responseId = id;
        byId.set(id, { conversationId: conversationId!, activity: body, deleted: false });
        activities.push(rec);
        send(res, 200, { id });
        break;
      }
      case 'update': {
        const existing = byId.get(activityId!);
        if (existing) existing.activity = body;
        else byId.set(activityId!, { conversationId: conversationId!, activity: body, deleted: false });
        rec.responseId = activityId;
        activities.push(rec);
        send(res, 200, { id: activityId });
        break;
      }
      case 'delete': {
        const existing = byId.get(activityId!);
        if (existing) existing.deleted = true;
        send(res, 200, {});
        break;
      }
      case 'createConversation': {
        // a new thread in a channel is `<channel id>;messageid=<its root activity id>`, as Teams answers
        const firstActivityId: string | undefined = body?.activity ? nextId() : undefined;
        counter += 1;
        const channel = body?.channelData?.channel?.id;
        const id =
          typeof channel === 'string' && firstActivityId
            ? `${channel};messageid=${firstActivityId}`
            : `19:fake-conversation-${counter}@thread.tacv2;messageid=${Date.now()}${counter}`;
        if (firstActivityId)
          byId.set(firstActivityId, { conversationId: id, activity: body.activity, deleted: false });
        conversations.push({ id, params: body, activityId: firstActivityId });
        send(res, 201, { id, activityId: firstActivityId, serviceUrl: serviceUrlValue });
        break;
      }
      case 'getMembers': {
        if (segs[3] === 'members' && segs[4]) {
          const m = members.find((x) => x.id === segs[4] || x.aadObjectId === segs[4]);
          if (!m)
            send(res, 404, { error: { code: 'MemberNotFoundInConversation', message: 'member not found' } });
          else send(res, 200, m);
        } else if (segs[3] === 'pagedMembers' || segs[3] === 'pagedmembers') send(res, 200, { members });
        else send(res, 200, members);
        break;
      }
      default:
        if (segs[0] === 'v3' && segs[1] === 'teams' && segs[2]) {
          if (segs[3] === 'conversations')
            send(res, 200, { conversations: [{ id: segs[2], name: 'General' }] });
          else
            send(res, 200, {
              id: segs[2],
              name: 'Fake Team',
              aadGroupId: '00000000-0000-0000-0000-0000000000aa',
            });
        } else send(res, 404, { error: { code: 'NotFound', message: `no route ${method} ${path}` } });
    }
    emitter.emit('request', rec);
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e) => {
      if (!res.headersSent) res.writeHead(500).end(String(e));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const serviceUrlValue = `${base}/`;
  const sent = () =>
    requests.filter((r) => (r.method === 'POST' || r.method === 'PUT') && r.path.startsWith('/v3/'));

  return {
    serviceUrl: serviceUrlValue,
    url: base,
    sent,
    waitForSent(count, timeoutMs = 3000) {
      return new Promise((resolve, reject) => {
        if (sent().length >= count) return resolve(sent());
        const on = () => {
          if (sent().length >= count) {
            clearTimeout(timer);
            emitter.off('request', on);
            resolve(sent());
          }
        };
        const timer = setTimeout(() => {
          emitter.off('request', on);
          reject(
            new Error(`timed out after ${timeoutMs} ms waiting for ${count} requests; got ${sent().length}`),
          );
        }, timeoutMs);
        emitter.on('request', on);
      });
    },
    requests,
    activities,
    activityById: (id) => {
      const a = byId.get(id);
      return a && !a.deleted ? a.activity : undefined;
    },
    activitiesIn: (conversationId) =>
      [...byId.entries()]
        .filter(([, a]) => a.conversationId === conversationId && !a.deleted)
        .map(([id, a]) => ({ id, activity: a.activity })),
    conversations,
    members,
    waitForActivities(count = 1, timeoutMs = 3000) {
      return new Promise((resolve, reject) => {
        if (activities.length >= count) return resolve([...activities]);
        const on = () => {
          if (activities.length >= count) {
            clearTimeout(timer);
            emitter.off('request', on);
            resolve([...activities]);
          }
        };
        const timer = setTimeout(() => {
          emitter.off('request', on);
          reject(
            new Error(
              `timed out after ${timeoutMs} ms waiting for ${count} activities; got ${activities.length}`,
            ),
          );
        }, timeoutMs);
        emitter.on('request', on);
      });
    },
    failNext(op, spec = {}) {
      const q = failures.get(op) ?? [];
      q.push({ ...spec });
      failures.set(op, q);
    },
    reset() {
      requests.length = 0;
      activities.length = 0;
      byId.clear();
      conversations.length = 0;
      failures.clear();
      counter = 0;
    },
    close() {
      return new Promise((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      });
    },
  };
}
