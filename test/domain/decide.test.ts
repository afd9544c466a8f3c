import { describe, expect, it } from 'vitest';
import { businessDaysAfter } from '../../src/domain/business-days.js';
import { decide } from '../../src/domain/decide.js';
import type { Incident } from '../../src/domain/incident.js';
import { openRequiredRoles } from '../../src/domain/roles.js';
import { command, mention } from '../../src/domain/text.js';
import {
  alertFields,
  alice,
  at,
  bob,
  closureFields,
  criteria,
  ctx,
  declared,
  ic,
  must,
  playbook,
  T0,
  updateFields,
} from '../helpers/scenario.js';

function inPhase(phase: string): Incident {
  let i = declared();
  const order = ['detection', 'containment', 'mitigation', 'closure'];
  for (const p of order.slice(0, order.indexOf(phase))) {
    i = must(i, { type: 'advance_phase', confirmed: criteria(p) }, ctx(ic, at(1)));
  }
  return i;
}

describe('declare', () => {
  it.each([
    ['safety_regulatory', 'compliance_lead'],
    ['service_outage', 'technical_lead'],
    ['data_integrity', 'data_steward'],
    ['security_exposure', 'security_lead'],
  ])('%s: IC assigned; the activation roles and %s required', (trigger, owner) => {
    const i = declared({ triggerClass: trigger });
    expect(i.roles.commander).toEqual(['U_IC']);
    // "Assign the following roles at activation time" + the trigger's initial owner
    expect(openRequiredRoles(i, playbook)).toEqual([
      ...new Set(['technical_lead', 'comms_lead', 'scribe', owner]),
    ]);
    expect(i.phase).toBe('detection');
    expect(i.playbook.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('uses the named IC and logs the declaration and the room to create', () => {
    const r = decide(
      null,
      {
        type: 'declare',
        key: 'INC-2026-0002',
        title: 't',
        triggerClass: 'data_integrity',
        impact: 'x',
        severeImpact: true,
        drill: true,
        commander: 'U_BOB',
      },
      ctx(alice, T0),
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.incident.roles.commander).toEqual(['U_BOB']);
    expect(r.incident.roleHistory[0]).toMatchObject({ kind: 'assign', to: 'U_BOB', by: 'U_ALICE' });
    expect(r.effects.filter((e) => e.type === 'log').map((e) => e.type === 'log' && e.kind)).toEqual([
      'declared',
      'role',
    ]);
    expect(r.effects.some((e) => e.type === 'message' && e.body.kind === 'create_room')).toBe(true);
  });

  it('refuses an unknown trigger class', () => {
    const r = decide(
      null,
      {
        type: 'declare',
        key: 'K',
        title: 't',
        triggerClass: 'nope',
        impact: 'x',
        severeImpact: false,
        drill: false,
      },
      ctx(ic, T0),
    );
    expect(r).toMatchObject({ ok: false, error: { code: 'unknown_trigger' } });
  });
});

describe('phases (every legal and illegal move)', () => {
  const forward: [string, string][] = [
    ['detection', 'containment'],
    ['containment', 'mitigation'],
    ['mitigation', 'closure'],
  ];
  it.each(forward)('%s -> %s is legal with the exit criteria confirmed', (from, to) => {
    const i = inPhase(from);
    const next = must(i, { type: 'advance_phase', to, confirmed: criteria(from) }, ctx(ic, at(5)));
    expect(next.phase).toBe(to);
    expect(next.phases.at(-2)!.leftAt).toBe(at(5).toISOString());
  });

  it.each(forward)('%s -> %s is refused while a criterion is unconfirmed', (from, to) => {
    const r = decide(
      inPhase(from),
      { type: 'advance_phase', to, confirmed: criteria(from).slice(1) },
      ctx(ic, at(5)),
    );
    expect(r).toMatchObject({ ok: false, error: { code: 'criteria_unconfirmed' } });
  });

  const all = ['detection', 'containment', 'mitigation', 'closure', 'review', 'done'];
  const legalForward = new Set(['detection>containment', 'containment>mitigation', 'mitigation>closure']);
  for (const from of ['detection', 'containment', 'mitigation']) {
    for (const to of all) {
      if (legalForward.has(`${from}>${to}`)) continue;
      it(`${from} -> ${to} forward is illegal`, () => {
        const r = decide(
          inPhase(from),
          { type: 'advance_phase', to, confirmed: criteria(from) },
          ctx(ic, at(5)),
        );
        expect(r.ok).toBe(false);
        if (!r.ok) expect(r.error.code).toBe('illegal_transition');
      });
    }
  }

  it.each([
    ['containment', 'detection'],
    ['mitigation', 'containment'],
    ['closure', 'mitigation'],
  ])('%s -> %s back is legal with a reason, and logged', (from, to) => {
    const r = decide(
      inPhase(from),
      { type: 'revert_phase', to, reason: 'mitigation failed' },
      ctx(ic, at(9)),
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.incident.phase).toBe(to);
    expect(r.incident.phases.at(-1)).toMatchObject({ move: 'back', reason: 'mitigation failed' });
    expect(r.effects).toContainEqual(expect.objectContaining({ type: 'log', kind: 'phase' }));
  });

  it('moving back needs a reason and a legal target', () => {
    expect(
      decide(inPhase('mitigation'), { type: 'revert_phase', to: 'containment', reason: ' ' }, ctx(ic, at(9))),
    ).toMatchObject({ ok: false, error: { code: 'invalid' } });
    expect(
      decide(inPhase('mitigation'), { type: 'revert_phase', to: 'detection', reason: 'x' }, ctx(ic, at(9))),
    ).toMatchObject({ ok: false, error: { code: 'illegal_transition' } });
    expect(
      decide(inPhase('detection'), { type: 'revert_phase', to: 'detection', reason: 'x' }, ctx(ic, at(9))),
    ).toMatchObject({ ok: false, error: { code: 'illegal_transition' } });
  });

  it('the closure phase is left by closing, not by advancing', () => {
    const r = decide(
      inPhase('closure'),
      { type: 'advance_phase', confirmed: criteria('closure') },
      ctx(ic, at(9)),
    );
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid' } });
  });

  it('only the IC (or an admin) may change phase, close or reclassify', () => {
    const i = inPhase('detection');
    for (const cmd of [
      { type: 'advance_phase', confirmed: criteria('detection') },
      { type: 'reclassify', triggerClass: 'security_exposure', reason: 'creds leaked' },
      { type: 'close', confirmed: criteria('closure'), fields: closureFields },
    ] as const) {
      const r = decide(i, cmd, ctx(alice, at(3)));
      expect(r).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      if (!r.ok) expect(r.error.message).toMatch(/Only the incident commander/);
      expect(decide(i, cmd, ctx(alice, at(3), { admins: ['U_ALICE'] })).ok || cmd.type === 'close').toBe(
        true,
      );
    }
  });
});

describe('roles', () => {
  it('claim, taken, hand over, release: all recorded with who, whom, when', () => {
    let i = declared();
    i = must(i, { type: 'claim_role', role: 'technical_lead' }, ctx(alice, at(1)));
    const taken = decide(i, { type: 'claim_role', role: 'technical_lead' }, ctx(bob, at(2)));
    expect(taken).toMatchObject({ ok: false, error: { code: 'role_taken' } });
    if (!taken.ok) expect(taken.error.message).toContain(mention('U_ALICE'));
    i = must(i, { type: 'assign_role', role: 'technical_lead', user: 'U_BOB' }, ctx(alice, at(3)));
    expect(i.roles.technical_lead).toEqual(['U_BOB']);
    i = must(i, { type: 'release_role', role: 'technical_lead' }, ctx(bob, at(4)));
    expect(i.roles.technical_lead).toBeUndefined();
    expect(i.roleHistory.slice(1)).toEqual([
      {
        at: at(1).toISOString(),
        role: 'technical_lead',
        kind: 'claim',
        from: null,
        to: 'U_ALICE',
        by: 'U_ALICE',
      },
      {
        at: at(3).toISOString(),
        role: 'technical_lead',
        kind: 'handover',
        from: 'U_ALICE',
        to: 'U_BOB',
        by: 'U_ALICE',
      },
      {
        at: at(4).toISOString(),
        role: 'technical_lead',
        kind: 'release',
        from: 'U_BOB',
        to: null,
        by: 'U_BOB',
      },
    ]);
  });

  it('a hand-over posts one line in the room; a claim does not', () => {
    const i = must(declared(), { type: 'claim_role', role: 'scribe' }, ctx(alice, at(1)));
    const claimPosts = decide(declared(), { type: 'claim_role', role: 'scribe' }, ctx(alice, at(1)));
    expect(
      claimPosts.ok &&
        claimPosts.effects.filter(
          (e) => e.type === 'message' && e.target.to === 'room' && e.body.kind === 'post',
        ),
    ).toEqual([]);
    const r = decide(i, { type: 'assign_role', role: 'scribe', user: 'U_BOB' }, ctx(ic, at(2)));
    expect(
      r.ok &&
        r.effects.filter(
          (e) => e.type === 'message' && e.body.kind === 'post' && e.body.template === 'role_change',
        ),
    ).toHaveLength(1);
  });

  it('the role sentence is marked as shown in the room when the actor acted there; warnings never are', () => {
    const notices = (r: ReturnType<typeof decide>) =>
      r.ok ? r.effects.filter((e) => e.type === 'notice') : [];
    // the IC claiming another role in the room: the summary shows the claim, the overload warning is news
    const inRoom = decide(declared(), { type: 'claim_role', role: 'comms_lead' }, ctx(ic, at(1)));
    expect(notices(inRoom)).toEqual([
      expect.objectContaining({ level: 'warning', user: 'U_IC' }),
      {
        type: 'notice',
        level: 'info',
        text: `${mention('U_IC')} is now Communications lead.`,
        shownInRoom: true,
      },
    ]);
    expect(notices(inRoom)[0]).not.toHaveProperty('shownInRoom');
    // from elsewhere (another channel): the sentence is the answer
    const away = decide(
      declared(),
      { type: 'claim_role', role: 'comms_lead' },
      ctx(ic, at(1), { inRoom: false }),
    );
    expect(notices(away).every((n) => !('shownInRoom' in n))).toBe(true);
    expect(notices(away)).toContainEqual({
      type: 'notice',
      level: 'info',
      text: `${mention('U_IC')} is now Communications lead.`,
    });
    // a hand-over and a release from the room: the post / the summary say it
    const i = must(declared(), { type: 'claim_role', role: 'scribe' }, ctx(alice, at(1)));
    for (const c of [
      { type: 'assign_role', role: 'scribe', user: 'U_BOB' },
      { type: 'release_role', role: 'scribe' },
    ] as const)
      expect(notices(decide(i, c, ctx(alice, at(2))))).toEqual([
        expect.objectContaining({ level: 'info', shownInRoom: true }),
      ]);
  });

  it('someone else may not hand over a role they do not hold', () => {
    const i = must(declared(), { type: 'claim_role', role: 'scribe' }, ctx(alice, at(1)));
    expect(decide(i, { type: 'assign_role', role: 'scribe', user: 'U_X' }, ctx(bob, at(2)))).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
  });

  it('domain specialists: several at once', () => {
    let i = must(declared(), { type: 'claim_role', role: 'specialist' }, ctx(alice, at(1)));
    i = must(i, { type: 'claim_role', role: 'specialist' }, ctx(bob, at(1)));
    expect(i.roles.specialist).toEqual(['U_ALICE', 'U_BOB']);
  });

  it('the IC taking another role is warned about overload, to that person', () => {
    const r = decide(declared(), { type: 'claim_role', role: 'comms_lead' }, ctx(ic, at(1)));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.effects).toContainEqual(
      expect.objectContaining({ type: 'notice', level: 'warning', user: 'U_IC' }),
    );
    expect(r.effects).toContainEqual(expect.objectContaining({ type: 'log', kind: 'overload' }));
    const plain = decide(declared(), { type: 'claim_role', role: 'comms_lead' }, ctx(alice, at(1)));
    expect(plain.ok && plain.effects.some((e) => e.type === 'notice' && e.level === 'warning')).toBe(false);
  });

  it('the IC cannot be released, only handed over; unknown roles are named', () => {
    expect(decide(declared(), { type: 'release_role', role: 'commander' }, ctx(ic, at(1)))).toMatchObject({
      ok: false,
      error: { code: 'invalid' },
    });
    const r = decide(declared(), { type: 'claim_role', role: 'wizard' }, ctx(ic, at(1)));
    expect(r).toMatchObject({ ok: false, error: { code: 'unknown_role' } });
  });

  it('the IC hands over command', () => {
    const i = must(declared(), { type: 'assign_role', role: 'commander', user: 'U_BOB' }, ctx(ic, at(1)));
    expect(i.roles.commander).toEqual(['U_BOB']);
    expect(
      decide(i, { type: 'advance_phase', confirmed: criteria('detection') }, ctx(ic, at(2))),
    ).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });
});

describe('golden-hour checklist', () => {
  it('deadlines are relative to activation: alert 15 min, the rest 60', () => {
    const items = playbook.checklist.flatMap((g) => g.items);
    expect(items.find((x) => x.id === 'communicate.initial_alert')!.deadlineMinutes).toBe(15);
    expect(
      items.filter((x) => x.id !== 'communicate.initial_alert').every((x) => x.deadlineMinutes === 60),
    ).toBe(true);
  });

  it('an item is checked by a named person at a time; not applicable needs a reason', () => {
    let i = must(declared(), { type: 'check_item', item: 'stabilize.freeze_deploys' }, ctx(alice, at(7)));
    expect(i.checklist['stabilize.freeze_deploys']).toEqual({
      state: 'done',
      by: 'U_ALICE',
      at: at(7).toISOString(),
    });
    expect(
      decide(i, { type: 'item_not_applicable', item: 'stabilize.switch_off', reason: '' }, ctx(alice, at(8)))
        .ok,
    ).toBe(false);
    i = must(
      i,
      { type: 'item_not_applicable', item: 'stabilize.switch_off', reason: 'no safety limit breached' },
      ctx(alice, at(8)),
    );
    expect(i.checklist['stabilize.switch_off']).toMatchObject({
      state: 'na',
      reason: 'no safety limit breached',
    });
    expect(decide(i, { type: 'check_item', item: 'nope' }, ctx(alice, at(8)))).toMatchObject({
      ok: false,
      error: { code: 'unknown_item' },
    });
  });

  it('the initial-alert item is ticked by sending the alert, not by hand', () => {
    const i = declared();
    expect(decide(i, { type: 'check_item', item: 'communicate.initial_alert' }, ctx(alice, at(2))).ok).toBe(
      false,
    );
    const sent = must(i, { type: 'send_initial_alert', fields: alertFields }, ctx(alice, at(9)));
    expect(sent.checklist['communicate.initial_alert']).toMatchObject({
      state: 'done',
      at: at(9).toISOString(),
    });
    expect(sent.initialAlertAt).toBe(at(9).toISOString());
    expect(sent.lastStatusUpdateAt).toBe(at(9).toISOString());
  });
});

describe('communications', () => {
  it('a status update goes to the room and the stakeholders and resets the clock', () => {
    const r = decide(declared(), { type: 'post_status_update', fields: updateFields }, ctx(alice, at(30)));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.incident.lastStatusUpdateAt).toBe(at(30).toISOString());
    const targets = r.effects.flatMap((e) =>
      e.type === 'message' && e.body.kind === 'post' ? [e.target.to] : [],
    );
    expect(targets).toEqual(['room', 'stakeholders']);
  });

  it('template fields are validated: a bad status value or a missing field is refused', () => {
    expect(
      decide(
        declared(),
        { type: 'post_status_update', fields: { ...updateFields, status: 'on fire' } },
        ctx(alice, at(30)),
      ).ok,
    ).toBe(false);
    const { developments: _, ...missing } = updateFields;
    expect(decide(declared(), { type: 'post_status_update', fields: missing }, ctx(alice, at(30))).ok).toBe(
      false,
    );
  });
});

describe('communication audiences come from the playbook template', () => {
  it('a status update whose template is for the incident only is not posted to the stakeholders', () => {
    const pb = {
      ...playbook,
      templates: playbook.templates.map((t) =>
        t.id === 'status_update' ? { ...t, audiences: ['incident' as const] } : t,
      ),
    };
    const r = decide(
      declared(),
      { type: 'post_status_update', fields: updateFields },
      ctx(ic, at(20), { playbook: pb }),
    );
    if (!r.ok) throw new Error(r.error.message);
    const targets = r.effects.flatMap((e) =>
      e.type === 'message' && e.body.kind === 'post' ? [e.target.to] : [],
    );
    expect(targets).toEqual(['room']);
    const logged = r.effects.find((e) => e.type === 'log' && e.kind === 'communication');
    expect(logged?.type === 'log' && logged.payload.audiences).toEqual(['incident']);
    // the shipped playbook sends to both
    const both = decide(declared(), { type: 'post_status_update', fields: updateFields }, ctx(ic, at(20)));
    expect(
      both.ok &&
        both.effects.flatMap((e) => (e.type === 'message' && e.body.kind === 'post' ? [e.target.to] : [])),
    ).toEqual(['room', 'stakeholders']);
  });
});

describe('closure and review', () => {
  it('closure is refused while any closure criterion is unconfirmed', () => {
    const i = inPhase('closure');
    for (const c of criteria('closure')) {
      const confirmed = criteria('closure').filter((x) => x !== c);
      const r = decide(i, { type: 'close', confirmed, fields: closureFields }, ctx(ic, at(120)));
      expect(r).toMatchObject({ ok: false, error: { code: 'criteria_unconfirmed' } });
    }
  });

  it('closing from detection is refused; from mitigation it passes through closure', () => {
    expect(
      decide(
        inPhase('detection'),
        { type: 'close', confirmed: criteria('closure'), fields: closureFields },
        ctx(ic, at(120)),
      ),
    ).toMatchObject({ ok: false, error: { code: 'illegal_transition' } });
    // Closing from mitigation confirms mitigation's exit criteria too: none is assumed.
    const refused = decide(
      inPhase('mitigation'),
      { type: 'close', confirmed: criteria('closure'), fields: closureFields },
      ctx(ic, at(120)),
    );
    expect(refused).toMatchObject({ ok: false, error: { code: 'criteria_unconfirmed' } });
    expect(!refused.ok && refused.error.message).toMatch(/Normal service restored/);
    const r = decide(
      inPhase('mitigation'),
      {
        type: 'close',
        confirmed: [...criteria('mitigation'), ...criteria('closure')],
        fields: closureFields,
      },
      ctx(ic, at(120)),
    );
    if (!r.ok) throw new Error(r.error.message);
    const i = r.incident;
    const phaseLogs = r.effects
      .filter((e) => e.type === 'log' && e.kind === 'phase')
      .map((e) => e.type === 'log' && e.payload);
    expect(phaseLogs).toEqual([
      { from: 'mitigation', to: 'closure', move: 'forward', confirmed: criteria('mitigation') },
      { from: 'closure', to: 'review', move: 'forward', confirmed: criteria('closure') },
    ]);
    expect(i.phases.map((p) => p.phase)).toEqual([
      'detection',
      'containment',
      'mitigation',
      'closure',
      'review',
    ]);
  });

  it('the review is due two business days after closure, across a weekend', () => {
    // Thursday 2026-11-26 -> Monday 2026-11-30; Friday 2026-11-27 -> Tuesday 2026-12-01.
    expect(businessDaysAfter(new Date('2026-11-26T23:30:00Z'), 2)).toBe('2026-11-30');
    expect(businessDaysAfter(new Date('2026-11-27T08:00:00Z'), 2)).toBe('2026-12-01');
    expect(businessDaysAfter(new Date('2026-11-28T08:00:00Z'), 2)).toBe('2026-12-01');
    const closed = must(
      inPhase('closure'),
      { type: 'close', confirmed: criteria('closure'), fields: closureFields, facilitator: 'U_BOB' },
      ctx(ic, new Date('2026-11-27T16:00:00Z')),
    );
    expect(closed).toMatchObject({
      reviewDueOn: '2026-12-01',
      reviewFacilitator: 'U_BOB',
      phase: 'review',
      closedAt: '2026-11-27T16:00:00.000Z',
    });
    expect(
      decide(closed, { type: 'post_status_update', fields: updateFields }, ctx(ic, at(200))),
    ).toMatchObject({ ok: false, error: { code: 'closed' } });
    const done = must(
      closed,
      {
        type: 'record_review',
        summary: 's',
        whys: ['a', 'b', 'c', 'd', 'e'],
        factors: 'f',
        lessons: 'l',
        correctiveActions: 'c',
        verificationPlan: 'v',
        noFollowups: true,
        answers: {
          readiness: 'Alerts and the DR drill meet policy',
          runbook_library: 'Failover runbook updated',
        },
      },
      ctx(bob, at(3000)),
    );
    expect(done.phase).toBe('done');
  });
});

describe('post-incident review (corrective actions, verification plans, follow-ups first)', () => {
  const closed = () =>
    must(
      inPhase('closure'),
      { type: 'close', confirmed: criteria('closure'), fields: closureFields },
      ctx(ic, at(120)),
    );
  const withFollowup = () =>
    must(
      closed(),
      {
        type: 'add_followup',
        id: 'FU-1',
        what: 'Alert on broker disk usage',
        owner: 'U_BOB',
        due: '2026-12-10',
        objective: 'resilience',
        acceptance: 'It is verified done.',
      },
      ctx(ic, at(130)),
    );
  const review = {
    type: 'record_review' as const,
    summary: 'Broker disk filled up',
    whys: ['Retention too long'],
    factors: 'Resilience: single broker',
    lessons: 'Alert on disk',
    correctiveActions: 'Alert on broker disk usage (FU-1)',
    verificationPlan: 'Fill a staging disk to 85% and see the page',
    answers: {
      readiness: 'Alerts and the DR drill meet policy',
      runbook_library: 'Failover runbook updated',
    },
  };

  it.each([
    ['correctiveActions', 'The review needs the corrective actions.'],
    ['verificationPlan', 'The review needs the verification plans: how you will know the fixes work.'],
  ] as const)('refuses an empty %s, naming the field', (field, message) => {
    for (const empty of ['', '   ']) {
      const r = decide(withFollowup(), { ...review, [field]: empty }, ctx(ic, at(200)));
      expect(r).toEqual({ ok: false, error: { code: 'invalid', message, field } });
    }
  });

  it('refuses a review of an incident without follow-ups unless it says none are needed', () => {
    const r = decide(closed(), review, ctx(ic, at(200)));
    expect(r).toEqual({
      ok: false,
      error: {
        code: 'invalid',
        message: `File the follow-up tasks first with ${command('followup')}, or tick "no follow-up tasks" and say why in the corrective actions.`,
        field: 'noFollowups',
      },
    });
    expect(decide(closed(), { ...review, noFollowups: false }, ctx(ic, at(200))).ok).toBe(false);
    const done = must(
      closed(),
      { ...review, correctiveActions: 'None: the retention change was reverted', noFollowups: true },
      ctx(ic, at(200)),
    );
    expect(done.phase).toBe('done');
    expect(done.review).toMatchObject({
      correctiveActions: 'None: the retention change was reverted',
      verificationPlan: 'Fill a staging disk to 85% and see the page',
      noFollowups: true,
    });
  });

  it('with follow-ups filed: recorded; the log payload carries corrective actions and verification plans', () => {
    const r = decide(
      withFollowup(),
      { ...review, correctiveActions: '  Alert on broker disk usage (FU-1) ' },
      ctx(ic, at(200)),
    );
    if (!r.ok) throw new Error(r.error.message);
    expect(r.incident.phase).toBe('done');
    expect(r.incident.review).toEqual({
      at: at(200).toISOString(),
      by: 'U_IC',
      summary: 'Broker disk filled up',
      whys: ['Retention too long'],
      factors: 'Resilience: single broker',
      lessons: 'Alert on disk',
      correctiveActions: 'Alert on broker disk usage (FU-1)',
      verificationPlan: 'Fill a staging disk to 85% and see the page',
      answers: {
        readiness: 'Alerts and the DR drill meet policy',
        runbook_library: 'Failover runbook updated',
      },
    });
    const payload = r.effects.find((e) => e.type === 'log' && e.kind === 'review');
    expect(payload).toMatchObject({
      payload: {
        summary: 'Broker disk filled up',
        whys: ['Retention too long'],
        factors: 'Resilience: single broker',
        lessons: 'Alert on disk',
        correctiveActions: 'Alert on broker disk usage (FU-1)',
        verificationPlan: 'Fill a staging disk to 85% and see the page',
        noFollowups: false,
        followups: ['FU-1'],
        answers: {
          readiness: 'Alerts and the DR drill meet policy',
          runbook_library: 'Failover runbook updated',
        },
      },
    });
  });

  it("refuses a review without the playbook's required answers (the readiness check), naming the question", () => {
    const { answers: _, ...without } = review;
    const r = decide(withFollowup(), { ...without, answers: { readiness: ' ' } }, ctx(ic, at(200)));
    expect(r).toMatchObject({
      ok: false,
      error: {
        code: 'invalid',
        field: 'answers.readiness',
        message: expect.stringContaining('Readiness check'),
      },
    });
  });

  it("a follow-up's objective must be one of the playbook's control objectives", () => {
    const closed = withFollowup();
    const r = decide(
      closed,
      {
        type: 'add_followup',
        id: 'FU-9',
        what: 'x',
        owner: 'U_BOB',
        due: '2026-12-10',
        objective: 'vibes',
        acceptance: 'y',
      },
      ctx(ic, at(201)),
    );
    expect(r).toMatchObject({
      ok: false,
      error: { field: 'objective', message: expect.stringContaining('Risk, Compliance, Resilience') },
    });
  });
});

describe('reclassify, log, records', () => {
  it('re-classification (and downgrade) is logged with a reason', () => {
    const r = decide(
      declared(),
      { type: 'reclassify', triggerClass: 'security_exposure', severeImpact: true, reason: 'creds in logs' },
      ctx(ic, at(4)),
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.incident).toMatchObject({ triggerClass: 'security_exposure', severeImpact: true });
    expect(r.effects).toContainEqual(expect.objectContaining({ type: 'log', kind: 'reclassified' }));
    expect(
      decide(
        declared(),
        { type: 'reclassify', triggerClass: 'service_outage', reason: 'same' },
        ctx(ic, at(4)),
      ).ok,
    ).toBe(false);
  });

  it('a message is logged once, at its original time', () => {
    const source = {
      messageId: 'C1:1.000',
      permalink: 'https://x/p1',
      author: 'U_BOB',
      writtenAt: '2026-11-26T09:58:00.000Z',
    };
    const r = decide(declared(), { type: 'log', text: 'restarted broker', source }, ctx(alice, at(5)));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.effects.find((e) => e.type === 'log' && e.kind === 'note')).toMatchObject({
      type: 'log',
      kind: 'note',
      at: '2026-11-26T09:58:00.000Z',
      source: 'https://x/p1',
    });
    expect(decide(r.incident, { type: 'log', text: 'again', source }, ctx(alice, at(6)))).toMatchObject({
      ok: false,
      error: { code: 'already_logged' },
    });
  });

  it('every accepted command bumps the version and yields at least one log entry', () => {
    const i = declared();
    const r = decide(
      i,
      { type: 'decision', text: 'fail over', rationale: 'primary is corrupt' },
      ctx(alice, at(5)),
    );
    expect(r.ok && r.incident.version).toBe(i.version + 1);
    expect(r.ok && r.effects.filter((e) => e.type === 'log').length).toBeGreaterThan(0);
  });

  it('decide is pure: the input incident is not mutated', () => {
    const i = declared();
    const snapshot = JSON.stringify(i);
    decide(i, { type: 'claim_role', role: 'scribe' }, ctx(alice, at(1)));
    decide(i, { type: 'advance_phase', confirmed: criteria('detection') }, ctx(ic, at(1)));
    expect(JSON.stringify(i)).toBe(snapshot);
    expect(T0.toISOString()).toBe('2026-11-26T10:00:00.000Z');
  });
});
