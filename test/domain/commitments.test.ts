// Stakeholder commitments and questions in the core: who may record and settle them, limits, the log,
// and what a status update carries (also when the incident is confidential).
import { describe, expect, it } from 'vitest';
import { stakeholderOwners } from '../../src/domain/commitments.js';
import { decide } from '../../src/domain/decide.js';
import type { Incident } from '../../src/domain/incident.js';
import { plainText } from '../../src/domain/text.js';
import { stakeholderItemLines } from '../../src/views/commitments.js';
import { postView } from '../../src/views/posts.js';
import { summaryView } from '../../src/views/summary.js';
import {
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
  updateFields,
} from '../helpers/scenario.js';

const in1h = at(60).toISOString();
const commit = (id = 'c-00001', due = in1h, what = 'Next update to the FX desk') =>
  ({ type: 'add_commitment', id, what, due }) as const;

/** Declared by the IC, Alice holds the comms lead role. */
function withComms(): Incident {
  return must(declared(), { type: 'claim_role', role: 'comms_lead' }, ctx(alice, at(1)));
}

describe('add_commitment', () => {
  it('the comms lead records it: state, log, room post, summary refresh', () => {
    const r = decide(withComms(), commit(), ctx(alice, at(2)));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.incident.commitments).toEqual([
      {
        id: 'c-00001',
        what: 'Next update to the FX desk',
        due: in1h,
        state: 'open',
        createdAt: at(2).toISOString(),
        createdBy: alice.id,
      },
    ]);
    expect(r.effects).toContainEqual({
      type: 'log',
      kind: 'commitment',
      payload: { id: 'c-00001', what: 'Next update to the FX desk', due: in1h, state: 'open' },
    });
    const posts = r.effects.filter((e) => e.type === 'message').map((e) => e.body);
    expect(posts).toContainEqual({
      kind: 'post',
      template: 'stakeholder_item',
      data: { kind: 'commitment', id: 'c-00001', event: 'open' },
    });
    expect(posts).toContainEqual({ kind: 'view', view: 'summary' });
    // the summary shows the count and the next due time
    const status = summaryView(r.incident, playbook).status.map(plainText).join('\n');
    expect(status).toContain('1 commitment to stakeholders open, next due 2026-11-26 11:00 UTC');
  });

  it('the IC may record one; others may not (the hint says who holds the comms lead role)', () => {
    expect(decide(withComms(), commit(), ctx(ic, at(2))).ok).toBe(true);
    const r = decide(withComms(), commit(), ctx(bob, at(2)));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('forbidden');
    expect(r.error.message).toBe(
      'Only the Communications lead or the incident commander can record a commitment to stakeholders.',
    );
    // nobody holds comms: the hint says how to take it
    const open = decide(declared(), commit(), ctx(bob, at(2)));
    expect(!open.ok && plainText(open.error.hint ?? '')).toContain('`incident role comms`');
  });

  it('refuses a due time that passed, is not a UTC instant, or is more than 30 days out', () => {
    const i = withComms();
    const refused = (due: string) => {
      const r = decide(i, commit('c-1', due), ctx(alice, at(2)));
      return r.ok ? 'accepted' : r.error.message;
    };
    expect(refused(at(1).toISOString())).toBe('The due time has passed: give a time ahead.');
    expect(refused(at(2).toISOString())).toBe('The due time has passed: give a time ahead.');
    expect(refused('tomorrow')).toMatch(/not a UTC time/);
    expect(refused('2026-11-26T14:00:00+02:00')).toMatch(/not a UTC time/);
    expect(refused(at(31 * 24 * 60).toISOString())).toBe('A commitment falls due within 30 days.');
    expect(refused('2026-11-26T14:00Z')).toBe('accepted');
  });

  it('refuses an empty or over-long text and a duplicate id', () => {
    const i = withComms();
    const r1 = decide(i, commit('c-1', in1h, '   '), ctx(alice, at(2)));
    expect(!r1.ok && r1.error).toMatchObject({ code: 'invalid', field: 'what' });
    const r2 = decide(i, commit('c-1', in1h, 'x'.repeat(501)), ctx(alice, at(2)));
    expect(!r2.ok && r2.error.message).toMatch(/under 500 characters/);
    const once = must(i, commit('c-1'), ctx(alice, at(2)));
    const again = decide(once, commit('c-1'), ctx(alice, at(3)));
    expect(!again.ok && again.error.code).toBe('already_exists');
  });

  it('at most 50 open at once', () => {
    let i = withComms();
    for (let n = 0; n < 50; n++) i = must(i, commit(`c-${n}`), ctx(alice, at(2)));
    const r = decide(i, commit('c-50'), ctx(alice, at(2)));
    expect(!r.ok && r.error.message).toBe('50 commitments are open: mark some kept or dropped first.');
    i = must(i, { type: 'resolve_commitment', id: 'c-0', outcome: 'kept' }, ctx(alice, at(3)));
    expect(decide(i, commit('c-50'), ctx(alice, at(3))).ok).toBe(true);
  });

  it('not once the incident is closed', () => {
    let i = withComms();
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
    const r = decide(i, commit(), ctx(alice, at(6)));
    expect(!r.ok && r.error.code).toBe('closed');
  });
});

