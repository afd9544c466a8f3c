// dueReminders over scripted incidents and times: no timers, no database.
import { afterEach, describe, expect, it } from 'vitest';
import type { Incident } from '../../src/domain/incident.js';
import { validatePlaybook } from '../../src/domain/playbook-schema.js';
import { dueReminders, type Reminder } from '../../src/domain/reminders.js';
import { describeNudge } from '../../src/views/nudge.js';
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

const pass = (i: Incident, now: Date, claimed: Set<string> = new Set()) =>
  dueReminders([{ incident: i, playbook }], claimed, now);
const ofKind = (rs: Reminder[], ...kinds: string[]) => rs.filter((r) => kinds.includes(r.kind));
const STATUS = ['status-update', 'status-escalate', 'status-overdue'];

/** Runs passes at each minute from `from` to `to`, claiming what each pass returns. */
function everyMinute(i: Incident, from: number, to: number, claimed = new Set<string>()): Reminder[] {
  const all: Reminder[] = [];
  for (let m = from; m <= to; m++) {
    for (const r of pass(i, at(m), claimed)) {
      claimed.add(r.key);
      all.push(r);
    }
  }
  return all;
}

function closedAt(now: Date, over: Partial<Parameters<typeof declared>[0]> = {}): Incident {
  let i = declared(over);
  const c = ctx(ic, now);
  i = must(i, { type: 'advance_phase', confirmed: criteria('detection') }, c);
  i = must(i, { type: 'advance_phase', confirmed: criteria('containment') }, c);
  i = must(
    i,
    { type: 'close', confirmed: [...criteria('mitigation'), ...criteria('closure')], fields: closureFields },
    c,
  );
  return i;
}

