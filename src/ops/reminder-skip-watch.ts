// Makes a stuck reminder lock visible. A replica that cannot take REMINDER_LOCK skips the pass: normal while
// another replica runs it, but a lock kept by a session nobody drives (a replica frozen, or abandoned in a
// network black hole until the server's keepalive ends it) stops every reminder. So when this replica has
// skipped every pass for `afterMs` and the session holding the lock is not running a pass (idle a minute or
// more, or cannot be told), it warns, then again at most every `everyMs` while that lasts.
import type { ReminderLockHolder } from '../storage/reminder-leader.js';

export const SKIP_WARN_AFTER_MS = 5 * 60_000;
export const SKIP_WARN_EVERY_MS = 15 * 60_000;
/** A pass's statements follow each other within milliseconds: a holder idle this long is not running one. */
export const HOLDER_IDLE_MS = 60_000;

export interface SkipWarning {
  /** Since when (ISO) this replica has skipped every pass. */
  since: string;
  minutes: number;
  holder: string;
}

export class ReminderSkipWatch {
  private skippingSince: number | null = null;
  private warnedAt: number | null = null;

  constructor(private readonly o: { afterMs?: number; everyMs?: number } = {}) {}

  /** A pass skipped at `now` (ms): the warning to log, if one is due; `holder` is asked only then. */
  skipped(now: number, holder: () => ReminderLockHolder | null): SkipWarning | null {
    this.skippingSince ??= now;
    if (now - this.skippingSince < (this.o.afterMs ?? SKIP_WARN_AFTER_MS)) return null;
    if (this.warnedAt !== null && now - this.warnedAt < (this.o.everyMs ?? SKIP_WARN_EVERY_MS)) return null;
    const h = holder();
    if (!h || (h.idleMs !== null && h.idleMs < HOLDER_IDLE_MS)) return null;
    this.warnedAt = now;
    return {
      since: new Date(this.skippingSince).toISOString(),
      minutes: Math.floor((now - this.skippingSince) / 60_000),
      holder: h.who,
    };
  }

  /** This replica led a pass: true when it had warned (the lock is free again: say so). */
  led(): boolean {
    const warned = this.warnedAt !== null;
    this.skippingSince = null;
    this.warnedAt = null;
    return warned;
  }
}
