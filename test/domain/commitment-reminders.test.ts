// The commitment reminder family: a nudge when a commitment falls due, once, in the room with its owner
// mentioned; none once it is kept or dropped, or the incident closed.
import { describe, expect, it } from 'vitest';
import type { Incident } from '../../src/domain/incident.js';
import { dueReminders, nextReminderCheck, type Reminder } from '../../src/domain/reminders.js';
import { plainText } from '../../src/domain/text.js';
import { describeNudge } from '../../src/views/nudge.js';
import {
  alice,
  at,
  closureFields,
  criteria,
  ctx,
  declared,
  ic,
  must,
  playbook,
} from '../helpers/scenario.js';

const commitmentsDue = (i: Incident, now: Date, claimed = new Set<string>()): Reminder[] =>
  dueReminders([{ incident: i, playbook }], claimed, now).filter((r) => r.kind === 'commitment-due');

const promise = (i: Incident, id: string, dueMinutes: number, by = ic) =>
  must(
    i,
    { type: 'add_commitment', id, what: `Promise ${id}`, due: at(dueMinutes).toISOString() },
    ctx(by, at(2)),
  );

describe('commitment reminders', () => {
  it('nothing before it falls due; then one nudge in the room, claimed once', () => {
    const i = promise(declared(), 'c-1', 45);
    expect(commitmentsDue(i, at(44))).toEqual([]);
    expect(nextReminderCheck(i, playbook, at(40))).toBe(at(45).toISOString());
    const [r, ...rest] = commitmentsDue(i, at(45));
    expect(rest).toEqual([]);
    expect(r).toMatchObject({
      key: `commitment-due:INC-2026-0001:c-1:${at(45).toISOString()}`,
      target: { to: 'room' },
      data: { commitmentId: 'c-1', what: 'Promise c-1', mention: [ic.id], snoozeKind: 'commitment' },
    });
    // claimed: later passes owe nothing more for it
    const claimed = new Set([r!.key]);
    expect(commitmentsDue(i, at(46), claimed)).toEqual([]);
    expect(commitmentsDue(i, at(300), claimed)).toEqual([]);
    const view = describeNudge(r as never);
    expect(plainText(view.headline)).toBe(
      'Commitment to stakeholders due now: Promise c-1 (c-1, due 2026-11-26 10:45 UTC). Keep it, then `incident kept c-1`; or tell them and `incident dropped c-1 <why>`.',
    );
  });

  it('each commitment is its own family; the comms lead is mentioned once the role is held', () => {
    let i = must(declared(), { type: 'claim_role', role: 'comms_lead' }, ctx(alice, at(1)));
    i = promise(i, 'c-1', 30, alice);
    i = promise(i, 'c-2', 30, alice);
    const rs = commitmentsDue(i, at(31));
    expect(rs.map((r) => r.data.commitmentId).sort()).toEqual(['c-1', 'c-2']);
    for (const r of rs) expect(r.data.mention).toEqual([alice.id]);
  });

  it('kept or dropped before it falls due: no nudge', () => {
    let i = promise(promise(declared(), 'c-1', 30), 'c-2', 30);
    i = must(i, { type: 'resolve_commitment', id: 'c-1', outcome: 'kept' }, ctx(ic, at(20)));
    i = must(i, { type: 'resolve_commitment', id: 'c-2', outcome: 'dropped', note: 'told' }, ctx(ic, at(20)));
    expect(commitmentsDue(i, at(31))).toEqual([]);
    expect(commitmentsDue(i, at(600))).toEqual([]);
  });

  it('none once the incident is closed', () => {
    let i = promise(declared(), 'c-1', 600);
    const c = ctx(ic, at(5));
    i = must(i, { type: 'advance_phase', confirmed: criteria('detection') }, c);
    i = must(i, { type: 'advance_phase', confirmed: criteria('containment') }, c);
    i = must(
      i,
      {
        type: 'close',
        confirmed: [...criteria('mitigation'), ...criteria('closure')],
        fields: closureFields,
      },
      c,
    );
    expect(commitmentsDue(i, at(601))).toEqual([]);
  });

  it('a snooze of the family, or of the one commitment, holds it back', () => {
    const i = promise(declared(), 'c-1', 30);
    expect(commitmentsDue({ ...i, snoozes: { commitment: at(40).toISOString() } }, at(31))).toEqual([]);
    expect(commitmentsDue({ ...i, snoozes: { 'commitment:c-1': at(40).toISOString() } }, at(31))).toEqual([]);
    expect(
      commitmentsDue({ ...i, snoozes: { 'commitment:c-1': at(40).toISOString() } }, at(41)),
    ).toHaveLength(1);
  });
});
