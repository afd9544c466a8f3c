// Who may do what: the core's PERMISSIONS table (plus the refinements in the handlers) as a table test,
// a sample of it through Slack, and no token or secret in any log line.

import { afterEach, describe, expect, it } from 'vitest';
import type { Command } from '../../src/domain/commands.js';
import { decide, PERMISSIONS } from '../../src/domain/decide.js';
import type { Actor, Incident } from '../../src/domain/incident.js';
import { plainText } from '../../src/domain/text.js';
import { ACTION, VIEW } from '../../src/platforms/slack/ids.js';
import type { SqliteDb } from '../../src/storage/sqlite/open-database.js';
import { at, closureFields, criteria, ctx, declared, ic, must } from '../helpers/scenario.js';
import { bootSlackBot, type SlackBot } from '../support/boot-slack-bot.js';
import { declare, declareValues, freshViewId, IC, phaseValues, waitFor } from './fault-helpers.js';
import { REAL_SECRET, REAL_TOKEN, type RealBot, startRealBot } from './real-bot.js';

const admin: Actor = { platform: 'slack', id: 'U_ADMIN' };
const holder: Actor = { platform: 'slack', id: 'U_TECH' }; // holds technical_lead
const owner: Actor = { platform: 'slack', id: 'U_OWNER' }; // owns a follow-up, holds nothing
const other: Actor = { platform: 'slack', id: 'U_OTHER' }; // in the incident's room, nothing else
const outsider: Actor = { platform: 'slack', id: 'U_OUTSIDER' }; // not a member, acting from elsewhere
const who = { IC: ic, admin, holder, owner, other, outsider } as const;
type Who = keyof typeof who;

function fixture(): Incident {
  let i = declared();
  i = must(i, { type: 'claim_role', role: 'technical_lead' }, ctx(holder, at(1)));
  i = must(
    i,
    {
      type: 'add_followup',
      id: 'F1',
      what: 'Fix alerting',
      owner: owner.id,
      due: '2026-12-10',
      objective: 'resilience',
      acceptance: 'It is verified done.',
    },
    ctx(ic, at(2)),
  );
  return i;
}

function inClosure(): Incident {
  let i = fixture();
  for (const p of ['detection', 'containment', 'mitigation'])
    i = must(i, { type: 'advance_phase', confirmed: criteria(p) }, ctx(ic, at(3)));
  return i;
}

const closeCmd: Command = { type: 'close', confirmed: criteria('closure'), fields: closureFields };

