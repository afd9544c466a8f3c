import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { type ScriptedIncident, scriptIncident } from '../export/incident-fixture.js';
import { OTHER_PUBKEY_FILE, TEST_KEY_FILE, TEST_PUBKEY_FILE } from '../helpers/audit-key.js';
import { declareRequest } from '../helpers/scenario.js';
import { openStack } from '../helpers/store.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

let s: ScriptedIncident;
let dir: string;

beforeAll(() => {
  s = scriptIncident();
  dir = mkdtempSync(path.join(tmpdir(), 'incident-bot-cli-'));
});
afterAll(() => {
  rmSync(s.dir, { recursive: true, force: true });
  rmSync(dir, { recursive: true, force: true });
});

const noStack = (t: string) => expect(t).not.toMatch(/\n\s+at /);

describe('incident-bot CLI (in process)', () => {
  it('prints help with --help, and usage with exit 2 when run without a command', async () => {
    const h = await runCli(['--help']);
    expect(h.code).toBe(0);
    for (const c of ['migrate', 'audit verify', 'export <INC-KEY>', 'playbook check', 'reminders run']) {
      expect(h.stdout).toContain(c);
    }
    const none = await runCli([]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('Usage:');
  });

  it('answers unknown commands and options with a sentence and exit 2', async () => {
    const a = await runCli(['frobnicate']);
    expect(a.code).toBe(2);
    expect(a.stderr).toBe('Unknown command "frobnicate". Run "incident-bot --help" for usage.\n');
    const b = await runCli(['audit', 'verify', '--nope']);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/^Unknown option '--nope'\. Run "incident-bot --help"/);
    const c = await runCli(['audit', 'verify', '--db', 'a.db', '--file', 'b.jsonl']);
    expect(c.code).toBe(2);
    expect(c.stderr).toContain('Give either --db or --file, not both.');
    const d = await runCli(['export', s.key, '--format', 'pdf', '--db', s.file]);
    expect(d.code).toBe(2);
    expect(d.stderr).toContain('Unknown format "pdf": use md, json or csv.');
    for (const r of [a, b, c, d]) noStack(r.stderr);
  });

  it('migrates a new database, then says there is nothing to do; DATABASE_PATH is the default', async () => {
    const file = path.join(dir, 'sub', 'new.db');
    const a = await runCli(['migrate'], { DATABASE_PATH: file });
    expect(a.code).toBe(0);
    expect(a.stdout).toMatch(/^Migrated .*new\.db to schema version \d+ \(applied 1/);
    const b = await runCli(['migrate', '--db', file]);
    expect(b.code).toBe(0);
    expect(b.stdout).toContain('already at schema version');
    // a development key was made next to it (no AUDIT_SIGNING_KEY_FILE), with its public half
    expect(existsSync(path.join(dir, 'sub', 'audit-signing-key.pub.pem'))).toBe(true);
    const v = await runCli(
      ['audit', 'verify', '--pubkey', path.join(dir, 'sub', 'audit-signing-key.pub.pem')],
      {
        DATABASE_PATH: file,
      },
    );
    expect(v.code).toBe(2);
    expect(v.stderr).toContain('has no decision-log entries: nothing to check');
  });

  it('refuses to migrate a database written by newer code', async () => {
    const file = path.join(dir, 'future.db');
    const db = new Database(file);
    db.pragma('user_version = 999');
    db.close();
    const r = await runCli(['migrate', '--db', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('schema version 999');
    noStack(r.stderr);
  });

  it('exports md (with the SVG next to it), json to stdout, and csv to a file', async () => {
    const md = await runCli([
      'export',
      s.key,
      '--format',
      'md',
      '--out',
      path.join(dir, 'review', 'inc.md'),
      '--db',
      s.file,
    ]);
    expect(md.code).toBe(0);
    expect(existsSync(path.join(dir, 'review', 'inc.md'))).toBe(true);
    expect(existsSync(path.join(dir, 'review', 'inc-timeline.svg'))).toBe(true);
    expect(readFileSync(path.join(dir, 'review', 'inc.md'), 'utf8')).toContain('](inc-timeline.svg)');

    const json = await runCli(['export', s.key.toLowerCase(), '--format', 'json', '--db', s.file]);
    expect(json.code).toBe(0);
    const lines = json.stdout.trimEnd().split('\n');
    expect(lines.length).toBe(32); // 31 entries and the proof line
    expect(JSON.parse(lines[0]!).kind).toBe('declared');

    const csv = await runCli(['export', s.key, '-f', 'csv', '-o', path.join(dir, 't.csv'), '--db', s.file]);
    expect(csv.code).toBe(0);
    expect(readFileSync(path.join(dir, 't.csv'), 'utf8').startsWith('at,kind,actor,summary,source\r\n')).toBe(
      true,
    );
  });

  it('says so when the incident or the database does not exist', async () => {
    const a = await runCli(['export', 'INC-2026-0999', '--db', s.file]);
    expect(a.code).toBe(1);
    expect(a.stderr).toBe(`There is no incident INC-2026-0999 in ${s.file}.\n`);
    const b = await runCli(['export', s.key, '--db', path.join(dir, 'missing.db')]);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/^There is no database at /);
    const c = await runCli(['export', '--db', s.file]);
    expect(c.code).toBe(2);
    expect(c.stderr).toContain('Say which incident to export');
  });

  it('verifies a JSONL export offline and refuses a tampered one', async () => {
    const file = path.join(dir, 'log.jsonl');
    expect((await runCli(['export', s.key, '--format', 'json', '--out', file, '--db', s.file])).code).toBe(0);
    const ok = await runCli(['audit', 'verify', '--file', file, '--pubkey', TEST_PUBKEY_FILE]);
    expect(ok.code).toBe(0);
    const text = readFileSync(file, 'utf8');
    const head = JSON.parse(text.trimEnd().split('\n').at(-2)!).hash as string;
    expect(
      (await runCli(['audit', 'verify', '--file', file, '--head', head, '--pubkey', TEST_PUBKEY_FILE])).code,
    ).toBe(0);
    // without the key there is nothing to hold it against; with another key it is not the bot's
    expect((await runCli(['audit', 'verify', '--file', file])).code).toBe(2);
    const other = await runCli(['audit', 'verify', '--file', file, '--pubkey', OTHER_PUBKEY_FILE]);
    expect(other.code).toBe(2);
    expect(other.stderr).toContain('the checkpoint is signed by key');
    writeFileSync(file, text.replace('Irene Chen', 'Irene Chan'));
    const bad = await runCli(['audit', 'verify', '--file', file, '--pubkey', TEST_PUBKEY_FILE]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^FAILED: .*log\.jsonl line 1 \(incident INC-2026-0001, entry 1\)/);
  });

  it('checks playbooks', async () => {
    const ok = await runCli(['playbook', 'check']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^OK .*emergency-procedures\.yaml/);
    const badFile = path.join(dir, 'bad.yaml');
    writeFileSync(badFile, 'id: x\nversion: 1\n');
    const bad = await runCli(['playbook', 'check', badFile]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^INVALID /);
    const missing = await runCli(['playbook', 'check', path.join(dir, 'nope.yaml')]);
    expect(missing.code).toBe(1);
  });

  it('runs a reminder pass as a dry run, and rejects a bad --at', async () => {
    const copy = path.join(dir, 'reminders.db');
    copyFileSync(s.file, copy);
    const r = await runCli(['reminders', 'run', '--dry-run', '--at', '2026-12-20T10:00:00Z', '--db', copy]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Dry run at 2026-12-20T10:00:00\.000Z/);
    const bad = await runCli(['reminders', 'run', '--at', 'tomorrow', '--db', copy]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--at: "tomorrow" is not an ISO time.');
    // a pass in the future would date entries ahead and hold the rooms' outbox: only as a dry run
    const future = new Date(Date.now() + 3_600_000).toISOString();
    const ahead = await runCli(['reminders', 'run', '--at', future, '--db', copy], {
      AUDIT_SIGNING_KEY_FILE: TEST_KEY_FILE,
    });
    expect(ahead.code).toBe(2);
    expect(ahead.stderr).toContain('is in the future');
  });

  it('a reminder pass at a past time records real time, and the instant it looked at beside it', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'incident-bot-catchup-')), 'bot.db');
    const stack = openStack(file);
    const declared = new Date(Date.now() - 3 * 3_600_000);
    const o = stack.service.handle(declareRequest('catchup', { now: declared }));
    if (!o.ok) throw new Error(o.error.message);
    stack.close();
    const pastAt = new Date(Date.now() - 3_600_000).toISOString();
    const before = new Date().toISOString();
    const r = await runCli(['reminders', 'run', '--at', pastAt, '--db', file], {
      AUDIT_SIGNING_KEY_FILE: TEST_KEY_FILE,
    });
    expect(r.code, r.stderr).toBe(0);
    const db = new Database(file, { readonly: true });
    const nudges = db.prepare("SELECT recorded_at, payload FROM decision_log WHERE kind = 'nudge'").all() as {
      recorded_at: string;
      payload: string;
    }[];
    db.close();
    expect(nudges.length).toBeGreaterThan(0);
    for (const n of nudges) {
      expect(n.recorded_at >= before).toBe(true);
      expect(JSON.parse(n.payload).passAt).toBe(new Date(pastAt).toISOString());
    }
    const v = await runCli(['audit', 'verify', '--db', file, '--pubkey', TEST_PUBKEY_FILE]);
    expect(v.code, v.stderr).toBe(0);
  });

  it('makes a key pair with audit keygen, and never overwrites one', async () => {
    const out = path.join(dir, 'keys');
    const a = await runCli(['audit', 'keygen', '--out', out]);
    expect(a.code, a.stderr).toBe(0);
    expect(a.stdout).toMatch(/audit-signing-key\.pem \(private: mode 0600\).*key id [0-9a-f]{16}/);
    expect(statSync(path.join(out, 'audit-signing-key.pem')).mode & 0o777).toBe(0o600);
    expect(readFileSync(path.join(out, 'audit-signing-key.pub.pem'), 'utf8')).toMatch(
      /^-----BEGIN PUBLIC KEY-----/,
    );
    const again = await runCli(['audit', 'keygen', '--out', out]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already exists; a signing key is never overwritten');
    expect((await runCli(['audit', 'keygen'])).code).toBe(2);
  });

  it('export never writes over the database, its journal or its directory, nor over a file without --force', async () => {
    const dataDir = path.dirname(s.file);
    for (const target of [s.file, `${s.file}-wal`, `${s.file}-shm`, path.join(dataDir, 'x.jsonl')]) {
      const before = existsSync(target) ? readFileSync(target) : null;
      const r = await runCli([
        'export',
        s.key,
        '--format',
        'json',
        '--out',
        target,
        '--force',
        '--db',
        s.file,
      ]);
      expect(r.code, target).toBe(1);
      expect(r.stderr).toMatch(/^Refused: /);
      if (before) expect(readFileSync(target).equals(before)).toBe(true);
    }
    const out = path.join(dir, 'existing.jsonl');
    writeFileSync(out, 'keep me');
    const refused = await runCli(['export', s.key, '--format', 'json', '--out', out, '--db', s.file]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('exists; pass --force to replace it');
    expect(readFileSync(out, 'utf8')).toBe('keep me');
    const forced = await runCli([
      'export',
      s.key,
      '--format',
      'json',
      '--out',
      out,
      '--force',
      '--db',
      s.file,
    ]);
    expect(forced.code).toBe(0);
    expect(readFileSync(out, 'utf8')).toContain('"checkpoint"');
    // the Markdown's SVG is checked too: an existing one stops the export before anything is written
    writeFileSync(path.join(dir, 'r-timeline.svg'), 'old');
    const md = await runCli(['export', s.key, '--out', path.join(dir, 'r.md'), '--db', s.file]);
    expect(md.code).toBe(1);
    expect(existsSync(path.join(dir, 'r.md'))).toBe(false);
  });
});

describe('incident-bot CLI (child process)', () => {
  const cli = (...args: string[]) =>
    spawnSync('npx', ['tsx', 'src/cli/main.ts', ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });

  it('audit verify exits 0 on a sound database and 1 on a tampered one, without a stack trace', () => {
    const ok = cli('audit', 'verify', '--db', s.file, '--pubkey', TEST_PUBKEY_FILE);
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/^OK: 31 entries in 1 incident verified/);

    const tampered = path.join(dir, 'tampered.db');
    for (const ext of ['', '-wal', '-shm'])
      if (existsSync(s.file + ext)) copyFileSync(s.file + ext, tampered + ext);
    const db = new Database(tampered);
    db.exec('DROP TRIGGER decision_log_no_update');
    db.prepare("UPDATE decision_log SET at = '2026-11-26T09:00:00.000Z' WHERE seq = 5").run();
    db.close();
    const bad = cli('audit', 'verify', '--db', tampered, '--pubkey', TEST_PUBKEY_FILE);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/^FAILED: global entry 5 \(INC-2026-0001 entry 5\) does not match its hash/);
    noStack(bad.stderr);

    const usage = cli('export');
    expect(usage.status).toBe(2);
    noStack(usage.stderr);
  }, 90_000);
});
