// The real entry point on PostgreSQL (DATABASE_URL), in a child process with a fake Slack: it starts, its
// /readyz reports the connection; when the database ends its session and refuses new ones, /readyz says why
// with 503, /healthz stays 200, a command is told the database cannot be reached, the process lives on;
// once the database is back the bridge reconnects by itself and commands are stored again.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { VIEW } from '../../src/platforms/slack/ids.js';
import { declareValues } from '../faults/fault-helpers.js';
import { TEST_KEY_FILE } from '../helpers/audit-key.js';
import { dropPgDatabases, freshPgUrl, hasPg, PG_URL } from '../helpers/pg.js';
import { startFakeSlackApi } from '../support/fake-slack-api.js';
import { SlackClientSim } from '../support/slack-request.js';
import { MAIN, spawnMain } from '../support/spawn-main.js';
import { waitFor } from '../support/wait-for.js';

const cwd = mkdtempSync(join(tmpdir(), 'incident-bot-pg-start-'));
const SECRET = 'pg-start-secret';
/** Trust authentication ignores it; it must never be printed. */
const PASSWORD = 'never-printed-pw';

afterAll(async () => {
  rmSync(cwd, { recursive: true, force: true });
  await dropPgDatabases();
});

async function sql<T extends pg.QueryResultRow>(url: string, text: string): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<T>(text)).rows;
  } finally {
    await c.end();
  }
}

interface Ready {
  ok: boolean;
  checks: Record<string, unknown>;
  connection?: { state: string; error: string | null; since: string | null; database: string };
}

async function readyz(base: string): Promise<{ status: number; body: Ready }> {
  const r = await fetch(`${base}/readyz`);
  return { status: r.status, body: (await r.json()) as Ready };
}

async function databaseUp(base: string): Promise<string | undefined> {
  const text = await (await fetch(`${base}/metrics`)).text();
  return /^incident_bot_database_up (\d)$/m.exec(text)?.[1];
}

