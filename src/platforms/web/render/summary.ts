// The incident's summary (SummaryView) as HTML: facts, impact, roles with claim / release / hand over,
// links, the form buttons and when the next update is due.
import { LOCAL_PEOPLE } from '../../../app/local-people.js';
import { DRILL_BANNER } from '../../../views/format.js';
import type { RoleRow, SummaryView } from '../../../views/summary.js';
import { actionsHtml, pressForm, type RenderCtx } from './buttons.js';
import { type Html, h, nameOf, type RoomLink, textHtml } from './html.js';
import { workstreamsHtml } from './workstreams.js';

function roleRow(c: RenderCtx, v: SummaryView, r: RoleRow): Html {
  const who = r.holders.length
    ? r.holders.map((id) => h`<span class="who">${nameOf(id)}</span>`)
    : h`<span class="${r.required ? 'open required' : 'open'}">${r.required ? '⚠️ open' : 'open'}</span>`;
  const buttons: Html[] = [];
  if (!v.closed) {
    if (r.holders.length === 0 || r.multiple)
      buttons.push(
        pressForm(c, { kind: 'claim_role', role: r.id }, 'Claim', {
          ...(r.required && !r.holders.length ? { style: 'primary' as const } : {}),
          name: `Claim ${r.name}`,
        }),
      );
    if (r.holders.length > 0) {
      if (!r.commander)
        buttons.push(
          pressForm(c, { kind: 'release_role', role: r.id }, 'Release', { name: `Release ${r.name}` }),
        );
      const select = h`<label class="sr" for="ho-${r.id}">Hand ${r.name} over to</label><select id="ho-${r.id}" name="user"><option value="">Hand over to…</option>${LOCAL_PEOPLE.map(
        (p) => h`<option value="${p.id}">${p.name}</option>`,
      )}</select>`;
      buttons.push(
        pressForm(c, { kind: 'handover_role', role: r.id }, 'Hand over', {
          extra: select,
          name: `Hand over ${r.name}`,
        }),
      );
    }
  }
  return h`<tr><th scope="row">${r.name}${r.required ? h` <small>(required)</small>` : ''}</th><td>${who}</td><td><div class="row-actions">${buttons}</div></td></tr>`;
}

export function summaryHtml(c: RenderCtx, v: SummaryView, roomLink: RoomLink): Html {
  return h`<section class="card summary" aria-labelledby="summary-h">
<h2 id="summary-h">${textHtml(v.heading, roomLink)}</h2>
${v.drill ? h`<p class="drill">🧪 ${DRILL_BANNER}</p>` : ''}
<dl class="facts">${v.facts.map((f) => h`<div><dt>${f.label}</dt><dd>${textHtml(f.value, roomLink)}</dd></div>`)}</dl>
<h3>Impact</h3><p>${textHtml(v.impact, roomLink)}</p>
<h3>Roles</h3>
<table class="roles"><tbody>${v.roles.map((r) => roleRow(c, v, r))}</tbody></table>
${workstreamsHtml(c, v)}
${v.links.length ? h`<ul class="links">${v.links.map((l) => h`<li>${textHtml(l, roomLink)}</li>`)}</ul>` : ''}
${actionsHtml(c, v.actions)}
<ul class="status">${v.status.map((s) => h`<li>${textHtml(s, roomLink)}</li>`)}</ul>
</section>`;
}
