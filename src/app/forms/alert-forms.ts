// The forms behind an alert prompt's buttons (issue 21): the declare form prefilled from the alert group,
// "Add to INC-…" (a choice of the open incidents the person is in) and "Dismiss" (a reason). They are not
// incident forms (no incident until one is picked), so they live beside form-flow's FORMS, not in it; the
// platforms render them like any FormView and src/app/alert-actions.ts runs them.
import { z } from 'zod';
import type { AlertGroup } from '../../domain/alert-group.js';
import type { Incident } from '../../domain/incident.js';
import { findTrigger } from '../../domain/playbook.js';
import { LIMITS } from '../../domain/template-fields.js';
import { code, strong, type Text, time, userText } from '../../domain/text.js';
import type { FieldErrors, FormValues, FormView } from '../../views/form.js';
import { declareForm } from './declare.js';
import { type FormContext, parse, requiredText, str } from './form-kit.js';

/** A dismissal says why, in a sentence: 3 to 500 characters. */
export const DISMISS_REASON = { min: 3, max: LIMITS.reason } as const;
/** At most this many incidents are offered to add an alert to (newest first). */
export const ATTACH_CHOICES = 25;

const cut = (s: string, max: number) => (s.length <= max ? s : `${s.slice(0, max - 1)}…`);

/** One line about the group, above each of its forms. */
export function alertLine(g: AlertGroup): Text {
  const state =
    g.status === 'resolved' ? `resolved${g.resolvedAt ? ` ${time(g.resolvedAt)}` : ''}` : 'firing';
  return `🚨 ${strong(g.id)} (${state}, since ${time(g.startsAt)}): ${userText(cut(g.summary, 300))}`;
}

/** What the declare form opens with: the alert's summary, and what the matched rule suggests. */
export function declarePrefill(g: AlertGroup, ctx: Pick<FormContext, 'playbook'>): FormValues {
  const s = g.suggestion;
  const trigger = s.triggerClass && findTrigger(ctx.playbook, s.triggerClass) ? s.triggerClass : undefined;
  return {
    title: cut(userText(g.summary).trim(), LIMITS.title),
    ...(trigger ? { triggerClass: trigger } : {}),
    ...(s.impact ? { impact: cut(s.impact, LIMITS.impact) } : {}),
    severeImpact: s.severe,
  };
}

/** The declaration form, prefilled from the group, with a line saying which alert it comes from. */
export function alertDeclareForm(g: AlertGroup, ctx: FormContext, values?: FormValues): FormView {
  const form = declareForm.build(ctx, values ?? declarePrefill(g, ctx));
  return {
    ...form,
    intro: [
      alertLine(g),
      `Declaring keeps the alert as the incident's first evidence${g.suggestion.rule ? ` (rule ${code(g.suggestion.rule)})` : ''}.`,
      ...form.intro,
    ],
  };
}

/** "Add to INC-…": the incidents offered (already filtered to the ones the person may change). */
export function attachForm(g: AlertGroup, choices: Incident[], values: FormValues = {}): FormView {
  return {
    name: 'alert_attach',
    title: `Add ${g.id} to…`.slice(0, 24),
    submit: 'Add',
    intro: [
      alertLine(g),
      'The alert becomes evidence in the incident you pick; its room hears when it resolves.',
    ],
    fields: [
      {
        kind: 'choice',
        id: 'incident',
        label: 'Incident',
        required: true,
        placeholder: 'Pick an open incident',
        options: choices.map((i) => ({
          value: i.key,
          label: cut(`${i.drill ? '[DRILL] ' : ''}${i.key}: ${i.title}`, 75),
          description: `declared ${i.declaredAt.slice(0, 16).replace('T', ' ')} UTC`,
        })),
        ...(str(values.incident) ? { value: str(values.incident) } : {}),
      },
    ],
  };
}

/** The incident picked, or what is wrong (it must be one of the choices). */
export function readAttach(
  choices: Incident[],
  values: FormValues,
): { incident: string } | { errors: FieldErrors } {
  const key = str(values.incident)?.trim() ?? '';
  if (!key) return { errors: { incident: 'Pick the incident to add the alert to.' } };
  if (!choices.some((i) => i.key === key))
    return { errors: { incident: 'That incident is not open, or you are not in it.' } };
  return { incident: key };
}

export function dismissForm(g: AlertGroup, values: FormValues = {}): FormView {
  return {
    name: 'alert_dismiss',
    title: `Dismiss ${g.id}`.slice(0, 24),
    submit: 'Dismiss',
    intro: [
      alertLine(g),
      'No incident is declared. The reason is kept with the alert and shown on its prompt.',
    ],
    fields: [
      {
        kind: 'text',
        id: 'reason',
        label: 'Why is it not an incident?',
        required: true,
        multiline: true,
        maxLength: DISMISS_REASON.max,
        placeholder: 'e.g. planned maintenance, known flapping check',
        ...(str(values.reason) ? { value: str(values.reason) } : {}),
      },
    ],
  };
}

const dismissSchema = z.object({
  reason: requiredText(DISMISS_REASON.max, 'Say why the alert is dismissed.').pipe(
    z.string().min(DISMISS_REASON.min, `At least ${DISMISS_REASON.min} characters.`),
  ),
});

export function readDismiss(values: FormValues): { reason: string } | { errors: FieldErrors } {
  const r = parse(dismissSchema, { reason: str(values.reason) ?? '' });
  return r.ok ? { reason: r.data.reason } : { errors: r.errors };
}
