// `incident-bot reminders run` with paging configured: its pass offers the Page buttons as the running bot's
// does (the roles nudge after paging.pageAfterMinutes is `roles-page`); without paging, the plain nudge.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { TEST_KEY_FILE } from '../helpers/audit-key.js';
import { declareRequest, playbook } from '../helpers/scenario.js';
import { openStack } from '../helpers/store.js';

const dir = mkdtempSync(path.join(tmpdir(), 'incident-bot-reminders-paging-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('passes the paging options: the roles nudge is the one with Page buttons only when paging is configured', async () => {
  const file = path.join(dir, 'bot.db');
  const stack = openStack(file);
  const minutes = playbook.paging!.pageAfterMinutes + 5;
  const o = stack.service.handle(declareRequest('paging', { now: new Date(Date.now() - minutes * 60_000) }));
  if (!o.ok) throw new Error(o.error.message);
  stack.close();
  const run = (env: Record<string, string>) =>
    runCli(['reminders', 'run', '--dry-run', '--db', file], {
      AUDIT_SIGNING_KEY_FILE: TEST_KEY_FILE,
      ...env,
    });
  const paging = await run({ PAGERDUTY_ROUTING_KEY: 'pd-key' });
  expect(paging.code, paging.stderr).toBe(0);
  expect(paging.stdout).toMatch(/roles-page\s+INC-/);
  const opsgenie = await run({ OPSGENIE_API_KEY: 'og-key' });
  expect(opsgenie.stdout).toMatch(/roles-page\s+INC-/);
  const none = await run({});
  expect(none.stdout).not.toContain('roles-page');
  expect(none.stdout).toMatch(/roles-unfilled\s+INC-/);
});
