import { fail } from '../errors.js';
import type { Playbook } from '../playbook.js';
import { allChecklistItems } from '../playbook.js';
import { command, mention, userText } from '../text.js';
import { type Handler, iso, log, ok, view } from './context.js';
import { manualTickRefusal } from './workstreams.js';

function checklistItem(pb: Playbook, id: string) {
  return allChecklistItems(pb).find((x) => x.id === id);
}

export const checkItem: Handler<'check_item'> = (i, c, ctx) => {
  const item = checklistItem(ctx.playbook, c.item);
  if (!item) return fail('unknown_item', `There is no checklist item "${userText(c.item)}".`);
  const byLeads = manualTickRefusal(i, ctx.playbook, c.item, true);
  if (byLeads) return byLeads;
  if (item.completedBy === 'initial_alert_sent' && !i.initialAlertAt) {
    return fail(
      'invalid',
      `This item is ticked by sending the initial stakeholder alert: use ${command('alert')}.`,
    );
  }
  const mark = i.checklist[c.item];
  if (mark?.state === 'done') return fail('invalid', `Already done by ${mention(mark.by)}.`);
  const at = iso(ctx.now);
  return ok({ ...i, checklist: { ...i.checklist, [c.item]: { state: 'done', by: ctx.actor.id, at } } }, [
    log('checklist', { item: c.item, text: item.text, state: 'done' }),
    view('checklist'),
  ]);
};

export const uncheckItem: Handler<'uncheck_item'> = (i, c, ctx) => {
  const item = checklistItem(ctx.playbook, c.item);
  if (!item) return fail('unknown_item', `There is no checklist item "${userText(c.item)}".`);
  if (!i.checklist[c.item]) return fail('invalid', 'That item is not ticked.');
  const byLeads = manualTickRefusal(i, ctx.playbook, c.item, false);
  if (byLeads) return byLeads;
  if (item.completedBy) return fail('invalid', 'That item was completed by the bot and cannot be unticked.');
  const { [c.item]: _, ...rest } = i.checklist;
  return ok({ ...i, checklist: rest }, [
    log('checklist', { item: c.item, text: item.text, state: 'open' }),
    view('checklist'),
  ]);
};

export const itemNotApplicable: Handler<'item_not_applicable'> = (i, c, ctx) => {
  const item = checklistItem(ctx.playbook, c.item);
  if (!item) return fail('unknown_item', `There is no checklist item "${userText(c.item)}".`);
  if (!c.reason.trim()) return fail('invalid', 'Say why the item does not apply.');
  const at = iso(ctx.now);
  return ok(
    {
      ...i,
      checklist: { ...i.checklist, [c.item]: { state: 'na', by: ctx.actor.id, at, reason: c.reason } },
    },
    [log('checklist', { item: c.item, text: item.text, state: 'na', reason: c.reason }), view('checklist')],
  );
};
