// A people picker that works on every Teams client: the people the bot knows (a pre-selected person, the
// incident's role holders and members, then those seen recently) as static choices, filtered as one
// types (`style: filtered`), plus a typeahead the bot answers itself (`choices.data`, a Data.Query on the
// bot's own dataset: an `application/search` invoke, handlers/people-search.ts). Microsoft documents
// dynamic typeahead on desktop, web, Android and iOS; the Graph people picker
// (dataset graph.microsoft.com/users) only on desktop and web, so it is not used. Values are the ids
// actors carry (AAD object ids).
import type { El } from './card-kit.js';
import { truncate } from './escape.js';

export interface PersonChoice {
  userId: string;
  name: string;
}

/** The value of the "me" choice (whoever submits). */
export const ME_CHOICE = 'me';

/** The bot's typeahead dataset: people it knows, for one incident (`incident-people:KEY`) or none. */
export const PEOPLE_DATASET = 'incident-people';

export function peopleDataset(incidentKey?: string): string {
  return incidentKey ? `${PEOPLE_DATASET}:${incidentKey}` : PEOPLE_DATASET;
}

/** The incident a dataset names: its key, '' for none, null when it is not the bot's people dataset. */
export function incidentOfDataset(dataset: unknown): string | null {
  if (dataset === PEOPLE_DATASET) return '';
  if (typeof dataset !== 'string' || !dataset.startsWith(`${PEOPLE_DATASET}:`)) return null;
  return dataset.slice(PEOPLE_DATASET.length + 1);
}

/** Static choices in the card: enough to pick from on a phone, small enough for the card's size limit. */
const MAX_STATIC = 25;

export function peoplePicker(
  id: string,
  label: string,
  people: PersonChoice[],
  o: {
    value?: string | undefined;
    required?: boolean;
    first?: { title: string; value: string };
    /** The incident whose people the typeahead offers (none: people the bot has seen). */
    incidentKey?: string | undefined;
  } = {},
): El {
  const seen = new Set<string>();
  const choices: { title: string; value: string }[] = o.first ? [o.first] : [];
  for (const p of people) {
    if (seen.has(p.userId) || choices.length >= MAX_STATIC) continue;
    seen.add(p.userId);
    choices.push({ title: truncate(p.name, 100), value: p.userId });
  }
  return {
    type: 'Input.ChoiceSet',
    id,
    label,
    style: 'filtered',
    placeholder: 'Type a name',
    choices,
    'choices.data': { type: 'Data.Query', dataset: peopleDataset(o.incidentKey) },
    ...(o.required ? { isRequired: true, errorMessage: `Choose the ${label.toLowerCase()}` } : {}),
    ...(o.value ? { value: o.value } : {}),
  };
}
