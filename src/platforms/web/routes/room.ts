// The incident room: the summary with role claims, the golden-hour checklist, the timeline (key entries by
// phase), the posts delivered to the room, the person's own messages, the decision log, the phase timeline
// picture, and a box for the typed verbs. `?fragment=live` is the part that live updates replace.
import type { Express, Request, Response } from 'express';
import { localActor } from '../../../app/local-people.js';
import { type LogLine, recentLog, timelineSvg } from '../../../app/record.js';
import { timelineOf } from '../../../app/timeline.js';
import type { Incident } from '../../../domain/incident.js';
import { checklistView } from '../../../views/checklist.js';
import { followupList } from '../../../views/lists.js';
import type { PostView } from '../../../views/post.js';
import { summaryView } from '../../../views/summary.js';
import { chrome, renderCtx, roomLinkOf, type WebContext } from '../context.js';
import { incidentPath } from '../render/buttons.js';
import { checklistHtml } from '../render/checklist.js';
import { type Html, h, nameOf, textHtml, timeHtml } from '../render/html.js';
import { notice, page } from '../render/page.js';
import { listHtml, postHtml } from '../render/post.js';
import { summaryHtml } from '../render/summary.js';
import { timelineHtml } from '../render/timeline.js';
import { me } from '../session.js';

const FEED_LIMIT = 60;

/** The incident when this person may see it; otherwise the page saying why (and null). */
export function visibleIncident(ctx: WebContext, req: Request, res: Response): Incident | null {
  const key = String(req.params.key ?? '');
  const incident = ctx.app.incident(key);
  const c = () => chrome(ctx, req, 'Not found');
  // A live refresh gets a bare status (its page reloads or stays); only a page takes the person's notices.
  if (req.query.fragment === 'live' && (!incident || !ctx.app.shows(incident, localActor(me(req))))) {
    res.status(incident ? 403 : 404).end();
    return null;
  }
  if (!incident) {
    res
      .status(404)
      .type('html')
      .send(notice(c(), 'No such incident', h`There is no incident ${key}.`));
    return null;
  }
  if (!ctx.app.shows(incident, localActor(me(req)))) {
    // A confidential incident is not named to someone outside it.
    res
      .status(403)
      .type('html')
      .send(notice({ ...c(), title: 'Members only' }, 'Members only', textHtml(ctx.app.notMember(incident))));
    return null;
  }
  return incident;
}

function posts(ctx: WebContext, incident: Incident, to: string, empty: string): Html {
  const rc = { ...renderCtx(incident.key), idPrefix: to === 'room' ? 'feed' : 'mine' };
  const link = roomLinkOf(ctx);
  const list = ctx.feed.list(incident.key, to, FEED_LIMIT);
  if (list.length === 0) return h`<p class="empty">${empty}</p>`;
  return h`${list.map((p) => postHtml(rc, JSON.parse(p.view) as PostView, p.at, link))}`;
}

/** A log line as people read it: whoever acted by name (the export's wording starts with their id). */
function logLine(e: LogLine): Html {
  const who = nameOf(e.actor);
  if (e.text.startsWith(`${e.actor} `))
    return h`<span class="who">${who}</span>${e.text.slice(e.actor.length)}`;
  return h`<span class="who">${who}</span>: ${e.text}`;
}

export function liveHtml(ctx: WebContext, req: Request, incident: Incident): Html {
  const pb = ctx.app.playbookFor(incident);
  const rc = renderCtx(incident.key);
  const link = roomLinkOf(ctx);
  const person = me(req);
  const log = recentLog(ctx.app, incident, 40);
  return h`<div class="room">
<div class="col">
${summaryHtml(rc, summaryView(incident, pb), link)}
${checklistHtml(rc, checklistView(incident, pb))}
${timelineHtml(timelineOf(ctx.app, incident), link)}
<section class="card" aria-labelledby="followups-h"><h2 id="followups-h">Follow-ups</h2>${listHtml(rc, followupList(incident), link)}</section>
</div>
<div class="col">
<section class="card mine" aria-labelledby="mine-h"><h2 id="mine-h">Only you (${person.name}) see these</h2>${posts(ctx, incident, `user:${person.id}`, 'Nothing for you yet: role briefs and reminders for you appear here.')}</section>
<section class="card feed" aria-labelledby="feed-h"><h2 id="feed-h">Room ${incident.room ? h`<small>#${incident.room.name}</small>` : h`<small>(being created)</small>`}</h2>${posts(ctx, incident, 'room', 'No posts yet.')}</section>
<section class="card" aria-labelledby="log-h"><h2 id="log-h">Decision log <small>(newest first, last ${String(log.length)})</small></h2>
<ol class="log" reversed>${log.reverse().map((e) => h`<li>${timeHtml(e.at)} ${logLine(e)}</li>`)}</ol></section>
<section class="card" aria-labelledby="timeline-h"><h2 id="timeline-h">Phase timeline</h2><figure class="timeline"><img src="${incidentPath(incident.key)}/timeline.svg?v=${String(incident.version)}" alt="The phases of ${incident.key} over time, with its communications and role changes" width="900"></figure>
<p><a href="${incidentPath(incident.key)}/export">Export the record</a> (Markdown with this picture, CSV, JSON Lines) · <a href="/audit">Verify the audit trail</a></p></section>
</div>
</div>`;
}

function roomPage(ctx: WebContext, req: Request, incident: Incident): string {
  const c = chrome(ctx, req, incident.key, { live: { kind: 'incident', id: incident.key } });
  const say = h`<form method="post" action="${incidentPath(incident.key)}/say" class="say">
<label for="say-text">Tell the bot <small>(a verb, as after the incident command: <code>log …</code>, <code>decision … because …</code>, <code>evidence https://…</code>, <code>role tl @bob</code>, <code>add @dave</code>, <code>status</code>, <code>help</code>)</small></label>
<div class="say-row"><input id="say-text" name="text" maxlength="4000" autocomplete="off" required><button type="submit" class="primary">Send</button></div>
</form>`;
  return page(
    c,
    h`<h1>${incident.drill ? 'DRILL ' : ''}${incident.key}: ${incident.title}</h1>${say}<div id="live">${liveHtml(ctx, req, incident)}</div>`,
  );
}

export function registerRoom(app: Express, ctx: WebContext): void {
  app.get('/incidents/:key', (req, res) => {
    const incident = visibleIncident(ctx, req, res);
    if (!incident) return;
    res.set('Cache-Control', 'no-store');
    if (req.query.fragment === 'live') {
      res.type('html').send(liveHtml(ctx, req, incident).html);
      return;
    }
    res.type('html').send(roomPage(ctx, req, incident));
  });
  // The picture has its own <style>: served as an image (scripts never run there) with a policy that allows it.
  app.get('/incidents/:key/timeline.svg', (req, res) => {
    const incident = visibleIncident(ctx, req, res);
    if (!incident) return;
    res
      .set('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'")
      .set('Cache-Control', 'no-store')
      .type('image/svg+xml')
      .send(timelineSvg(ctx.app, incident));
  });
}
