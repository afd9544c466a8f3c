// A FormView as an Adaptive Card, inline (a card in the conversation, submitted with Action.Execute) or in
// a dialog (Action.Submit). Inputs are named after the fields (`field:<id>` template fields by their id;
// a list of checks as one toggle per option, `crit_<option>`: the ids cards have always carried). A nonce
// per rendering makes a double submit one command.
import type { CardElementArray, IAdaptiveCard } from '@microsoft/teams.cards';
import type { Field, FieldErrors, FormView } from '../../../views/form.js';
import { card, type El, el, errorBlock, execute, text, VERB } from './card-kit.js';
import { truncate } from './escape.js';
import { ME_CHOICE, type PersonChoice, peoplePicker } from './people.js';
import { cardOf, type NameOf } from './text.js';

export type FormMode = 'inline' | 'dialog';

/** The input id of a field (template fields `field:<id>` are `<id>` in a card). */
export function inputId(f: Pick<Field, 'id'>): string {
  return f.id.startsWith('field:') ? f.id.slice('field:'.length) : f.id;
}

/** The toggle of one option of a checks field. */
export const checkId = (value: string) => `crit_${value}`;

function inputs(f: Field, people: PersonChoice[], nameOf: NameOf, incidentKey?: string): El[] {
  const id = inputId(f);
  const required = f.required ? { isRequired: true, errorMessage: `${f.label} is required` } : {};
  switch (f.kind) {
    case 'text':
      return [
        {
          type: 'Input.Text',
          id,
          label: f.label,
          maxLength: f.maxLength,
          ...required,
          ...(f.multiline ? { isMultiline: true } : {}),
          ...(f.placeholder ? { placeholder: f.placeholder } : {}),
          ...(f.value ? { value: f.value } : {}),
        },
      ];
    case 'choice':
      return [
        {
          type: 'Input.ChoiceSet',
          id,
          label: f.label,
          style: f.expanded ? 'expanded' : 'compact',
          ...required,
          choices: f.options.map((o) => ({
            title: truncate(o.description ? `${o.label}: ${o.description}` : o.label, 200),
            value: o.value,
          })),
          ...(f.value ? { value: f.value } : {}),
        },
      ];
    case 'checks':
      return [
        { type: 'TextBlock', text: `**${cardOf(f.label, nameOf, 300)}**`, wrap: true },
        ...f.options.map((o) => ({
          type: 'Input.Toggle',
          id: checkId(o.value),
          title: truncate(o.label, 300),
          valueOn: 'true',
          valueOff: 'false',
          value: f.values.includes(o.value) ? 'true' : 'false',
        })),
      ];
    case 'toggle':
      return [
        {
          type: 'Input.Toggle',
          id,
          title: f.box ?? (f.yesLabel ? `${f.label.replace(/\?$/, '')} (${f.yesLabel})` : f.label),
          valueOn: 'true',
          valueOff: 'false',
          value: f.value ? 'true' : 'false',
        },
      ];
    case 'person':
      return [
        peoplePicker(id, f.label, people, {
          value: f.value,
          required: f.required,
          incidentKey,
          ...(f.me ? { first: { title: 'Me (whoever submits)', value: ME_CHOICE } } : {}),
        }),
      ];
    case 'date':
      return [
        { type: 'Input.Date', id, label: f.label, ...required, ...(f.value ? { value: f.value } : {}) },
      ];
  }
}

export function formCard(
  form: FormView,
  mode: FormMode,
  o: { nonce: string; errors?: FieldErrors; people: PersonChoice[]; nameOf: NameOf },
): IAdaptiveCard {
  const errors = o.errors ?? {};
  const body: CardElementArray = [text(form.title, { size: 'Medium', weight: 'Bolder' })];
  for (const line of form.intro)
    body.push(text(cardOf(line, o.nameOf, 1000), { isSubtle: true, spacing: 'None' }));
  if (errors._) body.push(errorBlock(cardOf(errors._, o.nameOf, 500)));
  for (const f of form.fields) {
    if (f.kind === 'note') {
      body.push(text(cardOf(f.text, o.nameOf, 500), { spacing: 'Medium' }));
      continue;
    }
    for (const input of inputs(f, o.people, o.nameOf, form.incidentKey)) body.push(el(input));
    const e = errors[f.id];
    if (e) body.push(errorBlock(cardOf(e, o.nameOf, 500)));
    if (f.hint)
      body.push(text(cardOf(f.hint, o.nameOf, 300), { isSubtle: true, size: 'Small', spacing: 'None' }));
  }
  const data = {
    form: form.name,
    ...(form.incidentKey ? { incidentKey: form.incidentKey } : {}),
    nonce: o.nonce,
  };
  const submit =
    mode === 'inline'
      ? execute(VERB.formSubmit, form.submit, data, 'positive')
      : {
          type: 'Action.Submit',
          title: form.submit,
          style: 'positive',
          data: { ...data, action: VERB.formSubmit },
        };
  return card(body, [submit]);
}
