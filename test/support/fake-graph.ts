/**
 * A fake Microsoft Graph (and Entra ID token endpoint) on 127.0.0.1, for the Teams channel mode:
 * - POST /{tenant}/oauth2/v2.0/token (client credentials) -> `graph-token-N`, expires_in 3600;
 * - /v1.0/teams/{team}/channels: create (409 nameAlreadyExists on a taken name), list with
 *   `$filter=displayName eq '…'`, PATCH (rename), POST …/members (409 when already one), POST …/archive (202).
 * - files (evidence in, export out): GET …/channels/{id}/filesFolder -> a driveItem; PUT
 *   /drives/{d}/items/{f}:/{name}:/content stores the bytes (201, 200 when it replaces); GET
 *   /shares/{u!…}/driveItem/content -> 302 to a pre-authenticated /download/… URL; `serveFile` hosts bytes
 *   at such a URL (no token needed) for a `file.download.info` attachment's downloadUrl.
 * Every request is recorded (method, path, query, authorization, body, status); a Graph call without a token
 * it issued is answered 401. `failNext` scripts 429 (with Retry-After), 5xx or 403 answers.
 * Point MICROSOFT_LOGIN_URL at `url` and GRAPH_API_URL at `graphUrl`.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

// biome-ignore lint/suspicious/noExplicitAny: Graph bodies are free-form JSON
type Json = any;

/** The team channel mode creates channels in (TEAMS_TEAM_ID) in the tests. */
export const TEAM_ID = '8b5e1c3a-7f00-4d2a-9c1e-0123456789ab';

/** The settings that turn channel mode on against this fake. */
export function channelModeEnv(graph: Pick<FakeGraph, 'url' | 'graphUrl'>): Record<string, string> {
  return { TEAMS_TEAM_ID: TEAM_ID, GRAPH_API_URL: graph.graphUrl, MICROSOFT_LOGIN_URL: graph.url };
}

export interface GraphRequest {
  method: string;
  /** Decoded path after /v1.0 (or the token path). */
  path: string;
  query: Record<string, string>;
  authorization?: string | undefined;
  body: Json;
  status: number;
  /** The body's bytes (an upload's content). */
  raw: Buffer;
  /** When it arrived (ms since the epoch). */
  at: number;
}

export interface FakeChannel {
  id: string;
  teamId: string;
  displayName: string;
  description: string;
  membershipType: string;
  webUrl: string;
  isArchived: boolean;
  members: { userId: string; roles: string[] }[];
}

export interface GraphFailSpec {
  status: number;
  /** Retry-After header, in seconds. */
  retryAfter?: number;
  times?: number;
  code?: string;
  /** Do the work, then answer the failure (a create whose answer was lost). */
  afterDoing?: boolean;
}

export interface FakeGraph {
  /** http://127.0.0.1:PORT (the login URL). */
  url: string;
  /** http://127.0.0.1:PORT/v1.0 (GRAPH_API_URL). */
  graphUrl: string;
  requests: GraphRequest[];
  /** Graph calls only (no token requests). */
  calls(): GraphRequest[];
  tokensIssued(): number;
  channels: FakeChannel[];
  seedChannel(teamId: string, displayName: string, description?: string): FakeChannel;
  /** Fail the next matching request(s): method and a path pattern (after /v1.0, or 'token'). */
  failNext(method: string, path: RegExp | 'token', spec: GraphFailSpec): void;
  /** Files uploaded into channel folders, by `{driveId}/{folderId}/{name}` (the last bytes PUT). */
  uploaded: Map<string, { name: string; bytes: Buffer; contentType: string; webUrl: string }>;
  /** Hosts bytes at a pre-authenticated download URL; answers it. `sharingUrl` also opens them via /shares. */
  serveFile(name: string, bytes: Buffer | string): { downloadUrl: string; sharingUrl: string };
  close(): Promise<void>;
}

function readBody(req: IncomingMessage, keep: (b: Buffer) => void): Promise<Json> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      keep(Buffer.concat(chunks));
      if (/\/content$/.test(req.url ?? '') && req.method === 'PUT') return resolve(undefined);
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

const bindId = (bind: unknown) =>
  /users\('([^']+)'\)|users\/([^/?]+)/
    .exec(String(bind ?? ''))
    ?.slice(1)
    .find(Boolean);