describe('resolve_commitment', () => {
  const made = () => must(withComms(), commit(), ctx(alice, at(2)));

  it('kept (with an optional note) and dropped (with a reason), logged; once only', () => {
    const kept = must(
      made(),
      { type: 'resolve_commitment', id: 'c-00001', outcome: 'kept' },
      ctx(ic, at(30)),
    );
    expect(kept.commitments![0]).toMatchObject({
      state: 'kept',
      resolvedBy: ic.id,
      resolvedAt: at(30).toISOString(),
    });
    const twice = decide(
      kept,
      { type: 'resolve_commitment', id: 'c-00001', outcome: 'dropped', note: 'x' },
      ctx(ic, at(31)),
    );
    expect(!twice.ok && twice.error.message).toBe('That commitment was already marked kept.');

    const noReason = decide(
      made(),
      { type: 'resolve_commitment', id: 'c-00001', outcome: 'dropped' },
      ctx(alice, at(30)),
    );
    expect(!noReason.ok && noReason.error).toMatchObject({ code: 'invalid', field: 'note' });
    const r = decide(
      made(),
      { type: 'resolve_commitment', id: 'c-00001', outcome: 'dropped', note: 'Desk told at 10:40' },
      ctx(alice, at(30)),
    );
    expect(r.ok && r.effects).toContainEqual({
      type: 'log',
      kind: 'commitment',
      payload: { id: 'c-00001', state: 'dropped', note: 'Desk told at 10:40' },
    });
  });

  it('only the comms lead or the IC; an unknown id is named back, escaped', () => {
    const r = decide(
      made(),
      { type: 'resolve_commitment', id: 'c-00001', outcome: 'kept' },
      ctx(bob, at(30)),
    );
    expect(!r.ok && r.error.code).toBe('forbidden');
    const unknown = decide(
      made(),
      { type: 'resolve_commitment', id: 'c-\u0002@U1\u0003', outcome: 'kept' },
      ctx(alice, at(30)),
    );
    expect(!unknown.ok && unknown.error.code).toBe('not_found');
    expect(!unknown.ok && plainText(unknown.error.message)).toBe(
      'There is no commitment c-@U1 in INC-2026-0001.',
    );
  });
});

