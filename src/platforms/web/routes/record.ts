// The record: the export page (Markdown with its SVG timeline, CSV, JSON Lines; each download is
// recorded in the log, as an export from Slack is) and the audit trail check of the whole database.
import type { Express } from 'express';
import { localActor } from '../../../app/local-people.js';
import { exportFiles, recordExport } from '../../../app/record.js';
import { appRequest, chrome, roomLinkOf, type WebContext } from '../context.js';
import { incidentPath } from '../render/buttons.js';
import { h, raw, textHtml } from '../render/html.js';
import { page } from '../render/page.js';
import { me } from '../session.js';
import { visibleIncident } from './room.js';

const FORMATS = {
  md: { file: 'markdown', label: 'Review document (Markdown)' },
  svg: { file: 'svg', label: 'Phase timeline (SVG)' },
  csv: { file: 'csv', label: 'Timeline (CSV)' },
  jsonl: { file: 'jsonl', label: 'Decision log with its proof (JSON Lines, for audit verify --file)' },
} as const;
type Format = keyof typeof FORMATS;

export function registerRecord(app: Express, ctx: WebContext): void {
  app.get('/incidents/:key/export', (req, res) => {
    const incident = visibleIncident(ctx, req, res);
    if (!incident) return;
    const base = `${incidentPath(incident.key)}/export`;
    const c = chrome(ctx, req, `Export ${incident.key}`);
    res.type('html').send(
      page(
        c,
        h`<section class="card"><h1>Export ${incident.key}</h1>
<p>Each file is rendered from the verified record (a record that does not verify is refused) and the download is written to the decision log.</p>
<ul class="downloads">${(Object.keys(FORMATS) as Format[]).map((f) => h`<li><a href="${base}/${f}" download>${FORMATS[f].label}</a></li>`)}</ul>
<p><a href="${incidentPath(incident.key)}">Back to the room</a></p></section>`,
      ),
    );
  });

  app.get('/incidents/:key/export/:format', async (req, res) => {
    const incident = visibleIncident(ctx, req, res);
    if (!incident) return;
    const format = req.params.format as Format;
    if (!Object.hasOwn(FORMATS, format)) {
      res.status(404).type('text/plain').send('No such format: md, svg, csv or jsonl.');
      return;
    }
    const rq = appRequest(ctx, req, incident);
    if (!ctx.app.mayRead(incident, rq.actor, rq.roomId)) {
      res.status(403).type('text/plain').send('Members only.');
      return;
    }
    const r = await exportFiles(ctx.app, incident, { withData: true });
    if (!r.ok) {
      ctx.notices.add(rq.actor.id, textHtml(r.text, roomLinkOf(ctx)));
      res.redirect(303, incidentPath(incident.key));
      return;
    }
    const file = r.files[FORMATS[format].file];
    if (!file) {
      res.status(500).type('text/plain').send('That file could not be rendered.');
      return;
    }
    recordExport(ctx.app, rq, incident, format);
    res
      .status(200)
      .set('Content-Type', `${file.type}; charset=utf-8`)
      .set('Content-Disposition', `attachment; filename="${file.name.replace(/[^\w.-]/g, '_')}"`)
      .send(file.content);
  });

  app.get('/audit', async (req, res) => {
    const r = await ctx.local.verifyAudit();
    // The report names every incident: one this person may not see is not named to them.
    const actor = localActor(me(req));
    const text = r.text.replace(/\bINC-[\w-]+/g, (key) => {
      const i = ctx.app.incident(key);
      return i && !ctx.app.shows(i, actor) ? '(a confidential incident)' : key;
    });
    const c = chrome(ctx, req, 'Audit trail');
    res
      .status(200)
      .type('html')
      .send(
        page(
          c,
          h`<section class="card"><h1>Audit trail: ${r.ok ? raw('<span class="ok">holds</span>') : raw('<span class="bad">FAILED</span>')}</h1>
<p>What <code>incident-bot audit verify --db</code> says of the local database: both hash chains, every signed checkpoint, and every incident's state against its log.</p>
<pre class="${r.ok ? 'ok' : 'bad'}">${text}</pre></section>`,
        ),
      );
  });
}
