// A follow-up action: what, acceptance criteria, owner, due date, control objective. Its id derives from the submission's
// idempotency key: one submission, one follow-up, however often it is delivered.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { MAX_ACCEPTANCE } from '../../domain/decide/followups.js';
import { objectiveName, reviewMethod } from '../../domain/playbook.js';
import { code } from '../../domain/text.js';
import type { FormView } from '../../views/form.js';
import { type FormDef, incidentLine, isoDay, parse, requiredText, str } from './form-kit.js';

export function followupIdFor(requestKey: string): string {
  return `fu-${createHash('sha256').update(requestKey).digest('hex').slice(0, 8)}`;
}

/** The form's schema: the objective is one of the playbook's (`review.objectives`). */
function schemaOf(objectives: string[]) {
  return z.object({
    what: requiredText(1000, 'Say what needs doing.'),
    acceptance: requiredText(MAX_ACCEPTANCE, 'Say how we will know it is done.'),
    owner: z
      .string({ message: 'Choose the owner.' })
      .min(1, 'Choose the owner.')
      .max(64, 'Choose the owner.'),
    due: z
      .string({ message: 'Pick the due date.' })
      .regex(/^\d{4}-\d{2}-\d{2}$/, 'Pick the due date.')
      .refine((s) => !Number.isNaN(Date.parse(s)), 'Pick the due date.'),
    objective: z
      .string({ message: 'Choose a control objective.' })
      .refine((o) => objectives.includes(o), 'Choose a control objective.'),
  });
}

export const followupForm: FormDef = {
  probe: {
    type: 'add_followup',
    id: '',
    what: '',
    owner: '',
    due: '',
    objective: 'risk',
    acceptance: '',
  },
  build(ctx, prefilled = {}): FormView {
    const i = ctx.incident!;
    return {
      name: 'followup',
      title: 'Follow-up action',
      submit: 'Add',
      incidentKey: i.key,
      intro: [incidentLine(i)],
      fields: [
        {
          kind: 'text',
          id: 'what',
          label: 'What needs doing',
          required: true,
          multiline: true,
          maxLength: 1000,
          ...(str(prefilled.what) ? { value: str(prefilled.what) } : {}),
        },
        {
          kind: 'text',
          id: 'acceptance',
          label: 'Acceptance criteria',
          required: true,
          multiline: true,
          maxLength: MAX_ACCEPTANCE,
          placeholder: 'How we will know it is done',
          ...(str(prefilled.acceptance) ? { value: str(prefilled.acceptance) } : {}),
        },
        {
          kind: 'person',
          id: 'owner',
          label: 'Owner',
          required: true,
          placeholder: 'Who owns it',
          value: str(prefilled.owner) ?? ctx.actor.id,
        },
        {
          kind: 'date',
          id: 'due',
          label: 'Due',
          required: true,
          value: str(prefilled.due) ?? isoDay(ctx.now, 14),
        },
        {
          kind: 'choice',
          id: 'objective',
          label: 'Control objective',
          required: true,
          placeholder: 'Which control objective it serves',
          options: reviewMethod(ctx.playbook).objectives.map((o) => ({ value: o.id, label: o.name })),
          ...(str(prefilled.objective) ? { value: str(prefilled.objective) } : {}),
        },
      ],
    };
  },
  read(ctx, values, key) {
    const r = parse(schemaOf(reviewMethod(ctx.playbook).objectives.map((o) => o.id)), {
      what: str(values.what),
      acceptance: str(values.acceptance),
      owner: str(values.owner),
      due: str(values.due),
      objective: str(values.objective),
    });
    if (!r.ok) return { errors: r.errors };
    return { command: { type: 'add_followup', id: followupIdFor(key), ...r.data } };
  },
  confirm: true,
  errorField: (e) =>
    e.field === 'objective' || e.field === 'acceptance' ? e.field : /due/i.test(e.message) ? 'due' : 'what',
  done(i, c, ctx) {
    if (c.type !== 'add_followup') return '';
    return `📌 Follow-up ${code(c.id)} added to ${i.key}: ${c.what} (due ${c.due}, ${objectiveName(ctx.playbook, c.objective)}).`;
  },
};