describe('status updates', () => {
  it('nudges the IC (comms lead role open) in the room when the update falls due, not before', () => {
    const i = declared();
    expect(ofKind(pass(i, at(29)), ...STATUS)).toEqual([]);
    const [r, ...rest] = ofKind(pass(i, at(30)), ...STATUS);
    expect(rest).toEqual([]);
    expect(r).toMatchObject({
      key: 'status-update:INC-2026-0001:2026-11-26T10:30:00.000Z',
      incidentKey: 'INC-2026-0001',
      kind: 'status-update',
      dueAt: '2026-11-26T10:30:00.000Z',
      lateBy: 0,
      target: { to: 'room' },
      data: { mention: ['U_IC'], roleOpen: 'comms_lead', drill: false, lateBy: 0 },
    });
  });

  it('nudges the comms lead when the role is held, and runs faster when impact is severe', () => {
    let i = declared({ severeImpact: true });
    i = must(i, { type: 'claim_role', role: 'comms_lead' }, ctx(bob, at(1)));
    expect(ofKind(pass(i, at(14)), ...STATUS)).toEqual([]);
    const [r] = ofKind(pass(i, at(15)), ...STATUS);
    expect(r?.dueAt).toBe(at(15).toISOString());
    expect(r?.data.mention).toEqual(['U_BOB']);
    expect(r?.data.roleOpen).toBeUndefined();
  });

  it('a confidential incident: the IC is escalated to, the stakeholder channel never reminded (it would name it)', () => {
    const i = declared({ confidential: true });
    const sent = ofKind(everyMinute(i, 0, 59), ...STATUS);
    expect(sent.map((r) => [r.kind, r.target])).toEqual([
      ['status-update', { to: 'room' }],
      ['status-escalate', { to: 'room' }],
    ]);
    expect(sent.some((r) => r.target.to === 'stakeholders')).toBe(false);
  });

  it('escalates to the IC after the grace period, then tells stakeholders the update is overdue', () => {
    const i = declared();
    const sent = ofKind(everyMinute(i, 0, 59), ...STATUS);
    expect(sent.map((r) => [r.kind, r.dueAt, r.target])).toEqual([
      ['status-update', at(30).toISOString(), { to: 'room' }],
      ['status-escalate', at(40).toISOString(), { to: 'room' }],
      ['status-overdue', at(50).toISOString(), { to: 'stakeholders' }],
    ]);
    expect(sent[2]?.key).toBe('status-overdue:INC-2026-0001:2026-11-26T10:50:00.000Z');
    expect(sent.every((r) => r.lateBy === 0)).toBe(true);
    // Still nothing posted: the comms lead is reminded again each interval.
    const later = ofKind(everyMinute(i, 60, 95, new Set(sent.map((r) => r.key))), ...STATUS);
    expect(later.map((r) => [r.kind, r.dueAt, r.data.repeat])).toEqual([
      ['status-update', at(60).toISOString(), true],
      ['status-update', at(90).toISOString(), true],
    ]);
  });

  it('a 3-hour gap yields one catch-up reminder per family, the latest due instant, with lateBy', () => {
    const i = declared();
    const claimed = new Set<string>();
    expect(everyMinute(i, 0, 5, claimed)).toEqual([]); // nothing owed yet
    const rs = pass(i, at(5 + 180), claimed); // the bot was down from 10:05 to 13:05
    const status = ofKind(rs, ...STATUS);
    expect(status).toHaveLength(1);
    expect(status[0]).toMatchObject({
      kind: 'status-update',
      dueAt: at(180).toISOString(),
      lateBy: 5,
      data: { lateBy: 5, overdueMinutes: 155, repeat: true },
    });
    // No burst: one reminder per family (status, initial alert, golden hour, required roles).
    expect(rs.map((r) => r.kind).sort()).toEqual([
      'golden-hour',
      'initial-alert-overdue',
      'roles-unfilled',
      'status-update',
    ]);
    expect(ofKind(rs, 'initial-alert-overdue')[0]?.lateBy).toBe(170);
    // The next pass, a minute later, owes nothing: superseded instants are never sent.
    for (const r of rs) claimed.add(r.key);
    expect(pass(i, at(186), claimed)).toEqual([]);
  });

  it('an update posted between the due time and the pass cancels the nudge', () => {
    let i = declared();
    i = must(i, { type: 'post_status_update', fields: updateFields }, ctx(ic, at(31)));
    expect(ofKind(pass(i, at(32)), ...STATUS)).toEqual([]);
    expect(ofKind(pass(i, at(60)), ...STATUS)).toEqual([]);
    expect(ofKind(pass(i, at(61)), ...STATUS)[0]?.dueAt).toBe(at(61).toISOString());
  });

  it('a closed incident gets no status nudges (nor other live-incident nudges)', () => {
    const i = closedAt(at(20));
    expect(i.phase).toBe(playbook.reviewPhase);
    for (const m of [30, 45, 60, 120, 600]) {
      expect(
        ofKind(
          pass(i, at(m)),
          ...STATUS,
          'initial-alert',
          'initial-alert-overdue',
          'golden-hour',
          'golden-hour-warning',
          'roles-unfilled',
        ),
      ).toEqual([]);
    }
  });

  it('is skipped while snoozed; the latest instant is owed when the snooze ends', () => {
    let i = declared();
    i = must(i, { type: 'snooze', kind: 'status_update', until: at(65).toISOString() }, ctx(ic, at(20)));
    expect(ofKind(everyMinute(i, 20, 64), ...STATUS)).toEqual([]);
    const r = ofKind(pass(i, at(65)), ...STATUS);
    // Owed from the end of the snooze, not from its due instant: the bot is not late.
    expect(r.map((x) => [x.kind, x.dueAt, x.owedAt, x.lateBy])).toEqual([
      ['status-update', at(60).toISOString(), at(65).toISOString(), 0],
    ]);
  });

  it('drill incidents get the same nudges, marked drill', () => {
    const i = declared({ drill: true });
    const [r] = ofKind(pass(i, at(30)), ...STATUS);
    expect(r?.data.drill).toBe(true);
  });

  it('accepts claimed keys as a set or a predicate; claimed reminders are not owed again', () => {
    const i = declared();
    const first = pass(i, at(30));
    expect(first.length).toBeGreaterThan(0);
    const keys = new Set(first.map((r) => r.key));
    expect(pass(i, at(30), keys)).toEqual([]);
    expect(dueReminders([{ incident: i, playbook }], (k) => keys.has(k), at(30))).toEqual([]);
  });
});

