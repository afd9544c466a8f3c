// The post-incident review's method comes from the playbook (`review`), not from code: how many whys, the
// control objectives (the review's factors and the follow-ups' choices), and the questions the review must
// answer. `playbook check` refuses a method that does not hold together.
import { describe, expect, it } from 'vitest';
import { followupForm } from '../../src/app/forms/followup.js';
import type { FormContext } from '../../src/app/forms/form-kit.js';
import { reviewForm } from '../../src/app/forms/review.js';
import type { Playbook } from '../../src/domain/playbook.js';
import { validatePlaybook } from '../../src/domain/playbook-schema.js';
import { inputs } from '../../src/views/form.js';
import { declared, ic, playbook, T0 } from '../helpers/scenario.js';

const custom: Playbook = {
  ...playbook,
  review: {
    whys: 3,
    objectives: [
      { id: 'risk', name: 'Risk' },
      { id: 'operational', name: 'Operational resilience' },
    ],
    questions: [{ id: 'regulator', label: 'Regulator informed?', required: false }],
  },
};

function ctxOf(pb: Playbook): FormContext {
  return {
    incident: declared(),
    playbook: pb,
    now: T0,
    actor: ic,
    nameOf: () => undefined,
    stakeholders: { configured: true, setting: 'X' },
  };
}

describe('the review method from the playbook', () => {
  it('the shipped playbook: five whys, risk / compliance / resilience, the readiness check and the runbook library, required', () => {
    const ids = inputs(reviewForm.build(ctxOf(playbook))).map((f) => f.id);
    expect(ids.filter((i) => i.startsWith('why_'))).toHaveLength(5);
    expect(ids.filter((i) => i.startsWith('factor_'))).toEqual([
      'factor_risk',
      'factor_compliance',
      'factor_resilience',
    ]);
    const questions = inputs(reviewForm.build(ctxOf(playbook))).filter((f) => f.id.startsWith('question:'));
    expect(questions.map((q) => [q.id, q.label, q.required])).toEqual([
      ['question:readiness', 'Readiness check', true],
      ['question:runbook_library', 'Runbook library', true],
    ]);
  });

  it("a firm's own method: its number of whys, its objectives (also the follow-ups'), its questions", () => {
    const form = inputs(reviewForm.build(ctxOf(custom)));
    expect(form.filter((f) => f.id.startsWith('why_'))).toHaveLength(3);
    expect(form.filter((f) => f.id.startsWith('factor_')).map((f) => f.label)).toEqual([
      'Risk factors',
      'Operational resilience factors',
    ]);
    const objective = inputs(followupForm.build(ctxOf(custom))).find((f) => f.id === 'objective');
    expect(objective?.kind === 'choice' && objective.options.map((o) => o.value)).toEqual([
      'risk',
      'operational',
    ]);
    const read = reviewForm.read(
      ctxOf(custom),
      {
        summary: 's',
        why_1: 'w',
        factor_operational: 'one site only',
        corrective_actions: 'c',
        verification_plan: 'v',
        'question:regulator': 'Yes, at 10:40',
      },
      'k',
    );
    expect('command' in read && read.command).toMatchObject({
      factors: 'Operational resilience: one site only',
      answers: { regulator: 'Yes, at 10:40' },
    });
    const refused = followupForm.read(
      ctxOf(custom),
      { what: 'x', acceptance: 'y', owner: 'U1', due: '2026-12-01', objective: 'compliance' },
      'k',
    );
    expect(refused).toEqual({ errors: { objective: 'Choose a control objective.' } });
  });

  it('playbook check refuses duplicate objectives or questions, and more than ten whys', () => {
    const bad = (review: unknown) => validatePlaybook({ ...structuredClone(raw()), review });
    const ok = { whys: 5, objectives: [{ id: 'risk', name: 'Risk' }], questions: [] };
    expect(bad(ok).ok).toBe(true);
    expect(bad({ ...ok, whys: 11 })).toMatchObject({
      ok: false,
      errors: [expect.stringMatching(/review\.whys: at most 10/)],
    });
    expect(bad({ ...ok, objectives: [ok.objectives[0], ok.objectives[0]] })).toMatchObject({
      ok: false,
      errors: [expect.stringMatching(/review\.objectives\[1\]\.id: duplicate objective id "risk"/)],
    });
  });
});

/** The shipped playbook as its YAML reads (links with their names; the schema's input, not its output). */
function raw(): Record<string, unknown> {
  const { linkBase: _, review: __, ...rest } = playbook;
  return rest as unknown as Record<string, unknown>;
}
