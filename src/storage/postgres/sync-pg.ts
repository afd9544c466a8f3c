// PostgreSQL, synchronously: the stores are synchronous (one command = one transaction that nothing else in
// the process can interleave with), so the bot's thread posts each query to a worker thread that holds the
// connection and waits on a shared flag (Atomics.wait) for the answer, as SQLite's driver waits on its file.
// The cost is the round trip, measured in docs/postgres.md. While the connection is down nothing waits: a
// query fails at once (PgUnavailableError) and the worker reconnects with backoff on its own.
import { createHash } from 'node:crypto';
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { CONNECTING, DOWN, type PgReply, type PgWorkerData, UP } from './pg-protocol.js';

/**
 * An error PostgreSQL answered (its SQLSTATE in `code`), or the connection's loss (`connection`). `sent`: the
 * statement had reached the server when the connection (or the bridge) was lost, so whether it took effect is
 * not known (pg-db.ts makes that a PgCommitUncertainError at COMMIT).
 */
export class PgError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
    readonly connection: boolean,
    readonly sent = false,
  ) {
    super(message);
  }
}

/**
 * The database cannot be reached now; the bridge is reconnecting. Nothing was done, unless `sent` (the
 * statement went out and no answer came back in time).
 */
export class PgUnavailableError extends PgError {
  constructor(why: string, sent = false) {
    super(`PostgreSQL is unavailable (${why}); reconnecting`, 'PG_UNAVAILABLE', true, sent);
  }
}

export interface SyncPgOptions {
  connectTimeoutMs?: number;
  /** statement_timeout and lock_timeout; the bot's thread waits this plus a margin, never longer. */
  statementTimeoutMs?: number;
  /**
   * How long a write transaction waits for the write lock (pg-db.ts), shorter than statementTimeoutMs: the
   * event loop waits with it, and a replica behind another must answer "busy" within Slack's 3 s.
   */
  writeLockTimeoutMs?: number;
  retryMinMs?: number;
  retryMaxMs?: number;
  applicationName?: string;
}

export interface PgHealth {
  state: 'connecting' | 'up' | 'down';
  /** The last connection error while not up. */
  error: string | null;
  /** When it went down (ISO), while not up. */
  since: string | null;
}

const STATES = ['connecting', 'up', 'down'] as const;

export interface QueryOptions {
  /** Run only on the connection of this generation (a transaction's), else fail as a lost connection. */
  gen?: number | undefined;
  /** How long the bot's thread waits for the answer (default statement timeout + 2 s; Infinity: no limit). */
  deadlineMs?: number | undefined;
}

/** Job ids live in an Int32 slot: they go round from 2^31 - 1 back to 1. */
export function nextSeq(seq: number): number {
  return (seq % 0x7fffffff) + 1;
}

export class SyncPg {
  private readonly flags = new Int32Array(new SharedArrayBuffer(12));
  private worker!: Worker;
  private port!: MessagePort;
  /** The current worker's number (one more at each spawn); the worker writes -id in flags[0] as it dies. */
  private workerId = 0;
  /** The current worker has exited (close() then has nothing to wait for). */
  private workerExited = false;
  /** A worker that died on its own is started again after this, doubling to retryMaxMs. */
  private respawnMs: number;
  private respawnTimer: NodeJS.Timeout | null = null;
  /** The last job's id (protected: a test starts it near the wrap). */
  protected seq = 0;
  private lastError: string | null = null;
  private downSince: string | null = null;
  private closed = false;
  private readonly waiters = new Set<() => void>();
  private readonly o: Required<SyncPgOptions>;
  /** A private field, password included: no log or inspect of this object shows it. */
  readonly #url: string;

  constructor(url: string, o: SyncPgOptions = {}) {
    this.#url = url;
    const statementTimeoutMs = o.statementTimeoutMs ?? 10_000;
    this.o = {
      connectTimeoutMs: o.connectTimeoutMs ?? 5000,
      statementTimeoutMs,
      writeLockTimeoutMs: Math.min(o.writeLockTimeoutMs ?? 2000, statementTimeoutMs),
      retryMinMs: o.retryMinMs ?? 250,
      retryMaxMs: o.retryMaxMs ?? 30_000,
      applicationName: o.applicationName ?? 'incident-bot',
    };
    this.respawnMs = this.o.retryMinMs;
    this.spawn();
  }

  private spawn(): void {
    Atomics.store(this.flags, 1, CONNECTING);
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    // Run from the TypeScript sources (tests, `npm run dev`) the worker needs tsx too; the build is plain JS.
    const source = import.meta.url.endsWith('.ts');
    const { writeLockTimeoutMs: _, ...o } = this.o;
    this.workerId = (this.workerId % 0x7fffffff) + 1;
    this.workerExited = false;
    const data: PgWorkerData = {
      url: this.#url,
      flags: this.flags.buffer as SharedArrayBuffer,
      port: port2,
      workerId: this.workerId,
      ...o,
    };
    const worker = new Worker(new URL(`./pg-worker.${source ? 'ts' : 'js'}`, import.meta.url), {
      workerData: data,
      transferList: [port2],
      ...(source ? { execArgv: ['--import', import.meta.resolve('tsx')] } : {}),
    });
    this.worker = worker;
    worker.unref();
    worker.on('message', (m: { state: number; error?: string }) => {
      if (worker !== this.worker) return;
      if (m.state === UP) {
        this.lastError = null;
        this.downSince = null;
        this.respawnMs = this.o.retryMinMs;
      } else if (m.error) {
        this.lastError = m.error;
        this.downSince ??= new Date().toISOString();
      }
      this.tell();
    });
    // 'error' (an exception the worker did not catch) is followed by 'exit'.
    worker.on('error', (e) => {
      if (worker === this.worker) this.lastError = `the PostgreSQL bridge's thread failed: ${e.message}`;
    });
    worker.on('exit', () => this.exited(worker));
  }

