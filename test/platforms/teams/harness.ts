/**
 * Test harness: our express app (+ another route) with the Teams app mounted, a fake Bot Connector that
 * also serves the Bot Framework JWKS, RS256 tokens signed like the Bot Connector's, and an outbound
 * token override. Nothing leaves 127.0.0.1.
 */
import { generateKeyPairSync, type KeyObject, randomUUID, sign } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import { PUBLIC, withOverrides } from '@microsoft/teams.api';
import type { App } from '@microsoft/teams.apps';
import express from 'express';
import { createTeamsApp, silentTeamsLogger } from '../../../src/platforms/teams/teams-app.js';
import { type FakeBotConnector, startFakeBotConnector } from '../../support/fake-bot-connector.js';

// biome-ignore lint/suspicious/noExplicitAny: untyped wire JSON
export type WireJson = any;

const b64url = (v: string | Buffer) => Buffer.from(v).toString('base64url');

export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  jwk: Record<string, unknown>;
}

export function makeSigningKey(): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = `kid-${randomUUID()}`;
  return { kid, privateKey, jwk: { ...publicKey.export({ format: 'jwk' }), kid, use: 'sig', alg: 'RS256' } };
}

export function signJwt(key: SigningKey, claims: Record<string, unknown>): string {
  const header = b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: key.kid }));
  const payload = b64url(JSON.stringify(claims));
  const sig = sign('RSA-SHA256', Buffer.from(`${header}.${payload}`), key.privateKey);
  return `${header}.${payload}.${b64url(sig)}`;
}

/** Unsigned but decodable JWT, as the outbound `token` override must return (jwt-decode only). */
export function fakeOutboundToken(): string {
  const now = Math.floor(Date.now() / 1000);
  const header = b64url(JSON.stringify({ alg: 'none', typ: 'JWT' }));
  const payload = b64url(
    JSON.stringify({ aud: 'https://api.botframework.com', iss: 'fake-entra', iat: now, exp: now + 3600 }),
  );
  return `${header}.${payload}.fake`;
}

// The real payloads in ../shared/fixtures/teams (beside the repository), else the copy in test/fixtures/teams.
const SHARED_FIXTURES = new URL('../../../../shared/fixtures/teams/', import.meta.url);
export const FIXTURES = existsSync(SHARED_FIXTURES)
  ? SHARED_FIXTURES
  : new URL('../../fixtures/teams/', import.meta.url);

export function fixture(name: string): WireJson {
  const file = JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8')) as { payload: unknown };
  return structuredClone(file.payload);
}

export interface HarnessOptions {
  allowUnauthenticated?: boolean;
  /** false = no clientId at all (auth cannot work) */
  withCredentials?: boolean;
  clientId?: string;
  register?: (app: App) => void;
}

export interface Harness {
  app: App;
  connector: FakeBotConnector;
  /** `http://127.0.0.1:<port>` of OUR express server */
  baseUrl: string;
  clientId: string;
  key: SigningKey;
  outboundTokenCalls: Array<{ scope: string | string[]; tenantId?: string }>;
  outboundToken: string;
  /** Bot Connector-style inbound token for an activity's serviceUrl. */
  inboundToken(serviceUrl: string, overrides?: Record<string, unknown>): string;
  /** POST an activity to /api/messages; `auth: 'valid'` (default) signs a token for its serviceUrl. */
  post(
    activity: WireJson,
    opts?: { auth?: 'valid' | 'none' | string },
  ): Promise<{ status: number; body: WireJson }>;
  close(): Promise<void>;
}

export async function startHarness(opts: HarnessOptions = {}): Promise<Harness> {
  const key = makeSigningKey();
  const connector = await startFakeBotConnector({ jwks: { keys: [key.jwk] } });
  const clientId = opts.clientId ?? '0b6fe6d1-fece-44f7-9a48-56465e2d5ab8';
  const outboundToken = fakeOutboundToken();
  const outboundTokenCalls: Harness['outboundTokenCalls'] = [];

  const expressApp = express();
  expressApp.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });

  const withCredentials = opts.withCredentials ?? true;
  const app = await createTeamsApp({
    expressApp,
    allowUnauthenticated: opts.allowUnauthenticated ?? false,
    logger: silentTeamsLogger(),
    ...(withCredentials
      ? {
          clientId,
          tenantId: '50612dbb-0237-4969-b378-8d42590f9c00',
          token: (scope: string | string[], tenantId?: string) => {
            outboundTokenCalls.push({ scope, ...(tenantId ? { tenantId } : {}) });
            return outboundToken;
          },
        }
      : {}),
    // app.send() goes here (stored references should use sendToConversation with their own serviceUrl)
    serviceUrl: connector.url,
    // inbound JWT validation fetches its JWKS from the fake connector instead of login.botframework.com
    cloud: withOverrides(PUBLIC, {
      openIdMetadataUrl: `${connector.url}/v1/.well-known/openidconfiguration`,
    }),
  });
  opts.register?.(app);

  const server: http.Server = await new Promise((resolve) => {
    const s = expressApp.listen(0, '127.0.0.1', () => resolve(s));
  });
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const inboundToken = (serviceUrl: string, overrides: Record<string, unknown> = {}) => {
    const now = Math.floor(Date.now() / 1000);
    return signJwt(key, {
      iss: 'https://api.botframework.com',
      aud: clientId,
      serviceurl: serviceUrl,
      nbf: now - 10,
      iat: now - 10,
      exp: now + 3600,
      ...overrides,
    });
  };

  return {
    app,
    connector,
    baseUrl,
    clientId,
    key,
    outboundTokenCalls,
    outboundToken,
    inboundToken,
    async post(activity, postOpts = {}) {
      const auth = postOpts.auth ?? 'valid';
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (auth === 'valid') headers.authorization = `Bearer ${inboundToken(activity.serviceUrl)}`;
      else if (auth !== 'none') headers.authorization = auth;
      const res = await fetch(`${baseUrl}/api/messages`, {
        method: 'POST',
        headers,
        body: JSON.stringify(activity),
      });
      const text = await res.text();
      let body: WireJson = text;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        /* keep text */
      }
      return { status: res.status, body };
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await connector.close();
    },
  };
}
