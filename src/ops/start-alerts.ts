// The alert intake's wiring (issue 21): the intake over the alert store and the application layer, and its
// two webhook routes on the bot's HTTP server (answers: integrations/alert-webhooks/alert-webhook-route.ts).
// Mounted only when ALERT_WEBHOOK_TOKEN (and ALERTS_CHANNEL) are set: without a token the paths are not
// served at all (404), never open.
import express, { type NextFunction, type Request, type Response } from 'express';
import { AlertIntake } from '../app/alert-intake.js';
import type { AlertStore } from '../app/alert-ports.js';
import type { IncidentApp } from '../app/incident-app.js';
import type { AppLogger } from '../app/ports.js';
import type { AlertSource } from '../domain/alert-group.js';
import {
  alertWebhookAnswer,
  tooLarge,
  unauthorized,
  type WebhookAnswer,
} from '../integrations/alert-webhooks/alert-webhook-route.js';

export { ALERT_WEBHOOK_PATHS } from '../integrations/alert-webhooks/alert-webhook-route.js';

export interface AlertIntakeSettings {
  token: string;
  channel: string;
  platform: 'slack' | 'teams';
  maxBytes: number;
  /** ALERT_MAX_NEW_GROUPS_PER_MINUTE (absent or 0: no limit). */
  maxNewGroupsPerMinute?: number;
}

function send(res: Response, a: WebhookAnswer): void {
  res
    .status(a.status)
    .set(a.headers ?? {})
    .json(a.json);
}

export function startAlerts(o: {
  settings: AlertIntakeSettings;
  app: IncidentApp;
  store: AlertStore;
  express: express.Express;
  dispatcher: { kick(): void };
  logger: AppLogger;
}): AlertIntake {
  const { token, maxBytes } = o.settings;
  const intake = new AlertIntake({
    store: o.store,
    app: o.app,
    platform: o.settings.platform,
    channel: o.settings.channel,
    dispatcher: o.dispatcher,
    ...(o.settings.maxNewGroupsPerMinute ? { maxNewGroupsPerMinute: o.settings.maxNewGroupsPerMinute } : {}),
  });
  // The token first: an unauthenticated sender's body is never read.
  const auth = (req: Request, res: Response, next: NextFunction) => {
    const refused = unauthorized(req.get('authorization'), token);
    if (refused) send(res, refused);
    else next();
  };
  const body = express.raw({ type: () => true, limit: maxBytes });
  const handle = (source: AlertSource) => (req: Request, res: Response) =>
    send(
      res,
      alertWebhookAnswer(
        { intake, logger: o.logger },
        source,
        Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
      ),
    );
  const bodyErrors = (err: unknown, _req: Request, res: Response, next: NextFunction) => {
    const e = err as { type?: string; status?: number } | null;
    if (e?.type === 'entity.too.large') return send(res, tooLarge(maxBytes));
    if (e?.status && e.status >= 400 && e.status < 500)
      return send(res, { status: 400, json: { ok: false, error: 'the body could not be read' } });
    next(err);
  };
  o.express.post('/webhooks/alertmanager', auth, body, handle('alertmanager'), bodyErrors);
  o.express.post('/webhooks/grafana', auth, body, handle('grafana'), bodyErrors);
  o.logger.info(
    { platform: o.settings.platform, channel: o.settings.channel },
    'alert intake on: POST /webhooks/alertmanager, /webhooks/grafana',
  );
  return intake;
}
