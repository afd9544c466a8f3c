// A database outage told once. While PostgreSQL's connection is down (the bridge reconnects on its own) every
// pass of a timer fails the same way, each second for the outbox dispatcher: a stack per pass would bury the
// log. The first failure is one warning line, the recovery one line, and nothing in between. Any other
// failure is the caller's to log as before (it may be a bug: its stack matters).
import type { AppLogger, StorageFailure } from './ports.js';

/** An error's message alone, for a one-line log. */
export const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export interface OutageLogOptions {
  logger?: Pick<AppLogger, 'info' | 'warn' | 'error'> | undefined;
  /** Storage's reading of an error (classifyStorageError); without it nothing counts as an outage. */
  classify?: ((e: unknown) => StorageFailure) | undefined;
  /** What stops meanwhile, for the two lines ("outbox delivery"). */
  what: string;
  now?: () => Date;
}

export class OutageLog {
  private since: Date | null = null;

  constructor(private readonly o: OutageLogOptions) {}

  private now(): Date {
    return this.o.now ? this.o.now() : new Date();
  }

  /** Whether an outage is being told (its first failure logged, no recovery yet). */
  get down(): boolean {
    return this.since !== null;
  }

  /**
   * True when `e` is the database being unavailable: logged once per outage (the first time, at warn, one line
   * with no stack), silently afterwards. False for anything else: the caller logs it.
   */
  failed(e: unknown, fields: object = {}): boolean {
    if (this.o.classify?.(e) !== 'unavailable') return false;
    if (this.since === null) {
      this.since = this.now();
      this.o.logger?.warn(
        { ...fields, error: errorText(e) },
        `database unavailable; ${this.o.what} paused until it is back`,
      );
    }
    return true;
  }

  /** Logs a failure: the outage line (once) when the database is unavailable, else `msg` at `level` with `e`. */
  log(level: 'warn' | 'error', e: unknown, fields: object, msg: string): void {
    if (!this.failed(e, fields)) this.o.logger?.[level]({ err: e, ...fields }, msg);
  }

  /** The database answered: an outage being told is over (one line); nothing otherwise. */
  ok(): void {
    if (this.since === null) return;
    const seconds = Math.max(0, Math.round((this.now().getTime() - this.since.getTime()) / 1000));
    this.since = null;
    this.o.logger?.info({ downSeconds: seconds }, `database reachable again; ${this.o.what} resumed`);
  }
}
