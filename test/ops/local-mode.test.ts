// `npm start` with nothing configured, as a newcomer meets it: the real entry point in a child process in
// an empty folder. Outside production it is local mode (one line with the console's address, the console
// served on loopback, its database marked local); a production start refuses a local database, and local
// mode refuses a database that holds incidents and is not marked (it may be production's).
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { release01 } from '../fixtures/databases/release-0.1.js';
import { MAIN, ROOT, spawnMain } from '../support/spawn-main.js';

const cwd = mkdtempSync(join(tmpdir(), 'incident-bot-local-'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

const KEY_FILE = join(ROOT, 'test/fixtures/keys/audit-signing-key.pem');

async function addressOf(child: ReturnType<typeof spawnMain>): Promise<string> {
  for (let n = 0; n < 300; n++) {
    const m = /open (http:\/\/\S+)/.exec(child.stdout());
    if (m) return m[1]!;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no address printed: ${child.stdout()}`);
}

describe('local mode', () => {
  it('nothing configured outside production: one line with the address; the console is served on loopback', async () => {
    const child = spawnMain([MAIN], { PORT: '0' }, { cwd, timeoutMs: 30_000 });
    const url = await addressOf(child);
    expect(new URL(url).hostname).toBe('127.0.0.1');
    const lines = child.stdout().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/local mode .* open http:\/\/127\.0\.0\.1:\d+\/\?key=\S+ .*README/);
    const entered = await fetch(url, { redirect: 'manual' });
    expect(entered.status).toBe(303);
    const cookie = entered.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const page = await fetch(new URL('/', url), { headers: { cookie } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('local console');
    child.kill('SIGTERM');
    const done = await child.done;
    expect(done.code).toBe(0);
    const db = new Database(join(cwd, 'data', 'local.db'), { readonly: true });
    expect(db.prepare('SELECT mode FROM database_mode').get()).toEqual({ mode: 'local' });
    db.close();
  }, 40_000);

  it('a production start refuses the local database, naming it; no stack trace', async () => {
    const r = await spawnMain(
      [MAIN],
      {
        NODE_ENV: 'production',
        AUDIT_SIGNING_KEY_FILE: KEY_FILE,
        SLACK_BOT_TOKEN: 'xoxb-test',
        SLACK_SIGNING_SECRET: 'secret',
        SLACK_API_URL: 'http://127.0.0.1:9/',
        DATABASE_PATH: join(cwd, 'data', 'local.db'),
      },
      { cwd, timeoutMs: 30_000 },
    ).done;
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/local\.db is a local-mode database .* production start refuses it/);
    expect(r.stderr).not.toContain('    at ');
  }, 40_000);

  it('local mode will not take over a database that holds incidents and is not marked local', async () => {
    const file = join(cwd, 'production-copy.db');
    release01(file);
    const r = await spawnMain([MAIN], { PORT: '0', LOCAL_DATABASE_PATH: file }, { cwd, timeoutMs: 30_000 })
      .done;
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/holds 2 incidents and is not a local-mode database/);
    // Refused before it was opened for writing: not migrated, no copy taken beside it.
    const db = new Database(file, { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(4);
    db.close();
    expect(readdirSync(cwd).filter((f) => f.startsWith('production-copy.db.'))).toEqual([]);
  }, 40_000);
});
