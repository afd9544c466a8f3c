// Scripted drills in the console: the list (playbooks/drills), starting one, and its run shown step by
// step as it plays (live), with the incident it declared.
import type { Express, Request } from 'express';
import { chrome, type WebContext } from '../context.js';
import type { DrillRun, DrillRuns } from '../drill-runs.js';
import { incidentPath } from '../render/buttons.js';
import { type Html, h, nameOf } from '../render/html.js';
import { notice, page } from '../render/page.js';
import { me } from '../session.js';

function stepsHtml(run: DrillRun): Html {
  const state = run.done
    ? run.done.ok
      ? h`<p class="ok" role="status">Finished: every step was accepted.${run.incidentKey ? h` The review export: <a href="${incidentPath(run.incidentKey)}/export">${run.incidentKey}</a>.` : ''}</p>`
      : h`<p class="bad" role="alert">Stopped: ${run.done.error ?? 'a step failed'}</p>`
    : h`<p role="status">Playing… (${String(run.steps.length)} steps so far)</p>`;
  return h`${state}
${run.incidentKey ? h`<p>Incident: <a href="${incidentPath(run.incidentKey)}">${run.incidentKey}</a> (open it in another window to watch the room)</p>` : ''}
<ol class="steps">${run.steps.map(
    (s) =>
      h`<li class="${s.ok ? 'ok-step' : 'fail'}"><strong>${s.as ? nameOf(s.as) : 'Clock'}</strong> ${s.what}${s.text ? h`<br><small>${s.text}</small>` : ''}</li>`,
  )}</ol>`;
}

function listPage(ctx: WebContext, req: Request): string {
  const drills = ctx.local.drills.list();
  return page(
    chrome(ctx, req, 'Drills'),
    h`<h1>Scripted drills</h1>
<p>A drill plays people's actions through the bot, step by step, on a drill incident: watch it here or in its room. The same script runs headless with <code>incident-bot drill playbooks/drills/NAME.yaml</code>, which writes the review export.</p>
${drills.length === 0 ? h`<p class="empty">No drills in playbooks/drills.</p>` : ''}
<ul class="drills">${drills.map(
      (d) =>
        h`<li><h2>${d.title}</h2><p>${d.description}</p>${
          d.error
            ? h`<p class="bad">This file cannot be played: ${d.error}</p>`
            : h`<form method="post" action="/drills/${d.name}"><button type="submit" class="primary">Play ${d.name}</button></form>`
        }</li>`,
    )}</ul>`,
  );
}

export function registerDrills(app: Express, ctx: WebContext, runs: DrillRuns): void {
  app.get('/drills', (req, res) => {
    res.type('html').send(listPage(ctx, req));
  });

  app.post('/drills/:name', (req, res) => {
    const name = String(req.params.name);
    const drill = /^[\w-]+$/.test(name) ? ctx.local.drills.load(name) : { error: 'no such drill' };
    if ('error' in drill) {
      res
        .status(404)
        .type('html')
        .send(notice(chrome(ctx, req, 'Drill'), 'This drill cannot be played', h`${drill.error}`));
      return;
    }
    const run = runs.start(name, drill, me(req));
    res.redirect(303, `/drills/runs/${run.id}`);
  });

  app.get('/drills/runs/:id', (req, res) => {
    const found = runs.get(String(req.params.id));
    // A confidential drill incident's run (its title, its steps) is for that incident's members.
    const run = found && runs.visibleTo(found, me(req).id) ? found : undefined;
    res.set('Cache-Control', 'no-store');
    if (!run) {
      res
        .status(404)
        .type('html')
        .send(
          notice(chrome(ctx, req, 'Drill'), 'No such run', h`It may have ended before the bot restarted.`),
        );
      return;
    }
    if (req.query.fragment === 'live') {
      res.type('html').send(stepsHtml(run).html);
      return;
    }
    const c = chrome(ctx, req, run.title, { live: { kind: 'drill', id: run.id } });
    res
      .type('html')
      .send(
        page(
          c,
          h`<h1>${run.title}</h1><p>Started by ${nameOf(run.startedBy)}.</p><div id="live">${stepsHtml(run)}</div>`,
        ),
      );
  });
}
