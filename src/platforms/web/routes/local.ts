// Local mode's own screens: the drill clock's fast-forward, the stakeholder channel (where alerts,
// updates and closure notices go), the live event stream and the console's two static files.
import type { Express } from 'express';
import { fastForward } from '../../../app/drill-clock.js';
import { localActor } from '../../../app/local-people.js';
import type { PostView } from '../../../views/post.js';
import { CONSOLE_CSS, CONSOLE_JS } from '../assets.js';
import { backTo, chrome, renderCtx, roomLinkOf, type WebContext } from '../context.js';
import { type Body, one } from '../parse/form-values.js';
import { h, textHtml } from '../render/html.js';
import { page } from '../render/page.js';
import { postHtml } from '../render/post.js';
import { me } from '../session.js';

function stakeholderFeed(ctx: WebContext) {
  const posts = ctx.feed.list(null, 'stakeholders', 100).reverse();
  const link = roomLinkOf(ctx);
  if (posts.length === 0) return h`<p class="empty">Nothing sent to stakeholders yet.</p>`;
  return h`${posts.map((p) => postHtml(renderCtx(p.incidentKey), JSON.parse(p.view) as PostView, p.at, link))}`;
}

export function registerLocal(app: Express, ctx: WebContext): void {
  app.post('/clock/forward', async (req, res) => {
    const body = (req.body ?? {}) as Body;
    const person = me(req);
    const r = await fastForward(
      ctx.app,
      ctx.local.clock,
      localActor(person),
      Number(one(body, 'minutes')),
      ctx.local.afterForward,
    );
    ctx.notices.add(person.id, textHtml(r.text));
    ctx.live.publish({ stakeholders: true });
    res.redirect(303, backTo(one(body, 'back')));
  });

  app.get('/stakeholders', (req, res) => {
    res.set('Cache-Control', 'no-store');
    if (req.query.fragment === 'live') {
      res.type('html').send(stakeholderFeed(ctx).html);
      return;
    }
    const c = chrome(ctx, req, 'Stakeholder channel', { live: { kind: 'stakeholders' } });
    res
      .type('html')
      .send(
        page(
          c,
          h`<h1>Stakeholder channel</h1><p>What the stakeholders were told (announcements, initial alerts, status updates, closure notices), newest first.</p><div id="live">${stakeholderFeed(ctx)}</div>`,
        ),
      );
  });

  app.get('/events', (req, res) => ctx.live.connect(req, res, me(req).id));

  app.get('/assets/console.css', (_req, res) => {
    res.type('text/css').set('Cache-Control', 'no-cache').send(CONSOLE_CSS);
  });
  app.get('/assets/console.js', (_req, res) => {
    res.type('text/javascript').set('Cache-Control', 'no-cache').send(CONSOLE_JS);
  });
}
