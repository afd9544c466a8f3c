// The summary card's workstreams: each with its lead (or "no lead"), a "Lead" button to take it, "Release"
// when it has a lead, and a people picker (in a ShowCard) to name or hand over its lead.
import type { CardElementArray } from '@microsoft/teams.cards';
import { mention } from '../../../domain/text.js';
import type { SummaryView } from '../../../views/summary.js';
import { type El, el, execute, text, VERB } from './card-kit.js';
import { truncate } from './escape.js';
import { type PersonChoice, peoplePicker } from './people.js';

/** The id of a workstream's people picker (its value comes back in the click's data). */
export const workstreamPickerId = (id: string) => `ws_lead_${id}`;

export function workstreamElements(
  v: SummaryView,
  t: (x: string, max?: number) => string,
  people: PersonChoice[],
): CardElementArray {
  if (!v.workstreams.length) return [];
  const body: CardElementArray = [text('**Workstreams**', { spacing: 'Medium', separator: true })];
  for (const w of v.workstreams) {
    const who = w.lead ? t(mention(w.lead), 80) : '**no lead**';
    body.push(text(`${t(w.name, 100)}: ${who}`, { spacing: 'Small' }));
    if (v.closed) continue;
    const data = { incidentKey: v.key, workstream: w.id, v: v.version };
    const buttons: El[] = [];
    if (!w.lead) buttons.push(execute(VERB.leadWorkstream, `Lead ${truncate(w.name, 40)}`, data));
    else buttons.push(execute(VERB.releaseWorkstream, 'Release', data));
    buttons.push({
      type: 'Action.ShowCard',
      title: w.lead ? 'Hand over' : 'Name the lead',
      card: {
        type: 'AdaptiveCard',
        version: '1.5',
        body: [
          peoplePicker(workstreamPickerId(w.id), `${w.name} lead`, people, {
            required: true,
            incidentKey: v.key,
          }),
        ],
        actions: [
          execute(VERB.leadWorkstream, w.lead ? 'Hand over' : 'Name the lead', { ...data, pick: true }),
        ],
      },
    });
    body.push(el({ type: 'ActionSet', actions: buttons, spacing: 'None' }));
  }
  return body;
}