/** Polls an async check until it gives something truthy. */
async function eventually<T>(fn: () => Promise<T | null | false>, what: string, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('DATABASE_URL at start-up (no server needed)', () => {
  it('a PostgreSQL that never accepts: each attempt logged, then exit 2 with one line, no password', async () => {
    const r = await spawnMain(
      [MAIN],
      {
        HOST: '127.0.0.1',
        PORT: '0',
        DATABASE_URL: `postgres://bot:${PASSWORD}@127.0.0.1:1/bot`,
        DATABASE_CONNECT_TIMEOUT_SECONDS: '4',
        AUDIT_SIGNING_KEY_FILE: TEST_KEY_FILE,
        SLACK_BOT_TOKEN: 'xoxb-pg-start',
        SLACK_SIGNING_SECRET: SECRET,
      },
      { cwd, timeoutMs: 30_000 },
    ).done;
    expect(r.code).toBe(2);
    const attempts = r.stdout.match(/PostgreSQL: connection failed; retrying/g) ?? [];
    expect(attempts.length).toBeGreaterThanOrEqual(2);
    expect(r.stdout).toContain('"db":"postgres://bot:***@127.0.0.1:1/bot"');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(
      /^incident-bot: Cannot connect to the PostgreSQL database postgres:\/\/bot:\*\*\*@127\.0\.0\.1:1\/bot within 4 s \(connect ECONNREFUSED/,
    );
    expect(r.stdout + r.stderr).not.toContain(PASSWORD);
  }, 40_000);

  it('local mode ignores DATABASE_URL, says so in one line, and serves the console on its SQLite file', async () => {
    const child = spawnMain(
      [MAIN],
      {
        PORT: '0',
        DATABASE_URL: `postgres://bot:${PASSWORD}@127.0.0.1:1/bot`,
        LOCAL_DATABASE_PATH: join(cwd, 'local.db'),
      },
      { cwd, timeoutMs: 30_000 },
    );
    try {
      await waitFor(
        () => /local mode \(no Slack or Teams configured\): open http/.test(child.stdout()),
        'the console line',
        20_000,
      );
      child.kill('SIGTERM');
      const r = await child.done;
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(/^incident-bot: local mode ignores DATABASE_URL/);
      expect(r.stdout + r.stderr).not.toContain(PASSWORD);
    } finally {
      child.kill('SIGKILL');
    }
  }, 40_000);
});

describe.runIf(hasPg)('the bot on PostgreSQL (child process)', () => {
  it('reports a lost connection on /readyz, answers commands clearly meanwhile, and recovers by itself', async () => {
    const fake = await startFakeSlackApi({
      botUserId: 'U0BOT',
      botId: 'B0BOT',
      channels: [{ id: 'C0GENERAL', name: 'general', members: ['U0BOT'] }],
    });
    const url = new URL(await freshPgUrl());
    const dbName = url.pathname.slice(1);
    const withPassword = new URL(url);
    withPassword.password = PASSWORD;
    const bot = spawnMain(
      [MAIN],
      {
        HOST: '127.0.0.1',
        PORT: '0',
        LOG_LEVEL: 'info',
        DATABASE_URL: withPassword.toString(),
        AUDIT_SIGNING_KEY_FILE: TEST_KEY_FILE,
        SLACK_BOT_TOKEN: 'xoxb-pg-start',
        SLACK_SIGNING_SECRET: SECRET,
        SLACK_API_URL: fake.url,
        SLACK_BOT_ID: 'B0BOT',
        SLACK_BOT_USER_ID: 'U0BOT',
        REMINDER_CRON: '0 0 1 1 *',
      },
      { cwd, timeoutMs: 120_000 },
    );
    try {
      const port = await waitFor(
        () => bot.stdout().match(/"port":(\d+)[^\n]*waiting for the platforms/)?.[1],
        'the listening line',
        30_000,
      );
      const base = `http://127.0.0.1:${port}`;
      await waitFor(() => /"msg":"incident-bot started"/.test(bot.stdout()), 'the started line', 30_000);
      const up = await readyz(base);
      expect(up.status).toBe(200);
      expect(up.body.checks).toEqual({ slack: true, database: true, migrations: true, dispatcher: true });
      expect(up.body.connection).toMatchObject({ state: 'up', error: null, since: null });
      expect(up.body.connection?.database).toContain(dbName);
      expect(up.body.connection?.database).not.toContain(PASSWORD);

      const sim = new SlackClientSim({ url: `${base}/slack/events`, signingSecret: SECRET });
      const declare = (title: string) =>
        sim.viewSubmission({
          callbackId: VIEW.declare,
          userId: 'U0IC',
          values: declareValues({ title }),
          privateMetadata: JSON.stringify({ c: 'C0GENERAL' }),
        });
      expect((await declare('Before the outage')).status).toBe(200);
      await eventually(
        async () => (await sql(url.toString(), 'SELECT key FROM incidents')).length === 1,
        'the first incident stored',
      );

      // The database refuses new sessions and ends the bot's (from a session of its own in that database).
      const admin = new pg.Client({ connectionString: url.toString() });
      admin.on('error', () => undefined);
      await admin.connect();
      await sql(PG_URL, `ALTER DATABASE ${dbName} ALLOW_CONNECTIONS false`);
      const ended = await admin.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
          WHERE datname = current_database() AND pid <> pg_backend_pid()`,
      );
      expect(ended.rowCount).toBeGreaterThan(0);
      await admin.end();
      const down = await eventually(async () => {
        const r = await readyz(base);
        return r.status === 503 && r.body.connection?.error ? r : null;
      }, '/readyz to say the database is down');
      expect(down.body.connection?.state).not.toBe('up');
      expect(down.body.connection?.since).toMatch(/^\d{4}-\d\d-\d\dT/);
      expect(down.body.checks.database).toMatch(/PostgreSQL is unavailable/);
      expect(down.body.checks.migrations).toBe(false);
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      expect(await databaseUp(base)).toBe('0');

      // A command meanwhile: a clear sentence, not a stack trace, and the process stays up.
      const slash = await sim.slash('list', { userId: 'U0IC', channelId: 'C0GENERAL' });
      expect(slash.status).toBe(200);
      expect(slash.body.text).toMatch(/database cannot be reached right now.*try again shortly/);
      const form = await declare('During the outage');
      expect(form.status).toBe(200);
      expect(JSON.stringify(form.body)).toMatch(/cannot be reached right now/);
      await new Promise((r) => setTimeout(r, 1500));
      expect((await fetch(`${base}/healthz`)).status).toBe(200);

      // Back: the bridge reconnects with backoff on its own.
      await sql(PG_URL, `ALTER DATABASE ${dbName} ALLOW_CONNECTIONS true`);
      const back = await eventually(async () => {
        const r = await readyz(base);
        return r.status === 200 ? r : null;
      }, '/readyz 200 again');
      expect(back.body.connection).toMatchObject({ state: 'up', error: null });
      expect(await databaseUp(base)).toBe('1');
      expect((await declare('After the outage')).status).toBe(200);
      const titles = await eventually(async () => {
        const rows = await sql<{ title: string }>(
          url.toString(),
          "SELECT state::jsonb ->> 'title' AS title FROM incidents ORDER BY 1",
        );
        return rows.length === 2 ? rows.map((r) => r.title) : null;
      }, 'the incident declared after the outage');
      expect(titles).toEqual(['After the outage', 'Before the outage']);
      expect(bot.stdout()).toMatch(/PostgreSQL: connection lost; reconnecting/);
      await waitFor(() => /PostgreSQL: connection back/.test(bot.stdout()), 'the "connection back" line');

      bot.kill('SIGTERM');
      const exited = await bot.done;
      expect(exited.code).toBe(0);
      expect(exited.stdout + exited.stderr).not.toContain(PASSWORD);
      expect(exited.stderr).not.toMatch(/^\s+at /m);
    } finally {
      bot.kill('SIGKILL');
      await sql(PG_URL, `ALTER DATABASE ${dbName} ALLOW_CONNECTIONS true`).catch(() => undefined);
      await fake.close();
    }
  }, 150_000);
});
