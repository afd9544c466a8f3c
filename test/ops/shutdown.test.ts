// SIGTERM under load, against the real entry point in a child process: exit 0, every request that was
// answered 200 is in the database, and the outbox is delivered (the fake Slack API recorded the posts).
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/storage/sqlite/open-database.js';
import { openStack } from '../helpers/store.js';
import { type FakeSlack, startFakeSlackApi } from '../support/fake-slack-api.js';
import { freePort, SlackClientSim } from '../support/slack-request.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const MAIN = join(ROOT, 'src', 'main.ts');
const TSX = pathToFileURL(join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
const SECRET = 'shutdown-test-signing-secret';
const ROOM = 'C0ROOM';
const IC = 'U0IC';
const SOMETHING_WENT_WRONG = /something went wrong/i;

const dir = mkdtempSync(join(tmpdir(), 'incident-bot-shutdown-'));
let fake: FakeSlack | null = null;
let child: ChildProcess | null = null;
afterAll(async () => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  await fake?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** An open incident whose room is ROOM, its messages already delivered (so the child starts with an empty outbox). */
function seed(dbPath: string): string {
  const s = openStack(dbPath);
  try {
    const actor = { platform: 'slack' as const, id: IC };
    const d = s.service.handle({
      key: 'seed:declare',
      incidentKey: null,
      command: {
        type: 'declare',
        key: '',
        title: 'Shutdown drill',
        triggerClass: 'service_outage',
        impact: 'none',
        severeImpact: false,
        drill: false,
      },
      actor,
    });
    if (!d.ok) throw new Error(d.error.message);
    const r = s.service.handle({
      key: 'seed:room',
      incidentKey: d.incident.key,
      command: { type: 'room_created', platform: 'slack', roomId: ROOM, name: 'inc-shutdown' },
      actor: { platform: 'cli', id: 'incident-bot' },
    });
    if (!r.ok) throw new Error(r.error.message);
    s.db.prepare('UPDATE outbox SET sent_at = ? WHERE sent_at IS NULL').run(new Date().toISOString());
    return d.incident.key;
  } finally {
    s.close();
  }
}

interface Sent {
  n: number;
  kind: 'log' | 'role';
  user: string;
  status: number;
  text: string;
}

describe('graceful shutdown (child process)', () => {
  it('SIGTERM mid-load: exit 0, every 200 is stored, the outbox is delivered', async () => {
    fake = await startFakeSlackApi({
      botUserId: 'U0BOT',
      botId: 'B0BOT',
      channels: [{ id: ROOM, name: 'inc-shutdown' }],
    });
    const dbPath = join(dir, 'bot.db');
    const incidentKey = seed(dbPath);
    const port = await freePort();
    const startedAt = new Date().toISOString();
    let stdout = '';
    let stderr = '';
    child = spawn(process.execPath, ['--import', TSX, MAIN], {
      cwd: dir,
      env: {
        PATH: process.env.PATH ?? '',
        NODE_ENV: 'test',
        HOST: '127.0.0.1',
        PORT: String(port),
        DATABASE_PATH: dbPath,
        LOG_LEVEL: 'info',
        SLACK_BOT_TOKEN: 'xoxb-test',
        SLACK_SIGNING_SECRET: SECRET,
        SLACK_API_URL: fake.url,
        SLACK_BOT_ID: 'B0BOT',
        SLACK_BOT_USER_ID: 'U0BOT',
        SLACK_STAKEHOLDER_CHANNEL: 'C0STAKE',
        REMINDER_CRON: '0 0 1 1 *',
        OUTBOX_PACE_MS: '0',
        SHUTDOWN_DRAIN_SECONDS: '10',
      },
    });
    child.stdout?.on('data', (c) => {
      stdout += c;
    });
    child.stderr?.on('data', (c) => {
      stderr += c;
    });
    const exited = new Promise<number | null>((ok) => child?.on('exit', (code) => ok(code)));

    // Ready when /healthz answers.
    const base = `http://127.0.0.1:${port}`;
    const readyBy = Date.now() + 20_000;
    for (;;) {
      if (child.exitCode !== null)
        throw new Error(`bot exited early (${child.exitCode}): ${stderr}${stdout}`);
      const ok = await fetch(`${base}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      if (Date.now() > readyBy) throw new Error(`bot not ready: ${stderr}${stdout}`);
      await new Promise((r) => setTimeout(r, 100));
    }

    const sim = new SlackClientSim({ url: `${base}/slack/events`, signingSecret: SECRET });
    const sent: Sent[] = [];
    let next = 0;
    let done = false;
    let ok200 = 0;
    const worker = async () => {
      while (!done && next < 2000) {
        const n = next++;
        const kind: Sent['kind'] = n % 3 === 2 ? 'role' : 'log';
        const user = kind === 'role' ? `U0S${n}` : IC;
        const text = kind === 'role' ? 'role specialist' : `log shutdown-note-${n}`;
        try {
          const r = await sim.slash(text, { userId: user, channelId: ROOM });
          sent.push({
            n,
            kind,
            user,
            status: r.status,
            text: typeof r.body === 'string' ? r.body : JSON.stringify(r.body),
          });
          if (r.status === 200) ok200++;
        } catch {
          sent.push({ n, kind, user, status: 0, text: '' });
          await new Promise((r) => setTimeout(r, 5));
        }
      }
    };
    const workers = Array.from({ length: 6 }, () => worker());
    while (ok200 < 60 && Date.now() < readyBy + 20_000) await new Promise((r) => setTimeout(r, 10));
    child.kill('SIGTERM');
    const code = await exited;
    done = true;
    await Promise.all(workers);

    expect(code, `stderr:\n${stderr}\nstdout tail:\n${stdout.slice(-2000)}`).toBe(0);
    expect(stderr + stdout).not.toContain('    at ');
    const answered = sent.filter((s) => s.status === 200);
    if (process.env.SHUTDOWN_TEST_DEBUG)
      console.log({
        sent: sent.length,
        ok: answered.length,
        statuses: [...new Set(sent.map((s) => s.status))],
        posts: fake.okCallsTo('chat.postMessage').length,
        log: stdout.slice(-600),
      });
    expect(answered.length).toBeGreaterThanOrEqual(60);
    expect(answered.filter((s) => SOMETHING_WENT_WRONG.test(s.text))).toEqual([]);

    const db = openDatabase(dbPath);
    try {
      const notes = db
        .prepare(
          "SELECT json_extract(payload, '$.text') AS text FROM decision_log WHERE incident_key = ? AND kind = 'note'",
        )
        .all(incidentKey) as { text: string }[];
      const noteCount = new Map<string, number>();
      for (const r of notes) noteCount.set(r.text, (noteCount.get(r.text) ?? 0) + 1);
      for (const s of answered.filter((x) => x.kind === 'log'))
        expect(noteCount.get(`shutdown-note-${s.n}`), `note ${s.n}`).toBe(1);
      const state = JSON.parse(
        (db.prepare('SELECT state FROM incidents WHERE key = ?').get(incidentKey) as { state: string }).state,
      );
      const specialists: string[] = state.roles.specialist ?? [];
      for (const s of answered.filter((x) => x.kind === 'role'))
        expect(specialists, s.user).toContain(s.user);

      const outbox = db.prepare('SELECT sent_at, failed_at, last_error, body FROM outbox').all() as {
        sent_at: string | null;
        failed_at: string | null;
        last_error: string | null;
        body: string;
      }[];
      const pending = outbox.filter((r) => !r.sent_at && !r.failed_at);
      expect(pending, 'outbox rows left undelivered').toEqual([]);
      expect(outbox.filter((r) => r.failed_at).map((r) => r.last_error)).toEqual([]);
      // Every post the bot marked sent reached the fake Slack API.
      const posts = outbox.filter(
        (r) => r.sent_at && r.sent_at >= startedAt && JSON.parse(r.body).kind === 'post',
      ).length;
      expect(answered.filter((s) => s.kind === 'role').length).toBeGreaterThan(0);
      expect(posts).toBeGreaterThan(0);
      expect(
        fake.okCallsTo('chat.postMessage').length + fake.okCallsTo('chat.postEphemeral').length,
      ).toBeGreaterThanOrEqual(posts);
    } finally {
      db.close();
    }
  }, 60_000);
});
