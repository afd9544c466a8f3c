// No platform request that stored a command is answered before that command is on disk. Slack and Teams
// take the HTTP answer as the acknowledgement (a slash command's note is stored before its ack, a form's
// command before the modal closes): the response's end is held until the database says every change so
// far is durable; requests answered at the same moment share one sync (wal-sync.ts). A request that stored
// nothing before its answer (a button acks first and works after) is not held: measured, holding every ack
// behind the sync of other requests' writes multiplied button p99 at 200/s. If the sync fails, the
// connection is dropped without an answer: the platform retries, and the idempotency key makes that safe.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { NextFunction, Request, Response } from 'express';
import type { Durability } from '../storage/sqlite/wal-sync.js';

const requests = new AsyncLocalStorage<{ stored: boolean }>();

/** Called after each commit: the request it ran for (if any) now waits for a sync before its answer. */
export function noteCommit(): void {
  const r = requests.getStore();
  if (r) r.stored = true;
}

export function durableAcks(
  durability: Durability,
  onFailure: (e: unknown) => void,
): (req: Request, res: Response, next: NextFunction) => void {
  return (_req, res, next) => {
    const request = { stored: false };
    const end = res.end.bind(res) as (...args: unknown[]) => Response;
    // Express's send/json and Bolt's ack all finish through end(); the headers go out with it.
    res.end = ((...args: unknown[]) => {
      if (!request.stored) return end(...args);
      durability.durable().then(
        () => end(...args),
        (e: unknown) => {
          onFailure(e);
          res.destroy();
        },
      );
      return res;
    }) as Response['end'];
    requests.run(request, next);
  };
}
