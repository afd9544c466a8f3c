// Delivers the outbox: in order per lane (one channel), paced, with retries and backoff.
// A row is marked sent only after the platform accepted it; a crash in between re-sends it once
// on restart (at-least-once), never loses it. It runs over 400 lines: lanes, pacing, retries, outside
// calls and alert prompts share one delivery state machine, which is clearer read in one place.

import type { AlertPromptSender, AlertStore } from './alert-ports.js';
import { sendAlertPrompt } from './alert-prompt-delivery.js';
import {
  type Atomically,
  type IncidentRepo,
  NO_ROOM,
  type OutboxQueue,
  type OutboxRow,
  type Sender,
  type SendResult,
} from './ports.js';

export type { Sender, SendResult } from './ports.js';

export interface DispatcherLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface DispatcherOptions {
  outbox: OutboxQueue;
  incidents: Pick<IncidentRepo, 'get' | 'appendSystemLog'>;
  /** One commit for a row's status and its log entry (storage's transaction); default: none. */
  atomically?: Atomically;
  senders: Partial<Record<string, Sender>>;
  now?: () => Date;
  logger?: DispatcherLogger;
  /** Attempts before a row is given up (and the failure logged). */
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Minimum gap between two deliveries in one lane (Slack: about one message per second per channel). */
  paceMs?: number;
  batch?: number;
  onResult?: (row: OutboxRow, result: SendResult, ms: number) => void;
  /**
   * Resolves once everything committed so far is on disk. Awaited before sending: a message the world
   * has seen must be in the record after a power loss, with the command that owed it.
   */
  durable?: () => Promise<void>;
  /**
   * Alert prompts (rows to `{ to: 'alerts' }`, whose incident key is an alert group's id): the group is read
   * here and its platform's prompt sender posts or updates the prompt. No incident log is written for them.
   */
  alerts?: { store: Pick<AlertStore, 'get'>; senders: Partial<Record<string, AlertPromptSender>> };
}

/** The reason a sender gave for settling a row without sending it (`{ skipped: why }`), if any. */
function skippedReason(result: unknown): string | undefined {
  const why = (result as { skipped?: unknown } | null | undefined)?.skipped;
  return typeof why === 'string' && why !== '' ? why : undefined;
}

export class Dispatcher {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;
  /** A kick asked for but not started yet (see kick()). */
  private scheduled: NodeJS.Immediate | null = null;
  private again = false;
  private readonly lastSent = new Map<string, number>();
  private stopped = false;
  private draining = 0;
  /** Sends the platform accepted whose recording failed: recorded on the next pass, never sent again. */
  private readonly unrecorded = new Map<number, SendResult>();

  /** Runs `fn` in one transaction (one commit, not two), when storage offers one. */
  private readonly together: Atomically;

  constructor(private readonly o: DispatcherOptions) {
    this.together = o.atomically ?? ((fn) => fn());
  }

  private now(): Date {
    return this.o.now ? this.o.now() : new Date();
  }

  get isRunning(): boolean {
    return this.timer !== null;
  }

