// The command line on PostgreSQL: DATABASE_URL names the database (as the bot reads it) for migrate, audit
// verify, export, backup (pg_dump) and reminders run; restore points to pg_restore; a database that cannot
// be reached, or a DATABASE_URL that is not PostgreSQL's, is one sentence, never a stack trace or the password.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IncidentService } from '../../src/app/incident-service.js';
import { runCli } from '../../src/cli/main.js';
import { openPostgres } from '../../src/storage/postgres/open-postgres.js';
import { IncidentStore } from '../../src/storage/sqlite/incident-store.js';
import { latestVersion } from '../../src/storage/sqlite/migrate.js';
import { tamper } from '../helpers/attacker.js';
import { TEST_KEY_FILE, TEST_PUBKEY_FILE, testSigner } from '../helpers/audit-key.js';
import { adminSql, dropPgDatabases, freshPgUrl, hasPg, PG_URL } from '../helpers/pg.js';
import { declareRequest, playbook, playbookRef } from '../helpers/scenario.js';
import { inTheRoom } from '../helpers/store.js';

const dir = mkdtempSync(path.join(tmpdir(), 'incident-bot-pg-cli-'));
/** Trust authentication ignores it; no output may show it. */
const PASSWORD = 'cli-secret-pw';
const noStack = (t: string) => expect(t).not.toMatch(/\n\s+at /);

function withPassword(url: string): string {
  const u = new URL(url);
  u.password = PASSWORD;
  return u.toString();
}

const envFor = (url: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH ?? '',
  DATABASE_URL: withPassword(url),
  AUDIT_SIGNING_KEY_FILE: TEST_KEY_FILE,
  ...extra,
});

/** A database with one incident and a few entries, signed as the bot signs them. */
async function seeded(): Promise<{ url: string; key: string }> {
  const url = await freshPgUrl();
  const db = await openPostgres(url);
  try {
    const service = inTheRoom(
      new IncidentService(new IncidentStore(db, {}, testSigner), { playbook, ref: playbookRef }),
    );
    const r = service.handle(declareRequest('pg-cli-1', { title: 'Ledger on PostgreSQL' }));
    if (!r.ok) throw new Error('declare refused');
    const note = service.handle({
      key: 'pg-cli-2',
      incidentKey: r.incident.key,
      command: { type: 'log', text: 'restarted the primary' },
      actor: { id: 'U_IC', name: 'ic' },
    } as never);
    if (!note.ok) throw new Error(`log refused: ${JSON.stringify(note)}`);
    return { url, key: r.incident.key };
  } finally {
    await db.close();
  }
}

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  if (hasPg) await dropPgDatabases();
});

