// The people pickers' typeahead (render/people.ts): Teams sends what someone types in a picker as an
// `application/search` invoke naming the picker's dataset, and the bot answers with the people it knows
// whose name matches (the incident's role holders and members, then people seen recently). A confidential
// incident's people are listed to its members only. Answer shapes: Microsoft Teams "Typeahead search in
// Adaptive Cards" (searchResponse with results of title/value; at most 15 options are shown).
import type { SearchInvokeResponse } from '@microsoft/teams.api';
import type { App } from '@microsoft/teams.apps';
import { actorOf, type Json, peopleFor, type TeamsContext } from '../context.js';
import { truncate } from '../render/escape.js';
import { incidentOfDataset } from '../render/people.js';
import { plainOf } from '../render/text.js';

export const SEARCH_RESPONSE = 'application/vnd.microsoft.search.searchResponse';

/** What the client shows at most (documented), and how many known people are searched. */
const MAX_RESULTS = 15;
const SEARCHED = 500;

/** Lower case without accents, so "zoe" finds "Zoë". */
const fold = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

const int = (v: unknown, min: number, max: number, fallback: number) =>
  typeof v === 'number' && Number.isInteger(v) ? Math.min(max, Math.max(min, v)) : fallback;

function refusal(statusCode: number, code: string, message: string): SearchInvokeResponse {
  // the error answer Universal Actions use (the client shows the message); not in the SDK's search type
  return {
    statusCode,
    type: 'application/vnd.microsoft.error',
    value: { code, message },
  } as unknown as SearchInvokeResponse;
}

export function peopleSearch(ctx: TeamsContext, a: Json): SearchInvokeResponse {
  const v = (a.value ?? {}) as Json;
  const key = incidentOfDataset(v.dataset);
  if (key === null) return refusal(400, 'BadRequest', 'I do not know that list.');
  const incident = key ? ctx.app.incident(key) : null;
  if (key && !incident) return refusal(404, 'NotFound', 'This card is not about a known incident.');
  if (incident && !ctx.app.shows(incident, actorOf(a)))
    return refusal(403, 'Forbidden', plainOf(ctx.app.notMember(incident), ctx.nameOf, 500));
  const query = fold(typeof v.queryText === 'string' ? v.queryText.trim().slice(0, 100) : '');
  const skip = int(v.queryOptions?.skip, 0, SEARCHED, 0);
  const top = int(v.queryOptions?.top, 1, MAX_RESULTS, MAX_RESULTS);
  const matches = peopleFor(ctx, incident, undefined, SEARCHED).filter(
    (p) => !query || fold(p.name).includes(query),
  );
  return {
    statusCode: 200,
    type: SEARCH_RESPONSE,
    value: {
      results: matches
        .slice(skip, skip + top)
        .map((p) => ({ title: truncate(p.name, 100), value: p.userId })),
    },
  };
}

export function registerPeopleSearch(teams: App, ctx: TeamsContext): void {
  teams.on('card.search', async (c) => peopleSearch(ctx, c.activity as Json));
}
