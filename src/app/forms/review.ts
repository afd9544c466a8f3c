// The post-incident review, as the playbook's review method says (`review`; absent: the handbook's): a
// summary, the whys (the first required), contributing factors per control objective, corrective actions,
// verification plans, lessons learned, the method's questions (e.g. the readiness check), and "no
// follow-up tasks are needed" when none were filed.
import { z } from 'zod';
import { type ReviewMethod, reviewMethod } from '../../domain/playbook.js';
import { reviewRefusal } from '../../domain/queries.js';
import { command } from '../../domain/text.js';
import { followupProgress } from '../../views/followup-tracker.js';
import type { Field, FormView } from '../../views/form.js';
import { bool, type FormDef, incidentLine, optionalText, parse, requiredText, str } from './form-kit.js';

const whyId = (n: number) => `why_${n}`;
const factorId = (o: string) => `factor_${o}`;
/** A review question's field (prefixed, so a question id never clashes with the form's own fields). */
const questionId = (q: string) => `question:${q}`;

function schemaOf(m: ReviewMethod) {
  return z.object({
    summary: requiredText(3000, 'The review needs a summary.'),
    why_1: requiredText(500, 'Give at least the first why.'),
    ...Object.fromEntries(Array.from({ length: m.whys - 1 }, (_, n) => [whyId(n + 2), optionalText(500)])),
    ...Object.fromEntries(m.objectives.map((o) => [factorId(o.id), optionalText(1000)])),
    corrective_actions: requiredText(3000, 'The review needs the corrective actions.'),
    verification_plan: requiredText(
      3000,
      'The review needs the verification plans: how you will know the fixes work.',
    ),
    lessons: optionalText(3000),
    ...Object.fromEntries(
      m.questions.map((q) => [
        questionId(q.id),
        q.required ? requiredText(3000, `Answer "${q.label}".`) : optionalText(3000),
      ]),
    ),
  });
}

/** The review command's fields -> the form's fields (where a refusal about that field is shown). */
function commandField(field: string): string | undefined {
  if (field.startsWith('answers.')) return questionId(field.slice('answers.'.length));
  return (
    {
      summary: 'summary',
      correctiveActions: 'corrective_actions',
      verificationPlan: 'verification_plan',
      noFollowups: 'no_followups',
    } as Record<string, string>
  )[field];
}

function text(id: string, label: string, max: number, o: Partial<Field & { kind: 'text' }> = {}): Field {
  return { kind: 'text', id, label, required: false, maxLength: max, ...o } as Field;
}

function ids(m: ReviewMethod): string[] {
  return [
    'summary',
    ...Array.from({ length: m.whys }, (_, n) => whyId(n + 1)),
    ...m.objectives.map((o) => factorId(o.id)),
    'corrective_actions',
    'verification_plan',
    'lessons',
    ...m.questions.map((q) => questionId(q.id)),
  ];
}

export const reviewForm: FormDef = {
  refusal: (ctx) => reviewRefusal(ctx.incident, { actor: ctx.actor, now: ctx.now, playbook: ctx.playbook }),
  build(ctx, prefilled = {}): FormView {
    const i = ctx.incident!;
    const m = reviewMethod(ctx.playbook);
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
        {
          kind: 'note',
          id: 'whys_note',
          text: `${m.whys === 5 ? 'Five whys' : `${m.whys} whys`}: ask why until you reach a cause you can act on.`,
        },
        ...Array.from({ length: m.whys }, (_, n) =>
          text(whyId(n + 1), `Why ${n + 1}`, 500, { required: n === 0, ...v(whyId(n + 1)) }),
        ),
        {
          kind: 'note',
          id: 'factors_note',
          text: 'Contributing factors, by the control objective they touch.',
        },
        ...m.objectives.map((o) =>
          text(factorId(o.id), `${o.name} factors`, 1000, { multiline: true, ...v(factorId(o.id)) }),
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
        ...m.questions.map((q) =>
          text(questionId(q.id), q.label, 3000, {
            multiline: true,
            required: q.required,
            ...(q.hint ? { hint: q.hint } : {}),
            ...v(questionId(q.id)),
          }),
        ),
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
              : followupProgress(i),
        },
      ],
    };
  },
  read(ctx, values) {
    const m = reviewMethod(ctx.playbook);
    const raw = Object.fromEntries(ids(m).map((id) => [id, str(values[id]) ?? '']));
    const r = parse(schemaOf(m), raw);
    if (!r.ok) return { errors: r.errors };
    const d = r.data as Record<string, string>;
    const answers = Object.fromEntries(
      m.questions.filter((q) => d[questionId(q.id)]).map((q) => [q.id, d[questionId(q.id)]!]),
    );
    return {
      command: {
        type: 'record_review',
        summary: d.summary!,
        whys: Array.from({ length: m.whys }, (_, n) => d[whyId(n + 1)] ?? '').filter(Boolean),
        factors: m.objectives
          .filter((o) => d[factorId(o.id)])
          .map((o) => `${o.name}: ${d[factorId(o.id)]}`)
          .join('\n'),
        lessons: d.lessons ?? '',
        correctiveActions: d.corrective_actions!,
        verificationPlan: d.verification_plan!,
        noFollowups: bool(values.no_followups),
        ...(Object.keys(answers).length ? { answers } : {}),
      },
    };
  },
  confirm: true,
  errorField: (e) => (e.field && commandField(e.field)) || 'summary',
  done(i) {
    return `📝 Review recorded; ${i.key} is done. ${command('export')} writes the review document.`;
  },
};