describe('DATABASE_URL on the command line (no server needed)', () => {
  it('a DATABASE_URL that is not postgres:// is refused with a usage sentence (exit 2), without repeating it', async () => {
    const r = await runCli(['audit', 'verify', '--pubkey', TEST_PUBKEY_FILE], {
      DATABASE_URL: 'mysql://root:hunter2@db/bot',
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^DATABASE_URL must be a PostgreSQL connection string/);
    expect(r.stderr).not.toContain('hunter2');
  });

  it('a PostgreSQL that cannot be reached: one sentence, exit 1, no password', async () => {
    const r = await runCli(['migrate'], {
      DATABASE_URL: `postgres://bot:${PASSWORD}@127.0.0.1:1/bot`,
      DATABASE_CONNECT_TIMEOUT_SECONDS: '3',
      AUDIT_SIGNING_KEY_FILE: TEST_KEY_FILE,
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^Cannot connect to the PostgreSQL database postgres:\/\/bot:\*\*\*@127\.0\.0\.1:1\/bot/,
    );
    expect(r.stderr).toContain('ECONNREFUSED');
    expect(r.stderr).not.toContain(PASSWORD);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe.runIf(hasPg)('the command line on PostgreSQL (DATABASE_URL)', () => {
  let db: { url: string; key: string };
  beforeAll(async () => {
    db = await seeded();
  });

  it('migrate: an empty database is migrated once; the second run has nothing to do', async () => {
    const name = `ib_t_cli_${randomBytes(5).toString('hex')}`;
    await adminSql(`CREATE DATABASE ${name}`);
    try {
      const u = new URL(PG_URL);
      u.pathname = `/${name}`;
      const first = await runCli(['migrate'], envFor(u.toString()));
      expect(first.stderr).toBe('');
      expect(first.code).toBe(0);
      expect(first.stdout).toMatch(
        new RegExp(
          `^Migrated postgres://postgres:\\*\\*\\*@[^ ]+/${name} to schema version ${latestVersion()} \\(applied 1, 2, `,
        ),
      );
      const second = await runCli(['migrate'], envFor(u.toString()));
      expect(second.code).toBe(0);
      expect(second.stdout).toMatch(
        new RegExp(`is already at schema version ${latestVersion()}; nothing to do`),
      );
      expect(first.stdout + second.stdout).not.toContain(PASSWORD);
    } finally {
      await adminSql(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    }
  });

  it('audit verify passes on the database, then fails naming the entry changed behind the bot', async () => {
    const mine = await seeded();
    const ok = await runCli(['audit', 'verify', '--pubkey', TEST_PUBKEY_FILE], envFor(mine.url));
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^OK: \d+ entries in 1 incident verified/);
    const conn = await openPostgres(mine.url, { migrate: false });
    try {
      tamper(conn, (d) =>
        d.prepare("UPDATE decision_log SET at = '2026-11-26T09:00:00.000Z' WHERE seq = 2").run(),
      );
    } finally {
      await conn.close();
    }
    const bad = await runCli(['audit', 'verify', '--pubkey', TEST_PUBKEY_FILE], envFor(mine.url));
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^FAILED: global entry 2 \(INC-\d{4}-\d{4} entry 2\) does not match its hash/);
    noStack(bad.stderr);
  });

  it('export: the JSON Lines log to stdout (verifiable offline), the review document to files', async () => {
    const json = await runCli(['export', db.key, '--format', 'json'], envFor(db.url));
    expect(json.code, json.stderr).toBe(0);
    const jsonl = path.join(dir, 'pg.jsonl');
    writeFileSync(jsonl, json.stdout);
    const offline = await runCli(['audit', 'verify', '--file', jsonl, '--pubkey', TEST_PUBKEY_FILE]);
    expect(offline.code, offline.stderr).toBe(0);
    const md = path.join(dir, 'review.md');
    const doc = await runCli(['export', db.key, '--out', md], envFor(db.url));
    expect(doc.code, doc.stderr).toBe(0);
    expect(readFileSync(md, 'utf8')).toContain('Ledger on PostgreSQL');
    const again = await runCli(['export', db.key, '--out', md], envFor(db.url));
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/exists; pass --force/);
    const none = await runCli(['export', 'INC-1999-0001', '--format', 'csv'], envFor(db.url));
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/There is no incident INC-1999-0001 in postgres:\/\/postgres:\*\*\*@/);
  });

  it('backup: a pg_dump custom-format file that pg_restore lists; never overwrites', async () => {
    const out = path.join(dir, 'bot.dump');
    const r = await runCli(['backup', '--out', out], envFor(db.url));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^Backed up postgres:\/\/postgres:\*\*\*@.* to .*bot\.dump: schema version \d+, 1 incident\(s\), \d+ log entries/,
    );
    expect(r.stdout).toContain('pg_restore');
    expect(r.stdout).not.toContain(PASSWORD);
    const list = spawnSync('pg_restore', ['--list', out], { encoding: 'utf8' });
    expect(list.status, list.stderr).toBe(0);
    expect(list.stdout).toMatch(/TABLE DATA public decision_log/);
    expect(list.stdout).toMatch(/TABLE DATA public incidents/);
    expect(existsSync(`${out}.partial`)).toBe(false);
    const again = await runCli(['backup', '--out', out], envFor(db.url));
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already exists: a backup never overwrites/);
  });

  it('backup: pg_dump missing, or failing, is one sentence naming what to do', async () => {
    const missing = await runCli(
      ['backup', '--out', path.join(dir, 'none.dump')],
      envFor(db.url, { PATH: path.join(dir, 'empty-bin') }),
    );
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^pg_dump was not found on PATH: install PostgreSQL's client tools/);
    const named = await runCli(
      ['backup', '--out', path.join(dir, 'none.dump')],
      envFor(db.url, { PG_DUMP_PATH: path.join(dir, 'nowhere', 'pg_dump') }),
    );
    expect(named.code).toBe(1);
    expect(named.stderr).toMatch(/^pg_dump was not found at .*nowhere\/pg_dump \(PG_DUMP_PATH\)/);
    // A pg_dump that fails: its own words come back, with the password masked.
    const bin = path.join(dir, 'bad-bin');
    const fake = path.join(bin, 'pg_dump');
    rmSync(bin, { recursive: true, force: true });
    spawnSync('mkdir', ['-p', bin]);
    writeFileSync(fake, `#!/bin/sh\necho "pg_dump: error: server said no to $PGPASSWORD" >&2\nexit 1\n`);
    writeFileSync(path.join(bin, 'pg_restore'), '#!/bin/sh\nexit 0\n');
    chmodSync(fake, 0o755);
    chmodSync(path.join(bin, 'pg_restore'), 0o755);
    const failed = await runCli(
      ['backup', '--out', path.join(dir, 'failed.dump')],
      envFor(db.url, { PG_DUMP_PATH: fake }),
    );
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(
      /^pg_dump of postgres:\/\/postgres:\*\*\*@.* failed \(exit 1\): pg_dump: error: server said no to \*\*\*/,
    );
    expect(failed.stderr).not.toContain(PASSWORD);
    expect(existsSync(path.join(dir, 'failed.dump'))).toBe(false);
  });

  it('restore on PostgreSQL says to use pg_restore (exit 2)', async () => {
    const r = await runCli(['restore', '--from', path.join(dir, 'bot.dump')], envFor(db.url));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/pg_restore --clean --if-exists --no-owner --dbname=<DATABASE_URL>/);
  });

  it('reminders run: a dry run lists what is owed without claiming it', async () => {
    const at = new Date(Date.now() + 6 * 3600_000).toISOString();
    const r = await runCli(['reminders', 'run', '--dry-run', '--at', at], envFor(db.url));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Dry run at .*: \d+ reminder\(s\) would be sent \(1 incident\(s\) looked at\)/);
    const real = await runCli(['reminders', 'run'], envFor(db.url));
    expect(real.code, real.stderr).toBe(0);
    expect(real.stdout).toMatch(/^Reminder pass at .*: \d+ reminder\(s\) queued for delivery/);
  });

  it('--db names another database than DATABASE_URL: a file, or a URL', async () => {
    const file = path.join(dir, 'elsewhere.db');
    const r = await runCli(['migrate', '--db', file], envFor(db.url));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(file);
    const url = await runCli(['migrate', '--db', db.url], {
      PATH: process.env.PATH ?? '',
      AUDIT_SIGNING_KEY_FILE: TEST_KEY_FILE,
    });
    expect(url.code, url.stderr).toBe(0);
    expect(url.stdout).toMatch(/nothing to do/);
  });
});
