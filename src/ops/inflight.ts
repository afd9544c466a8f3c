// Knows when the bot is quiet, for a graceful shutdown: requests still being answered, and the last
// moment anything happened (a request, a command handled). Slack listeners go on after the ack, so
// "no request open" is not enough: shutdown also waits for a short quiet period without commands.
import type { NextFunction, Request, Response } from 'express';

export class InflightTracker {
  private open = 0;
  private last = 0;

  /** Counts a request from arrival until its response is finished or the socket closed. */
  middleware = (_req: Request, res: Response, next: NextFunction): void => {
    this.open++;
    this.touch();
    let done = false;
    const end = () => {
      if (done) return;
      done = true;
      this.open--;
      this.touch();
    };
    res.once('finish', end);
    res.once('close', end);
    next();
  };

  /** Something happened (call it from IncidentService.onChange). */
  touch = (): void => {
    this.last = Date.now();
  };

  get inflight(): number {
    return this.open;
  }

  /** Waits until no request is open and nothing happened for `quietMs`, or `timeoutMs` passed. True when quiet. */
  async settle(timeoutMs: number, quietMs = 150): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const quiet = this.open === 0 && Date.now() - this.last >= quietMs;
      if (quiet) return true;
      if (Date.now() >= deadline) return false;
      await new Promise((r) => setTimeout(r, Math.min(25, Math.max(1, deadline - Date.now()))));
    }
  }
}
