// An alert prompt (views/alert-prompt.ts) as an Adaptive Card: the heading, the lines, the labels as a
// FactSet, and while nothing is decided the three buttons (render/alert-buttons.ts; each opens a dialog).
import type { CardElementArray, IAdaptiveCard } from '@microsoft/teams.cards';
import type { AlertPromptView } from '../../../views/alert-prompt.js';
import { alertButtons } from './alert-buttons.js';
import { card, el, text } from './card-kit.js';
import { activityOf, cardOf, type NameOf } from './text.js';

export function renderAlertPrompt(v: AlertPromptView, nameOf: NameOf): { text: string; card: IAdaptiveCard } {
  const body: CardElementArray = [
    text(cardOf(v.title, nameOf, 300), {
      weight: 'Bolder',
      size: 'Medium',
      color: v.status === 'firing' ? 'Attention' : 'Good',
    }),
    ...v.lines.map((l) => text(cardOf(l, nameOf, 1500), { spacing: 'Small' })),
  ];
  if (v.labels.length)
    body.push(
      el({
        type: 'FactSet',
        // facts render markdown: escaped as every card text is (a label `[x](https://…)` is not a link)
        facts: v.labels.map((f) => ({
          title: cardOf(f.label, nameOf, 80),
          value: cardOf(f.value, nameOf, 300),
        })),
      }),
    );
  return {
    text: activityOf(v.fallback, nameOf, 3000),
    card: card(body, v.buttons ? alertButtons(v.alert) : []),
  };
}