describe('initial alert, golden hour, required roles', () => {
  it('nudges comms lead + IC with 5 minutes left, then escalates to the IC when overdue', () => {
    let i = declared();
    i = must(i, { type: 'claim_role', role: 'comms_lead' }, ctx(bob, at(1)));
    const rs = ofKind(everyMinute(i, 0, 20), 'initial-alert', 'initial-alert-overdue');
    expect(rs.map((r) => [r.kind, r.dueAt, r.target])).toEqual([
      ['initial-alert', at(10).toISOString(), { to: 'room' }],
      ['initial-alert-overdue', at(15).toISOString(), { to: 'room' }],
    ]);
    expect(rs[0]?.data).toMatchObject({ mention: ['U_BOB', 'U_IC'], minutesLeft: 5 });
  });

  it('a snooze holds the 10-minute nudge back, never the 15-minute escalation to the IC', () => {
    let i = declared();
    const claimed = new Set<string>();
    expect(ofKind(everyMinute(i, 0, 10, claimed), 'initial-alert')).toHaveLength(1);
    i = must(i, { type: 'snooze', kind: 'initial_alert', until: at(40).toISOString() }, ctx(bob, at(10)));
    // owed at minute 15, while the snooze still runs (not when it ends at 40)
    const rs = ofKind(everyMinute(i, 11, 15, claimed), 'initial-alert', 'initial-alert-overdue');
    expect(rs.map((r) => [r.kind, r.dueAt, r.lateBy])).toEqual([
      ['initial-alert-overdue', at(15).toISOString(), 0],
    ]);
    expect(ofKind(everyMinute(i, 16, 45, claimed), 'initial-alert', 'initial-alert-overdue')).toEqual([]);
  });

  it("nudges the playbook's communications role (not a hard-coded one)", () => {
    const pb = { ...playbook, communicationsRole: 'scribe' };
    let i = declared();
    i = must(i, { type: 'claim_role', role: 'scribe' }, ctx(alice, at(1)));
    i = must(i, { type: 'claim_role', role: 'comms_lead' }, ctx(bob, at(1)));
    const rs = ofKind(dueReminders([{ incident: i, playbook: pb }], new Set(), at(10)), 'initial-alert');
    expect(rs[0]?.data.mention).toEqual(['U_ALICE', 'U_IC']);
    expect(validatePlaybook({ ...playbook, communicationsRole: 'nobody' })).toMatchObject({
      ok: false,
      errors: [expect.stringMatching(/^communicationsRole: unknown role "nobody"/)],
    });
  });

  it('owes nothing once the alert is sent', () => {
    let i = declared();
    i = must(i, { type: 'send_initial_alert', fields: alertFields }, ctx(ic, at(5)));
    expect(ofKind(everyMinute(i, 0, 30), 'initial-alert', 'initial-alert-overdue')).toEqual([]);
  });

  it('lists the golden-hour items still open with their owner role, at the warning and at the deadline', () => {
    let i = declared();
    i = must(i, { type: 'check_item', item: 'stabilize.switch_off' }, ctx(ic, at(2)));
    const rs = ofKind(everyMinute(i, 0, 70), 'golden-hour-warning', 'golden-hour');
    expect(rs.map((r) => [r.kind, r.dueAt])).toEqual([
      ['golden-hour-warning', at(45).toISOString()],
      ['golden-hour', at(60).toISOString()],
    ]);
    const items = rs[0]?.data.items as { id: string; ownerRole: string; owners: string[] }[];
    expect(items.map((x) => x.id)).not.toContain('stabilize.switch_off');
    expect(items.find((x) => x.id === 'stabilize.freeze_deploys')).toMatchObject({
      ownerRole: 'technical_lead',
      owners: [],
    });
    expect(items.find((x) => x.id === 'owners.workstreams')).toMatchObject({
      ownerRole: 'commander',
      owners: ['U_IC'],
    });
    expect(rs[0]?.data.minutesLeft).toBe(15);
  });

  it('says nothing about the golden hour when every item is done or not applicable', () => {
    let i = declared();
    const c = ctx(ic, at(1));
    for (const g of playbook.checklist)
      for (const it of g.items) i = must(i, { type: 'item_not_applicable', item: it.id, reason: 'n/a' }, c);
    expect(ofKind(everyMinute(i, 0, 70), 'golden-hour-warning', 'golden-hour')).toEqual([]);
  });

  it('nudges about required roles still unfilled, once per set of open roles', () => {
    let i = declared();
    const claimed = new Set<string>();
    const rs = ofKind(everyMinute(i, 0, 30, claimed), 'roles-unfilled');
    expect(rs).toHaveLength(1);
    expect(rs[0]).toMatchObject({
      dueAt: at(10).toISOString(),
      data: { roles: [{ id: 'technical_lead' }, { id: 'comms_lead' }, { id: 'scribe' }] },
    });
    // claiming roles after the nudge does not nudge again (the IC is busy answering the first one)
    i = must(i, { type: 'claim_role', role: 'scribe' }, ctx(bob, at(12)));
    expect(ofKind(everyMinute(i, 12, 14, claimed), 'roles-unfilled')).toEqual([]);
    for (const role of ['technical_lead', 'comms_lead'])
      i = must(i, { type: 'claim_role', role }, ctx(bob, at(15)));
    expect(ofKind(pass(i, at(16), claimed), 'roles-unfilled')).toEqual([]);
    // a re-classification to safety/regulatory adds the compliance lead: a new nudge, not the one sent
    i = must(
      i,
      { type: 'reclassify', triggerClass: 'safety_regulatory', reason: 'fat-finger limits were off' },
      ctx(ic, at(31)),
    );
    const after = ofKind(pass(i, at(32), claimed), 'roles-unfilled');
    expect(after).toHaveLength(1);
    expect(after[0]!.data.roles).toEqual([{ id: 'compliance_lead', name: expect.any(String) }]);
  });
});