describe('questions', () => {
  it('anyone in the incident records one; the comms lead or IC answers it, once', () => {
    let i = withComms();
    const r = decide(
      i,
      { type: 'add_question', id: 'q-1', text: 'Will clients get a credit?', from: 'Sales desk' },
      ctx(bob, at(3)),
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    i = r.incident;
    expect(i.questions).toEqual([
      {
        id: 'q-1',
        text: 'Will clients get a credit?',
        from: 'Sales desk',
        askedAt: at(3).toISOString(),
        askedBy: bob.id,
      },
    ]);
    expect(r.effects).toContainEqual({
      type: 'log',
      kind: 'question',
      payload: { id: 'q-1', text: 'Will clients get a credit?', from: 'Sales desk', state: 'open' },
    });
    const byBob = decide(i, { type: 'answer_question', id: 'q-1', answer: 'Yes' }, ctx(bob, at(4)));
    expect(!byBob.ok && byBob.error.code).toBe('forbidden');
    const empty = decide(i, { type: 'answer_question', id: 'q-1', answer: ' ' }, ctx(alice, at(4)));
    expect(!empty.ok && empty.error.field).toBe('answer');
    i = must(i, { type: 'answer_question', id: 'q-1', answer: 'Yes, per the SLA' }, ctx(alice, at(4)));
    expect(i.questions![0]).toMatchObject({ answer: 'Yes, per the SLA', answeredBy: alice.id });
    const again = decide(i, { type: 'answer_question', id: 'q-1', answer: 'No' }, ctx(alice, at(5)));
    expect(!again.ok && again.error.message).toBe('That question was already answered.');
  });

  it('limits: text and "from" length', () => {
    const i = withComms();
    const long = decide(i, { type: 'add_question', id: 'q-1', text: 'x'.repeat(1001) }, ctx(bob, at(3)));
    expect(!long.ok && long.error.field).toBe('text');
    const from = decide(
      i,
      { type: 'add_question', id: 'q-1', text: 'Why?', from: 'y'.repeat(101) },
      ctx(bob, at(3)),
    );
    expect(!from.ok && from.error.field).toBe('from');
  });

  it('the owner is the comms lead, else the IC', () => {
    expect(stakeholderOwners(declared(), playbook)).toEqual([ic.id]);
    expect(stakeholderOwners(withComms(), playbook)).toEqual([alice.id]);
  });

  it('answering and settling still work after closure', () => {
    let i = must(withComms(), commit(), ctx(alice, at(2)));
    i = must(i, { type: 'add_question', id: 'q-1', text: 'ETA?' }, ctx(bob, at(3)));
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
    i = must(i, { type: 'answer_question', id: 'q-1', answer: 'Fixed at 12:00' }, ctx(alice, at(70)));
    i = must(i, { type: 'resolve_commitment', id: 'c-00001', outcome: 'kept' }, ctx(alice, at(70)));
    expect(i.commitments![0]!.state).toBe('kept');
  });
});

describe('a status update lists them', () => {
  function withItems(confidential: boolean): Incident {
    let i = must(withComms(), commit(), ctx(alice, at(2)));
    if (confidential) i = { ...i, confidential: true };
    i = must(
      i,
      { type: 'add_question', id: 'q-1', text: 'Are EU clients affected?', from: 'Ops' },
      ctx(bob, at(3)),
    );
    i = must(i, { type: 'add_question', id: 'q-2', text: 'Credit?' }, ctx(bob, at(3)));
    return must(i, { type: 'answer_question', id: 'q-2', answer: 'Per the SLA' }, ctx(alice, at(4)));
  }
  const postsOf = (i: Incident, by = alice) => {
    const r = decide(i, { type: 'post_status_update', fields: updateFields }, ctx(by, at(10)));
    if (!r.ok) throw new Error(r.error.message);
    return r.effects.flatMap((e) =>
      e.type === 'message' && e.body.kind === 'post' && e.body.template === 'communication'
        ? [
            {
              to: e.target.to,
              data: e.body.data,
              text: postView('communication', e.body.data, r.incident, playbook),
            },
          ]
        : [],
    );
  };

  it('in the room and to stakeholders: open commitments, open questions, answers since the last update', () => {
    const posts = postsOf(withItems(false));
    expect(posts.map((p) => p.to)).toEqual(['room', 'stakeholders']);
    for (const p of posts) {
      const text = p.text.lines.map(plainText).join('\n');
      expect(text).toContain('Our open commitments\n🤝 Next update to the FX desk: by 2026-11-26 11:00 UTC');
      expect(text).toContain('Open questions\n❓ Are EU clients affected? (from Ops)');
      expect(text).toContain('Answered since the last update\n💬 Credit?: Per the SLA');
    }
  });

  it('a confidential incident: the stakeholders get only the notice, the room the items', () => {
    const i = withItems(true);
    const r = decide(i, { type: 'post_status_update', fields: updateFields }, ctx(alice, at(10)));
    if (!r.ok) throw new Error(r.error.message);
    const stake = r.effects.filter((e) => e.type === 'message' && e.target.to === 'stakeholders');
    expect(stake.map((e) => e.type === 'message' && e.body)).toEqual([
      { kind: 'post', template: 'confidential_notice', data: { what: 'status_update' } },
    ]);
    expect(postsOf(i).find((p) => p.to === 'room')!.data.items).toBeDefined();
  });

  it('answered questions are not repeated in the next update', () => {
    let i = withItems(false);
    i = must(i, { type: 'post_status_update', fields: updateFields }, ctx(alice, at(10)));
    const r = decide(i, { type: 'post_status_update', fields: updateFields }, ctx(alice, at(20)));
    const data = r.ok && r.effects.find((e) => e.type === 'message' && e.body.kind === 'post')!;
    const items = (
      data && data.type === 'message' && data.body.kind === 'post' ? data.body.data.items : null
    ) as {
      answered: unknown[];
      questions: unknown[];
    };
    expect(items.answered).toEqual([]);
    expect(items.questions).toHaveLength(1);
    // the lines cap what they show
    const many = {
      commitments: Array.from({ length: 12 }, (_, n) => ({ id: `c-${n}`, what: `w${n}`, due: in1h })),
      questions: [],
      answered: [],
    };
    expect(stakeholderItemLines(many).map(plainText).at(-1)).toBe('…and 2 more commitments.');
  });
});