  start(intervalMs = 1000): void {
    this.stopped = false;
    if (this.timer) return;
    this.timer = setInterval(() => this.kick(), intervalMs);
    this.timer.unref();
    this.kick();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /**
   * Asks for a pass soon; passes never overlap. The pass starts on the next turn of the event loop
   * (setImmediate), never inside the caller: a listener that kicks before it acks does not pay for reading
   * the outbox, rendering and starting Web API calls before its ack, and a burst of kicks is one pass.
   */
  kick(): void {
    if (this.scheduled) return;
    this.scheduled = setImmediate(() => {
      this.scheduled = null;
      this.kickNow();
    });
  }

  private kickNow(): void {
    if (this.stopped && !this.timer && this.draining === 0) return;
    if (this.running) {
      this.again = true;
      return;
    }
    // A pass never rejects (deliver() catches its own errors); this catch is the last guard, so a database
    // error (SQLITE_BUSY, disk full) costs one pass, logged, never the process (an unhandled rejection).
    this.running = this.loop()
      .catch((e: unknown) => {
        this.o.logger?.error({ err: e }, 'outbox pass failed; next pass on the timer');
        return 0;
      })
      .finally(() => {
        this.running = null;
      });
  }

  private async loop(): Promise<number> {
    let total = 0;
    do {
      this.again = false;
      const n = await this.runOnce();
      total += n;
      if (n > 0) this.again = true;
    } while (this.again && !this.stopped);
    return total;
  }

  /** Waits for the current pass, if any (and for a kick asked for but not started yet). */
  async idle(): Promise<void> {
    while (this.running || this.scheduled || this.outside.size > 0) {
      if (this.running) await this.running;
      else if (this.outside.size > 0) await Promise.all(this.outside.values());
      else await new Promise((r) => setImmediate(r));
    }
  }

  /** Passes run one at a time, whoever asks (a kick, a drain, a test): never two over the same rows. */
  private serial: Promise<unknown> = Promise.resolve();

  /** One pass: every lane's next due row, lanes in parallel. Returns rows settled (sent or failed). */
  runOnce(): Promise<number> {
    const pass = this.serial.then(
      () => this.pass(),
      () => this.pass(),
    );
    this.serial = pass.catch(() => undefined);
    return pass;
  }

  private async pass(): Promise<number> {
    const now = this.now();
    const pace = this.o.paceMs ?? 0;
    const rows = this.o.outbox
      .due(now, this.o.batch ?? 50)
      .filter((r) => !this.outside.has(r.lane) && !this.isHeld(r.lane, now))
      .filter((r) => now.getTime() - (this.lastSent.get(r.lane) ?? 0) >= pace);
    // Every row of the pass is marked "in flight" in one commit (not one per row) before any is sent.
    if (rows.length > 0) {
      this.together(() => {
        for (const r of rows) if (!this.unrecorded.has(r.id)) this.o.outbox.markInFlight(r.id, now);
      });
      await this.o.durable?.();
    }
    // A call to an outside service (a webhook, the issue tracker) may take its whole timeout: it runs beside
    // the passes, never inside one, so a slow tracker never holds back a chat message.
    const chat = rows.filter((r) => r.target.to !== 'service');
    for (const r of rows) if (r.target.to === 'service') this.deliverOutside(r);
    const settled = await Promise.all(chat.map((r) => this.deliverSafely(r)));
    return settled.filter(Boolean).length;
  }

  /** Lanes with a call to an outside service in flight, and those calls. */
  private readonly outside = new Map<string, Promise<unknown>>();

  /** Lanes whose last outside call could not be recorded, held until then (ms): no call again at once. */
  private readonly held = new Map<string, number>();

  private deliverOutside(row: OutboxRow): void {
    const call = this.deliver(row).then(
      () => {
        this.outside.delete(row.lane);
        this.kick();
      },
      (e: unknown) => {
        // The database refused the outcome: the row stays due with the same attempt count, so without a
        // hold every pass would call the service again (no backoff, no limit) while the database is sick.
        this.outside.delete(row.lane);
        this.held.set(row.lane, this.now().getTime() + (this.o.maxDelayMs ?? 60_000));
        this.o.logger?.error(
          { err: e, outboxKey: row.key },
          'outside call not recorded; lane held, will try again',
        );
      },
    );
    this.outside.set(row.lane, call);
  }

  private isHeld(lane: string, now: Date): boolean {
    const until = this.held.get(lane);
    if (until === undefined) return false;
    if (now.getTime() < until) return true;
    this.held.delete(lane);
    return false;
  }

  /**
   * deliver() with its database errors contained: the row stays as the database last saw it (queued, or in
   * flight and so looked up before it is posted again) and is tried on a later pass.
   */
  private async deliverSafely(row: OutboxRow): Promise<boolean> {
    try {
      return await this.deliver(row);
    } catch (e) {
      this.o.logger?.error({ err: e, outboxKey: row.key }, 'outbox delivery not recorded; will try again');
      return false;
    }
  }

  private async deliver(row: OutboxRow): Promise<boolean> {
    if (row.target.to === 'alerts') return this.deliverAlertPrompt(row);
    const incident = this.o.incidents.get(row.incidentKey);
    const sender = this.o.senders[row.platform];
    if (!incident || !sender) {
      this.o.outbox.markFailed(
        row.id,
        this.now(),
        incident ? `no sender for ${row.platform}` : 'incident not found',
      );
      return true;
    }
    // A live view (summary, checklist) renders the incident's current state: when a newer refresh of the
    // same view is already queued in this lane, this one is superseded and costs no API call.
    if (row.body.kind === 'view' && this.o.outbox.hasLaterView(row)) {
      this.o.outbox.markSent(row.id, this.now(), { superseded: true });
      return true;
    }
    const started = Date.now();
    let result: SendResult;
    const earlier = this.unrecorded.get(row.id);
    if (row.target.to === 'room' && row.body.kind !== 'create_room' && !incident.room) {
      // Rows wait behind the room's creation in their lane, so by now it has failed with no fallback: a
      // message that belonged in the room is not delivered, on every platform, and the record says so.
      result = { status: 'failed', error: NO_ROOM };
    } else if (earlier) {
      this.unrecorded.delete(row.id);
      result = earlier;
    } else {
      try {
        result = await sender.send(row, incident);
      } catch (e) {
        result = { status: 'retry', error: e instanceof Error ? e.message : String(e) };
      }
      this.o.onResult?.(row, result, Date.now() - started);
    }
    try {
      return this.record(row, result);
    } catch (e) {
      // A send the platform accepted but whose recording failed is kept (in memory) and only recorded on a
      // later pass, never sent again (Teams has no lookup for an in-doubt post). After a restart the row is
      // in doubt and the sender's lookup, where there is one, decides.
      if (result.status === 'sent') this.unrecorded.set(row.id, result);
      throw e;
    }
  }

  /** An alert group's prompt: no incident behind it; a refresh superseded by a later one costs no call. */
  private async deliverAlertPrompt(row: OutboxRow): Promise<boolean> {
    const group = this.o.alerts?.store.get(row.incidentKey);
    const sender = this.o.alerts?.senders[row.platform];
    if (!group || !sender) {
      const why = group ? `no alert prompt sender for ${row.platform}` : 'alert group not found';
      this.o.outbox.markFailed(row.id, this.now(), why);
      this.o.logger?.error({ outboxKey: row.key, error: why }, 'alert prompt not delivered');
      this.o.onResult?.(row, { status: 'failed', error: why }, 0);
      return true;
    }
    // Not when in doubt: it may have posted the prompt, and only its own lookup can find it again.
    if (!row.inDoubt && this.o.outbox.hasLaterView(row)) {
      this.o.outbox.markSent(row.id, this.now(), { superseded: true });
      return true;
    }
    const started = Date.now();
    let result: SendResult;
    const earlier = this.unrecorded.get(row.id);
    if (earlier) {
      this.unrecorded.delete(row.id);
      result = earlier;
    } else {
      result = await sendAlertPrompt(row, group, sender, {
        incident: (k) => this.o.incidents.get(k),
        lastAttempt: row.attempts + 1 >= (this.o.maxAttempts ?? 12),
        ...(this.o.logger ? { logger: this.o.logger } : {}),
      });
      this.o.onResult?.(row, result, Date.now() - started);
    }
    try {
      return this.record(row, result);
    } catch (e) {
      if (result.status === 'sent') this.unrecorded.set(row.id, result);
      throw e;
    }
  }

  /** Records the outcome of one delivery: sent, given up, or to be retried. */
  private record(row: OutboxRow, result: SendResult): boolean {
    const now = this.now();
    if (result.status === 'sent') {
      this.lastSent.set(row.lane, now.getTime());
      const body = row.body;
      // The row marked sent and its "message sent" log entry: one commit.
      this.together(() => {
        this.o.outbox.markSent(row.id, now, result.result);
        // A checkpoint digest is about the whole log: its delivery is in the outbox, not in an incident's log.
        if (body.kind !== 'post' || row.target.to === 'audit') return;
        this.o.incidents.appendSystemLog(
          row.incidentKey,
          [
            {
              type: 'log',
              kind: 'message_sent',
              payload: {
                outboxKey: row.key,
                template: body.template,
                target: row.target,
                attempts: row.attempts + 1,
                // A sender may settle a row without posting (no stakeholder channel configured, no room):
                // the record says so instead of claiming a delivery.
                ...(skippedReason(result.result) ? { skipped: skippedReason(result.result) } : {}),
              },
            },
          ],
          now,
          row.key,
        );
      });
      return true;
    }
    const max = this.o.maxAttempts ?? 12;
    if (result.status === 'failed' || row.attempts + 1 >= max) {
      const error = result.error;
      // The row given up and its "could not be delivered" log entry: one commit.
      this.together(() => {
        this.o.outbox.markFailed(row.id, now, error);
        // An alert prompt has no incident log to write to (its failure is in the outbox row and the log).
        if (row.target.to === 'alerts') return;
        this.o.incidents.appendSystemLog(
          row.incidentKey,
          [{ type: 'log', kind: 'message_sent', payload: { outboxKey: row.key, failed: true, error } }],
          now,
          row.key,
        );
      });
      this.o.logger?.error(
        { outboxKey: row.key, error, attempts: row.attempts + 1 },
        'outbox delivery failed',
      );
      return true;
    }
    // A failed attempt may still have reached the platform (a 5xx or a timeout after Slack applied a
    // chat.update): it counts for the lane's pacing, so a retry never edits the same message sooner.
    this.lastSent.set(row.lane, now.getTime());
    const base = this.o.baseDelayMs ?? 500;
    const backoff = Math.min(this.o.maxDelayMs ?? 60_000, base * 2 ** row.attempts);
    const delay =
      result.afterMs !== undefined ? Math.max(result.afterMs, 0) : backoff * (0.5 + Math.random() / 2);
    this.o.outbox.markRetry(row.id, new Date(now.getTime() + delay), result.error);
    this.o.logger?.warn(
      { outboxKey: row.key, error: result.error, retryInMs: Math.round(delay) },
      'outbox delivery will be retried',
    );
    return false;
  }

  /** Delivers until the outbox is empty or `timeoutMs` passes; true when empty. */
  async drain(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    await this.idle();
    this.draining++;
    try {
      return await this.drainLoop(deadline);
    } finally {
      this.draining--;
    }
  }

  private async drainLoop(deadline: number): Promise<boolean> {
    while (Date.now() < deadline) {
      if (this.o.outbox.pending().length === 0) return true;
      const n = await this.runOnce();
      if (n === 0) await new Promise((r) => setTimeout(r, 50));
    }
    return this.o.outbox.pending().length === 0;
  }
}
