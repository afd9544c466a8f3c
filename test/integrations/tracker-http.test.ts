// How a tracker's answers are sorted (src/integrations/tracker-http.ts, github-client.ts): what is retried
// (429 with Retry-After, GitHub's 403 rate limit, 5xx, a timeout) and what is final (401, 403, 404, 400),
// against a loopback server answering as told.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitHubClient } from '../../src/integrations/github-client.js';
import { TrackerError } from '../../src/integrations/tracker-client.js';
import { MAX_RETRY_AFTER_MS, retryAfterMs, trackerCall } from '../../src/integrations/tracker-http.js';

let next: { status: number; headers?: Record<string, string>; body?: unknown; hangMs?: number };
let server: http.Server;
let url: string;

beforeAll(async () => {
  server = http.createServer(async (_req, res) => {
    const n = next;
    if (n.hangMs) await new Promise((ok) => setTimeout(ok, n.hangMs));
    if (res.destroyed) return;
    res.writeHead(n.status, { 'content-type': 'application/json', ...(n.headers ?? {}) });
    res.end(JSON.stringify(n.body ?? {}));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((ok) => server.close(() => ok()));
});

const hints = { auth: 'check THE_TOKEN', notFound: 'check THE_PROJECT' };
async function verdict(): Promise<TrackerError> {
  try {
    await trackerCall(`${url}/x`, { method: 'GET', headers: {} }, { timeoutMs: 300, hints });
  } catch (e) {
    if (e instanceof TrackerError) return e;
    throw e;
  }
  throw new Error('the call succeeded');
}

describe('tracker answers', () => {
  it('429 is retried after Retry-After; 5xx and a timeout are retried', async () => {
    next = { status: 429, headers: { 'retry-after': '7' } };
    expect(await verdict()).toMatchObject({ retry: true, afterMs: 7000 });
    next = { status: 503 };
    expect(await verdict()).toMatchObject({ retry: true, httpStatus: 503 });
    next = { status: 200, hangMs: 600 };
    expect(await verdict()).toMatchObject({ retry: true, message: 'no answer within 0.3s' });
  });

  it('401, 403, 404 and 400 are final, with what to check and the tracker’s reason', async () => {
    next = { status: 401 };
    expect(await verdict()).toMatchObject({
      retry: false,
      message: 'HTTP 401: the credentials were refused (check THE_TOKEN)',
    });
    next = { status: 403, body: { errorMessages: ['You cannot create issues'] } };
    expect(await verdict()).toMatchObject({
      retry: false,
      message: 'HTTP 403: permission denied: You cannot create issues (check THE_TOKEN)',
    });
    next = { status: 404 };
    expect(await verdict()).toMatchObject({
      retry: false,
      message: 'HTTP 404: not found (check THE_PROJECT)',
    });
    next = { status: 400, body: { errors: { duedate: 'cannot be set' } } };
    expect(await verdict()).toMatchObject({ retry: false, message: 'HTTP 400: duedate: cannot be set' });
  });

  it("GitHub's 403 with no requests left is a rate limit, retried; another 403 is final", async () => {
    const gh = new GitHubClient({
      tracker: 'github',
      apiUrl: url,
      token: 't',
      repository: 'a/b',
      timeoutMs: 1000,
    });
    next = { status: 403, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '0' } };
    await expect(gh.state('a/b#1')).rejects.toMatchObject({ retry: true });
    next = { status: 403, headers: { 'retry-after': '30' }, body: { message: 'secondary rate limit' } };
    await expect(gh.state('a/b#1')).rejects.toMatchObject({ retry: true, afterMs: 30_000 });
    next = { status: 403, body: { message: 'Resource not accessible by integration' } };
    await expect(gh.state('a/b#1')).rejects.toMatchObject({ retry: false });
  });

  it('Retry-After as an HTTP date', () => {
    const now = Date.parse('2026-12-01T10:00:00Z');
    expect(retryAfterMs(new Headers({ 'retry-after': 'Tue, 01 Dec 2026 10:00:20 GMT' }), now)).toBe(20_000);
    expect(retryAfterMs(new Headers({}), now)).toBeUndefined();
  });

  it('a Retry-After (or a GitHub rate-limit reset) beyond an hour is capped at an hour', async () => {
    const now = Date.parse('2026-12-01T10:00:00Z');
    expect(retryAfterMs(new Headers({ 'retry-after': '86400' }), now)).toBe(MAX_RETRY_AFTER_MS);
    expect(retryAfterMs(new Headers({ 'retry-after': 'Wed, 02 Dec 2026 10:00:00 GMT' }), now)).toBe(
      MAX_RETRY_AFTER_MS,
    );
    expect(MAX_RETRY_AFTER_MS).toBe(3_600_000);
    next = { status: 429, headers: { 'retry-after': '999999' } };
    expect(await verdict()).toMatchObject({ retry: true, afterMs: MAX_RETRY_AFTER_MS });
    const gh = new GitHubClient({
      tracker: 'github',
      apiUrl: url,
      token: 't',
      repository: 'a/b',
      timeoutMs: 1000,
    });
    const inADay = String(Math.floor(Date.now() / 1000) + 86_400);
    next = { status: 403, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': inADay } };
    await expect(gh.state('a/b#1')).rejects.toMatchObject({ retry: true, afterMs: MAX_RETRY_AFTER_MS });
  });
});
