// Publishes the signed checkpoints outside the database: every one is written to the log (which ships
// elsewhere), and a digest is posted to the audit channel at most every AUDIT_PUBLISH_MINUTES and whenever
// an incident closes. It works after the fact, from what storage committed, so nothing it does can be
// rolled back, and no request waits for it.
import { digestOf } from '../domain/audit/checkpoint.js';
import type { AppLogger, CheckpointFeed } from './ports.js';

export interface AuditPublisherOptions {
  feed: CheckpointFeed;
  logger: AppLogger;
  /** The platform whose sender posts to the audit channel; none: digests go to the log only. */
  platform?: string | undefined;
  everyMinutes: number;
  now?: () => Date;
  /** Called after a digest was queued (the dispatcher delivers it). */
  queued?: () => void;
}

export class AuditPublisher {
  private logged = 0;
  private timer: NodeJS.Timeout | null = null;
  private soon: NodeJS.Immediate | null = null;
  private closing = false;

  constructor(private readonly o: AuditPublisherOptions) {}

  private now(): Date {
    return this.o.now ? this.o.now() : new Date();
  }

  /** Logs where the ledger stands, then looks every `intervalMs` (checkpoints written by other processes). */
  start(intervalMs = 60_000): void {
    const latest = this.o.feed.latest();
    if (latest) {
      this.logged = latest.n;
      this.o.logger.info(
        { audit: digestOf(latest), seq: latest.seq, keyId: latest.keyId },
        'audit ledger at checkpoint',
      );
    }
    this.timer = setInterval(() => this.safely(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.soon) clearImmediate(this.soon);
    this.timer = null;
    this.soon = null;
  }

  /** After a change: runs once the current request is answered; `closed` posts a digest now. */
  changed(closed = false): void {
    this.closing ||= closed;
    this.soon ??= setImmediate(() => {
      this.soon = null;
      this.safely();
    });
  }

  private safely(): void {
    try {
      this.tick();
    } catch (e) {
      this.o.logger.error({ err: e }, 'audit publisher failed; it tries again on the next change or minute');
    }
  }

  /** Logs every checkpoint not logged yet; queues a digest for the audit channel when one is due. */
  tick(): void {
    for (
      let batch = this.o.feed.after(this.logged, 500);
      batch.length;
      batch = this.o.feed.after(this.logged, 500)
    ) {
      for (const c of batch) {
        this.o.logger.info({ audit: digestOf(c), seq: c.seq, keyId: c.keyId }, 'audit checkpoint');
        this.logged = c.n;
      }
    }
    const closing = this.closing;
    this.closing = false;
    if (!this.o.platform) return;
    const latest = this.o.feed.latest();
    if (!latest) return;
    const last = this.o.feed.lastPublished(this.o.platform);
    const now = this.now();
    if (last && last.n >= latest.n) return;
    const due = !last || closing || now.getTime() - last.at.getTime() >= this.o.everyMinutes * 60_000;
    if (!due) return;
    this.o.feed.publish(latest, this.o.platform, now);
    this.o.queued?.();
  }
}
