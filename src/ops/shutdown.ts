// The bot's orderly stop: stop taking work, let accepted requests finish, drain the outbox for what is left
// of the drain time, then close storage. Once: a second call gets the first one's answer.
import type { Server } from 'node:http';
import type { Dispatcher } from '../app/dispatcher.js';
import type { AppLogger } from '../app/ports.js';
import type { InflightTracker } from './inflight.js';

export interface ShutdownParts {
  drainSeconds: number;
  /** New requests get 503 from now on. */
  stopAccepting(): void;
  /** Timers that start work (the reminder scheduler, the audit publisher). */
  timers: ({ stop(): void } | null)[];
  trackerPoller?: { stop(): Promise<void> } | null | false;
  server: Server;
  inflight: InflightTracker;
  /** The platforms' adapters (stopped after accepted requests finish). */
  adapters: { stop(): Promise<void> }[];
  /** Drains what this process owes (not rows another replica holds: see Dispatcher.owed). */
  dispatcher: Pick<Dispatcher, 'stop' | 'drain' | 'idle' | 'owed'>;
  /** Metrics unregistered, the WAL synced, the database closed. */
  closeStorage(): Promise<void>;
  logger: AppLogger;
}

export function orderlyShutdown(p: ShutdownParts): (drainSeconds?: number) => Promise<{ drained: boolean }> {
  let closed: Promise<{ drained: boolean }> | null = null;
  return (drainSeconds = p.drainSeconds) => {
    closed ??= (async () => {
      const deadline = Date.now() + drainSeconds * 1000;
      const left = () => Math.max(0, deadline - Date.now());
      p.stopAccepting();
      for (const t of p.timers) t?.stop();
      if (p.trackerPoller) await p.trackerPoller.stop();
      const serverClosed = new Promise<void>((r) => p.server.close(() => r()));
      p.server.closeIdleConnections?.();
      // Requests already accepted are answered and their handlers finish (Slack listeners go on after the ack).
      await p.inflight.settle(Math.min(left(), 5000));
      for (const a of p.adapters) await a.stop().catch(() => undefined);
      p.dispatcher.stop();
      // A database error while draining must not keep the database open: what is left stays queued.
      const drain = () =>
        p.dispatcher.drain(left()).catch((e: unknown) => {
          p.logger.error({ err: e }, 'outbox drain failed during shutdown; undelivered rows stay queued');
          return false;
        });
      let drained = await drain();
      // A handler that was still running may have queued more: one more quiet period, one more drain.
      const owed = () => {
        try {
          return p.dispatcher.owed() > 0;
        } catch {
          return true; // unknown: try the drain (it logs its own failure)
        }
      };
      if (!(await p.inflight.settle(Math.min(left(), 1000))) || owed()) drained = await drain();
      let grace: NodeJS.Timeout | undefined;
      await Promise.race([serverClosed, new Promise((r) => (grace = setTimeout(r, 1000)))]);
      clearTimeout(grace);
      p.server.closeAllConnections?.();
      await p.dispatcher.idle();
      await p.closeStorage();
      p.logger.info({ drained }, 'incident-bot stopped');
      return { drained };
    })();
    return closed;
  };
}
