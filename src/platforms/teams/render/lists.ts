// Help and lists (open incidents, status, follow-ups) as Adaptive Cards.
import type { IAdaptiveCard } from '@microsoft/teams.cards';
import type { HelpView } from '../../../views/help.js';
import type { ListView } from '../../../views/lists.js';
import { cardAction } from './actions.js';
import { card, el, text, textCard } from './card-kit.js';
import { type CardNote, noteBlock } from './summary.js';
import { cardOf, type NameOf } from './text.js';

export function helpCard(v: HelpView, nameOf: NameOf): IAdaptiveCard {
  const t = (x: string) => cardOf(x, nameOf, 300);
  const lines = [
    ...v.sections.flatMap((s) => [`**${t(s.heading)}**`, ...s.lines.map((l) => `• ${t(l)}`)]),
    ...v.footer.map(t),
  ];
  return textCard(t(v.title), v.lead ? [t(v.lead), ...lines] : lines);
}

/** A list card; lines with a button get it under them (a follow-up's "Mark done"). */
export function listCard(v: ListView, incidentKey: string, nameOf: NameOf, o: CardNote = {}): IAdaptiveCard {
  const t = (x: string, max = 1000) => cardOf(x, nameOf, max);
  const body = [text(t(v.title, 300), { size: 'Medium', weight: 'Bolder' }), ...noteBlock(o)];
  if (v.lines.length === 0 && v.empty) body.push(text(t(v.empty), { isSubtle: true }));
  v.lines.forEach((l, n) => {
    body.push(text(t(l), { spacing: 'Small' }));
    const a = v.actions?.[n];
    if (a)
      body.push(
        el({ type: 'ActionSet', spacing: 'None', actions: [cardAction(a, incidentKey, { src: 'list' })] }),
      );
  });
  return card(body);
}
