// Durable before the ack, without blocking the event loop. Commits run with synchronous=NORMAL: a commit
// is written to the WAL (safe if the process dies) but not synced (lost if the machine does). Before a
// platform request is answered, `durable()` waits for one fdatasync of the WAL, in libuv's thread pool,
// that started after every change made so far: a group commit, shared by all requests answered meanwhile.
// synchronous=FULL would sync inside every commit on the event loop (measured: ~0.3 ms each, 28% fewer
// appends per second here, and any slow disk stalls every request).
import { closeSync, fdatasync, openSync } from 'node:fs';
import type { Db } from './open-database.js';

export interface Durability {
  /** Resolves once everything written so far is on disk; rejects if the sync failed (nothing is acked). */
  durable(): Promise<void>;
}

export interface WalSyncOptions {
  /** The sync itself (tests count and hold it); fdatasync in the thread pool by default. */
  datasync?: (fd: number) => Promise<void>;
  /** Called after each sync that ran, with its duration in seconds or the error. */
  onSync?: (r: { seconds: number; error?: Error }) => void;
}

const threadPoolDatasync = (fd: number) =>
  new Promise<void>((resolve, reject) => fdatasync(fd, (e) => (e ? reject(e) : resolve())));

export class WalSync implements Durability {
  private fd: number | null = null;
  /** `total_changes()` covered by the last sync that completed. */
  private synced = 0;
  private inflight: { covers: number; done: Promise<void> } | null = null;
  private queued: Promise<void> | null = null;
  private closed = false;
  private readonly changes: () => number;
  private readonly datasync: (fd: number) => Promise<void>;

  constructor(
    private readonly db: Db,
    private readonly o: WalSyncOptions = {},
  ) {
    // Rows changed by this connection since it opened: it grows with every write, so "changed since the
    // last sync" is one comparison, and no store has to report its writes.
    const stmt = db.prepare('SELECT total_changes()').pluck();
    this.changes = () => stmt.get() as number;
    this.datasync = o.datasync ?? threadPoolDatasync;
  }

  durable(): Promise<void> {
    // Closed with the database: nothing more is written through this connection, nothing to wait for.
    if (this.closed) return Promise.resolve();
    const want = this.changes();
    if (want <= this.synced) return Promise.resolve();
    // A sync queued to start after the one in flight covers this change too (it reads the count when it starts).
    if (this.queued) return this.queued;
    if (!this.inflight) return this.start();
    if (this.inflight.covers >= want) return this.inflight.done;
    // The sync in flight started before this change: one more after it, shared by everyone who asks meanwhile.
    const after = this.inflight.done.catch(() => undefined);
    this.queued = after.then(() => {
      this.queued = null;
      return this.start();
    });
    return this.queued;
  }

  private start(): Promise<void> {
    const covers = this.changes();
    const t0 = process.hrtime.bigint();
    const seconds = () => Number(process.hrtime.bigint() - t0) / 1e9;
    // Only this sync's own entry is cleared: one sync in flight at a time, and close() waits for it.
    const finished = () => {
      if (this.inflight?.done === done) this.inflight = null;
    };
    const done: Promise<void> = this.sync().then(
      () => {
        this.synced = Math.max(this.synced, covers);
        finished();
        this.o.onSync?.({ seconds: seconds() });
      },
      (e: unknown) => {
        finished();
        const error = e instanceof Error ? e : new Error(String(e));
        this.o.onSync?.({ seconds: seconds(), error });
        throw error;
      },
    );
    this.inflight = { covers, done };
    return done;
  }

  private async sync(): Promise<void> {
    if (this.fd === null) {
      try {
        this.fd = openSync(`${this.db.name}-wal`, 'r');
      } catch (e) {
        // No WAL file: an in-memory database (nothing to make durable) or nothing written in WAL mode yet.
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw e;
      }
    }
    await this.datasync(this.fd);
  }

  /** Waits for a sync in flight, then closes the WAL's descriptor (the connection is closed by its owner). */
  async close(): Promise<void> {
    this.closed = true;
    await this.queued?.catch(() => undefined);
    await this.inflight?.done.catch(() => undefined);
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}
