// Start-up against a Slack that refuses the token, never answers, or is not there: the real entry point in a
// child process prints one sentence naming the setting and exits 3 (2 for a malformed token), no stack
// trace; /readyz is 503 while auth.test has not answered and 200 once it has.
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type FakeSlack, startFakeSlackApi } from '../support/fake-slack-api.js';
import { MAIN, spawnMain } from '../support/spawn-main.js';
import { waitFor } from '../support/wait-for.js';

const cwd = mkdtempSync(join(tmpdir(), 'incident-bot-platform-start-'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

const start = (env: Record<string, string>, timeoutMs = 25_000) =>
  spawnMain([MAIN], { HOST: '127.0.0.1', DATABASE_PATH: join(cwd, 'bot.db'), ...env }, { cwd, timeoutMs });

const slackEnv = (apiUrl: string, extra: Record<string, string> = {}) => ({
  SLACK_BOT_TOKEN: 'xoxb-1-startup-test',
  SLACK_SIGNING_SECRET: 'secret',
  SLACK_API_URL: apiUrl,
  PORT: '0',
  LOG_LEVEL: 'info',
  ...extra,
});

/** One line on stderr, no stack frames, no token. */
function expectOneClearLine(stderr: string) {
  const lines = stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(stderr).not.toMatch(/^\s+at /m);
  expect(stderr).not.toContain('xoxb-1-startup-test');
}

async function listening(server: http.Server | net.Server): Promise<string> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`;
}

describe('start-up against Slack', () => {
  let slack: FakeSlack | undefined;
  afterAll(async () => slack?.close());

  it('Slack answering invalid_auth: exit 3, one line naming SLACK_BOT_TOKEN and what Slack said', async () => {
    slack = await startFakeSlackApi();
    slack.setHandler('auth.test', () => ({ ok: false, error: 'invalid_auth' }));
    const r = await start(slackEnv(slack.url)).done;
    expect(r.code).toBe(3);
    expectOneClearLine(r.stderr);
    expect(r.stderr).toMatch(
      /^incident-bot: Slack refused SLACK_BOT_TOKEN \(invalid_auth\): check the token/,
    );
  }, 30_000);

  it('a Slack that accepts the connection and never answers: exit 3 after STARTUP_TIMEOUT_SECONDS', async () => {
    const sockets: net.Socket[] = [];
    const silent = net.createServer((s) => sockets.push(s));
    const url = await listening(silent);
    try {
      const r = await start(slackEnv(url, { STARTUP_TIMEOUT_SECONDS: '2' })).done;
      expect(r.code).toBe(3);
      expectOneClearLine(r.stderr);
      expect(r.stderr).toMatch(
        /Slack did not answer auth\.test at http:\/\/127\.0\.0\.1:\d+\/api\/ within 2 s/,
      );
      expect(r.stderr).toMatch(/SLACK_API_URL/);
    } finally {
      for (const s of sockets) s.destroy();
      silent.close();
    }
  }, 30_000);

  it('nothing listening where Slack should be: exit 3 naming the connection failure', async () => {
    const gone = net.createServer();
    const url = await listening(gone);
    await new Promise((r) => gone.close(r));
    const r = await start(slackEnv(url)).done;
    expect(r.code).toBe(3);
    expectOneClearLine(r.stderr);
    expect(r.stderr).toMatch(/Slack could not be reached for auth\.test at .* \(ECONNREFUSED\)/);
  }, 30_000);

  it.each([
    [
      'SLACK_BOT_TOKEN',
      { SLACK_BOT_TOKEN: 'xapp-1-A1-123-abc' },
      /SLACK_BOT_TOKEN must be the bot token \(xoxb-\.\.\.\).*xapp-\.\.\. is the app-level token/,
    ],
    [
      'SLACK_BOT_TOKEN',
      { SLACK_BOT_TOKEN: 'xoxp-1-user-token' },
      /SLACK_BOT_TOKEN must be the bot token \(xoxb-\.\.\.\)/,
    ],
    [
      'SLACK_APP_TOKEN',
      { SLACK_APP_TOKEN: 'xoxb-1-wrong-place' },
      /SLACK_APP_TOKEN must be an app-level token \(xapp-/,
    ],
  ])(
    'a malformed %s is refused before anything is asked: exit 2',
    async (_name, bad, message) => {
      const r = await start(slackEnv('http://127.0.0.1:9/api/', bad)).done;
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/^\s+at /m);
      expect(r.stderr).not.toContain('xapp-1-A1-123-abc');
    },
    30_000,
  );

  it('TEAMS_TENANT_ID is required with TEAMS_CLIENT_ID: exit 2 naming it', async () => {
    const r = await start({ TEAMS_CLIENT_ID: 'app', TEAMS_CLIENT_SECRET: 'secret', PORT: '0' }).done;
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/TEAMS_TENANT_ID is missing/);
  }, 30_000);

  it('/readyz is 503 naming Slack while auth.test is unanswered, 200 once Slack answers; SIGTERM exits 0', async () => {
    let release: (() => void) | undefined;
    const held = new Promise<void>((r) => {
      release = r;
    });
    const api = http.createServer((req, res) => {
      void held.then(() => {
        res.setHeader('content-type', 'application/json');
        res.end(
          JSON.stringify(
            req.url?.includes('auth.test')
              ? {
                  ok: true,
                  user_id: 'U0BOT',
                  bot_id: 'B0BOT',
                  team: 'Acme',
                  team_id: 'T1',
                  url: 'https://x/',
                }
              : { ok: true },
          ),
        );
      });
    });
    const url = await listening(api);
    const bot = start(slackEnv(url, { STARTUP_TIMEOUT_SECONDS: '60' }), 60_000);
    try {
      // The server listens before Slack is asked: its port is in the "listening" log line.
      const port = await waitFor(
        () => bot.stdout().match(/"port":(\d+)[^\n]*waiting for the platforms/)?.[1],
        'the listening line',
        20_000,
      );
      const before = await fetch(`http://127.0.0.1:${port}/readyz`);
      expect(before.status).toBe(503);
      const body = (await before.json()) as { checks: Record<string, unknown> };
      expect(body.checks.slack).toBe('waiting for auth.test');
      expect(body.checks.database).toBe(true);
      // Slack's requests meanwhile: 503 with Retry-After (Slack retries), never a 404 or a half-handled command.
      const early = await fetch(`http://127.0.0.1:${port}/slack/events`, { method: 'POST', body: 'x=1' });
      expect(early.status).toBe(503);
      expect(early.headers.get('retry-after')).toBe('5');
      release?.();
      await waitFor(() => /"msg":"incident-bot started"/.test(bot.stdout()), 'the started line', 20_000);
      const after = (await (await fetch(`http://127.0.0.1:${port}/readyz`)).json()) as {
        checks: Record<string, unknown>;
      };
      expect(after.checks).toEqual({ slack: true, database: true, migrations: true, dispatcher: true });
      bot.kill('SIGTERM');
      const r = await bot.done;
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/"platform":"slack","answered":"auth\.test: bot U0BOT in Acme"/);
    } finally {
      bot.kill('SIGKILL');
      api.closeAllConnections();
      api.close();
    }
  }, 90_000);
});
