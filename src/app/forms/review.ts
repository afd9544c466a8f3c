// The post-incident review: summary, five whys, contributing factors per control objective, corrective
// actions, verification plans, lessons learned; and "no follow-up tasks are needed" when none were filed.
import { z } from 'zod';
import { OBJECTIVE_NAMES, OBJECTIVES } from '../../domain/incident.js';
import { reviewRefusal } from '../../domain/queries.js';
import { command } from '../../domain/text.js';
import type { Field, FormView } from '../../views/form.js';
import { bool, type FormDef, incidentLine, optionalText, parse, requiredText, str } from './form-kit.js';

export const WHYS = 5;
const whyId = (n: number) => `why_${n}`;
const factorId = (o: string) => `factor_${o}`;

const schema = z.object({
  summary: requiredText(3000, 'The review needs a summary.'),
  why_1: requiredText(500, 'Give at least the first why.'),
  ...Object.fromEntries(Array.from({ length: WHYS - 1 }, (_, n) => [whyId(n + 2), optionalText(500)])),
  ...Object.fromEntries(OBJECTIVES.map((o) => [factorId(o), optionalText(1000)])),
  corrective_actions: requiredText(3000, 'The review needs the corrective actions.'),
  verification_plan: requiredText(
    3000,
    'The review needs the verification plans: how you will know the fixes work.',
  ),
  lessons: optionalText(3000),
});

/** The review command's fields -> the form's fields (where a refusal about that field is shown). */
const COMMAND_FIELD: Record<string, string> = {
  summary: 'summary',
  correctiveActions: 'corrective_actions',
  verificationPlan: 'verification_plan',
  noFollowups: 'no_followups',
};

function text(id: string, label: string, max: number, o: Partial<Field & { kind: 'text' }> = {}): Field {
  return { kind: 'text', id, label, required: false, maxLength: max, ...o } as Field;
}

export const reviewForm: FormDef = {
  refusal: (ctx) => reviewRefusal(ctx.incident, { actor: ctx.actor, now: ctx.now, playbook: ctx.playbook }),
  build(ctx, prefilled = {}): FormView {
    const i = ctx.incident!;
    const v = (id: string) => (str(prefilled[id]) ? { value: str(prefilled[id]) } : {});
    const filed = i.followups.length;
    return {
      name: 'review',
      title: 'Post-incident review',
      submit: 'Record review',
      incidentKey: i.key,
      intro: [incidentLine(i)],
      fields: [
        text('summary', 'Summary', 3000, { multiline: true, required: true, ...v('summary') }),
        { kind: 'note', id: 'whys_note', text: 'Five whys: ask why until you reach a cause you can act on.' },
        ...Array.from({ length: WHYS }, (_, n) =>
          text(whyId(n + 1), `Why ${n + 1}`, 500, { required: n === 0, ...v(whyId(n + 1)) }),
        ),
        {
          kind: 'note',
          id: 'factors_note',
          text: 'Contributing factors, by the control objective they touch.',
        },
        ...OBJECTIVES.map((o) =>
          text(factorId(o), `${OBJECTIVE_NAMES[o]} factors`, 1000, { multiline: true, ...v(factorId(o)) }),
        ),
        text('corrective_actions', 'Corrective actions', 3000, {
          multiline: true,
          required: true,
          ...v('corrective_actions'),
        }),
        text('verification_plan', 'Verification plans', 3000, {
          multiline: true,
          required: true,
          placeholder: 'How we will know the fixes work',
          ...v('verification_plan'),
        }),
        text('lessons', 'Lessons learned', 3000, { multiline: true, ...v('lessons') }),
        {
          kind: 'toggle',
          id: 'no_followups',
          label: 'Follow-up tasks',
          box: 'No follow-up tasks are needed',
          required: false,
          value: bool(prefilled.no_followups),
          hint:
            filed === 0
              ? `No follow-up tasks are filed yet: file them first with ${command('followup')}, or tick this and say why in the corrective actions.`
              : `${filed} follow-up task${filed === 1 ? ' is' : 's are'} filed.`,
        },
      ],
    };
  },
  read(_ctx, values) {
    const raw = Object.fromEntries(
      [
        'summary',
        ...Array.from({ length: WHYS }, (_, n) => whyId(n + 1)),
        ...OBJECTIVES.map(factorId),
        'corrective_actions',
        'verification_plan',
        'lessons',
      ].map((id) => [id, str(values[id]) ?? '']),
    );
    const r = parse(schema, raw);
    if (!r.ok) return { errors: r.errors };
    const d = r.data as Record<string, string>;
    return {
      command: {
        type: 'record_review',
        summary: d.summary!,
        whys: Array.from({ length: WHYS }, (_, n) => d[whyId(n + 1)] ?? '').filter(Boolean),
        factors: OBJECTIVES.filter((o) => d[factorId(o)])
          .map((o) => `${OBJECTIVE_NAMES[o]}: ${d[factorId(o)]}`)
          .join('\n'),
        lessons: d.lessons ?? '',
        correctiveActions: d.corrective_actions!,
        verificationPlan: d.verification_plan!,
        noFollowups: bool(values.no_followups),
      },
    };
  },
  confirm: true,
  errorField: (e) => (e.field && COMMAND_FIELD[e.field]) || 'summary',
  done(i) {
    return `📝 Review recorded; ${i.key} is done. ${command('export')} writes the review document.`;
  },
};
