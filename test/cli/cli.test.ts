import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { type ScriptedIncident, scriptIncident } from '../export/incident-fixture.js';

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
    const v = await runCli(['audit', 'verify'], { DATABASE_PATH: file });
    expect(v.code).toBe(0);
    expect(v.stdout).toContain('OK: 0 entries in 0 incidents verified');
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
    expect(lines.length).toBe(28);
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
    const ok = await runCli(['audit', 'verify', '--file', file]);
    expect(ok.code).toBe(0);
    const text = readFileSync(file, 'utf8');
    const head = JSON.parse(text.trimEnd().split('\n').at(-1)!).hash as string;
    expect((await runCli(['audit', 'verify', '--file', file, '--head', head])).code).toBe(0);
    writeFileSync(file, text.replace('Irene Chen', 'Irene Chan'));
    const bad = await runCli(['audit', 'verify', '--file', file]);
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
  });
});

describe('incident-bot CLI (child process)', () => {
  const cli = (...args: string[]) =>
    spawnSync('npx', ['tsx', 'src/cli/main.ts', ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });

  it('audit verify exits 0 on a sound database and 1 on a tampered one, without a stack trace', () => {
    const ok = cli('audit', 'verify', '--db', s.file);
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/^OK: 28 entries in 1 incident verified/);

    const tampered = path.join(dir, 'tampered.db');
    for (const ext of ['', '-wal', '-shm'])
      if (existsSync(s.file + ext)) copyFileSync(s.file + ext, tampered + ext);
    const db = new Database(tampered);
    db.exec('DROP TRIGGER decision_log_no_update');
    db.prepare("UPDATE decision_log SET at = '2026-11-26T09:00:00.000Z' WHERE seq = 5").run();
    db.close();
    const bad = cli('audit', 'verify', '--db', tampered);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(
      /^FAILED: the decision log of INC-2026-0001 is broken at entry 5 \(decision_log row id \d+\)/,
    );
    noStack(bad.stderr);

    const usage = cli('export');
    expect(usage.status).toBe(2);
    noStack(usage.stderr);
  }, 90_000);
});
