// `npm start` as a newcomer meets it: the real entry point, in a child process, in an empty folder
// (no .env), with an empty environment.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { MAIN, ROOT, spawnMain } from '../support/spawn-main.js';

const cwd = mkdtempSync(join(tmpdir(), 'incident-bot-start-'));

afterAll(() => rmSync(cwd, { recursive: true, force: true }));

const run = (args: string[], env: Record<string, string>, timeoutMs = 20_000) =>
  spawnMain(args, env, { cwd, timeoutMs }).done;

describe('startup', () => {
  it('the temp cwd has no .env', () => {
    expect(existsSync(join(cwd, '.env'))).toBe(false);
  });

  it('in production with nothing configured: says what is missing and the three steps, exits 2, no stack trace', async () => {
    const r = await run([MAIN], {
      NODE_ENV: 'production',
      AUDIT_SIGNING_KEY_FILE: join(ROOT, 'test/fixtures/keys/audit-signing-key.pem'),
    });
    const out = r.stdout + r.stderr;
    expect(r.code).toBe(2);
    expect(out).toMatch(/Missing: SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET/);
    expect(out).toMatch(/TEAMS_CLIENT_ID, TEAMS_CLIENT_SECRET and TEAMS_TENANT_ID/);
    expect(out).toMatch(/^\s+1\. .*manifest/m);
    expect(out).toMatch(/^\s+2\. .*\.env/m);
    expect(out).toMatch(/^\s+3\. .*npm start/m);
    expect(out).not.toContain('    at ');
    expect(out).not.toMatch(/\bError\b:/);
  }, 30_000);

  it('an invalid PORT is named, with what it is for, and no stack trace', async () => {
    const r = await run([MAIN], {
      PORT: 'eighty',
      SLACK_BOT_TOKEN: 'xoxb-test',
      SLACK_SIGNING_SECRET: 'secret',
    });
    const out = r.stdout + r.stderr;
    expect(r.code).not.toBe(0);
    expect(out).toMatch(/^\s+- PORT: .*HTTP port/m);
    expect(out).not.toContain('    at ');
    expect(out).not.toContain('xoxb-test');
  }, 30_000);

  it('half a Slack configuration names the missing setting', async () => {
    const r = await run([MAIN], { SLACK_BOT_TOKEN: 'xoxb-test' });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/SLACK_SIGNING_SECRET is missing/);
    expect(r.stderr).not.toContain('    at ');
  }, 30_000);

  it('in production, no audit signing key stops start-up with the way to make one; a bad key file is named', async () => {
    const slack = {
      SLACK_BOT_TOKEN: 'xoxb-test',
      SLACK_SIGNING_SECRET: 'secret',
      DATABASE_PATH: join(cwd, 'p.db'),
      PORT: '0',
    };
    const none = await run([MAIN], { ...slack, NODE_ENV: 'production' });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/AUDIT_SIGNING_KEY_FILE is required when NODE_ENV=production.*audit keygen/);
    expect(none.stderr).not.toContain('    at ');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(cwd, 'junk.pem'), 'not a key');
    const junk = await run([MAIN], {
      ...slack,
      NODE_ENV: 'production',
      AUDIT_SIGNING_KEY_FILE: join(cwd, 'junk.pem'),
    });
    expect(junk.code).toBe(2);
    expect(junk.stderr).toMatch(/junk\.pem is not a private key in PEM form/);
    expect(junk.stderr).not.toContain('    at ');
  }, 30_000);

  it('the default PLAYBOOK_PATH resolves from any working directory (it is found from the package, not the cwd)', async () => {
    const loader = pathToFileURL(join(ROOT, 'src', 'storage', 'playbook-file.ts')).href;
    const script = `const m = await import(${JSON.stringify(loader)}); const p = m.loadPlaybook(); console.log(JSON.stringify({ file: m.DEFAULT_PLAYBOOK_PATH, version: p.ref.version }));`;
    const r = await run(['--input-type=module', '-e', script], {});
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const got = JSON.parse(r.stdout.trim()) as { file: string; version: string };
    expect(got.file).toBe(join(ROOT, 'playbooks', 'emergency-procedures.yaml'));
    expect(got.version).toBeTruthy();
  }, 30_000);

  it('an invalid playbook stops start-up, naming the file and the problem, no stack trace', async () => {
    const bad = join(cwd, 'bad-playbook.yaml');
    const { readFileSync, writeFileSync } = await import('node:fs');
    const text = readFileSync(join(ROOT, 'playbooks', 'emergency-procedures.yaml'), 'utf8');
    writeFileSync(bad, text.replace('initialPhase: detection', 'initialPhase: triage'));
    const r = await run([MAIN], {
      SLACK_BOT_TOKEN: 'xoxb-test',
      SLACK_SIGNING_SECRET: 'secret',
      PLAYBOOK_PATH: bad,
      DATABASE_PATH: join(cwd, 'bot.db'),
      PORT: '0',
    });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('bad-playbook.yaml');
    expect(r.stderr).toMatch(/initialPhase.*unknown phase "triage"/);
    expect(r.stderr).not.toContain('    at ');
  }, 30_000);

  it('/readyz: 200 with database, migrations and dispatcher checked; 503 once the dispatcher stops', async () => {
    const { startBot } = await import('../../src/bot.js');
    const { readConfig } = await import('../../src/config.js');
    const { createLogger } = await import('../../src/logger.js');
    const bot = await startBot(
      readConfig({ PORT: '0', HOST: '127.0.0.1', DATABASE_PATH: join(cwd, 'ready.db'), LOG_LEVEL: 'silent' }),
      createLogger({ level: 'silent' }),
      { scheduler: false },
    );
    try {
      const ok = await fetch(`${bot.url}/readyz`);
      expect(ok.status).toBe(200);
      expect(await ok.json()).toEqual({
        ok: true,
        checks: { database: true, migrations: true, dispatcher: true },
      });
      bot.dispatcher.stop();
      const down = await fetch(`${bot.url}/readyz`);
      expect(down.status).toBe(503);
      expect(((await down.json()) as { checks: { dispatcher: boolean } }).checks.dispatcher).toBe(false);
    } finally {
      await bot.shutdown(1);
    }
  });
});
