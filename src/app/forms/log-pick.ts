// "Add to incident log" on a message outside an incident's room: which open incident, a decision or a note.
import { z } from 'zod';
import type { Incident } from '../../domain/incident.js';
import { mention, type Text, userText } from '../../domain/text.js';
import type { FieldErrors, FormValues, FormView } from '../../views/form.js';
import { bool, optionalText, parse, str } from './form-kit.js';

const MAX_LISTED = 100;

/** The message being logged, as the form shows it. */
export interface PickedMessage {
  author?: string;
  text: string;
  files: string[];
}

function preview(m: PickedMessage): Text[] {
  const text = m.text.trim()
    ? userText(m.text.length > 600 ? `${m.text.slice(0, 599)}…` : m.text)
    : '(no text)';
  return [
    m.author ? `${mention(m.author)} wrote:` : 'The message:',
    text,
    ...(m.files.length ? [`📎 ${m.files.map((f) => userText(f.slice(0, 80))).join(', ')}`] : []),
  ];
}

export function logPickForm(incidents: Incident[], m: PickedMessage): FormView {
  const shown = incidents.slice(0, MAX_LISTED);
  return {
    name: 'log_pick',
    title: 'Add to incident log',
    submit: 'Add',
    intro: preview(m),
    fields: [
      {
        kind: 'choice',
        id: 'incident',
        label: 'Incident',
        required: true,
        placeholder: 'Choose the incident',
        options: shown.map((i) => ({
          value: i.key,
          label: `${i.drill ? '[DRILL] ' : ''}${i.key}: ${i.title}`,
        })),
        ...(shown.length === 1 ? { value: shown[0]!.key } : {}),
      },
      {
        kind: 'toggle',
        id: 'decision',
        label: 'Kind',
        box: 'This is a decision',
        required: false,
        value: false,
      },
      {
        kind: 'text',
        id: 'note',
        label: 'Note (or the rationale of a decision)',
        required: false,
        multiline: true,
        maxLength: 1000,
      },
      ...(incidents.length > shown.length
        ? [
            {
              kind: 'note' as const,
              id: 'more',
              text: `Only the first ${shown.length} open incidents are listed.`,
            },
          ]
        : []),
    ],
  };
}

const schema = z.object({
  incident: z.string({ message: 'Choose the incident.' }).min(1, 'Choose the incident.'),
  decision: z.boolean(),
  note: optionalText(1000),
});

export function readLogPick(
  values: FormValues,
): { ok: true; incident: string; decision: boolean; note: string } | { ok: false; errors: FieldErrors } {
  const r = parse(schema, {
    incident: str(values.incident),
    decision: bool(values.decision),
    note: str(values.note),
  });
  return r.ok ? { ok: true, ...r.data } : r;
}