describe('post-incident review', () => {
  const realTz = process.env.TZ;
  afterEach(() => {
    if (realTz === undefined) delete process.env.TZ;
    else process.env.TZ = realTz;
  });

  const reviewRun = (i: Incident, fromIso: string, days: number) => {
    const claimed = new Set<string>();
    const out: Reminder[] = [];
    // One pass every 30 minutes across the days.
    for (let t = Date.parse(fromIso); t <= Date.parse(fromIso) + days * 86_400_000; t += 30 * 60_000) {
      for (const r of ofKind(pass(i, new Date(t), claimed), 'review-due', 'review-overdue')) {
        claimed.add(r.key);
        out.push(r);
      }
    }
    return out;
  };

  it('reminds the facilitator the business day before and on the day, across a weekend, then daily on business days', () => {
    // Closed Thursday 26 Nov 2026 -> review due Monday 30 Nov (two business days).
    const i = closedAt(at(120));
    expect(i.reviewDueOn).toBe('2026-11-30');
    const rs = reviewRun(i, '2026-11-26T12:00:00Z', 8);
    expect(rs.map((r) => [r.kind, r.dueAt, r.data.when ?? r.data.businessDaysOverdue])).toEqual([
      ['review-due', '2026-11-27T09:00:00.000Z', 'next_business_day'], // Friday, before the weekend
      ['review-due', '2026-11-30T09:00:00.000Z', 'today'], // Monday
      ['review-overdue', '2026-12-01T09:00:00.000Z', 1],
      ['review-overdue', '2026-12-02T09:00:00.000Z', 2],
      ['review-overdue', '2026-12-03T09:00:00.000Z', 3],
      ['review-overdue', '2026-12-04T09:00:00.000Z', 4],
    ]);
    expect(rs.every((r) => r.target.to === 'user' && r.target.user === 'U_IC')).toBe(true);
    expect(rs[0]?.key).toBe('review-due:INC-2026-0001:2026-11-27T09:00:00.000Z');
  });

  it('stops once the review is recorded', () => {
    let i = closedAt(at(120));
    i = must(
      i,
      {
        type: 'record_review',
        summary: 's',
        whys: ['w'],
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
      ctx(ic, new Date('2026-11-27T08:00:00Z')),
    );
    expect(reviewRun(i, '2026-11-26T12:00:00Z', 8)).toEqual([]);
  });

  it.each([
    [
      'autumn (clocks go back Sun 25 Oct 2026)',
      '2026-10-23T16:00:00Z',
      '2026-10-27',
      '2026-10-26T09:00:00.000Z',
    ],
    [
      'spring (clocks go forward Sun 29 Mar 2026)',
      '2026-03-27T16:00:00Z',
      '2026-03-31',
      '2026-03-30T09:00:00.000Z',
    ],
  ])(
    'Europe/London DST change in %s shifts nothing: reminders stay at 09:00 UTC',
    (_n, closeIso, dueOn, dayBefore) => {
      process.env.TZ = 'Europe/London';
      const close = new Date(closeIso);
      const i = closedAt(close, {});
      expect(i.reviewDueOn).toBe(dueOn);
      const rs = reviewRun(i, closeIso, 5);
      expect(rs.slice(0, 3).map((r) => r.dueAt)).toEqual([dayBefore, `${dueOn}T09:00:00.000Z`, rs[2]!.dueAt]);
      expect(rs[2]?.dueAt.endsWith('T09:00:00.000Z')).toBe(true);
      expect(rs[2]?.kind).toBe('review-overdue');
    },
  );

  it('a late close does not owe reminders for instants before it', () => {
    // Closed Sunday evening: due Tuesday; the business day before is Monday (after the close).
    const i = closedAt(new Date('2026-11-29T20:00:00Z'));
    expect(i.reviewDueOn).toBe('2026-12-01');
    expect(pass(i, new Date('2026-11-29T20:30:00Z')).filter((r) => r.kind.startsWith('review'))).toEqual([]);
  });
});

describe('follow-up actions', () => {
  const withFollowup = () =>
    must(
      closedAt(at(120)),
      {
        type: 'add_followup',
        id: 'F1',
        what: 'Add lag alert',
        owner: 'U_BOB',
        due: '2026-12-03',
        objective: 'resilience',
        acceptance: 'It is verified done.',
      },
      ctx(ic, at(130)),
    );

  it('reminds the owner on the due date, then weekly while open', () => {
    const i = withFollowup();
    const claimed = new Set<string>();
    const out: Reminder[] = [];
    for (
      let t = Date.parse('2026-12-01T00:00:00Z');
      t <= Date.parse('2026-12-20T00:00:00Z');
      t += 3_600_000
    ) {
      for (const r of ofKind(pass(i, new Date(t), claimed), 'followup-due', 'followup-overdue')) {
        claimed.add(r.key);
        out.push(r);
      }
    }
    expect(out.map((r) => [r.kind, r.dueAt, r.target])).toEqual([
      ['followup-due', '2026-12-03T09:00:00.000Z', { to: 'user', user: 'U_BOB' }],
      ['followup-overdue', '2026-12-10T09:00:00.000Z', { to: 'user', user: 'U_BOB' }],
      ['followup-overdue', '2026-12-17T09:00:00.000Z', { to: 'user', user: 'U_BOB' }],
    ]);
    expect(out[0]?.key).toBe('followup-due:INC-2026-0001:F1:2026-12-03T09:00:00.000Z');
    expect(out[2]?.data).toMatchObject({ followupId: 'F1', weeksOverdue: 2, what: 'Add lag alert' });
  });

  it('catches up with one reminder after downtime and stops once done', () => {
    let i = withFollowup();
    const rs = ofKind(pass(i, new Date('2026-12-30T12:00:00Z')), 'followup-due', 'followup-overdue');
    expect(rs.map((r) => [r.kind, r.dueAt, r.lateBy])).toEqual([
      ['followup-overdue', '2026-12-24T09:00:00.000Z', 6 * 1440 + 180],
    ]);
    i = must(i, { type: 'complete_followup', id: 'F1' }, ctx(bob, new Date('2026-12-30T12:00:00Z')));
    expect(ofKind(pass(i, new Date('2027-01-30T12:00:00Z')), 'followup-due', 'followup-overdue')).toEqual([]);
  });
});

describe('ordering and purity', () => {
  it('returns reminders ordered by due instant and does not depend on the host time', () => {
    const a = declared();
    const b = { ...declared({ title: 'other' }), key: 'INC-2026-0002', declaredAt: at(-10).toISOString() };
    const rs = dueReminders(
      [
        { incident: a, playbook },
        { incident: b, playbook },
      ],
      new Set(),
      at(30),
    );
    const dues = rs.map((r) => r.dueAt);
    expect([...dues].sort()).toEqual(dues);
    expect(T0.toISOString()).toBe('2026-11-26T10:00:00.000Z');
  });
});

describe('the "late" note on nudges', () => {
  /** The headline the nudge posts, as the outbox carries it ({...reminder}). */
  const headline = (r: Reminder | undefined) => describeNudge({ ...must1(r) }).headline;
  const must1 = (r: Reminder | undefined): Reminder => {
    if (!r) throw new Error('no reminder owed');
    return r;
  };
  const LATE = /min late: the bot was down or busy/;

  it('a reminder after a snooze carries no "late" note', () => {
    let i = declared();
    // Snoozed at 10:20 until 11:05: the 10:30 and 11:00 updates are held back until then.
    i = must(i, { type: 'snooze', kind: 'status_update', until: at(65).toISOString() }, ctx(ic, at(20)));
    const [r] = ofKind(pass(i, at(65)), 'status-update');
    expect(r).toMatchObject({ dueAt: at(60).toISOString(), owedAt: at(65).toISOString(), lateBy: 0 });
    expect(headline(r)).toBe(
      'A status update is due. The Communications lead role is open: claim it from the pinned summary.',
    );
    expect(headline(r)).not.toMatch(LATE);
    // Lateness still counts from the end of the snooze when the bot really is late after it.
    const [r2] = ofKind(pass(i, at(72)), 'status-update');
    expect(r2?.lateBy).toBe(7);
    expect(headline(r2)).toMatch(/\(this reminder is 7 min late: the bot was down or busy\)/);
  });

  it('a follow-up reminder after its own snooze carries no "late" note', () => {
    let i = closedAt(at(120));
    i = must(
      i,
      {
        type: 'add_followup',
        id: 'F1',
        what: 'Add lag alert',
        owner: 'U_BOB',
        due: '2026-12-03',
        objective: 'resilience',
        acceptance: 'It is verified done.',
      },
      ctx(ic, at(130)),
    );
    i = must(
      i,
      { type: 'snooze', kind: 'followup:F1', until: '2026-12-03T15:00:00.000Z' },
      ctx(bob, at(140)),
    );
    const [r] = ofKind(pass(i, new Date('2026-12-03T15:00:00Z')), 'followup-due');
    expect(r).toMatchObject({ dueAt: '2026-12-03T09:00:00.000Z', lateBy: 0 });
    expect(headline(r)).not.toMatch(LATE);
  });

  it('a reminder claimed long after its due time with no snooze says how late it is', () => {
    const i = declared();
    const rs = pass(i, at(5 + 180)); // the bot was down from 10:05 to 13:05
    const [alert] = ofKind(rs, 'initial-alert-overdue');
    expect(alert).toMatchObject({ dueAt: at(15).toISOString(), owedAt: at(15).toISOString(), lateBy: 170 });
    expect(headline(alert)).toContain('(this reminder is 170 min late: the bot was down or busy)');
    const [status] = ofKind(rs, 'status-update');
    expect(status?.lateBy).toBe(5);
    expect(headline(status)).toMatch(/\(this reminder is 5 min late: the bot was down or busy\)/);
  });

  it('a re-classification that moves the status clock back is no lateness when the change time is known', () => {
    let i = declared();
    // 10:22: severe impact -> updates every 15 min, so one was "due" at 10:15, before anyone could know.
    i = must(i, { type: 'reclassify', severeImpact: true, reason: 'customers affected' }, ctx(ic, at(22)));
    const changed = [{ incident: i, playbook, changedAt: at(22).toISOString() }];
    const [r] = ofKind(dueReminders(changed, new Set(), at(22)), ...STATUS);
    expect(r).toMatchObject({
      kind: 'status-update',
      dueAt: at(15).toISOString(),
      owedAt: at(22).toISOString(),
      lateBy: 0,
    });
    expect(headline(r)).not.toMatch(LATE);
    // The change time only moves lateness forward: a change before the due instant leaves it alone.
    const early = [{ incident: i, playbook, changedAt: at(1).toISOString() }];
    expect(ofKind(dueReminders(early, new Set(), at(24)), ...STATUS)[0]).toMatchObject({
      kind: 'status-update',
      lateBy: 9,
    });
  });
});

describe('regulatory clock of the trigger class', () => {
  const pb = {
    ...playbook,
    triggers: playbook.triggers.map((t) =>
      t.id === 'safety_regulatory'
        ? { ...t, regulatoryClock: { label: 'Notify the regulator', hours: 4 } }
        : t,
    ),
  };
  const run = (i: Incident, from: number, to: number, claimed: Set<string>) => {
    const out: Reminder[] = [];
    for (let m = from; m <= to; m++)
      for (const r of dueReminders([{ incident: i, playbook: pb }], claimed, at(m))) {
        if (!r.kind.startsWith('regulatory')) continue;
        claimed.add(r.key);
        out.push(r);
      }
    return out;
  };

  it('reminds the IC an hour before and at the deadline, counted from activation, also after closure', () => {
    let i = declared({ triggerClass: 'safety_regulatory' });
    const claimed = new Set<string>();
    expect(run(i, 0, 60, claimed)).toEqual([]);
    i = must(i, { type: 'advance_phase', confirmed: criteria('detection') }, ctx(ic, at(61)));
    i = must(i, { type: 'advance_phase', confirmed: criteria('containment') }, ctx(ic, at(62)));
    i = must(
      i,
      {
        type: 'close',
        confirmed: [...criteria('mitigation'), ...criteria('closure')],
        fields: closureFields,
      },
      ctx(ic, at(63), { playbook: pb }),
    );
    const rs = run(i, 63, 300, claimed);
    expect(rs.map((r) => [r.kind, r.dueAt])).toEqual([
      ['regulatory-clock', at(180).toISOString()],
      ['regulatory-clock-due', at(240).toISOString()],
    ]);
    expect(rs[0]!.data).toMatchObject({ label: 'Notify the regulator', mention: ['U_IC'] });
    expect(describeNudge(rs[1]!).headline).toMatch(
      /^Regulatory deadline now: Notify the regulator was due by/,
    );
  });

  it('has no clock for other trigger classes, nor for a false alarm', () => {
    expect(run(declared({ triggerClass: 'service_outage' }), 0, 300, new Set())).toEqual([]);
    const stood = must(
      declared({ triggerClass: 'safety_regulatory' }),
      { type: 'stand_down', reason: 'test feed' },
      ctx(ic, at(5), { playbook: pb }),
    );
    expect(run(stood, 5, 300, new Set())).toEqual([]);
  });
});
