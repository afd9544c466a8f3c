// The summary's workstreams as HTML: each with its lead (or "no lead"), "Lead" to take it, "Release" when it
// has a lead, and a person to name as its lead (or hand it over to).
import { LOCAL_PEOPLE } from '../../../app/local-people.js';
import type { SummaryView } from '../../../views/summary.js';
import type { WorkstreamRow } from '../../../views/workstreams.js';
import { pressForm, type RenderCtx } from './buttons.js';
import { type Html, h, nameOf } from './html.js';

function row(c: RenderCtx, v: SummaryView, w: WorkstreamRow): Html {
  const who = w.lead
    ? h`<span class="who">${nameOf(w.lead)}</span>`
    : h`<span class="open required">⚠️ no lead</span>`;
  const buttons: Html[] = [];
  if (!v.closed) {
    buttons.push(
      w.lead
        ? pressForm(c, { kind: 'release_workstream', workstream: w.id }, 'Release', {
            name: `Release the lead of ${w.name}`,
          })
        : pressForm(c, { kind: 'lead_workstream', workstream: w.id }, 'Lead', {
            style: 'primary',
            name: `Lead ${w.name}`,
          }),
    );
    const select = h`<label class="sr" for="ws-${w.id}">${w.name} lead</label><select id="ws-${w.id}" name="user"><option value="">${w.lead ? 'Hand over to…' : 'Name the lead…'}</option>${LOCAL_PEOPLE.map(
      (p) => h`<option value="${p.id}">${p.name}</option>`,
    )}</select>`;
    buttons.push(
      pressForm(
        c,
        { kind: 'lead_workstream', workstream: w.id, pick: 'yes' },
        w.lead ? 'Hand over' : 'Name',
        {
          extra: select,
          name: `${w.lead ? 'Hand over' : 'Name the lead of'} ${w.name}`,
        },
      ),
    );
  }
  return h`<tr><th scope="row" title="${w.description}">${w.name}</th><td>${who}</td><td><div class="row-actions">${buttons}</div></td></tr>`;
}

export function workstreamsHtml(c: RenderCtx, v: SummaryView): Html {
  if (!v.workstreams.length) return h``;
  return h`<h3>Workstreams</h3>
<table class="workstreams"><tbody>${v.workstreams.map((w) => row(c, v, w))}</tbody></table>`;
}
