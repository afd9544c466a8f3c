// The first Teams bot token at start: what Entra ID's answers (as the SDK's MSAL client raises them) become.
// End to end against a fake Entra is not possible here: MSAL accepts only an https authority.
import type { App } from '@microsoft/teams.apps';
import { describe, expect, it } from 'vitest';
import { PlatformStartError } from '../../../src/platforms/platform.js';
import { verifyTeamsToken } from '../../../src/platforms/teams/teams-app.js';

const appGetting = (getBotToken: () => Promise<unknown>) => ({ getBotToken }) as unknown as App;

async function failure(app: App, timeoutMs = 1000): Promise<PlatformStartError> {
  const e = await verifyTeamsToken(app, timeoutMs).then(
    () => null,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(PlatformStartError);
  return e as PlatformStartError;
}

describe('verifyTeamsToken', () => {
  it('a token: says so', async () => {
    await expect(
      verifyTeamsToken(
        appGetting(async () => ({ toString: () => 'jwt' })),
        1000,
      ),
    ).resolves.toMatch(/bot token obtained/);
  });

  it('Entra refusing the secret (AADSTS7000215): refused, naming the code and the three settings', async () => {
    const msal = Object.assign(
      new Error('invalid_client: Error(s): 7000215 - AADSTS7000215: Invalid client secret provided.'),
      {
        errorCode: 'invalid_client',
      },
    );
    const e = await failure(
      appGetting(async () => {
        throw msal;
      }),
    );
    expect(e.kind).toBe('refused');
    expect(e.message).toMatch(/Entra ID refused the bot's credentials \(AADSTS7000215\)/);
    expect(e.message).toMatch(/TEAMS_CLIENT_ID, TEAMS_CLIENT_SECRET \(not expired\) and TEAMS_TENANT_ID/);
  });

  it('an HTTP 401 without a code: refused', async () => {
    const e = await failure(
      appGetting(async () => {
        throw Object.assign(new Error('Request failed'), { response: { status: 401 } });
      }),
    );
    expect(e.kind).toBe('refused');
    expect(e.message).toMatch(/\(HTTP 401\)/);
  });

  it('no answer within the deadline: unreachable, naming the seconds', async () => {
    const e = await failure(
      appGetting(() => new Promise(() => {})),
      1000,
    );
    expect(e.kind).toBe('unreachable');
    expect(e.message).toMatch(/did not answer a token request within 1 s/);
  });

  it('a network error: unreachable with its code', async () => {
    const e = await failure(
      appGetting(async () => {
        throw Object.assign(new Error('getaddrinfo ENOTFOUND login.microsoftonline.com'), {
          code: 'ENOTFOUND',
        });
      }),
    );
    expect(e.kind).toBe('unreachable');
    expect(e.message).toMatch(/ENOTFOUND/);
  });

  it('no token and no error (no credentials): refused, naming the settings', async () => {
    const e = await failure(appGetting(async () => null));
    expect(e.kind).toBe('refused');
    expect(e.message).toMatch(/TEAMS_CLIENT_ID, TEAMS_CLIENT_SECRET and TEAMS_TENANT_ID/);
  });
});
