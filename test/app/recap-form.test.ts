// The communication recap's form: the playbook's `recap` template prefilled from the recorded review, read
// back into the command the core sends (src/app/forms/recap.ts).
import { describe, expect, it } from 'vitest';
import type { FormContext } from '../../src/app/forms/form-kit.js';
import { recapForm, recapPrefill } from '../../src/app/forms/recap.js';
import { inputs } from '../../src/views/form.js';
import { REVIEW, reviewed } from '../helpers/reviewed.js';
import { alice, closureFields, playbook, T0 } from '../helpers/scenario.js';

describe('the recap form', () => {
  it('the form is prefilled from the review: summary, impact, whys and factors, lessons, follow-ups with owners', () => {
    const i = reviewed();
    const fc = ctxOf(i);
    expect(recapPrefill(i, playbook, fc)).toEqual({
      summary: REVIEW.summary,
      impact: closureFields.impact_summary,
      root_cause:
        'Why 1: Retention was too long\nWhy 2: Nobody watched disk usage\nContributing factors: Resilience: a single broker',
      lessons: 'Watch the disks of every stateful service.',
      improvements:
        'Alert on broker disk usage (FU-1)\nHow we will know they work: Fill a staging disk to 85% and see the page',
      followups: '- Alert on broker disk usage (owner @bob, due 2026-12-10, Resilience)',
    });
    const form = recapForm.build(fc);
    const lessons = inputs(form).find((f) => f.id === 'field:lessons');
    expect(lessons).toMatchObject({ required: true, value: 'Watch the disks of every stateful service.' });
    // what the form reads back is what the core sends
    const values = Object.fromEntries(
      inputs(form).map((f) => [f.id, f.kind === 'text' ? (f.value ?? '') : '']),
    );
    expect(recapForm.read(fc, values, 'k')).toMatchObject({
      command: { type: 'send_recap', fields: { lessons: 'Watch the disks of every stateful service.' } },
    });
  });

  it('refuses to open again once the recap was sent', () => {
    const i = { ...reviewed(), recap: { owedSince: T0.toISOString(), sentAt: T0.toISOString() } };
    expect(recapForm.refusal?.({ ...ctxOf(i), incident: i })).toMatch(/already sent/);
  });
});

function ctxOf(i: ReturnType<typeof reviewed>): FormContext {
  return {
    incident: i,
    playbook,
    now: T0,
    actor: alice,
    nameOf: (id) => ({ U_BOB: 'bob' })[id],
    stakeholders: { configured: true, setting: 'X' },
  };
}
