// No platform request is answered before what it wrote is on disk. Slack and Teams take the HTTP answer as
// the acknowledgement (a slash command's note is stored before its ack, a form's command before the modal
// closes): the response's end is held until the database says every change so far is durable. Requests
// answered at the same moment share one sync (see wal-sync.ts). If the sync fails, the connection is
// dropped without an answer: the platform retries, and the command's idempotency key makes that safe.
import type { NextFunction, Request, Response } from 'express';
import type { Durability } from '../storage/sqlite/wal-sync.js';

export function durableAcks(
  durability: Durability,
  onFailure: (e: unknown) => void,
): (req: Request, res: Response, next: NextFunction) => void {
  return (_req, res, next) => {
    const end = res.end.bind(res) as (...args: unknown[]) => Response;
    // Express's send/json and Bolt's ack all finish through end(); the headers go out with it.
    res.end = ((...args: unknown[]) => {
      durability.durable().then(
        () => end(...args),
        (e: unknown) => {
          onFailure(e);
          res.destroy();
        },
      );
      return res;
    }) as Response['end'];
    next();
  };
}