/** action, command, incident, who may, who may not (with the refusal code). */
const TABLE: [string, Command, () => Incident, Who[], Who[]][] = [
  [
    'phase forward',
    { type: 'advance_phase', confirmed: criteria('detection') },
    fixture,
    ['IC', 'admin'],
    ['holder', 'owner', 'other'],
  ],
  [
    'phase back',
    { type: 'revert_phase', to: 'containment', reason: 'mitigation failed' },
    () => {
      let i = fixture();
      for (const p of ['detection', 'containment'])
        i = must(i, { type: 'advance_phase', confirmed: criteria(p) }, ctx(ic, at(3)));
      return i;
    },
    ['IC', 'admin'],
    ['holder', 'owner', 'other'],
  ],
  ['close', closeCmd, inClosure, ['IC', 'admin'], ['holder', 'owner', 'other']],
  [
    'reclassify',
    { type: 'reclassify', triggerClass: 'data_integrity', reason: 'bad prices' },
    fixture,
    ['IC', 'admin'],
    ['holder', 'owner', 'other'],
  ],
  [
    'assign IC',
    { type: 'assign_role', role: 'commander', user: 'U_NEWIC' },
    fixture,
    ['IC', 'admin'],
    ['holder', 'owner', 'other'],
  ],
  [
    'hand over technical lead',
    { type: 'assign_role', role: 'technical_lead', user: 'U_NEW' },
    fixture,
    ['IC', 'admin', 'holder'],
    ['owner', 'other'],
  ],
  [
    'release someone else from technical lead',
    { type: 'release_role', role: 'technical_lead', user: 'U_TECH' },
    fixture,
    ['IC', 'admin', 'holder'],
    ['owner', 'other'],
  ],
  [
    'claim a free role',
    { type: 'claim_role', role: 'scribe' },
    fixture,
    ['IC', 'admin', 'holder', 'owner', 'other'],
    [],
  ],
  [
    'claim a taken role',
    { type: 'claim_role', role: 'technical_lead' },
    fixture,
    [],
    ['IC', 'admin', 'owner', 'other'],
  ],
  ['log', { type: 'log', text: 'a note' }, fixture, ['IC', 'admin', 'holder', 'owner', 'other'], []],
  [
    'decision',
    { type: 'decision', text: 'fail over' },
    fixture,
    ['IC', 'admin', 'holder', 'owner', 'other'],
    [],
  ],
  ['export', { type: 'export', format: 'md' }, fixture, ['IC', 'admin', 'holder', 'owner', 'other'], []],
  [
    'complete a follow-up',
    { type: 'complete_followup', id: 'F1' },
    fixture,
    ['IC', 'admin', 'owner'],
    ['holder', 'other'],
  ],
  [
    'log after close',
    { type: 'log', text: 'late note' },
    () => must(inClosure(), closeCmd, ctx(ic, at(9))),
    ['IC', 'other'],
    [],
  ],
  [
    'phase after close',
    { type: 'advance_phase', confirmed: [] },
    () => must(inClosure(), closeCmd, ctx(ic, at(9))),
    [],
    ['IC', 'admin'],
  ],
  [
    'add a member',
    { type: 'add_member', user: 'U_NEWCOMER' },
    fixture,
    ['IC', 'admin', 'holder', 'owner', 'other'],
    [],
  ],
  [
    'make confidential',
    { type: 'set_confidential', confidential: true },
    fixture,
    ['IC', 'admin'],
    ['holder', 'owner', 'other'],
  ],
  [
    'show a confidential incident to everyone (with a reason)',
    { type: 'set_confidential', confidential: false, reason: 'contained, no customer data' },
    () => must(fixture(), { type: 'set_confidential', confidential: true }, ctx(ic, at(4))),
    ['IC', 'admin'],
    ['holder', 'owner', 'other'],
  ],
];

/** Whoever is not a member and acts from outside the room may do nothing at all to an incident's record. */
for (const row of TABLE) if (!row[4].includes('outsider')) row[4].push('outsider');

/** The outsider acts from another channel; everyone else from the incident's room. */
const ctxOf = (w: Who) =>
  ctx(who[w], at(20), { admins: [admin.id], ...(w === 'outsider' ? { inRoom: false } : {}) });

describe('permission table through the core decide()', () => {
  it('every command type has a permission entry', () => {
    for (const v of Object.values(PERMISSIONS))
      expect(['anyone', 'member', 'commander', 'platform']).toContain(v);
    expect(PERMISSIONS.declare).toBe('anyone');
    for (const t of ['log', 'decision', 'evidence', 'export', 'add_followup', 'add_member'] as const)
      expect(PERMISSIONS[t]).toBe('member');
    for (const t of ['advance_phase', 'revert_phase', 'reclassify', 'close'] as const)
      expect(PERMISSIONS[t]).toBe('commander');
  });
  for (const [action, command, incident, may, mayNot] of TABLE) {
    for (const w of may)
      it(`${action}: ${w} may`, () => {
        const r = decide(incident(), command, ctxOf(w));
        expect(r.ok, r.ok ? '' : r.error.message).toBe(true);
      });
    for (const w of mayNot)
      it(`${action}: ${w} may not`, () => {
        const r = decide(incident(), command, ctxOf(w));
        expect(r.ok).toBe(false);
        if (!r.ok) {
          expect(['forbidden', 'role_taken', 'closed']).toContain(r.error.code);
          expect(plainText(r.error.message)).toMatch(/^[A-Z@]/); // a sentence for a person
        }
      });
  }
});

