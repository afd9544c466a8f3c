// A false alarm is stood down during triage (the handbook: "err on the side of activating the procedures and
// downgrading later during triage"): by the IC, with a reason, from the phases the playbook names.
import { describe, expect, it } from 'vitest';
import { decide } from '../../src/domain/decide.js';
import type { Incident } from '../../src/domain/incident.js';
import type { Playbook } from '../../src/domain/playbook.js';
import { validatePlaybook } from '../../src/domain/playbook-schema.js';
import { dueReminders } from '../../src/domain/reminders.js';
import { plainText } from '../../src/domain/text.js';
import { alice, at, criteria, ctx, declared, ic, must, playbook } from '../helpers/scenario.js';

const standDown = (i: Incident, who = ic, reason = 'false alarm: the feed was in maintenance', m = 20) =>
  decide(i, { type: 'stand_down', reason }, ctx(who, at(m)));

describe('stand down', () => {
  it('the IC stands a false alarm down from detection: closed, done, no review owed, all told', () => {
    const i = declared();
    const r = standDown(i);
    if (!r.ok) throw new Error(r.error.message);
    const s = r.incident;
    expect(s.phase).toBe('done');
    expect(s.closedAt).toBe(at(20).toISOString());
    expect(s.standDown).toEqual({
      at: at(20).toISOString(),
      by: ic.id,
      reason: 'false alarm: the feed was in maintenance',
    });
    expect(s.reviewDueOn).toBeNull();
    expect(s.phases.at(-1)).toMatchObject({ phase: 'done', move: 'stand_down', reason: expect.any(String) });
    expect(s.phases.at(-2)).toMatchObject({ phase: 'detection', leftAt: at(20).toISOString() });
    const logs = r.effects.filter((e) => e.type === 'log').map((e) => e.type === 'log' && e.kind);
    expect(logs).toEqual(['stood_down', 'phase']);
    const posts = r.effects.flatMap((e) =>
      e.type === 'message' && e.body.kind === 'post' ? [e.target.to] : [],
    );
    expect(posts).toEqual(['room', 'stakeholders']);
    // nothing is owed afterwards: no status, alert or golden-hour nudges, no review reminders
    expect(dueReminders([{ incident: s, playbook }], new Set(), at(600))).toEqual([]);
    // and the incident takes no further process commands
    expect(
      decide(s, { type: 'advance_phase', confirmed: criteria('detection') }, ctx(ic, at(30))),
    ).toMatchObject({
      ok: false,
      error: { code: 'closed' },
    });
  });

  it('is refused for anyone but the IC, without a reason, and after triage (with the way to close instead)', () => {
    const i = declared();
    expect(standDown(i, alice)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(standDown(i, ic, '   ')).toMatchObject({ ok: false, error: { code: 'invalid' } });
    const contained = must(i, { type: 'advance_phase', confirmed: criteria('detection') }, ctx(ic, at(5)));
    const r = standDown(contained);
    expect(r).toMatchObject({ ok: false, error: { code: 'illegal_transition' } });
    expect(!r.ok && plainText(r.error.message)).toMatch(
      /during Detection & verification only.*`incident close`/,
    );
  });

  it('closing from detection is refused with a pointer to the stand-down', () => {
    const r = decide(declared(), { type: 'close', confirmed: [], fields: {} }, ctx(ic, at(10)));
    expect(r).toMatchObject({ ok: false, error: { code: 'illegal_transition' } });
    expect(!r.ok && plainText(r.error.message)).toMatch(
      /false alarm.*`incident standdown` followed by the reason/,
    );
  });

  it('a playbook whose stand-down ends in the review phase schedules the review', () => {
    const pb: Playbook = {
      ...playbook,
      standDown: { fromPhases: ['detection', 'containment'], toPhase: 'review' },
    };
    const i = declared();
    const r = decide(
      i,
      { type: 'stand_down', reason: 'no impact after all' },
      ctx(ic, at(20), { playbook: pb }),
    );
    if (!r.ok) throw new Error(r.error.message);
    expect(r.incident.phase).toBe('review');
    expect(r.incident.reviewDueOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(r.incident.reviewFacilitator).toBe(ic.id);
  });

  it('a playbook without a stand-down refuses it; a bad stand-down section is a validation error', () => {
    const { standDown: _, ...without } = playbook;
    const r = decide(declared(), { type: 'stand_down', reason: 'x' }, ctx(ic, at(20), { playbook: without }));
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid' } });
    const bad = validatePlaybook({
      ...playbook,
      standDown: { fromPhases: ['closure', 'nowhere'], toPhase: 'mitigation' },
    });
    expect(bad.ok).toBe(false);
    const text = !bad.ok ? bad.errors.join('\n') : '';
    expect(text).toMatch(/standDown\.fromPhases\[0\].*closed or closing/);
    expect(text).toMatch(/standDown\.fromPhases\[1\].*unknown phase "nowhere"/);
    expect(text).toMatch(/standDown\.toPhase.*terminal phase or the review phase/);
  });
});