export async function startFakeGraph(): Promise<FakeGraph> {
  const requests: GraphRequest[] = [];
  const channels: FakeChannel[] = [];
  const tokens = new Set<string>();
  const failures: { method: string; path: RegExp | 'token'; spec: GraphFailSpec; left: number }[] = [];
  let seq = 0;
  const uploaded: FakeGraph['uploaded'] = new Map();
  const served = new Map<string, Buffer>();
  const sharing = new Map<string, string>();

  const newChannel = (teamId: string, displayName: string, description: string, type = 'standard') => {
    const n = ++seq;
    const id = `19:graphchannel${String(n).padStart(4, '0')}@thread.tacv2`;
    const ch: FakeChannel = {
      id,
      teamId,
      displayName,
      description,
      membershipType: type,
      webUrl: `https://teams.microsoft.com/l/channel/${encodeURIComponent(id)}/${encodeURIComponent(displayName)}?groupId=${teamId}`,
      isArchived: false,
      members: [],
    };
    channels.push(ch);
    return ch;
  };
  const wire = (c: FakeChannel) => ({
    id: c.id,
    displayName: c.displayName,
    description: c.description,
    membershipType: c.membershipType,
    webUrl: c.webUrl,
    isArchived: c.isArchived,
  });
  const error = (status: number, code: string, message: string) => ({
    status,
    body: { error: { code, message } },
  });

  const server = createServer(async (req, res) => {
    const u = new URL(req.url ?? '/', 'http://127.0.0.1');
    let rawBody: Buffer = Buffer.alloc(0);
    const body = await readBody(req, (b) => {
      rawBody = b;
    });
    const isToken = /\/oauth2\/v2\.0\/token$/.test(u.pathname);
    const path = decodeURIComponent(u.pathname.replace(/^\/v1\.0/, ''));
    const rec: GraphRequest = {
      method: req.method ?? 'GET',
      path: isToken ? u.pathname : path,
      query: Object.fromEntries(u.searchParams),
      authorization: req.headers.authorization,
      body,
      raw: rawBody,
      status: 0,
      at: Date.now(),
    };
    requests.push(rec);
    const answer = (status: number, json?: Json, headers: Record<string, string> = {}) => {
      if (f?.spec.afterDoing && f.left > 0) {
        f.left--;
        status = f.spec.status;
        json = { error: { code: `Http${status}`, message: `scripted ${status} after doing it` } };
      }
      rec.status = status;
      res.writeHead(status, {
        ...(json === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      });
      res.end(json === undefined ? undefined : JSON.stringify(json));
    };
    const f = failures.find(
      (x) =>
        x.left > 0 &&
        x.method === rec.method &&
        (x.path === 'token' ? isToken : !isToken && x.path.test(path)),
    );
    if (f && !f.spec.afterDoing) {
      f.left--;
      return answer(
        f.spec.status,
        { error: { code: f.spec.code ?? `Http${f.spec.status}`, message: `scripted ${f.spec.status}` } },
        f.spec.retryAfter !== undefined ? { 'retry-after': String(f.spec.retryAfter) } : {},
      );
    }
    // pre-authenticated download URLs: no token, as SharePoint's short-lived links
    const dl = /^\/download\/(.+)$/.exec(u.pathname);
    if (dl && rec.method === 'GET') {
      const bytes = served.get(dl[1]!);
      if (!bytes) return answer(404, { error: { code: 'itemNotFound', message: 'no such download' } });
      rec.status = 200;
      res.writeHead(200, {
        'content-type': 'application/octet-stream',
        'content-length': String(bytes.length),
      });
      return res.end(bytes);
    }
    if (isToken) {
      if (body?.grant_type !== 'client_credentials' || !body?.client_id || !body?.client_secret)
        return answer(400, {
          error: 'invalid_request',
          error_description: 'AADSTS900144: missing parameter',
        });
      const t = `graph-token-${tokens.size + 1}`;
      tokens.add(t);
      return answer(200, { token_type: 'Bearer', expires_in: 3600, access_token: t });
    }
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!bearer || !tokens.has(bearer))
      return answer(401, {
        error: { code: 'InvalidAuthenticationToken', message: 'Access token is empty.' },
      });

    const sh = /^\/shares\/(u![^/]+)\/driveItem\/content$/.exec(path);
    if (sh && rec.method === 'GET') {
      const key = sharing.get(Buffer.from(sh[1]!.slice(2), 'base64url').toString('utf8'));
      if (!key) return answer(404, { error: { code: 'itemNotFound', message: 'no such shared item' } });
      return answer(302, undefined, { location: `${url}/download/${key}` });
    }
    const ff = /^\/teams\/([^/]+)\/channels\/([^/]+)\/filesFolder$/.exec(path);
    if (ff && rec.method === 'GET') {
      const c = channels.find((x) => x.teamId === ff[1] && x.id === ff[2]);
      if (!c) return answer(404, { error: { code: 'NotFound', message: 'No such channel' } });
      return answer(200, {
        id: `folder-${channels.indexOf(c) + 1}`,
        name: c.displayName,
        webUrl: `https://contoso.sharepoint.com/sites/team/Shared%20Documents/${encodeURIComponent(c.displayName)}`,
        parentReference: { driveId: `drive-${c.teamId.slice(0, 8)}`, driveType: 'documentLibrary' },
        folder: { childCount: 0 },
      });
    }
    const put = /^\/drives\/([^/]+)\/items\/([^/:]+):\/(.+):\/content$/.exec(path);
    if (put && rec.method === 'PUT') {
      const [, drive, folder, name] = put;
      const key = `${drive}/${folder}/${name}`;
      const existed = uploaded.has(key);
      const webUrl = `https://contoso.sharepoint.com/sites/team/Shared%20Documents/${folder}/${encodeURIComponent(name!)}`;
      uploaded.set(key, {
        name: name!,
        bytes: rawBody,
        contentType: String(req.headers['content-type'] ?? ''),
        webUrl,
      });
      return answer(existed ? 200 : 201, { id: `item-${key}`, name, size: rawBody.length, webUrl, file: {} });
    }
    let m = /^\/teams\/([^/]+)\/channels$/.exec(path);
    if (m && rec.method === 'POST') {
      const teamId = m[1]!;
      const name = String(body?.displayName ?? '');
      if (!name || name.length > 50) {
        const e = error(400, 'BadRequest', 'displayName is invalid');
        return answer(e.status, e.body);
      }
      if (channels.some((c) => c.teamId === teamId && c.displayName.toLowerCase() === name.toLowerCase())) {
        const e = error(
          409,
          'NameAlreadyExists',
          `Channel name already existed, please use other name: ${name}`,
        );
        return answer(e.status, e.body);
      }
      const ch = newChannel(
        teamId,
        name,
        String(body?.description ?? ''),
        body?.membershipType ?? 'standard',
      );
      for (const mem of body?.members ?? []) {
        const id = bindId(mem['user@odata.bind']);
        if (id) ch.members.push({ userId: id, roles: mem.roles ?? [] });
      }
      return answer(201, wire(ch));
    }
    if (m && rec.method === 'GET') {
      const filter = /^displayName eq '(.*)'$/.exec(rec.query.$filter ?? '')?.[1]?.replace(/''/g, "'");
      const list = channels.filter(
        (c) => c.teamId === m![1] && (filter === undefined || c.displayName === filter),
      );
      return answer(200, { value: list.map(wire) });
    }
    m = /^\/teams\/([^/]+)\/channels\/([^/]+)(\/members|\/archive)?$/.exec(path);
    const ch = m ? channels.find((c) => c.teamId === m![1] && c.id === m![2]) : undefined;
    if (m && !ch) {
      const e = error(404, 'NotFound', 'No such channel');
      return answer(e.status, e.body);
    }
    if (m && ch && m[3] === '/members' && rec.method === 'POST') {
      const id = bindId(body?.['user@odata.bind']);
      if (!id) return answer(400, { error: { code: 'BadRequest', message: 'user@odata.bind missing' } });
      if (ch.members.some((x) => x.userId === id))
        return answer(409, { error: { code: 'Conflict', message: 'The user is already a member' } });
      ch.members.push({ userId: id, roles: body?.roles ?? [] });
      return answer(201, { id: `member-${id}`, roles: body?.roles ?? [] });
    }
    if (m && ch && m[3] === '/archive' && rec.method === 'POST') {
      ch.isArchived = true;
      return answer(202);
    }
    if (m && ch && !m[3] && rec.method === 'PATCH') {
      if (typeof body?.displayName === 'string') ch.displayName = body.displayName;
      return answer(204);
    }
    return answer(404, { error: { code: 'NotFound', message: `no fake for ${rec.method} ${path}` } });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    graphUrl: `${url}/v1.0`,
    requests,
    calls: () => requests.filter((r) => !r.path.endsWith('/oauth2/v2.0/token')),
    tokensIssued: () => tokens.size,
    channels,
    seedChannel: (teamId, displayName, description = 'someone else') =>
      newChannel(teamId, displayName, description),
    failNext(method, path, spec) {
      failures.push({ method, path, spec, left: spec.times ?? 1 });
    },
    uploaded,
    serveFile(name, bytes) {
      const key = `f${served.size + 1}/${encodeURIComponent(name)}`;
      served.set(key, Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes, 'utf8'));
      const sharingUrl = `https://contoso.sharepoint.com/sites/team/Shared%20Documents/General/${encodeURIComponent(name)}`;
      sharing.set(sharingUrl, key);
      return { downloadUrl: `${url}/download/${key}`, sharingUrl };
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
