// The communication recap after the review (handbook, post-incident follow-up 4) and the room's timeline
// refresh, in the pure core: owed when the review is recorded, sent by the comms lead or the IC with the
// playbook's `recap` template, the confidential rule, its reminder, and playbooks without the template.
import { describe, expect, it } from 'vitest';
import type { Command } from '../../src/domain/commands.js';
import { decide } from '../../src/domain/decide.js';
import type { Effect } from '../../src/domain/effects.js';
import type { Incident } from '../../src/domain/incident.js';
import { findTemplate } from '../../src/domain/playbook.js';
import { validatePlaybook } from '../../src/domain/playbook-schema.js';
import { dueReminders } from '../../src/domain/reminders.js';
import { postView } from '../../src/views/posts.js';
import { day, RECAP, REVIEW, reviewed, roomed } from '../helpers/reviewed.js';
import { alice, bob, criteria, ctx, declared, ic, must, playbook, T0 } from '../helpers/scenario.js';

const messages = (effects: Effect[]) =>
  effects.flatMap((e) => (e.type === 'message' && e.body.kind === 'post' ? [{ ...e, body: e.body }] : []));

describe('the communication recap', () => {
  it('recording the review makes it owed, tells the room whom, and offers the prefilled form', () => {
    const before = reviewed();
    expect(before.recap).toEqual({ owedSince: '2026-11-26T15:00:00.000Z', sentAt: null });
    // the decision that recorded it posted the "recap due" note, mentioning the comms lead
    const r = decide(
      { ...before, review: null, recap: undefined, phase: 'review', reviewedAt: null },
      REVIEW,
      ctx(ic, day('2026-11-26T15:00:00Z')),
    );
    if (!r.ok) throw new Error(r.error.message);
    const due = messages(r.effects).find((m) => m.body.template === 'recap_due');
    expect(due).toMatchObject({ target: { to: 'room' }, body: { data: { mention: ['U_ALICE'] } } });
    const post = postView('recap_due', due!.body.data, r.incident, playbook);
    expect(post.actions).toEqual([expect.objectContaining({ kind: 'open_form', form: 'recap' })]);
  });

  it('the comms lead sends it: to the room and the stakeholders, with the template; only once', () => {
    const i = reviewed();
    const r = decide(i, { type: 'send_recap', fields: RECAP }, ctx(alice, day('2026-11-27T09:00:00Z')));
    if (!r.ok) throw new Error(r.error.message);
    const sent = messages(r.effects);
    expect(sent.map((m) => [m.target.to, m.body.template])).toEqual([
      ['room', 'communication'],
      ['stakeholders', 'communication'],
    ]);
    expect(sent[1]!.body.data).toMatchObject({ template: 'recap', fields: RECAP });
    expect(r.incident.recap).toMatchObject({ sentAt: '2026-11-27T09:00:00.000Z', sentBy: 'U_ALICE' });
    expect(r.incident.communications.at(-1)).toMatchObject({ template: 'recap', by: 'U_ALICE' });
    expect(r.incident.lastStatusUpdateAt).toBe(i.lastStatusUpdateAt);
    const stakeholderPost = postView('communication', sent[1]!.body.data, r.incident, playbook);
    expect(stakeholderPost.lines.join('\n')).toContain('Lessons learned: Watch the disks');
    expect(
      decide(r.incident, { type: 'send_recap', fields: RECAP }, ctx(ic, day('2026-11-27T10:00:00Z'))),
    ).toMatchObject({ ok: false, error: { code: 'invalid' } });
  });

  it('a confidential incident: the stakeholder channel gets the confidential notice, never the content', () => {
    const i = reviewed({ confidential: true });
    const r = decide(i, { type: 'send_recap', fields: RECAP }, ctx(ic, day('2026-11-27T09:00:00Z')));
    if (!r.ok) throw new Error(r.error.message);
    const toStakeholders = messages(r.effects).filter((m) => m.target.to === 'stakeholders');
    expect(toStakeholders.map((m) => [m.body.template, m.body.data])).toEqual([
      ['confidential_notice', { what: 'recap' }],
    ]);
    const notice = postView('confidential_notice', { what: 'recap' }, r.incident, playbook);
    const text = JSON.stringify(notice);
    expect(text).toContain('A confidential incident has had its post-incident review');
    for (const secret of [i.key, i.title, RECAP.lessons, RECAP.summary]) expect(text).not.toContain(secret);
    expect(messages(r.effects).find((m) => m.target.to === 'room')?.body.data).toMatchObject({
      fields: RECAP,
    });
  });

  it('only the comms lead or the IC; not before the review; a required field missing is refused', () => {
    const i = reviewed();
    expect(decide(i, { type: 'send_recap', fields: RECAP }, ctx(bob, T0))).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect(decide(roomed(), { type: 'send_recap', fields: RECAP }, ctx(ic, T0))).toMatchObject({
      ok: false,
      error: { code: 'illegal_transition' },
    });
    expect(decide(i, { type: 'send_recap', fields: { ...RECAP, lessons: ' ' } }, ctx(ic, T0))).toMatchObject({
      ok: false,
      error: { code: 'invalid', message: 'Lessons learned is required' },
    });
  });

  it('a reminder the next business day while unsent, then daily; none once sent, none for older incidents', () => {
    const i = reviewed(); // reviewed Thursday 2026-11-26 15:00
    const owed = (now: string, x: Incident = i) =>
      dueReminders([{ incident: x, playbook }], new Set(), day(now)).filter((r) =>
        r.kind.startsWith('recap'),
      );
    expect(owed('2026-11-27T08:59:00Z')).toEqual([]);
    expect(owed('2026-11-27T09:00:00Z')).toMatchObject([
      { kind: 'recap-due', dueAt: '2026-11-27T09:00:00.000Z', data: { mention: ['U_ALICE'] } },
    ]);
    // Monday: overdue, the IC mentioned too (the weekend does not count)
    expect(owed('2026-11-30T09:30:00Z')).toMatchObject([
      { kind: 'recap-overdue', data: { mention: ['U_ALICE', 'U_IC'], businessDaysOverdue: 1 } },
    ]);
    const sent = must(i, { type: 'send_recap', fields: RECAP }, ctx(alice, day('2026-11-27T10:00:00Z')));
    expect(owed('2026-11-30T09:30:00Z', sent)).toEqual([]);
    const older = { ...i, recap: undefined };
    expect(owed('2026-11-30T09:30:00Z', older)).toEqual([]);
  });

  it('a playbook without the recap template is valid and uses the handbook one; a broken one is refused', () => {
    const raw = rawPlaybook();
    const without = { ...raw, templates: raw.templates.filter((t) => t.id !== 'recap') };
    const r = validatePlaybook(without);
    expect(r.ok).toBe(true);
    if (r.ok) expect(findTemplate(r.playbook, 'recap').fields.map((f) => f.id)).toContain('lessons');
    const broken = {
      ...raw,
      templates: raw.templates.map((t) =>
        t.id === 'recap' ? { ...t, fields: t.fields.filter((f) => f.id !== 'lessons'), lines: ['x'] } : t,
      ),
    };
    expect(validatePlaybook(broken)).toMatchObject({
      ok: false,
      errors: [expect.stringContaining('template "recap" is missing field "lessons"')],
    });
  });
});

