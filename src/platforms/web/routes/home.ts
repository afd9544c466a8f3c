// The first screen: who you are, the incidents you may see (open, and closed ones awaiting review), and
// the way to declare one. `?fragment=live` is the list that live updates replace.
import type { Express, Request } from 'express';
import { LOCAL_PEOPLE, localActor, localPerson } from '../../../app/local-people.js';
import type { Incident } from '../../../domain/incident.js';
import { age, phaseName } from '../../../views/format.js';
import { summaryView } from '../../../views/summary.js';
import { backTo, chrome, type WebContext } from '../context.js';
import { type Body, one } from '../parse/form-values.js';
import { incidentPath } from '../render/buttons.js';
import { type Html, h, nameOf, timeHtml } from '../render/html.js';
import { page } from '../render/page.js';
import { me, setMe } from '../session.js';

function row(ctx: WebContext, i: Incident, now: Date): Html {
  const pb = ctx.app.playbookFor(i);
  const ic = summaryView(i, pb).roles.find((r) => r.commander)?.holders[0];
  return h`<tr><td><a href="${incidentPath(i.key)}">${i.key}</a>${i.drill ? h` <span class="badge drill">DRILL</span>` : ''}${i.confidential ? h` <span class="badge">🔒</span>` : ''}</td>
<td>${i.title}</td><td>${phaseName(pb, i.phase)}${i.closedAt ? ' (closed)' : ''}</td><td>${ic ? nameOf(ic) : 'none'}</td>
<td>${timeHtml(i.declaredAt)} <small>(${age(i.declaredAt, now)} ago)</small></td></tr>`;
}

function listHtml(ctx: WebContext, req: Request): Html {
  const actor = localActor(me(req));
  const now = ctx.app.now();
  const shown = ctx.app
    .activeIncidents()
    .filter((i) => ctx.app.shows(i, actor))
    .reverse();
  if (shown.length === 0)
    return h`<p class="empty">No incidents yet. Declare one (tick "drill" to rehearse), or play a <a href="/drills">scripted drill</a>.</p>`;
  return h`<table class="incidents"><caption class="sr">Incidents you may see</caption><thead><tr><th scope="col">Incident</th><th scope="col">Title</th><th scope="col">Phase</th><th scope="col">Commander</th><th scope="col">Declared</th></tr></thead>
<tbody>${shown.map((i) => row(ctx, i, now))}</tbody></table>`;
}

export function registerHome(app: Express, ctx: WebContext): void {
  app.get('/', (req, res) => {
    res.set('Cache-Control', 'no-store');
    if (req.query.fragment === 'live') {
      res.type('html').send(listHtml(ctx, req).html);
      return;
    }
    const person = me(req);
    const c = chrome(ctx, req, 'Incidents', { live: { kind: 'home' } });
    res.type('html').send(
      page(
        c,
        h`<section class="intro"><h1>Incidents</h1>
<p>You are <strong>${person.name}</strong> (${person.about}). Open a second window as someone else (${LOCAL_PEOPLE.filter(
          (p) => p.id !== person.id,
        )
          .map((p) => p.name)
          .join(', ')}) to see each other's actions live.</p>
<p><a class="button primary" href="/declare">Declare an incident</a></p></section>
<div id="live">${listHtml(ctx, req)}</div>`,
      ),
    );
  });

  app.post('/who', (req, res) => {
    const body = (req.body ?? {}) as Body;
    const person = localPerson(one(body, 'person'));
    if (person) setMe(res, person);
    res.redirect(303, backTo(one(body, 'back')));
  });
}
