// A form as data: what it asks, in which order, with what limits and initial values. Every platform renders
// the same FormView (a Slack modal, a Teams card or dialog, an HTML form) and reads a submission back into
// FormValues keyed by field id; the application layer validates those (src/app/forms) with one schema.
import type { Text } from '../domain/text.js';

export type FormName =
  | 'declare'
  | 'alert'
  | 'update'
  | 'close'
  | 'phase'
  | 'reclassify'
  | 'followup'
  | 'review'
  /** The communication recap after the review, prefilled from it (src/app/forms/recap.ts). */
  | 'recap'
  /** The confirmation step of a playbook action (src/app/forms/action.ts). */
  | 'action'
  | 'log_pick'
  /** An alert prompt's "Add to INC-…" and "Dismiss" (src/app/forms/alert-forms.ts; not incident forms). */
  | 'alert_attach'
  | 'alert_dismiss';

export interface Option {
  value: string;
  label: string;
  /** A second line (Slack shows it under the option; Teams appends it). */
  description?: string;
}

interface FieldBase {
  /** Unique within the form; errors and submitted values are keyed by it. */
  id: string;
  label: string;
  required: boolean;
  hint?: string;
}

export type Field =
  | (FieldBase & {
      kind: 'text';
      multiline?: boolean;
      maxLength: number;
      placeholder?: string;
      value?: string;
    })
  | (FieldBase & {
      kind: 'choice';
      options: Option[];
      value?: string;
      expanded?: boolean;
      placeholder?: string;
    })
  /** Several boxes, any number ticked (e.g. exit criteria to confirm). */
  | (FieldBase & { kind: 'checks'; options: Option[]; values: string[] })
  /** Yes or no. `yesLabel` set: shown as a No/Yes choice; else as one box, its text `box` (or `label`). */
  | (FieldBase & { kind: 'toggle'; value: boolean; yesLabel?: string; box?: string })
  /** A person; `value` a user id. `me`: the platform may offer "me" (whoever submits) as a choice. */
  | (FieldBase & { kind: 'person'; value?: string; me?: boolean; placeholder?: string })
  /** A calendar day, YYYY-MM-DD. */
  | (FieldBase & { kind: 'date'; value?: string });

export interface FormView {
  name: FormName;
  /** Short: a Slack modal title holds 24 characters. */
  title: string;
  submit: string;
  /** The incident it is about (absent for a declaration). */
  incidentKey?: string;
  /** Lines shown above the inputs. */
  intro: Text[];
  /** Fields in order; a `note` between fields is a line of text. */
  fields: (Field | { kind: 'note'; id: string; text: Text })[];
}

/** What a platform read from a submission: strings, lists of ticked options, booleans, by field id. */
export type FormValues = Record<string, string | string[] | boolean | undefined>;

/** Problems by field id; `_` for the form as a whole. */
export type FieldErrors = Record<string, string>;

export function inputs(form: FormView): Field[] {
  return form.fields.filter((f): f is Field => f.kind !== 'note');
}

/** The value of a person field meaning "whoever submits" (the declare form's commander). */
export const ME = 'me';

/**
 * How a platform reads one submitted field of each kind (its own payload: Slack's view state, a Teams card's
 * data, a form post). A person it cannot take is an error for that field.
 */
export interface FieldReader {
  /** A text, choice or date field. */
  text(f: Field): string | undefined;
  checks(f: Extract<Field, { kind: 'checks' }>): string[];
  toggle(f: Extract<Field, { kind: 'toggle' }>): boolean;
  person(f: Extract<Field, { kind: 'person' }>): { value?: string; error?: string };
}

/** A submission read back into FormValues by field id, the same walk over the form for every platform. */
export function readFields(form: FormView, r: FieldReader): { values: FormValues; errors: FieldErrors } {
  const values: FormValues = {};
  const errors: FieldErrors = {};
  for (const f of inputs(form)) {
    if (f.kind === 'checks') values[f.id] = r.checks(f);
    else if (f.kind === 'toggle') values[f.id] = r.toggle(f);
    else if (f.kind === 'person') {
      const p = r.person(f);
      if (p.error) errors[f.id] = p.error;
      else if (p.value !== undefined) values[f.id] = p.value;
    } else values[f.id] = r.text(f);
  }
  return { values, errors };
}
