// The Graph client and its token against the fake Graph: the app token is asked once and cached, a 401
// gets one fresh token, and failures map onto the outbox's answers without ever showing a token.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GraphClient } from '../../../../src/platforms/teams/graph/client.js';
import { GraphError, graphVerdict } from '../../../../src/platforms/teams/graph/errors.js';
import { GraphToken } from '../../../../src/platforms/teams/graph/token.js';
import { type FakeGraph, startFakeGraph, TEAM_ID } from '../../../support/fake-graph.js';

const TENANT = '50612dbb-0237-4969-b378-8d42590f9c00';

describe('Graph client (plain fetch, app token)', () => {
  let graph: FakeGraph;
  beforeAll(async () => {
    graph = await startFakeGraph();
  });
  afterAll(async () => {
    await graph?.close();
  });
  const client = (secret = 's3cret') => {
    const token = new GraphToken({
      loginUrl: graph.url,
      tenantId: TENANT,
      clientId: 'app',
      clientSecret: secret,
    });
    return { token, graph: new GraphClient({ baseUrl: graph.graphUrl, token }) };
  };

  it('asks Entra ID once (client credentials) and reuses the token until shortly before it expires', async () => {
    const before = graph.tokensIssued();
    const c = client();
    await c.graph.call('GET', `/teams/${TEAM_ID}/channels`);
    await c.graph.call('GET', `/teams/${TEAM_ID}/channels`);
    expect(graph.tokensIssued()).toBe(before + 1);
    const t = graph.requests.filter((r) => r.path === `/${TENANT}/oauth2/v2.0/token`).at(-1)!;
    expect(t.body).toMatchObject({
      grant_type: 'client_credentials',
      client_id: 'app',
      client_secret: 's3cret',
    });
    let now = Date.now();
    const short = new GraphToken({
      loginUrl: graph.url,
      tenantId: TENANT,
      clientId: 'a',
      clientSecret: 'b',
      now: () => now,
    });
    const first = await short.get();
    expect(await short.get()).toBe(first);
    now += 56 * 60_000; // expires_in 3600: renewed 5 minutes early
    expect(await short.get()).not.toBe(first);
  });

  it('a 401 from Graph gets one fresh token', async () => {
    const c = client();
    await c.graph.call('GET', `/teams/${TEAM_ID}/channels`);
    graph.failNext('GET', /channels$/, { status: 401 });
    const before = graph.tokensIssued();
    await expect(c.graph.call('GET', `/teams/${TEAM_ID}/channels`)).resolves.toMatchObject({ value: [] });
    expect(graph.tokensIssued()).toBe(before + 1);
  });

  it('429 -> retry after Retry-After; 5xx and network -> retry; 403 -> final, naming the permission', async () => {
    const c = client();
    graph.failNext('POST', /channels$/, { status: 429, retryAfter: 7 });
    const e429 = await c.graph
      .call('POST', `/teams/${TEAM_ID}/channels`, { displayName: 'x' })
      .catch((e) => e);
    expect(graphVerdict(e429, 'Channel.Create.Group')).toMatchObject({ status: 'retry', afterMs: 7000 });
    graph.failNext('POST', /channels$/, { status: 502 });
    const e502 = await c.graph
      .call('POST', `/teams/${TEAM_ID}/channels`, { displayName: 'x' })
      .catch((e) => e);
    expect(graphVerdict(e502, 'Channel.Create.Group').status).toBe('retry');
    expect(graphVerdict(new GraphError('socket hang up'), 'x').status).toBe('retry');
    graph.failNext('POST', /channels$/, { status: 403, code: 'Forbidden' });
    const e403 = await c.graph
      .call('POST', `/teams/${TEAM_ID}/channels`, { displayName: 'y' })
      .catch((e) => e);
    const v = graphVerdict(e403, 'Channel.Create.Group');
    expect(v.status).toBe('failed');
    expect(v.error).toMatch(/HTTP 403 Forbidden.*grant the Teams app Channel\.Create\.Group/);
    expect(v.error).not.toMatch(/graph-token|Bearer/);
  });

  it('bad credentials: a final answer that names the settings, never the secret', async () => {
    graph.failNext('POST', 'token', { status: 401 });
    const c = client('do-not-print-me');
    const e = await c.graph.call('GET', `/teams/${TEAM_ID}/channels`).catch((x) => x);
    const v = graphVerdict(e, 'x');
    expect(v.status).toBe('failed');
    expect(v.error).toMatch(/Entra ID refused the Graph token.*TEAMS_CLIENT_SECRET/);
    expect(v.error).not.toContain('do-not-print-me');
  });
});
