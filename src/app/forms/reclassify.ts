// Re-classifying: trigger class and severe customer impact, with the reason (incident commander).
import { z } from 'zod';
import { findTrigger, type Playbook } from '../../domain/playbook.js';
import { LIMITS } from '../../domain/template-fields.js';
import type { FormView } from '../../views/form.js';
import { bool, type FormDef, incidentLine, parse, requiredText, str } from './form-kit.js';

const schemas = new WeakMap<Playbook, ReturnType<typeof buildSchema>>();

function buildSchema(pb: Playbook) {
  return z.object({
    triggerClass: z.enum(pb.triggers.map((t) => t.id) as [string, ...string[]], {
      message: 'Choose one of the trigger classes.',
    }),
    severeImpact: z.boolean(),
    reason: requiredText(LIMITS.reason, 'Say why the incident is re-classified.'),
  });
}

function schema(pb: Playbook) {
  let s = schemas.get(pb);
  if (!s) {
    s = buildSchema(pb);
    schemas.set(pb, s);
  }
  return s;
}

export const reclassifyForm: FormDef = {
  probe: { type: 'reclassify', reason: '-' },
  build(ctx, prefilled = {}): FormView {
    const i = ctx.incident!;
    return {
      name: 'reclassify',
      title: 'Re-classify',
      submit: 'Re-classify',
      incidentKey: i.key,
      intro: [incidentLine(i)],
      fields: [
        {
          kind: 'choice',
          id: 'triggerClass',
          label: 'Trigger class',
          required: true,
          options: ctx.playbook.triggers.map((t) => ({
            value: t.id,
            label: t.name,
            description: t.examples.join(', ') || t.description,
          })),
          value: str(prefilled.triggerClass) ?? i.triggerClass,
        },
        {
          kind: 'toggle',
          id: 'severeImpact',
          label: 'Severe customer impact?',
          yesLabel: 'Yes: status updates every 15 minutes',
          required: true,
          value: prefilled.severeImpact === undefined ? i.severeImpact : bool(prefilled.severeImpact),
        },
        {
          kind: 'text',
          id: 'reason',
          label: 'Why',
          required: true,
          multiline: true,
          maxLength: LIMITS.reason,
          hint: 'Logged in the decision log.',
          ...(str(prefilled.reason) ? { value: str(prefilled.reason) } : {}),
        },
      ],
    };
  },
  read(ctx, values) {
    const r = parse(schema(ctx.playbook), {
      triggerClass: str(values.triggerClass) ?? ctx.incident?.triggerClass,
      severeImpact:
        values.severeImpact === undefined ? ctx.incident?.severeImpact : bool(values.severeImpact),
      reason: str(values.reason) ?? '',
    });
    if (!r.ok) return { errors: r.errors };
    return { command: { type: 'reclassify', ...r.data } };
  },
  errorField: () => 'triggerClass',
  done(i, _c, ctx) {
    const t = findTrigger(ctx.playbook, i.triggerClass)?.name ?? i.triggerClass;
    return `${i.key} re-classified: ${t}, severe impact ${i.severeImpact ? 'yes' : 'no'}.`;
  },
};
