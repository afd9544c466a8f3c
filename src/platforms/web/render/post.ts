// A delivered post (PostView, as stored when the console's sender delivered it) and the lists and help
// the typed verbs answer, as HTML.
import { DEBRIEF_INVITE } from '../../../views/debrief.js';
import type { HelpView } from '../../../views/help.js';
import type { ListView } from '../../../views/lists.js';
import type { PostView } from '../../../views/post.js';
import { actionHtml, actionsHtml, incidentPath, type RenderCtx } from './buttons.js';
import { type Html, h, type RoomLink, textHtml, timeHtml } from './html.js';

export function postHtml(c: RenderCtx, v: PostView, at: string, roomLink: RoomLink): Html {
  return h`<article class="post${v.drill ? ' drill' : ''}">
<header><strong>${textHtml(v.title, roomLink)}</strong> ${timeHtml(at)}</header>
${v.lines.map((l) => h`<p>${textHtml(l, roomLink)}</p>`)}
${v.fields?.length ? h`<dl class="facts">${v.fields.map((f) => h`<div><dt>${f.label}</dt><dd>${textHtml(f.value, roomLink)}</dd></div>`)}</dl>` : ''}
${actionsHtml(c, v.actions)}
${v.name === DEBRIEF_INVITE ? h`<div class="actions"><a class="button" href="${incidentPath(c.incidentKey)}/debrief.ics" download>Add to calendar (.ics)</a></div>` : ''}
${v.footer ? h`<footer>${textHtml(v.footer, roomLink)}</footer>` : ''}
</article>`;
}

export function listHtml(c: RenderCtx | null, v: ListView, roomLink: RoomLink): Html {
  return h`<div class="list"><strong>${textHtml(v.title, roomLink)}</strong>
${v.lines.length ? h`<ul>${v.lines.map((l, n) => h`<li>${textHtml(l, roomLink)}${c && v.actions?.[n] ? actionHtml(c, v.actions[n]!) : ''}</li>`)}</ul>` : h`<p>${textHtml(v.empty ?? '', roomLink)}</p>`}
</div>`;
}

export function helpHtml(v: HelpView, roomLink: RoomLink): Html {
  return h`<div class="help">${v.lead ? h`<p>${textHtml(v.lead, roomLink)}</p>` : ''}<p>${textHtml(v.title, roomLink)} Type a verb without the command name, e.g. <code>log Failover started</code>.</p>
${v.sections.map((s) => h`<h3>${s.heading}</h3><ul>${s.lines.map((l) => h`<li>${textHtml(l, roomLink)}</li>`)}</ul>`)}
</div>`;
}
