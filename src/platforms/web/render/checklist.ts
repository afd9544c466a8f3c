// The golden-hour checklist (ChecklistView) as HTML: each item with its owner, due time and links, and
// Done / Not applicable (with a reason) / Undo for the items people tick by hand.
import { link } from '../../../domain/text.js';
import type { ChecklistRow, ChecklistView } from '../../../views/checklist.js';
import { formPath, pressForm, type RenderCtx } from './buttons.js';
import { type Html, h, nameOf, textHtml, timeHtml } from './html.js';

function markText(row: ChecklistRow): Html {
  const m = row.mark;
  if (!m) return h`<span class="todo">due ${timeHtml(row.due)}</span>`;
  const by = h`${nameOf(m.by)}, ${timeHtml(m.at)}`;
  return m.state === 'na'
    ? h`<span class="na">not applicable (${by}): ${m.reason ?? ''}</span>`
    : h`<span class="done">done (${by})</span>`;
}

function itemButtons(c: RenderCtx, v: ChecklistView, row: ChecklistRow): Html[] {
  if (v.closed) return [];
  if (row.mark)
    return row.manual
      ? [pressForm(c, { kind: 'uncheck_item', item: row.id }, 'Undo', { name: `Undo: ${row.text}` })]
      : [];
  if (row.byAlert && v.offerAlert)
    return [h`<a class="button primary" href="${formPath(c.incidentKey, 'alert')}">Send initial alert</a>`];
  if (!row.manual) return [];
  const reason = h`<label class="sr" for="na-${row.id}">Why it does not apply</label><input id="na-${row.id}" name="reason" maxlength="500" placeholder="why not applicable" class="reason">`;
  return [
    pressForm(c, { kind: 'check_item', item: row.id }, 'Done', { name: `Done: ${row.text}` }),
    pressForm(c, { kind: 'item_na', item: row.id }, 'N/A', {
      extra: reason,
      name: `Not applicable: ${row.text}`,
    }),
  ];
}

export function checklistHtml(c: RenderCtx, v: ChecklistView): Html {
  return h`<section class="card checklist" aria-labelledby="checklist-h">
<h2 id="checklist-h">${textHtml(v.heading)}</h2>
<p class="progress"><progress aria-label="Checklist progress" max="${String(v.total)}" value="${String(v.done)}"></progress> ${textHtml(v.progress)}</p>
${v.groups.map(
  (g) =>
    h`<h3>${g.name}</h3><ul class="items">${g.items.map(
      (
        row,
      ) => h`<li class="${row.mark ? 'marked' : ''}"><div><span aria-hidden="true">${row.mark ? (row.mark.state === 'na' ? '➖' : '✅') : '⬜'}</span> ${row.text}
<small>${row.owner} · ${markText(row)}</small>${row.byLeads && !row.mark ? h`<small>Done when every workstream has a lead (the summary's Lead buttons).</small>` : ''}${row.links.length ? h`<small class="links">${textHtml(row.links.map((l) => link(l.title, l.url)).join(' · '))}</small>` : ''}</div>
<div class="row-actions">${itemButtons(c, v, row)}</div></li>`,
    )}</ul>`,
)}
</section>`;
}