describe('a sample of the table through Slack', () => {
  let bot: SlackBot;
  afterEach(async () => {
    await bot.close();
  });

  it('phase: a holder is refused in the form, an admin may; IC handover: a bystander is refused', async () => {
    bot = await bootSlackBot({ admins: ['U0ADMIN'] });
    const incident = await declare(bot);
    const room = incident.room!.id;
    await bot.sim.slash('role technical_lead', { userId: 'U0TECH', channelId: room });
    const meta = JSON.stringify({ k: incident.key, c: room });
    const byHolder = await bot.sim.viewSubmission({
      callbackId: VIEW.phase,
      userId: 'U0TECH',
      values: phaseValues('detection', 'containment'),
      privateMetadata: meta,
      viewId: freshViewId(),
    });
    expect(Object.values(byHolder.body.errors)).toContain(
      'Only the incident commander can change the phase.',
    );
    const slashByHolder = await bot.sim.slash('phase', { userId: 'U0TECH', channelId: room });
    expect(slashByHolder.body.text).toMatch(
      /^Only the incident commander can change the phase\. The incident commander is <@U0IC>: ask them/,
    );
    const byAdmin = await bot.sim.viewSubmission({
      callbackId: VIEW.phase,
      userId: 'U0ADMIN',
      values: phaseValues('detection', 'containment'),
      privateMetadata: meta,
      viewId: freshViewId(),
    });
    expect(byAdmin.body).toBe('');
    expect(bot.store.get(incident.key)!.phase).toBe('containment');
    const grab = await bot.sim.slash(`role commander <@U0OTHER|other>`, {
      userId: 'U0OTHER',
      channelId: room,
    });
    expect(grab.body.text).toMatch(/already holds the Incident commander role|Only the incident commander/);
    const handover = await bot.sim.slash(`role commander <@U0BYSTANDER|b>`, {
      userId: 'U0OTHER',
      channelId: room,
    });
    expect(handover.body.text).toMatch(/Only the incident commander/);
    // the holder may hand over their own role with the users_select
    await bot.sim.blockAction({
      actionId: ACTION.handoverRole,
      type: 'users_select',
      selectedUser: 'U0NEW',
      blockId: 'role:technical_lead:v1',
      userId: 'U0TECH',
      channelId: room,
    });
    await waitFor(() => bot.store.get(incident.key)!.roles.technical_lead?.includes('U0NEW'), 'handed over');
    expect(bot.store.get(incident.key)!.roles.commander).toEqual([IC]);
    const log = await bot.sim.slash('log anyone may log', { userId: 'U0OTHER', channelId: room });
    expect(log.body.text).toContain('Added to the incident log');
    expect(bot.errors).toEqual([]);
  });
});

describe('no token or secret in any log line', () => {
  let real: RealBot;
  afterEach(async () => {
    await real.close();
  });

  it('through declares, refusals, Slack errors, bad signatures and a database error, at trace level', async () => {
    real = await startRealBot();
    const r = real;
    r.fake.failNext('conversations.create', { error: 'invalid_auth' });
    r.fake.failNext('chat.postEphemeral', { status: 500, times: 3 });
    const d = await r.sim.viewSubmission({
      callbackId: VIEW.declare,
      userId: IC,
      values: declareValues({}),
      privateMetadata: JSON.stringify({ c: 'C0GENERAL' }),
      viewId: freshViewId(),
    });
    expect(d.status).toBe(200);
    await waitFor(
      () => r.bot.outbox.pending().length === 0 && r.bot.store.listOpen()[0]?.room,
      'settled',
      5000,
    );
    await r.sim.slash('close', { userId: 'U0BOB', channelId: 'C0GENERAL' });
    await r.sim.slash('help', { userId: IC, channelId: 'C0GENERAL', signingSecret: 'wrong' });
    await r.sim.slash('help', { userId: IC, channelId: 'C0GENERAL', timestamp: 1 });
    await r.sim.send('payload=%7Bbroken', 'application/x-www-form-urlencoded');
    (r.bot.db as SqliteDb).pragma('busy_timeout = 50');
    const Database = (await import('better-sqlite3')).default;
    const other = new Database(r.bot.db.name);
    other.exec('BEGIN IMMEDIATE');
    await r.sim.slash('log during lock', { userId: IC, channelId: 'C0GENERAL' });
    other.exec('ROLLBACK');
    other.close();
    await new Promise((ok) => setTimeout(ok, 200));
    expect(r.logLines.length).toBeGreaterThan(10);
    const secrets = [REAL_TOKEN, REAL_SECRET, REAL_TOKEN.slice(5), 'faultsuiteSECRET'];
    const leaks = r.logLines.filter(
      (l) => secrets.some((s) => l.includes(s)) || /xox[abposr]-\w/.test(l) || /v0=[0-9a-f]{64}/.test(l),
    );
    expect(leaks).toEqual([]);
  });
});
