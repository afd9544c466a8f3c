// The debrief's calendar file in the local console: the invitation (a post to each invitee) links here.
// Behind the console's guard like every page; only someone who may read the incident gets it.
import type { Express } from 'express';
import { debriefIcs } from '../../../views/debrief.js';
import { appRequest, type WebContext } from '../context.js';
import { nameOf } from '../render/html.js';
import { visibleIncident } from './room.js';

export function registerDebrief(app: Express, ctx: WebContext): void {
  app.get('/incidents/:key/debrief.ics', (req, res) => {
    const incident = visibleIncident(ctx, req, res);
    if (!incident) return;
    const rq = appRequest(ctx, req, incident);
    if (!ctx.app.mayRead(incident, rq.actor, rq.roomId)) {
      res.status(403).type('text/plain').send('Members only.');
      return;
    }
    const file = debriefIcs(incident, ctx.app.playbookFor(incident), {}, { nameOf });
    if (!file) {
      res.status(404).type('text/plain').send(`No debrief is scheduled for ${incident.key}.`);
      return;
    }
    res
      .status(200)
      .set('Content-Type', 'text/calendar; charset=utf-8')
      .set('Content-Disposition', `attachment; filename="${file.name}"`)
      .send(file.content);
  });
}
