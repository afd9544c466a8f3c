// A DATABASE_URL node-postgres cannot parse (a password with an unencoded `/` or `#`) is said at once, by the
// bot (exit 2) and by the command line (non-zero: a cron job running `audit verify` must never read success),
// without repeating the value. Before, the bridge's worker thread died on it and both processes exited 0.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readConfig } from '../../src/config.js';
import { connectionStringProblem } from '../../src/storage/postgres/pg-url.js';
import { TEST_KEY_FILE, TEST_PUBKEY_FILE } from '../helpers/audit-key.js';
import { MAIN, ROOT, spawnMain } from '../support/spawn-main.js';

const cwd = mkdtempSync(join(tmpdir(), 'incident-bot-bad-url-'));
const CLI = join(ROOT, 'src', 'cli', 'main.ts');
/** The password "se/cr#et" unencoded: the URL's authority ends at the `/`. */
const BAD = 'postgres://bot:se/cr#et@127.0.0.1:1/bot';
const secretParts = ['se/cr', 'cr#et'];

afterAll(() => rmSync(cwd, { recursive: true, force: true }));

function noSecret(text: string): void {
  for (const p of secretParts) expect(text).not.toContain(p);
}

describe('connectionStringProblem', () => {
  it('accepts what node-postgres reads, percent-encoded passwords included', () => {
    for (const ok of [
      'postgres://bot:se%2Fcr%23et@db:5432/bot',
      'postgresql://db/bot',
      'postgres://bot:p@ss@db/bot',
      'postgres://bot@/bot?host=/var/run/postgresql',
    ])
      expect(connectionStringProblem(ok)).toBeNull();
  });

  it('refuses an unreadable URL, and a "#" that would silently cut one, saying what to do', () => {
    for (const bad of [BAD, 'postgres://bot:se/cret@db/bot', 'postgres://bot:123#4@db/bot']) {
      const said = connectionStringProblem(bad);
      expect(said).toMatch(/percent-encode special characters in the password/);
      noSecret(said ?? '');
      expect(said).not.toContain('123');
    }
  });

  it('readConfig refuses it as a configuration problem naming the setting', () => {
    expect(() => readConfig({ DATABASE_URL: BAD })).toThrow(/DATABASE_URL (contains "#"|cannot be read)/);
  });
});

describe('a DATABASE_URL that cannot be parsed, in the real processes (no server needed)', () => {
  it('the bot exits 2 with one configuration line', async () => {
    const r = await spawnMain(
      [MAIN],
      {
        HOST: '127.0.0.1',
        PORT: '0',
        DATABASE_URL: BAD,
        AUDIT_SIGNING_KEY_FILE: TEST_KEY_FILE,
        SLACK_BOT_TOKEN: 'xoxb-bad-url',
        SLACK_SIGNING_SECRET: 'bad-url-secret',
      },
      { cwd, timeoutMs: 30_000 },
    ).done;
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/configuration is not valid:\n {2}- DATABASE_URL .*percent-encode/);
    noSecret(r.stdout + r.stderr);
  }, 40_000);

  it('`incident-bot audit verify` exits non-zero with one sentence', async () => {
    const r = await spawnMain(
      [CLI, 'audit', 'verify', '--pubkey', TEST_PUBKEY_FILE],
      { DATABASE_URL: BAD, DATABASE_CONNECT_TIMEOUT_SECONDS: '5' },
      { cwd, timeoutMs: 30_000 },
    ).done;
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/^The PostgreSQL connection string .*percent-encode/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stdout).toBe('');
    noSecret(r.stdout + r.stderr);
  }, 40_000);

  it('`incident-bot migrate` too (--db)', async () => {
    const r = await spawnMain(
      [CLI, 'migrate', '--db', 'postgres://bot:se/cret@127.0.0.1:1/bot'],
      { AUDIT_SIGNING_KEY_FILE: TEST_KEY_FILE },
      { cwd, timeoutMs: 30_000 },
    ).done;
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot be read as a URL: percent-encode/);
    expect(r.stderr).not.toContain('se/cret');
  }, 40_000);
});
