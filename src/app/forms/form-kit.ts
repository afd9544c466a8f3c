// What every form shares: the context it is built and read in, its definition (build, read, the command
// asked before it opens), and the zod pieces its schema is made of. Errors are keyed by field id.
import { z } from 'zod';
import type { Command } from '../../domain/commands.js';
import type { DomainError } from '../../domain/errors.js';
import type { Actor, Incident } from '../../domain/incident.js';
import type { Playbook } from '../../domain/playbook.js';
import { cleanText, zodFieldErrors } from '../../domain/template-fields.js';
import { strong, type Text, userText } from '../../domain/text.js';
import type { FieldErrors, FormValues, FormView } from '../../views/form.js';

export interface FormContext {
  /** The incident the form is about; null for a declaration. */
  incident: Incident | null;
  playbook: Playbook;
  now: Date;
  actor: Actor;
  /** Display names the platform knows (to prefill "Incident commander: @name"). */
  nameOf: (userId: string) => string | undefined;
  /** Where stakeholder posts go; `setting` names the platform's setting when none is configured. */
  stakeholders: { configured: boolean; setting: string };
}

/** A form whose incident is known (every form but the declaration). */
export type IncidentFormContext = FormContext & { incident: Incident };

export type ReadResult = { command: Command } | { errors: FieldErrors };

export interface FormDef {
  /** The command the form will issue, asked before it opens (not the IC, closed, an illegal move). */
  probe?: Command;
  /** The command to ask about when it depends on what the form opens with (e.g. which action); else `probe`. */
  probeFor?(prefill: FormValues): Command | undefined;
  /** A reason of the form's own not to open it now (asked after the probe), or null. */
  refusal?(ctx: IncidentFormContext): Text | null;
  build(ctx: FormContext, prefill?: FormValues): FormView;
  /** The command for a submission, or the fields that are wrong. `key` is the request's idempotency key. */
  read(ctx: FormContext, values: FormValues, key: string): ReadResult;
  /** The field a refusal of the command is shown next to (default: the error's own field, else the form). */
  errorField?(error: DomainError): string;
  /** Confirm what was done to the submitter everywhere (not only where the form is replaced by a result). */
  confirm?: boolean;
  /**
   * The submitter's answer replaces the form on every platform (a Slack modal too, not an ephemeral), under
   * this heading: it costs no message. Warnings to other people are still messages.
   */
  answerInForm?: { title: Text };
  /** What was done, for surfaces that replace the form with a result (a card, a dialog). */
  done?(incident: Incident, command: Command, ctx: FormContext): Text;
}

/** Required text: cleaned, then 1..max characters. */
export function requiredText(max: number, message: string) {
  return z
    .string({ message })
    .transform(cleanText)
    .pipe(z.string().min(1, message).max(max, `At most ${max} characters.`));
}

/** Optional text: cleaned, at most max characters, '' when missing. */
export function optionalText(max: number) {
  return z
    .string()
    .optional()
    .transform((s) => cleanText(s ?? ''))
    .pipe(z.string().max(max, `At most ${max} characters.`));
}

/** Parses `values` with `schema`; field errors keyed by the schema's (= the form's) field ids. */
export function parse<T>(
  schema: z.ZodType<T>,
  values: Record<string, unknown>,
): { ok: true; data: T } | { ok: false; errors: FieldErrors } {
  const r = schema.safeParse(values);
  return r.success ? { ok: true, data: r.data } : { ok: false, errors: zodFieldErrors(r.error) };
}

export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
export const list = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
export const bool = (v: unknown): boolean => v === true || v === 'true';

/** `YYYY-MM-DD` of `d` plus `days`, in UTC. */
export function isoDay(d: Date, days = 0): string {
  return new Date(d.getTime() + days * 86_400_000).toISOString().slice(0, 10);
}

/** "2024-05-01 14:30 UTC": what a person types into a datetime field. */
export function utcStamp(d: Date): string {
  return `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** The incident heading every incident form starts with. */
export function incidentLine(i: Incident): Text {
  return `${i.drill ? 'DRILL: ' : ''}${strong(i.key)}: ${userText(i.title)}`;
}
