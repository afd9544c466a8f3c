// `incident-bot drill FILE`: a shipped drill played headless through the bot in local mode on a fresh
// database, the review export written, the database's audit trail holding; a script that is not valid, a
// database that is not fresh and production are refused with a sentence.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { ROOT } from '../support/spawn-main.js';

const dir = mkdtempSync(path.join(tmpdir(), 'incident-bot-drill-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('incident-bot drill', () => {
  it('plays the severe outage drill to a reviewed incident and writes its review export', async () => {
    const db = path.join(dir, 'outage.db');
    const out = path.join(dir, 'outage');
    const r = await runCli(
      ['drill', path.join(ROOT, 'playbooks/drills/severe-outage.yaml'), '--db', db, '--out', out],
      {},
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/all accepted; INC-\d{4}-\d{4} closed, review recorded/);
    expect(r.stdout).not.toContain('FAIL');
    const key = /(INC-\d{4}-\d{4})/.exec(r.stdout)![1]!;
    const md = readFileSync(path.join(out, `${key}.md`), 'utf8');
    expect(md).toContain(`${key}-timeline.svg`);
    expect(md).toMatch(/Drill clock moved forward/);
    for (const f of [`${key}-timeline.svg`, `${key}-timeline.csv`, `${key}.jsonl`])
      expect(existsSync(path.join(out, f))).toBe(true);
    const verified = await runCli(
      ['audit', 'verify', '--db', db, '--pubkey', path.join(dir, 'audit-signing-key.pub.pem')],
      {},
    );
    expect(verified.code, verified.stderr).toBe(0);
  }, 60_000);

  it('refuses a script that is not valid (naming the step), a database that exists, and production', async () => {
    const bad = path.join(dir, 'bad.yaml');
    writeFileSync(bad, 'title: Broken\nsteps:\n  - as: mallory\n    claim: commander\n');
    const r = await runCli(['drill', bad, '--db', path.join(dir, 'bad.db')], {});
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.yaml/);
    expect(r.stderr).toMatch(/step 1/);
    const again = await runCli(
      ['drill', path.join(ROOT, 'playbooks/drills/severe-outage.yaml'), '--db', path.join(dir, 'outage.db')],
      {},
    );
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/exists: a drill plays on a fresh database/);
    const prod = await runCli(['drill', path.join(ROOT, 'playbooks/drills/severe-outage.yaml')], {
      NODE_ENV: 'production',
    });
    expect(prod.code).toBe(2);
    expect(prod.stderr).toMatch(/local mode only/);
  });
});