describe("the room's timeline is refreshed by key entries only", () => {
  const refreshes = (c: Command, i: Incident = roomed()) => {
    const r = decide(i, c, ctx(ic, T0));
    if (!r.ok) throw new Error(r.error.message);
    return r.effects.filter(
      (e) => e.type === 'message' && e.body.kind === 'view' && e.body.view === 'timeline',
    ).length;
  };

  it('posted with the room, after the summary and the checklist', () => {
    const r = decide(
      declared(),
      { type: 'room_created', platform: 'slack', roomId: 'C1', name: 'inc' },
      ctx(ic, T0),
    );
    if (!r.ok) throw new Error(r.error.message);
    const views = r.effects.flatMap((e) =>
      e.type === 'message' && e.body.kind === 'view' ? [e.body.view] : [],
    );
    expect(views).toEqual(['summary', 'checklist', 'timeline']);
  });

  it('a decision, a note, a phase change refresh it; a role claim or a tick do not; no room, no refresh', () => {
    expect(refreshes({ type: 'decision', text: 'Fail over to the secondary' })).toBe(1);
    expect(refreshes({ type: 'log', text: 'Lag at 40s' })).toBe(1);
    expect(refreshes({ type: 'advance_phase', confirmed: criteria('detection') })).toBe(1);
    expect(refreshes({ type: 'claim_role', role: 'scribe' })).toBe(0);
    expect(refreshes({ type: 'check_item', item: 'stabilize.freeze_deploys' })).toBe(0);
    expect(refreshes({ type: 'decision', text: 'x' }, declared())).toBe(0);
  });
});

/** The shipped playbook as its YAML reads (the schema's input). */
function rawPlaybook() {
  const { linkBase: _, ...rest } = playbook;
  return structuredClone(rest);
}
