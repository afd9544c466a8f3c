// The incident's summary (SummaryView) as an Adaptive Card: facts, impact, roles with claim / release /
// hand over (a people picker in a ShowCard), runbook links, status lines and the form buttons. `note` is
// shown to whoever clicked (in an invoke response). Facts with a time (declared, closed) are TextBlocks, not
// FactSet facts: the date functions that show them in the reader's zone work in TextBlocks only.
import type { CardElementArray, IAdaptiveCard } from '@microsoft/teams.cards';
import { mention, segments, type Text } from '../../../domain/text.js';
import type { Fact, SummaryView } from '../../../views/summary.js';
import { cardAction } from './actions.js';
import { card, DRILL_BANNER, type El, el, errorBlock, execute, text, VERB } from './card-kit.js';
import { cardText, truncate } from './escape.js';
import { type PersonChoice, peoplePicker } from './people.js';
import { cardOf, type NameOf } from './text.js';
import { workstreamElements } from './workstreams.js';

export interface CardNote {
  note?: string;
  noteIsError?: boolean;
}

export function noteBlock(o: CardNote): CardElementArray {
  if (!o.note) return [];
  return [o.noteIsError ? errorBlock(o.note) : text(o.note, { isSubtle: true })];
}

const hasTime = (t: Text) => segments(t).some((s) => s.kind === 'time');

/** The facts: a FactSet for those without a time, a TextBlock each for those with one. */
function factElements(facts: Fact[], t: (x: string, max?: number) => string): CardElementArray {
  const plain = facts.filter((f) => !hasTime(f.value));
  const timed = facts.filter((f) => hasTime(f.value));
  return [
    el({ type: 'FactSet', facts: plain.map((f) => ({ title: f.label, value: t(f.value, 500) })) }),
    ...timed.map((f) => text(`**${cardText(f.label, 100)}:** ${t(f.value, 500)}`, { spacing: 'Small' })),
  ];
}

export function summaryCard(
  v: SummaryView,
  nameOf: NameOf,
  people: PersonChoice[],
  o: CardNote = {},
): IAdaptiveCard {
  const t = (x: string, max = 2000) => cardOf(x, nameOf, max);
  const body: CardElementArray = [];
  if (v.drill) body.push(DRILL_BANNER);
  body.push(text(t(v.heading, 300), { size: 'Large', weight: 'Bolder' }));
  body.push(...factElements(v.facts, t));
  body.push(text(`**Impact:** ${t(v.impact, 1500)}`));
  body.push(...noteBlock(o));
  body.push(text('**Roles**', { spacing: 'Medium', separator: true }));
  for (const r of v.roles) {
    const who = r.holders.length
      ? r.holders.map((h) => t(mention(h), 80)).join(', ')
      : r.required
        ? '**open (required)**'
        : 'open';
    body.push(text(`${t(r.name, 100)}: ${who}`, { spacing: 'Small' }));
    if (v.closed) continue;
    const data = { incidentKey: v.key, role: r.id, v: v.version };
    const buttons: El[] = [];
    if (r.holders.length === 0 || r.multiple)
      buttons.push(execute(VERB.claimRole, `Claim ${truncate(r.name, 40)}`, data));
    if (r.holders.length > 0 && !r.commander) buttons.push(execute(VERB.releaseRole, 'Release', data));
    if (r.holders.length > 0)
      buttons.push({
        type: 'Action.ShowCard',
        title: 'Hand over',
        card: {
          type: 'AdaptiveCard',
          version: '1.5',
          body: [
            peoplePicker(`handover_${r.id}`, `New ${r.name}`, people, { required: true, incidentKey: v.key }),
          ],
          actions: [execute(VERB.handoverRole, 'Hand over', data)],
        },
      });
    body.push(el({ type: 'ActionSet', actions: buttons, spacing: 'None' }));
  }
  body.push(...workstreamElements(v, t, people));
  for (const l of v.links) body.push(text(t(l, 1000), { spacing: 'Small' }));
  for (const s of v.status) body.push(text(t(s, 300), { isSubtle: true, spacing: 'Small' }));
  return card(
    body,
    v.actions.map((a) => cardAction(a, v.key)),
  );
}
