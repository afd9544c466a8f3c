// One child logger per inbound request (`req.log`), and an AsyncLocalStorage request context: every log
// line written while a request is handled (Bolt listeners and the Teams app included, after the ack too)
// carries its `reqId` and, once a handler knows it, the `incident` key (`bindIncident`), through the
// root logger's pino `mixin` (`requestFields`).
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from '../logger.js';

declare global {
  namespace Express {
    interface Request {
      /** The request's child logger (reqId, route, and Slack retry / timestamp headers when present). */
      log?: Logger;
      reqId?: string;
    }
  }
}

interface RequestContext {
  reqId: string;
  incident?: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

/** The fields every log line of the current request carries (the root logger's mixin); {} outside one. */
export function requestFields(): Record<string, string> {
  const c = storage.getStore();
  if (!c) return {};
  return c.incident ? { reqId: c.reqId, incident: c.incident } : { reqId: c.reqId };
}

/** Binds the incident a request is about: its later log lines carry `incident`. No-op outside a request. */
export function bindIncident(key: string | null | undefined): void {
  const c = storage.getStore();
  if (c && key) c.incident = key;
}

const REQ_ID_RE = /^[A-Za-z0-9._:-]{1,64}$/;

export function requestLogger(logger: Logger) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const incoming = req.get('x-request-id');
    const reqId = incoming && REQ_ID_RE.test(incoming) ? incoming : randomUUID();
    // reqId comes from the request context (mixin), not a child binding: one key, not two.
    const bindings: Record<string, string | number> = { route: req.path };
    const slackTs = req.get('x-slack-request-timestamp');
    if (slackTs) bindings.slackTs = slackTs;
    const retryNum = req.get('x-slack-retry-num');
    if (retryNum) {
      bindings.slackRetryNum = Number(retryNum);
      const reason = req.get('x-slack-retry-reason');
      if (reason) bindings.slackRetryReason = reason.slice(0, 40);
    }
    const log = logger.child(bindings);
    req.log = log;
    req.reqId = reqId;
    res.setHeader('x-request-id', reqId);
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      if (!log.isLevelEnabled('debug')) return;
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      // The Teams activity id is only known once the route's JSON parser ran: log it at the end.
      const body = req.body as { id?: unknown; type?: unknown } | undefined;
      const activityId = req.path === '/api/messages' && typeof body?.id === 'string' ? body.id : undefined;
      log.debug(
        {
          method: req.method,
          status: res.statusCode,
          ms: Math.round(ms * 10) / 10,
          ...(activityId ? { activityId } : {}),
        },
        'request',
      );
    });
    storage.run({ reqId }, () => next());
  };
}
