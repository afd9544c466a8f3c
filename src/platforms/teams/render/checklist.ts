// The golden-hour checklist (ChecklistView) as an Adaptive Card: every item with its state, Tick / Untick
// and "Not applicable" (a reason in a ShowCard) for the items ticked by hand.
import type { CardElementArray, IAdaptiveCard } from '@microsoft/teams.cards';
import { LIMITS } from '../../../domain/template-fields.js';
import { link, mention, time } from '../../../domain/text.js';
import type { ChecklistView } from '../../../views/checklist.js';
import { card, DRILL_BANNER, type El, el, execute, openDialog, text, VERB } from './card-kit.js';
import { type CardNote, noteBlock } from './summary.js';
import { cardOf, type NameOf } from './text.js';

/** The input id of a checklist item's "not applicable" reason (unique per item within the card). */
export function naReasonId(item: string): string {
  return `na_reason_${item}`;
}

export function checklistCard(v: ChecklistView, nameOf: NameOf, o: CardNote = {}): IAdaptiveCard {
  const t = (x: string, max = 300) => cardOf(x, nameOf, max);
  const body: CardElementArray = [];
  if (v.drill) body.push(DRILL_BANNER);
  body.push(text(t(v.heading), { size: 'Medium', weight: 'Bolder' }));
  body.push(text(t(v.progress), { isSubtle: true, spacing: 'None' }));
  body.push(...noteBlock(o));
  for (const g of v.groups) {
    body.push(text(`**${t(g.name, 150)}**`, { spacing: 'Medium' }));
    for (const it of g.items) {
      const m = it.mark;
      const state = m
        ? m.state === 'done'
          ? `✅ ${t(it.text)} (done by ${t(mention(m.by), 80)})`
          : `➖ ${t(it.text)} (not applicable: ${t(m.reason ?? '', 200)})`
        : `⬜ ${t(it.text)} (due ${t(time(it.due))}, ${t(it.owner, 80)})`;
      body.push(text(state, { spacing: 'Small' }));
      if (it.byLeads && !m)
        body.push(
          text("Done when every workstream has a lead (the summary's Lead buttons).", {
            isSubtle: true,
            spacing: 'None',
          }),
        );
      // The item's guides and runbooks (resolved against the playbook's links.base by the view).
      if (it.links.length)
        body.push(
          text(t(it.links.map((l) => link(l.title, l.url)).join(' · '), 600), {
            isSubtle: true,
            spacing: 'None',
          }),
        );
      if (v.closed || !it.manual) continue;
      const data = { incidentKey: v.key, item: it.id, state: m ? 'uncheck' : 'check', v: v.version };
      const buttons: El[] = [execute(VERB.checkItem, m ? 'Untick' : 'Tick', data)];
      if (!m)
        buttons.push({
          type: 'Action.ShowCard',
          title: 'Not applicable',
          card: {
            type: 'AdaptiveCard',
            version: '1.5',
            body: [
              {
                type: 'Input.Text',
                id: naReasonId(it.id),
                label: 'Why does it not apply?',
                maxLength: LIMITS.reason,
                isRequired: true,
                errorMessage: 'Say why the item does not apply',
              },
            ],
            actions: [
              execute(VERB.itemNotApplicable, 'Mark not applicable', { incidentKey: v.key, item: it.id }),
            ],
          },
        });
      body.push(el({ type: 'ActionSet', spacing: 'None', actions: buttons }));
    }
  }
  body.push(text(`${v.done} of ${v.total} done`, { isSubtle: true }));
  return card(body, v.offerAlert ? [openDialog('alert', 'Send initial alert', v.key, 'positive')] : []);
}
