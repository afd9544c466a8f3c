// Delivers the outbox: in order per lane (one channel), paced, with retries and backoff.
// A row is marked sent only after the platform accepted it; a crash in between re-sends it once
// on restart (at-least-once, looked up first where the platform allows), never loses it. Replicas
// sharing one database each claim rows under a lease (outbox-lease.ts): one lane owner at a time.

import type { AlertPromptSender, AlertStore } from './alert-ports.js';
import { sendAlertPrompt } from './alert-prompt-delivery.js';
import { type OutcomeContext, recordOutcome } from './delivery-outcome.js';
import { OutageLog } from './outage-log.js';
import { DEFAULT_LEASE_MS, LeaseKeeper, replicaId } from './outbox-lease.js';
import {
  type Atomically,
  type IncidentRepo,
  NO_ROOM,
  type OutboxQueue,
  type OutboxRow,
  type Sender,
  type SendResult,
  type StorageFailure,
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
  /** This process among the replicas sharing the outbox (default: replicaId()). */
  owner?: string;
  /** How long a claimed row is this process's without a renewal (OUTBOX_LEASE_SECONDS; see outbox-lease.ts). */
  leaseMs?: number;
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
  /** Storage's reading of an error: an unreachable database is logged once per outage (outage-log.ts). */
  classifyFailure?: (e: unknown) => StorageFailure;
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

  /** This process's name on the rows it claims. */
  readonly owner: string;
  private readonly leases: LeaseKeeper;
  private readonly outcomes: OutcomeContext;
  /** The database unreachable: told once, not on every pass (and every row) until it answers again. */
  private readonly outage: OutageLog;

  constructor(private readonly o: DispatcherOptions) {
    this.owner = o.owner ?? replicaId();
    this.outage = new OutageLog({ what: 'outbox delivery', logger: o.logger, classify: o.classifyFailure });
    this.outcomes = {
      outbox: o.outbox,
      incidents: o.incidents,
      // One transaction (one commit, not two) for a row and its log entry, when storage offers one.
      together: o.atomically ?? ((fn) => fn()),
      owner: this.owner,
      logger: o.logger,
      maxAttempts: o.maxAttempts ?? 12,
      baseDelayMs: o.baseDelayMs ?? 500,
      maxDelayMs: o.maxDelayMs ?? 60_000,
      lastSent: this.lastSent,
    };
    this.leases = new LeaseKeeper({
      outbox: o.outbox,
      owner: this.owner,
      leaseMs: this.leaseMs,
      now: () => this.now(),
      onError: (err) => this.outage.log('warn', err, {}, 'outbox leases not renewed; will try again'),
    });
  }

  private get leaseMs(): number {
    return this.o.leaseMs ?? DEFAULT_LEASE_MS;
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
        this.outage.log('error', e, {}, 'outbox pass failed; next pass on the timer');
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
    // Every row of the pass is claimed (leased to this process, "in flight") in one commit before any is
    // sent; the store paces lanes by every replica's attempts, this process's own holds are skipped here.
    const rows = this.o.outbox.claim(now, {
      owner: this.owner,
      leaseMs: this.leaseMs,
      paceMs: pace,
      limit: this.o.batch ?? 50,
      skipLanes: this.lanesHeldBack(now, pace),
    });
    this.outage.ok();
    if (rows.length > 0) {
      this.leases.hold(rows.map((r) => r.id));
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
        const why = 'outside call not recorded; lane held, will try again';
        this.outage.log('error', e, { outboxKey: row.key }, why);
      },
    );
    this.outside.set(row.lane, call);
  }

  /**
   * Lanes this process keeps out of a claim: an outside call in flight, a lane held after an unrecorded
   * outcome, and its own pacing (which also counts an attempt whose retry could not be recorded).
   */
  private lanesHeldBack(now: Date, pace: number): string[] {
    const lanes = [...this.outside.keys()];
    for (const [lane, until] of this.held)
      if (now.getTime() < until) lanes.push(lane);
      else this.held.delete(lane);
    for (const [lane, at] of this.lastSent)
      if (now.getTime() - at < pace) lanes.push(lane);
      else this.lastSent.delete(lane);
    return lanes;
  }

  /**
   * deliver() with its database errors contained: the row stays as the database last saw it (queued, or in
   * flight and so looked up before it is posted again) and is tried on a later pass.
   */
  private async deliverSafely(row: OutboxRow): Promise<boolean> {
    try {
      return await this.deliver(row);
    } catch (e) {
      this.outage.log('error', e, { outboxKey: row.key }, 'outbox delivery not recorded; will try again');
      return false;
    }
  }

  /** One claimed row delivered and recorded; its lease is no longer renewed once that is over. */
  private async deliver(row: OutboxRow): Promise<boolean> {
    try {
      return await this.deliverRow(row);
    } finally {
      this.leases.drop(row.id);
    }
  }

  private async deliverRow(row: OutboxRow): Promise<boolean> {
    if (row.target.to === 'alerts') return this.deliverAlertPrompt(row);
    const incident = this.o.incidents.get(row.incidentKey);
    const sender = this.o.senders[row.platform];
    if (!incident || !sender) {
      this.o.outbox.markFailed(
        row.id,
        this.owner,
        this.now(),
        incident ? `no sender for ${row.platform}` : 'incident not found',
      );
      return true;
    }
    // A live view (summary, checklist) renders the incident's current state: when a newer refresh of the
    // same view is already queued in this lane, this one is superseded and costs no API call. Not when in doubt:
    // a process that died sending it may have posted it, and only its sender's lookup finds that post again.
    if (row.body.kind === 'view' && !row.inDoubt && this.o.outbox.hasLaterView(row)) {
      return this.o.outbox.markSuperseded(row.id, this.owner, this.now());
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
      this.o.outbox.markFailed(row.id, this.owner, this.now(), why);
      this.o.logger?.error({ outboxKey: row.key, error: why }, 'alert prompt not delivered');
      this.o.onResult?.(row, { status: 'failed', error: why }, 0);
      return true;
    }
    // Not when in doubt: it may have posted the prompt, and only its own lookup can find it again.
    if (!row.inDoubt && this.o.outbox.hasLaterView(row)) {
      return this.o.outbox.markSuperseded(row.id, this.owner, this.now());
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

  /** Records the outcome of one delivery: sent, given up, or to be retried (delivery-outcome.ts). */
  private record(row: OutboxRow, result: SendResult): boolean {
    return recordOutcome(this.outcomes, row, result, this.now());
  }

  /** What this process still owes: undelivered rows but the lanes another live replica holds (drain's goal). */
  owed(): number {
    return this.o.outbox.owedTo(this.owner, this.now());
  }

  /** Delivers until nothing is owed by this process (owed()) or `timeoutMs` passes; true when nothing is. */
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
      if (this.owed() === 0) return true;
      const n = await this.runOnce();
      if (n === 0) await new Promise((r) => setTimeout(r, 50));
    }
    return this.owed() === 0;
  }
}
