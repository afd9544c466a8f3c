// The incident's timeline (TimelineView) as HTML for the console's room: its key times, then each phase
// period with its key entries, the phases still ahead, and how many entries of how many are shown.
import { DRILL_BANNER } from '../../../views/format.js';
import type { TimelineView } from '../../../views/timeline.js';
import { type Html, h, type RoomLink, textHtml } from './html.js';

export function timelineHtml(v: TimelineView, roomLink: RoomLink): Html {
  return h`<section class="card" aria-labelledby="tl-h"><h2 id="tl-h">${textHtml(v.heading, roomLink)}</h2>
${v.drill ? h`<p class="drill">${DRILL_BANNER}</p>` : ''}
<ul class="milestones">${v.milestones.map((m) => h`<li>${textHtml(m, roomLink)}</li>`)}</ul>
${v.sections.map(
  (s) =>
    h`<h3>${textHtml(s.heading, roomLink)}</h3>${s.lines.length ? h`<ul class="log">${s.lines.map((l) => h`<li>${textHtml(l, roomLink)}</li>`)}</ul>` : ''}`,
)}
<p><small>${textHtml(v.footer, roomLink)}</small></p></section>`;
}
