// A people picker: the people the bot knows (role holders first, then those seen recently) as choices,
// plus the Teams client's own people search where the client has one (desktop and web). Values are the ids
// actors carry (AAD object ids).
import type { El } from './card-kit.js';
import { truncate } from './escape.js';

export interface PersonChoice {
  userId: string;
  name: string;
}

/** The value of the "me" choice (whoever submits). */
export const ME_CHOICE = 'me';

export function peoplePicker(
  id: string,
  label: string,
  people: PersonChoice[],
  o: { value?: string | undefined; required?: boolean; first?: { title: string; value: string } } = {},
): El {
  const seen = new Set<string>();
  const choices: { title: string; value: string }[] = o.first ? [o.first] : [];
  for (const p of people) {
    if (seen.has(p.userId) || choices.length >= 25) continue;
    seen.add(p.userId);
    choices.push({ title: truncate(p.name, 100), value: p.userId });
  }
  return {
    type: 'Input.ChoiceSet',
    id,
    label,
    style: 'filtered',
    choices,
    'choices.data': { type: 'Data.Query', dataset: 'graph.microsoft.com/users' },
    ...(o.required ? { isRequired: true, errorMessage: `Choose the ${label.toLowerCase()}` } : {}),
    ...(o.value ? { value: o.value } : {}),
  };
}
