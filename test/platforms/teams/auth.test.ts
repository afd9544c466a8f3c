import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fixture, type Harness, makeSigningKey, signJwt, startHarness } from './harness.js';
import { guardLoopback } from './loopback-guard.js';

let h: Harness | undefined;
let guard: ReturnType<typeof guardLoopback>;
beforeAll(() => {
  guard = guardLoopback();
});
afterEach(async () => {
  await h?.close();
  h = undefined;
});
afterAll(() => {
  guard.restore();
  // JWKS came from the loopback fake, never from login.botframework.com
  expect(new Set(guard.hosts)).toEqual(new Set(['127.0.0.1']));
});

function helpMessage(serviceUrl: string) {
  const a = fixture('message_channel_mention.json');
  a.serviceUrl = serviceUrl;
  a.text = '<at>ridotest</at> incident help';
  return a;
}

async function withEcho(opts: Parameters<typeof startHarness>[0] = {}) {
  let handled = 0;
  h = await startHarness({
    ...opts,
    register: (app) =>
      app.on('message', async (ctx) => {
        handled++;
        await ctx.send('pong');
      }),
  });
  return { harness: h, handled: () => handled };
}

describe('(g) inbound Bot Framework JWT authentication (on by default)', () => {
  it('no Authorization header -> 401, handler not run', async () => {
    const { harness, handled } = await withEcho();
    const res = await harness.post(helpMessage(`${harness.connector.url}/`), { auth: 'none' });
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: 'Missing authorization header' });
    expect(handled()).toBe(0);
    expect(harness.connector.sent()).toHaveLength(0);
  });

  it('token signed by an unknown key -> 401', async () => {
    const { harness, handled } = await withEcho();
    const a = helpMessage(`${harness.connector.url}/`);
    const now = Math.floor(Date.now() / 1000);
    const forged = signJwt(
      { ...makeSigningKey(), kid: harness.key.kid },
      {
        iss: 'https://api.botframework.com',
        aud: harness.clientId,
        serviceurl: a.serviceUrl,
        exp: now + 600,
      },
    );
    const res = await harness.post(a, { auth: `Bearer ${forged}` });
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: 'JWT validation failed' });
    expect(handled()).toBe(0);
  });

  it('valid signature but wrong audience / issuer / serviceurl / expired -> 401', async () => {
    const { harness, handled } = await withEcho();
    const a = helpMessage(`${harness.connector.url}/`);
    const now = Math.floor(Date.now() / 1000);
    for (const bad of [
      { aud: 'someone-else' },
      { iss: 'https://evil.example' },
      { serviceurl: 'https://smba.trafficmanager.net/emea/' },
      { exp: now - 3600, nbf: now - 7200, iat: now - 7200 },
    ]) {
      const res = await harness.post(a, { auth: `Bearer ${harness.inboundToken(a.serviceUrl, bad)}` });
      expect(res.status, JSON.stringify(bad)).toBe(401);
    }
    expect(handled()).toBe(0);
  });

  it('valid Bot Connector token -> 200 and the handler runs', async () => {
    const { harness, handled } = await withEcho();
    const res = await harness.post(helpMessage(`${harness.connector.url}/`));
    expect(res.status).toBe(200);
    expect(handled()).toBe(1);
    const [sent] = await harness.connector.waitForSent(1);
    expect(sent?.body.text).toBe('pong');
    // api:// forms of the app id are accepted audiences too
    const a = helpMessage(`${harness.connector.url}/`);
    const res2 = await harness.post(a, {
      auth: `Bearer ${harness.inboundToken(a.serviceUrl, { aud: `api://botid-${harness.clientId}` })}`,
    });
    expect(res2.status).toBe(200);
  });

  it('no credentials and allowUnauthenticated=false -> every request refused', async () => {
    const { harness, handled } = await withEcho({ withCredentials: false });
    const res = await harness.post(helpMessage(`${harness.connector.url}/`));
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: 'Authentication not configured' });
    expect(handled()).toBe(0);
  });

  it('allowUnauthenticated=true (local dev only) accepts a request without a token', async () => {
    const { harness, handled } = await withEcho({ allowUnauthenticated: true });
    const res = await harness.post(helpMessage(`${harness.connector.url}/`), { auth: 'none' });
    expect(res.status).toBe(200);
    expect(handled()).toBe(1);
  });
});
