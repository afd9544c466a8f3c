// Workstream leads in the core (issue 19): take, name, hand over, release; who may; membership; and the
// checklist item the playbook completes once every workstream has a lead (reopened, with the reason, when
// one is released).
import { describe, expect, it } from 'vitest';
import { ALL_LED } from '../../src/domain/decide/workstreams.js';
import { decide } from '../../src/domain/decide.js';
import type { Effect } from '../../src/domain/effects.js';
import type { Incident } from '../../src/domain/incident.js';
import { isMember } from '../../src/domain/membership.js';
import { alice, at, bob, ctx, declared, ic, must, playbook } from '../helpers/scenario.js';

const ITEM = 'owners.workstreams';
const dave = { platform: 'slack' as const, id: 'U_DAVE' };

const logs = (effects: Effect[], kind: string) =>
  effects.filter((e) => e.type === 'log' && e.kind === kind).map((e) => (e.type === 'log' ? e.payload : {}));

/** Every workstream led: Alice and Bob take two, the IC names Dave for the last. */
function allLed(): Incident {
  let i = declared();
  i = must(i, { type: 'lead_workstream', workstream: 'containment', user: 'U_ALICE' }, ctx(alice, at(2)));
  i = must(i, { type: 'lead_workstream', workstream: 'investigation', user: 'U_BOB' }, ctx(bob, at(3)));
  i = must(i, { type: 'lead_workstream', workstream: 'stakeholder_comms', user: 'U_ALICE' }, ctx(ic, at(4)));
  return must(i, { type: 'lead_workstream', workstream: 'compliance', user: 'U_DAVE' }, ctx(ic, at(5)));
}

describe('workstreams: the playbook', () => {
  it("ships the handbook's four workstreams, completing the owners.workstreams item", () => {
    expect(playbook.workstreams?.items.map((w) => [w.id, w.name])).toEqual([
      ['containment', 'Containment'],
      ['investigation', 'Investigation'],
      ['stakeholder_comms', 'Stakeholder comms'],
      ['compliance', 'Compliance'],
    ]);
    expect(playbook.workstreams?.completes).toBe(ITEM);
  });
});

