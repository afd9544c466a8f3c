// `incident-bot backup` while another process writes the database without pause, `restore` with its
// checks, and the copy migrations take before they change a database.
import { type ChildProcess, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { latestVersion } from '../../src/storage/sqlite/migrate.js';
import { release01 } from '../fixtures/databases/release-0.1.js';
import { TEST_KEY_FILE, TEST_PUBKEY_FILE } from '../helpers/audit-key.js';
import { waitFor } from '../support/wait-for.js';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const TSX = pathToFileURL(path.join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
const dir = mkdtempSync(path.join(tmpdir(), 'incident-bot-backup-'));
const file = path.join(dir, 'bot.db');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const entriesIn = (f: string) => {
  const db = new Database(f, { readonly: true });
  try {
    return db.prepare('SELECT COUNT(*) FROM decision_log').pluck().get() as number;
  } finally {
    db.close();
  }
};

describe('backup while the database is written, then restore', () => {
  let writer: ChildProcess;
  let written = 0;
  beforeAll(async () => {
    writer = spawn(
      process.execPath,
      ['--import', TSX, path.join(import.meta.dirname, 'busy-writer.ts'), file],
      {
        cwd: ROOT,
      },
    );
    writer.stdout?.on('data', (c: Buffer) => {
      const last = c.toString().trim().split('\n').at(-1);
      if (last) written = Number(last);
    });
    await waitFor(() => written >= 200, 'the writer to get going', 20_000);
  });
  afterAll(() => writer.kill('SIGKILL'));

  it('takes consistent copies that audit verify accepts, while the writer goes on', async () => {
    const sizes: number[] = [];
    for (const n of [1, 2, 3]) {
      const out = path.join(dir, `copy-${n}.db`);
      const before = written;
      const r = await runCli(['backup', '--out', out, '--db', file, '--pubkey', TEST_PUBKEY_FILE]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(
        /^Backed up .*bot\.db to .*copy-\d\.db: schema version \d+, 1 incident\(s\), \d+ log entries/,
      );
      expect(r.stdout).toMatch(/SQLite integrity check ok/);
      expect(r.stdout).toMatch(/The copy's audit trail verifies/);
      // One self-contained file: no -wal beside it, and audit verify on it (without the tool's help) passes.
      expect(existsSync(`${out}-wal`)).toBe(false);
      const v = await runCli(['audit', 'verify', '--db', out, '--pubkey', TEST_PUBKEY_FILE]);
      expect(v.code).toBe(0);
      sizes.push(entriesIn(out));
      // The writer was not held up: it wrote more while the copy was taken and checked.
      await waitFor(() => written > before, 'the writer to go on', 10_000);
    }
    expect(sizes[1]).toBeGreaterThan(sizes[0]!);
    expect(sizes[2]).toBeGreaterThan(sizes[1]!);
  });

  it('never overwrites, and says where to write instead', async () => {
    const r = await runCli(['backup', '--out', path.join(dir, 'copy-1.db'), '--db', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/copy-1\.db already exists: a backup never overwrites/);
    const none = await runCli(['backup', '--db', file]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/--out FILE/);
    const missing = await runCli([
      'backup',
      '--out',
      path.join(dir, 'x.db'),
      '--db',
      path.join(dir, 'nope.db'),
    ]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/Cannot open the database .*nope\.db/);
    expect(existsSync(path.join(dir, 'x.db'))).toBe(false);
  });

  it('refuses to restore over a database that is in use', async () => {
    const r = await runCli(['restore', '--from', path.join(dir, 'copy-1.db'), '--db', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^Not restored: .*bot\.db is in use \(is the bot running\?\): stop it first/);
  });

  it('restores once the writer is stopped, keeping the database it replaces', async () => {
    writer.kill('SIGKILL');
    await new Promise((r) => writer.once('exit', r));
    const copy = path.join(dir, 'copy-2.db');
    const wanted = entriesIn(copy);
    const r = await runCli(['restore', '--from', copy, '--db', file, '--pubkey', TEST_PUBKEY_FILE]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const kept = r.stdout.match(/kept as (\S+)\./)?.[1];
    expect(kept).toMatch(/bot\.db\.before-restore-\d{8}T\d{6}Z$/);
    expect(entriesIn(kept!)).toBeGreaterThan(wanted);
    expect(entriesIn(file)).toBe(wanted);
    const v = await runCli(['audit', 'verify', '--db', file, '--pubkey', TEST_PUBKEY_FILE]);
    expect(v.code).toBe(0);
  });

  it('refuses a copy that is not a database, is damaged, or was written by a newer build', async () => {
    const junk = path.join(dir, 'junk.db');
    writeFileSync(junk, 'not a database at all, just text that is long enough to look like a file');
    const a = await runCli(['restore', '--from', junk, '--db', file]);
    expect(a.code).toBe(1);
    expect(a.stderr).toMatch(/^Not restored: .*junk\.db (cannot be opened|is not a usable)/);

    const newer = path.join(dir, 'newer.db');
    copyFileSync(path.join(dir, 'copy-3.db'), newer);
    const db = new Database(newer);
    db.pragma(`user_version = ${latestVersion() + 1}`);
    db.close();
    const b = await runCli(['restore', '--from', newer, '--db', file]);
    expect(b.code).toBe(1);
    expect(b.stderr).toMatch(/newer than this build/);

    const damaged = path.join(dir, 'damaged.db');
    copyFileSync(path.join(dir, 'copy-3.db'), damaged);
    const d = new Database(damaged);
    d.unsafeMode(true);
    d.pragma('writable_schema = ON');
    d.prepare("UPDATE sqlite_schema SET rootpage = 9999 WHERE name = 'decision_log'").run();
    d.close();
    const c = await runCli(['restore', '--from', damaged, '--db', file]);
    expect(c.code).toBe(1);
    expect(c.stderr).toMatch(/^Not restored: /);
    // Nothing was touched by the refusals.
    expect((await runCli(['audit', 'verify', '--db', file, '--pubkey', TEST_PUBKEY_FILE])).code).toBe(0);
  });
});

describe('migrations copy the database first', () => {
  it('migrate on a release 0.1 database leaves <db>.pre-v<N>-<time> as it was; a second run copies nothing', async () => {
    const old = path.join(dir, 'old.db');
    release01(old);
    const env = { AUDIT_SIGNING_KEY_FILE: TEST_KEY_FILE };
    const r = await runCli(['migrate', '--db', old], env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const copy = r.stdout.match(/The database as it was is in (\S+)\./)?.[1];
    expect(copy).toMatch(new RegExp(`old\\.db\\.pre-v${latestVersion()}-\\d{8}T\\d{6}Z$`));
    const before = new Database(copy!, { readonly: true });
    expect(before.pragma('user_version', { simple: true })).toBe(4);
    before.close();
    const again = await runCli(['migrate', '--db', old], env);
    expect(again.stdout).toMatch(/already at schema version/);
    expect(readdirSync(dir).filter((f) => f.startsWith('old.db.pre-'))).toHaveLength(1);
  });
});
