// The playbook's `paging` section (issue 21, "people paged") and the roles nudge it drives: bad entries are
// refused by `playbook check` with their path (unknown role, a service named like a role, a routing key
// written in the playbook); which roles are pageable; the roles nudge offers a Page button per open role
// `pageAfterMinutes` after activation, only where paging is configured, and not for a role already paged.
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${NAME}` is the playbook's variable syntax, not a template
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { pageableRoles } from '../../src/domain/paging.js';
import type { Playbook } from '../../src/domain/playbook.js';
import { validatePlaybook } from '../../src/domain/playbook-schema.js';
import { dueReminders } from '../../src/domain/reminders.js';
import { DEFAULT_PLAYBOOK_PATH } from '../../src/storage/playbook-file.js';
import { nudgeView } from '../../src/views/nudge.js';
import { at, ctx, declared, ic, must, playbook } from '../helpers/scenario.js';

const raw = (): Playbook => parse(readFileSync(DEFAULT_PLAYBOOK_PATH, 'utf8')) as Playbook;

function errorsWith(change: (pb: Playbook) => void): string[] {
  const pb = raw();
  change(pb);
  const r = validatePlaybook(pb);
  return r.ok ? [] : r.errors;
}

describe('paging in the playbook', () => {
  it('the shipped section is valid; by default the required roles are pageable', () => {
    expect(validatePlaybook(raw()).ok).toBe(true);
    expect(pageableRoles(playbook)).toEqual(
      expect.arrayContaining(['commander', 'technical_lead', 'comms_lead', 'scribe', 'data_steward']),
    );
    expect(pageableRoles(playbook)).not.toContain('specialist');
    expect(pageableRoles({ ...playbook, paging: { pageAfterMinutes: 5, roles: ['scribe'] } })).toEqual([
      'scribe',
    ]);
  });

  it('refuses an unknown role, a service named like a role, a routing key in the clear, a bad delay', () => {
    expect(errorsWith((pb) => (pb.paging!.roles = ['commander', 'janitor']))).toEqual([
      'paging.roles[1]: unknown role "janitor"',
    ]);
    expect(errorsWith((pb) => (pb.paging!.services!.scribe = { description: 'Scribes on call' }))).toEqual([
      'paging.services.scribe: "scribe" is also a role ("scribe") as people type it; give the service another name',
    ]);
    const clear = errorsWith((pb) => (pb.paging!.services!.market_data!.routingKey = 'R0UTINGKEY123'));
    expect(clear).toHaveLength(1);
    expect(clear[0]).toMatch(
      /^paging\.services\.market_data\.routingKey: must be one \$\{ENV_NAME\} reference/,
    );
    expect(errorsWith((pb) => (pb.paging!.pageAfterMinutes = 0))).toEqual([
      'paging.pageAfterMinutes: must be positive',
    ]);
    expect(errorsWith((pb) => ((pb.paging as unknown as Record<string, unknown>).pagers = 1))).toHaveLength(
      1,
    );
  });
});

describe('the roles nudge offers to page', () => {
  const pb = playbook;
  const after = pb.paging!.pageAfterMinutes;
  const owed = (i = declared(), minutes = after, paging = true) =>
    dueReminders([{ incident: i, playbook: pb }], new Set(), at(minutes), { paging }).filter(
      (r) => r.kind === 'roles-unfilled' || r.kind === 'roles-page',
    );

  it('pageAfterMinutes after activation, with a Page button per open role (Slack, Teams, console alike)', () => {
    const [r] = owed();
    expect(r!.kind).toBe('roles-page');
    const page = (r!.data.page as { id: string }[]).map((x) => x.id);
    expect(page).toEqual(['technical_lead', 'comms_lead', 'scribe']);
    const view = nudgeView(declared(), { ...r! });
    // each carries when the nudge fell due (Teams re-renders the nudge after a page, snooze buttons included)
    const dueAt = r!.dueAt;
    expect(view.actions.filter((a) => a.kind === 'page')).toEqual([
      { kind: 'page', target: 'technical_lead', label: 'Page Technical lead', dueAt },
      { kind: 'page', target: 'comms_lead', label: 'Page Communications lead', dueAt },
      { kind: 'page', target: 'scribe', label: 'Page Scribe', dueAt },
    ]);
  });

  it('before then, or without paging configured, the plain roles nudge with no Page button', () => {
    expect(owed(declared(), pb.clocks.requiredRolesNudgeMinutes).map((r) => r.kind)).toEqual([
      'roles-unfilled',
    ]);
    const [plain] = owed(declared(), after, false);
    expect(plain!.kind).toBe('roles-unfilled');
    expect(nudgeView(declared(), { ...plain! }).actions.some((a) => a.kind === 'page')).toBe(false);
  });

  it('a role already paged gets no button', () => {
    const i = must(declared(), { type: 'page', target: 'scribe' }, ctx(ic, at(1), { paging: 'pagerduty' }));
    const page = (owed(i)[0]!.data.page as { id: string }[]).map((x) => x.id);
    expect(page).toEqual(['technical_lead', 'comms_lead']);
  });
});