describe('workstreams: leads', () => {
  it('a member takes a workstream: state, history, log, post in the room, summary refreshed', () => {
    const r = decide(
      declared(),
      { type: 'lead_workstream', workstream: 'containment', user: 'U_ALICE' },
      ctx(alice, at(2)),
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.incident.workstreams).toEqual({ containment: 'U_ALICE' });
    expect(r.incident.workstreamHistory).toEqual([
      {
        at: at(2).toISOString(),
        workstream: 'containment',
        kind: 'take',
        from: null,
        to: 'U_ALICE',
        by: 'U_ALICE',
      },
    ]);
    expect(logs(r.effects, 'workstream')).toEqual([
      { workstream: 'containment', kind: 'take', from: null, to: 'U_ALICE' },
    ]);
    const post = r.effects.find((e) => e.type === 'message' && e.body.kind === 'post');
    expect(post).toMatchObject({
      target: { to: 'room' },
      body: {
        template: 'workstream_change',
        data: { workstream: 'containment', kind: 'take', to: 'U_ALICE' },
      },
    });
    expect(
      r.effects.some((e) => e.type === 'message' && e.body.kind === 'view' && e.body.view === 'summary'),
    ).toBe(true);
    // nothing completed yet: three workstreams have no lead
    expect(r.incident.checklist[ITEM]).toBeUndefined();
  });

  it('the IC names anyone; a member may not name someone else, nor take a led workstream', () => {
    const i = must(
      declared(),
      { type: 'lead_workstream', workstream: 'investigation', user: 'U_BOB' },
      ctx(ic, at(2)),
    );
    expect(i.workstreams?.investigation).toBe('U_BOB');
    expect(i.workstreamHistory?.[0]).toMatchObject({ kind: 'assign', by: 'U_IC' });

    const naming = decide(
      i,
      { type: 'lead_workstream', workstream: 'containment', user: 'U_BOB' },
      ctx(alice, at(3)),
    );
    expect(naming).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const grabbing = decide(
      i,
      { type: 'lead_workstream', workstream: 'investigation', user: 'U_ALICE' },
      ctx(alice, at(3)),
    );
    expect(grabbing).toMatchObject({ ok: false, error: { code: 'role_taken' } });
    expect(grabbing.ok ? '' : grabbing.error.message).toContain('U_BOB');
    const again = decide(
      i,
      { type: 'lead_workstream', workstream: 'investigation', user: 'U_BOB' },
      ctx(bob, at(3)),
    );
    expect(again).toMatchObject({ ok: false, error: { code: 'invalid' } });
    const unknown = decide(i, { type: 'lead_workstream', workstream: 'nope', user: 'U_BOB' }, ctx(ic, at(3)));
    expect(unknown.ok ? '' : unknown.error.message).toContain('containment, investigation');
  });

  it('the lead hands it over; the IC takes over or hands over a led workstream', () => {
    let i = must(
      declared(),
      { type: 'lead_workstream', workstream: 'containment', user: 'U_ALICE' },
      ctx(alice, at(2)),
    );
    i = must(i, { type: 'lead_workstream', workstream: 'containment', user: 'U_BOB' }, ctx(alice, at(3)));
    expect(i.workstreams?.containment).toBe('U_BOB');
    expect(i.workstreamHistory?.at(-1)).toMatchObject({ kind: 'handover', from: 'U_ALICE', to: 'U_BOB' });
    i = must(i, { type: 'lead_workstream', workstream: 'containment', user: 'U_DAVE' }, ctx(ic, at(4)));
    expect(i.workstreamHistory?.at(-1)).toMatchObject({
      kind: 'handover',
      from: 'U_BOB',
      to: 'U_DAVE',
      by: 'U_IC',
    });
  });

  it('a non-member outside the room is refused; a lead named from outside joins a confidential incident', () => {
    const secret = declared({ confidential: true });
    const outsider = decide(
      secret,
      { type: 'lead_workstream', workstream: 'containment', user: 'U_DAVE' },
      ctx(dave, at(2), { inRoom: false }),
    );
    expect(outsider).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(isMember(secret, 'U_DAVE', {})).toBe(false);
    const r = decide(
      secret,
      { type: 'lead_workstream', workstream: 'compliance', user: 'U_DAVE' },
      ctx(ic, at(2), { inRoom: false }),
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(isMember(r.incident, 'U_DAVE', {})).toBe(true);
    expect(r.effects).toContainEqual(
      expect.objectContaining({ type: 'message', body: { kind: 'invite', user: 'U_DAVE' } }),
    );
    // released, they stay a member (like a past role holder): the record they worked on stays theirs
    const released = must(
      r.incident,
      { type: 'release_workstream', workstream: 'compliance' },
      ctx(ic, at(3)),
    );
    expect(isMember(released, 'U_DAVE', {})).toBe(true);
  });

  it('the IC leading a workstream is warned about overload', () => {
    const r = decide(
      declared(),
      { type: 'lead_workstream', workstream: 'containment', user: 'U_IC' },
      ctx(ic, at(2)),
    );
    expect(r.ok && r.effects).toContainEqual(
      expect.objectContaining({ type: 'notice', level: 'warning', user: 'U_IC' }),
    );
  });
});

describe('workstreams: release', () => {
  it('the lead steps back, the IC releases anyone, others are refused', () => {
    const i = must(
      declared(),
      { type: 'lead_workstream', workstream: 'containment', user: 'U_ALICE' },
      ctx(alice, at(2)),
    );
    expect(
      decide(i, { type: 'release_workstream', workstream: 'containment' }, ctx(bob, at(3))),
    ).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    const self = must(i, { type: 'release_workstream', workstream: 'containment' }, ctx(alice, at(3)));
    expect(self.workstreams).toEqual({});
    expect(self.workstreamHistory?.at(-1)).toMatchObject({ kind: 'release', from: 'U_ALICE', to: null });
    const byIc = must(i, { type: 'release_workstream', workstream: 'containment' }, ctx(ic, at(3)));
    expect(byIc.workstreams?.containment).toBeUndefined();
    expect(
      decide(self, { type: 'release_workstream', workstream: 'containment' }, ctx(ic, at(4))),
    ).toMatchObject({
      ok: false,
      error: { code: 'not_holder' },
    });
  });
});

describe('workstreams: the checklist item', () => {
  it('is done, by the bot and logged with why, when the last workstream gets a lead', () => {
    let i = declared();
    i = must(i, { type: 'lead_workstream', workstream: 'containment', user: 'U_ALICE' }, ctx(alice, at(2)));
    i = must(i, { type: 'lead_workstream', workstream: 'investigation', user: 'U_BOB' }, ctx(bob, at(3)));
    i = must(
      i,
      { type: 'lead_workstream', workstream: 'stakeholder_comms', user: 'U_ALICE' },
      ctx(ic, at(4)),
    );
    expect(i.checklist[ITEM]).toBeUndefined();
    const r = decide(
      i,
      { type: 'lead_workstream', workstream: 'compliance', user: 'U_DAVE' },
      ctx(ic, at(5)),
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.incident.checklist[ITEM]).toEqual({
      state: 'done',
      by: 'U_IC',
      at: at(5).toISOString(),
      reason: ALL_LED,
    });
    expect(logs(r.effects, 'checklist')).toEqual([
      {
        item: ITEM,
        text: expect.stringContaining('has a named'),
        state: 'done',
        reason: ALL_LED,
        leads: {
          containment: 'U_ALICE',
          investigation: 'U_BOB',
          stakeholder_comms: 'U_ALICE',
          compliance: 'U_DAVE',
        },
      },
    ]);
    expect(
      r.effects.some((e) => e.type === 'message' && e.body.kind === 'view' && e.body.view === 'checklist'),
    ).toBe(true);
    const post = r.effects.find((e) => e.type === 'message' && e.body.kind === 'post');
    expect(post?.type === 'message' && post.body.kind === 'post' && post.body.data.item).toBe('done');
  });

  it('cannot be ticked by hand while a workstream has no lead, nor unticked once done', () => {
    const i = declared();
    const r = decide(i, { type: 'check_item', item: ITEM }, ctx(ic, at(2)));
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid' } });
    expect(r.ok ? '' : r.error.message).toContain(
      'Containment, Investigation, Stakeholder comms, Compliance',
    );
    expect(decide(allLed(), { type: 'uncheck_item', item: ITEM }, ctx(ic, at(6))).ok).toBe(false);
    // "not applicable", with a reason, stays possible (and can be undone)
    const na = must(
      i,
      { type: 'item_not_applicable', item: ITEM, reason: 'one-person drill' },
      ctx(ic, at(2)),
    );
    expect(must(na, { type: 'uncheck_item', item: ITEM }, ctx(ic, at(3))).checklist[ITEM]).toBeUndefined();
  });

  it('a hand-over keeps it done; a release reopens it, logged with the workstream left without a lead', () => {
    const done = allLed();
    const handed = must(
      done,
      { type: 'lead_workstream', workstream: 'compliance', user: 'U_BOB' },
      ctx(ic, at(6)),
    );
    expect(handed.checklist[ITEM]?.state).toBe('done');
    const r = decide(handed, { type: 'release_workstream', workstream: 'investigation' }, ctx(bob, at(7)));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.incident.checklist[ITEM]).toBeUndefined();
    expect(logs(r.effects, 'checklist')).toEqual([
      { item: ITEM, text: expect.any(String), state: 'open', reason: 'no lead for Investigation' },
    ]);
    // naming a new lead completes it again
    const again = must(
      r.incident,
      { type: 'lead_workstream', workstream: 'investigation', user: 'U_ALICE' },
      ctx(ic, at(8)),
    );
    expect(again.checklist[ITEM]).toMatchObject({ state: 'done', at: at(8).toISOString() });
  });

  it('closed incidents keep their leads: changes are refused', () => {
    const i = { ...allLed(), closedAt: at(30).toISOString() };
    expect(
      decide(i, { type: 'release_workstream', workstream: 'containment' }, ctx(ic, at(31))),
    ).toMatchObject({
      ok: false,
      error: { code: 'closed' },
    });
  });
});
