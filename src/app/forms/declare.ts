// The declaration form: title, trigger class (with its examples), impact, severe customer impact, drill, IC.
import { z } from 'zod';
import type { Playbook } from '../../domain/playbook.js';
import { cleanText, LIMITS } from '../../domain/template-fields.js';
import { type Field, type FormValues, type FormView, ME } from '../../views/form.js';
import { bool, type FormDef, parse, str } from './form-kit.js';

// Built once per playbook (building a zod schema costs far more than using it).
const schemas = new WeakMap<Playbook, ReturnType<typeof buildSchema>>();

function buildSchema(pb: Playbook) {
  const text = (max: number, what: string) =>
    z
      .string()
      .transform(cleanText)
      .pipe(z.string().min(1, `${what} is required`).max(max, `${what} must be at most ${max} characters`));
  return z.object({
    title: text(LIMITS.title, 'Title'),
    triggerClass: z.enum(pb.triggers.map((t) => t.id) as [string, ...string[]], {
      message: 'Choose one of the trigger classes',
    }),
    impact: text(LIMITS.impact, 'Impact'),
    severeImpact: z.boolean().default(false),
    drill: z.boolean().default(false),
    visibility: z.enum(['default', 'confidential', 'open'], { message: 'Choose who may see the incident' }),
    commander: z.string().min(1).max(64).optional(),
  });
}

export function declareSchema(pb: Playbook) {
  let s = schemas.get(pb);
  if (!s) {
    s = buildSchema(pb);
    schemas.set(pb, s);
  }
  return s;
}

/** Which trigger classes are confidential unless the declarer says otherwise. */
function confidentialClasses(pb: Playbook): string {
  const names = pb.triggers.filter((t) => t.confidential).map((t) => t.name);
  return names.length
    ? `Confidential: ${names.join(', ')}; the others: everyone`
    : 'Everyone in the workspace';
}

export const declareForm: FormDef = {
  build(ctx, prefill: FormValues = {}): FormView {
    const pb = ctx.playbook;
    const fields: Field[] = [
      {
        kind: 'text',
        id: 'title',
        label: 'Title',
        required: true,
        maxLength: LIMITS.title,
        placeholder: 'What is happening, in a few words',
        ...(str(prefill.title) ? { value: str(prefill.title) } : {}),
      },
      {
        kind: 'choice',
        id: 'triggerClass',
        label: 'Trigger class',
        required: true,
        expanded: true,
        placeholder: 'Which activation condition is met?',
        options: pb.triggers.map((t) => ({
          value: t.id,
          label: t.name,
          description: t.examples.join(', ') || t.description,
        })),
        hint: 'If there is uncertainty, err on the side of activating the procedures and downgrading later during triage.',
        ...(str(prefill.triggerClass) ? { value: str(prefill.triggerClass) } : {}),
      },
      {
        kind: 'text',
        id: 'impact',
        label: 'Impact',
        required: true,
        multiline: true,
        maxLength: LIMITS.impact,
        placeholder: 'Customer / system impact as known now',
        ...(str(prefill.impact) ? { value: str(prefill.impact) } : {}),
      },
      {
        kind: 'toggle',
        id: 'severeImpact',
        label: 'Severe customer impact?',
        yesLabel: 'Yes: status updates every 15 minutes',
        required: true,
        value: bool(prefill.severeImpact),
      },
      {
        kind: 'toggle',
        id: 'drill',
        label: 'Drill',
        box: 'This is a drill (an exercise, not a real incident)',
        required: false,
        value: bool(prefill.drill),
      },
      {
        kind: 'choice',
        id: 'visibility',
        label: 'Who may see it',
        required: true,
        expanded: true,
        options: [
          {
            value: 'default',
            label: 'As its trigger class says',
            description: confidentialClasses(pb),
          },
          { value: 'confidential', label: 'Confidential', description: 'Private room; members only' },
          { value: 'open', label: 'Everyone in the workspace', description: 'A public room' },
        ],
        value: str(prefill.visibility) ?? 'default',
      },
      {
        kind: 'person',
        id: 'commander',
        label: 'Incident commander',
        required: false,
        me: true,
        value: str(prefill.commander) ?? ctx.actor.id,
        hint: 'Defaults to you.',
      },
    ];
    return { name: 'declare', title: 'Declare an incident', submit: 'Declare', intro: [], fields };
  },

  read(ctx, values) {
    const commander = str(values.commander);
    const r = parse(declareSchema(ctx.playbook), {
      title: str(values.title) ?? '',
      triggerClass: str(values.triggerClass) ?? '',
      impact: str(values.impact) ?? '',
      severeImpact: bool(values.severeImpact),
      drill: bool(values.drill),
      visibility: str(values.visibility) ?? 'default',
      ...(commander && commander !== ME && commander !== ctx.actor.id ? { commander } : {}),
    });
    if (!r.ok) return { errors: r.errors };
    const { visibility, ...rest } = r.data;
    return {
      command: {
        type: 'declare',
        key: '',
        ...rest,
        ...(visibility === 'default' ? {} : { confidential: visibility === 'confidential' }),
      },
    };
  },

  errorField: (e) => (e.code === 'unknown_trigger' ? 'triggerClass' : 'title'),
  answerInForm: { title: 'Incident declared' },
  done(incident) {
    return `${incident.drill ? 'DRILL: ' : ''}${incident.key} declared: ${incident.title}.`;
  },
};
