// The local console as a platform (local mode only): server-rendered pages on the shared express app,
// guarded by the console's key, and the Sender that delivers the outbox to the browser (Server-Sent
// Events). Every action goes through the application layer, as Slack's and Teams' do.
import express from 'express';
import type { ConsoleFeed } from '../../app/ports.js';
import type { PlatformAdapter, PlatformDeps } from '../platform.js';
import { audienceOf, type LocalControls, Notices, type WebContext, webSurface } from './context.js';
import { DrillRuns } from './drill-runs.js';
import { LiveHub } from './live.js';
import { registerActions } from './routes/actions.js';
import { registerDebrief } from './routes/debrief.js';
import { registerDrills } from './routes/drills.js';
import { registerForms } from './routes/forms.js';
import { registerHome } from './routes/home.js';
import { registerLocal } from './routes/local.js';
import { registerRecord } from './routes/record.js';
import { registerRoom } from './routes/room.js';
import { consoleGuard } from './session.js';
import { WebSender } from './web-sender.js';

export interface WebSettings {
  /** The console's key (kept with the local database; printed in the console's address at start). */
  key: string;
  /** The HOST setting, when the console was exposed beyond loopback on purpose. */
  listenHost?: string;
  feed: ConsoleFeed;
  local: LocalControls;
  /** Between two steps of a drill played in the console (tests play faster). */
  drillPauseMs?: number;
}

export interface WebAdapter extends PlatformAdapter {
  name: 'web';
  context: WebContext;
}

const SECURITY_HEADERS = {
  'Content-Security-Policy':
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
  'X-Content-Type-Options': 'nosniff',
  // Not no-referrer: with it browsers send `Origin: null` on every form post, and the guard checks Origin.
  'Referrer-Policy': 'same-origin',
  'X-Frame-Options': 'DENY',
};

export function createWebAdapter(deps: PlatformDeps, s: WebSettings): WebAdapter {
  const live = new LiveHub();
  const context: WebContext = {
    app: deps.app,
    surface: webSurface(),
    feed: s.feed,
    live,
    notices: new Notices(),
    local: s.local,
  };
  // Anything that changed an incident refreshes the pages showing it (its log, its lists).
  deps.app.service.onChange((o) => {
    if (o.incident) live.publish({ incident: o.incident.key }, audienceOf(deps.app, o.incident));
  });
  const router = express.Router();
  router.use((_req, res, next) => {
    res.set(SECURITY_HEADERS);
    next();
  });
  router.use(consoleGuard(s.key, s.listenHost));
  router.use(express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 200 }));
  const routes = router as unknown as express.Express;
  registerHome(routes, context);
  registerRoom(routes, context);
  registerForms(routes, context);
  registerActions(routes, context);
  registerRecord(routes, context);
  registerDebrief(routes, context);
  registerLocal(routes, context);
  registerDrills(routes, context, new DrillRuns(context, s.drillPauseMs));
  // A body too large or malformed gets a sentence, never express's error page.
  router.use((err: unknown, _req: express.Request, res: express.Response, next: express.NextFunction) => {
    if (!err) return next();
    const status = Number((err as { status?: unknown }).status);
    if (status >= 400 && status < 500) {
      res
        .status(status)
        .type('text/plain')
        .send(status === 413 ? 'That was too large.' : 'That request could not be read.');
      return;
    }
    deps.logger.error({ err }, 'console request failed');
    res
      .status(500)
      .type('text/plain')
      .send('Something went wrong on my side. Reload the page to see what was recorded.');
  });
  deps.express.use(router);
  return {
    name: 'web',
    sender: new WebSender({ app: deps.app, feed: s.feed, live }),
    verified: 'local console (no chat platform)',
    context,
    start: async () => {},
    stop: async () => live.close(),
  };
}
