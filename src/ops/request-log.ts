// One child logger per inbound request, with the request id bound (`req.log`), plus an
// AsyncLocalStorage so code deep in a handler (Bolt listeners, the Teams app) can log with the
// request's bindings without being handed the request: `requestLog(fallback)`.
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

const storage = new AsyncLocalStorage<Logger>();

/** The current request's logger, or `fallback` outside a request. */
export function requestLog(fallback: Logger): Logger {
  return storage.getStore() ?? fallback;
}

const REQ_ID_RE = /^[A-Za-z0-9._:-]{1,64}$/;

export function requestLogger(logger: Logger) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const incoming = req.get('x-request-id');
    const reqId = incoming && REQ_ID_RE.test(incoming) ? incoming : randomUUID();
    const bindings: Record<string, string | number> = { reqId, route: req.path };
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
    storage.run(log, () => next());
  };
}