  private tell(): void {
    for (const w of this.waiters) w();
  }

  /**
   * The current worker ended on its own (a bug, or out of memory): down, and started again after a backoff,
   * so a crash at run time never leaves the bot without a database for ever. A worker this bridge replaced
   * (restart) or closed is not.
   */
  private exited(worker: Worker): void {
    if (worker !== this.worker) return;
    this.workerExited = true;
    if (this.closed) return;
    Atomics.store(this.flags, 1, DOWN);
    this.lastError ??= "the PostgreSQL bridge's thread ended";
    this.downSince ??= new Date().toISOString();
    this.port.close();
    this.tell();
    const delay = this.respawnMs;
    this.respawnMs = Math.min(delay * 2, this.o.retryMaxMs);
    this.respawnTimer = setTimeout(() => {
      this.respawnTimer = null;
      if (!this.closed) this.spawn();
    }, delay);
    // Nothing else keeps the process alive for it (the worker is unref'd too); start-up's wait does.
    this.respawnTimer.unref();
  }

  health(): PgHealth {
    const state = STATES[Atomics.load(this.flags, 1)] ?? 'down';
    return {
      state,
      error: state === 'up' ? null : this.lastError,
      since: state === 'up' ? null : this.downSince,
    };
  }

  /**
   * Calls `listener` with the health after every state the worker reports (each failed connection attempt
   * too: state 'down' with its error), until the returned function is called. For logs, never for control.
   */
  onHealth(listener: (h: PgHealth) => void): () => void {
    const w = () => listener(this.health());
    this.waiters.add(w);
    return () => this.waiters.delete(w);
  }

  /** The write lock's wait limit in ms (pg-db.ts sets it for each write transaction). */
  get writeLockTimeoutMs(): number {
    return this.o.writeLockTimeoutMs;
  }

  /** The current connection's generation (0 before the first): one more at each connection made. */
  generation(): number {
    return Atomics.load(this.flags, 2);
  }

  /** Resolves once connected; rejects after `timeoutMs` with the last connection error. */
  ready(timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (Atomics.load(this.flags, 1) !== UP) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new PgUnavailableError(this.lastError ?? `not connected within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.add(check);
      check();
    });
  }

  /**
   * Runs one query and returns its rows; with `params` as a prepared statement (named after its text), else
   * the simple protocol (several statements). Throws PgError, or PgUnavailableError without waiting.
   * `gen` in the answer: the generation of the connection that ran it.
   */
  query(
    sql: string,
    params?: unknown[],
    q: QueryOptions = {},
  ): { rows: Record<string, unknown>[]; rowCount: number; gen: number } {
    if (this.closed) throw new PgUnavailableError('the connection was closed');
    const state = Atomics.load(this.flags, 1);
    if (state !== UP) throw new PgUnavailableError(this.lastError ?? STATES[state] ?? 'down');
    this.seq = nextSeq(this.seq);
    const id = this.seq;
    const name = params ? `s${createHash('sha1').update(sql).digest('hex').slice(0, 16)}` : undefined;
    this.port.postMessage({
      id,
      sql,
      ...(params ? { params: params.map(toPg) } : {}),
      ...(name ? { name } : {}),
      ...(q.gen !== undefined ? { gen: q.gen } : {}),
    });
    const waitMs = q.deadlineMs ?? this.o.statementTimeoutMs + 2000;
    const deadline = Date.now() + waitMs;
    for (;;) {
      const seen = Atomics.load(this.flags, 0);
      if (seen === id) break;
      // The worker died with the job (its 'exit' event, which starts another, comes once this returns).
      if (seen === -this.workerId)
        throw new PgUnavailableError("the PostgreSQL bridge's thread ended during a query", true);
      const left = deadline - Date.now();
      if (left <= 0) {
        // The worker did not answer in time (a network black hole): start again on a new connection, whose
        // opening rolls back whatever the old one had begun (unless it was committing: then nobody knows).
        this.restart('no answer in time');
        throw new PgUnavailableError(`no answer within ${waitMs} ms`, true);
      }
      Atomics.wait(this.flags, 0, seen, left);
    }
    let reply: PgReply | undefined;
    for (let m = receiveMessageOnPort(this.port); m; m = receiveMessageOnPort(this.port)) {
      const r = m.message as PgReply;
      if (r.id === id) reply = r;
    }
    if (!reply) throw new PgError('the PostgreSQL bridge lost an answer', undefined, true, true);
    if (!reply.ok)
      throw new PgError(
        reply.error.message,
        reply.error.code,
        reply.error.connection,
        reply.error.sent === true,
      );
    return { rows: reply.rows, rowCount: reply.rowCount, gen: reply.gen };
  }

  private restart(why: string): void {
    this.lastError = why;
    this.downSince ??= new Date().toISOString();
    void this.worker.terminate();
    this.port.close();
    this.spawn();
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    if (this.respawnTimer) clearTimeout(this.respawnTimer);
    // Already gone (it died, and its successor was not started yet): its 'exit' will not come again.
    if (this.workerExited) {
      this.port.close();
      return Promise.resolve();
    }
    const w = this.worker;
    // Held open until the connection has ended, so a process that closes and exits ends its session cleanly.
    w.ref();
    return new Promise((resolve) => {
      w.once('exit', () => resolve());
      this.port.postMessage({ close: true });
      // A worker stuck on a dead connection is ended anyway.
      setTimeout(() => void w.terminate(), 2000).unref();
    });
  }
}

/** SQLite takes booleans and bigints as integers; PostgreSQL's text protocol needs them said so. */
function toPg(v: unknown): unknown {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'bigint') return v.toString();
  return v;
}
