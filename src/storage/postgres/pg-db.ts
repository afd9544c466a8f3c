// The stores' database interface (sql-db.ts) on PostgreSQL: `?` placeholders become $n, a write transaction
// takes the cluster-wide write lock first (one writer at a time across replicas, as SQLite has one writer per
// file: the hash chains' heads and the incident counters need nothing else), a read transaction is one
// snapshot, and a nested one is a savepoint. A transaction is pinned to the connection it began on (its
// generation, sync-pg.ts): should the bridge reconnect meanwhile, its remaining statements fail instead of
// running in autocommit on the new session, so a command is stored whole or not at all.
import type { Db, SqlStatement, SqlTransaction } from '../sql-db.js';
import { WRITE_LOCK } from './locks.js';
import { PgError, type SyncPg } from './sync-pg.js';

type Rows = { rows: Record<string, unknown>[]; rowCount: number; gen: number };

/**
 * The connection (or the bridge) was lost after COMMIT was sent: the transaction may have been committed or
 * not, and only reading the database again tells. Never "nothing was changed": a person who types the command
 * again could record it twice (errors.ts classes it 'uncertain').
 */
export class PgCommitUncertainError extends PgError {
  readonly commitUncertain = true;
  constructor(cause: PgError) {
    super(
      `the connection to PostgreSQL was lost during COMMIT, so the transaction may or may not have been committed (${cause.message})`,
      'PG_COMMIT_UNCERTAIN',
      true,
      true,
    );
  }
}

/** `?` outside quotes and comments -> `$1`, `$2`, … (the stores' SQL is written for both dialects). */
export function toPositional(sql: string): string {
  let n = 0;
  let out = '';
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i]!;
    if (c === "'" || c === '"') {
      const end = sql.indexOf(c, i + 1);
      const stop = end === -1 ? sql.length : end + 1;
      out += sql.slice(i, stop);
      i = stop - 1;
    } else if (c === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      const stop = end === -1 ? sql.length : end;
      out += sql.slice(i, stop);
      i = stop - 1;
    } else if (c === '?') out += `$${++n}`;
    else out += c;
  }
  return out;
}

class PgStatement implements SqlStatement {
  private plucked = false;
  constructor(
    private readonly db: PgDb,
    private readonly sql: string,
  ) {}

  private rows(params: unknown[]): Record<string, unknown>[] {
    return this.db.query(this.sql, params).rows;
  }

  run(...params: unknown[]): { changes: number } {
    return { changes: this.db.query(this.sql, params).rowCount };
  }

  get(...params: unknown[]): unknown {
    const row = this.rows(params)[0];
    return row === undefined ? undefined : this.plucked ? Object.values(row)[0] : row;
  }

  all(...params: unknown[]): unknown[] {
    const rows = this.rows(params);
    return this.plucked ? rows.map((r) => Object.values(r)[0]) : rows;
  }

  pluck(on = true): SqlStatement {
    this.plucked = on;
    return this;
  }

  iterate(...params: unknown[]): IterableIterator<unknown> {
    return this.all(...params)[Symbol.iterator]();
  }
}

export class PgDb implements Db {
  readonly dialect = 'postgres' as const;
  readonly memory = false;
  private depth = 0;
  private isOpen = true;
  /** The generation of the connection every statement must run on, inside a transaction or unbounded(). */
  private pinned: number | undefined;
  /** unbounded()'s: no bridge deadline. */
  private deadlineMs: number | undefined;

  /** The connection string itself, password included: a private field, so no log or inspect shows it. */
  readonly #url: string | undefined;

  constructor(
    readonly pg: SyncPg,
    /** The connection string without its password (logs, /readyz). */
    readonly name: string,
    url?: string,
  ) {
    this.#url = url;
  }

  /**
   * The connection string with its password, for opening another connection to the same database (the
   * export worker's); never log it. Undefined when this handle was made without it.
   */
  connectionUrl(): string | undefined {
    return this.#url;
  }

  get open(): boolean {
    return this.isOpen;
  }

  prepare(sql: string): SqlStatement {
    return new PgStatement(this, toPositional(sql));
  }

  exec(sql: string): this {
    this.query(sql);
    return this;
  }

  /** One statement on the bridge, on the pinned connection when there is one (the statements' way in). */
  query(sql: string, params?: unknown[]): Rows {
    return this.pg.query(sql, params, { gen: this.pinned, deadlineMs: this.deadlineMs });
  }

  /**
   * Runs `fn` with no statement, lock or idle-in-transaction timeout and no bridge deadline (migrations: a
   * replica waits for another's, and a long one can run; `audit verify`: a long read transaction with CPU-bound
   * checks between its reads), on one connection: should it be re-made, the rest fails.
   */
  unbounded<T>(fn: () => T): T {
    if (this.deadlineMs !== undefined) return fn();
    const { gen } = this.query(
      'SET statement_timeout = 0; SET lock_timeout = 0; SET idle_in_transaction_session_timeout = 0',
    );
    const pinnedBefore = this.pinned;
    this.pinned ??= gen;
    this.deadlineMs = Number.POSITIVE_INFINITY;
    try {
      return fn();
    } finally {
      this.deadlineMs = undefined;
      try {
        this.query('RESET statement_timeout; RESET lock_timeout; RESET idle_in_transaction_session_timeout');
      } catch {
        // A new connection has its defaults already.
      }
      this.pinned = pinnedBefore;
    }
  }

  // biome-ignore lint/suspicious/noExplicitAny: as better-sqlite3's transaction(), any function.
  transaction<F extends (...args: any[]) => any>(fn: F): SqlTransaction<F> {
    const t = ((...args: Parameters<F>) => this.inTransaction(false, fn, args)) as SqlTransaction<F>;
    t.immediate = (...args: Parameters<F>) => this.inTransaction(true, fn, args);
    return t;
  }

  // biome-ignore lint/suspicious/noExplicitAny: see transaction().
  private inTransaction<F extends (...args: any[]) => any>(
    write: boolean,
    fn: F,
    args: Parameters<F>,
  ): ReturnType<F> {
    const savepoint = this.depth > 0 ? `sp${this.depth}` : null;
    const pinnedBefore = this.pinned;
    try {
      const { gen } = this.query(
        savepoint
          ? `SAVEPOINT ${savepoint}`
          : write
            ? this.beginWrite()
            : 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY',
      );
      this.pinned ??= gen;
    } catch (e) {
      // A BEGIN that failed half-way (the write lock not had in time) leaves the session inside an aborted
      // transaction, where every later statement would fail (25P02): end it. (A failed savepoint leaves the
      // enclosing transaction to its own rollback.)
      if (!savepoint) this.quietly('ROLLBACK');
      throw write && !savepoint ? busyWriteLock(e, this.pg.writeLockTimeoutMs) : e;
    }
    this.depth++;
    let committing = false;
    try {
      const r = fn(...args);
      if (r instanceof Promise) throw new TypeError('a transaction function cannot return a promise');
      committing = !savepoint;
      this.query(savepoint ? `RELEASE SAVEPOINT ${savepoint}` : 'COMMIT');
      return r;
    } catch (e) {
      // The connection gone (or re-made: the statement is refused): PostgreSQL rolled back with the old one.
      // (After a COMMIT that failed outright there is nothing to roll back: harmless.)
      this.quietly(
        savepoint ? `ROLLBACK TO SAVEPOINT ${savepoint}; RELEASE SAVEPOINT ${savepoint}` : 'ROLLBACK',
      );
      // Lost once COMMIT had gone out: done or not, nobody knows. Refused before it went: not done.
      throw committing && e instanceof PgError && e.connection && e.sent ? new PgCommitUncertainError(e) : e;
    } finally {
      this.depth--;
      this.pinned = pinnedBefore;
    }
  }

  /**
   * BEGIN and the write lock, waited for at most the write lock's own limit (SET LOCAL: the transaction's
   * other statements keep the session's lock_timeout), except in unbounded(), which waits as long as it takes.
   */
  private beginWrite(): string {
    const lock = `SELECT pg_advisory_xact_lock(${WRITE_LOCK})`;
    if (this.deadlineMs !== undefined) return `BEGIN; ${lock}`;
    return `BEGIN; SET LOCAL lock_timeout = ${this.pg.writeLockTimeoutMs}; ${lock}; SET LOCAL lock_timeout = DEFAULT`;
  }

  private quietly(sql: string): void {
    try {
      this.query(sql);
    } catch {
      // Nothing to undo on a connection that is gone.
    }
  }

  close(): Promise<void> {
    this.isOpen = false;
    return this.pg.close();
  }
}

/** The write lock not had in time (lock_timeout 55P03, or statement_timeout 57014): busy, said so. */
function busyWriteLock(e: unknown, ms: number): unknown {
  if (!(e instanceof PgError) || (e.code !== '55P03' && e.code !== '57014')) return e;
  return new PgError(
    `the database is busy: another replica held the write lock for more than ${ms} ms (${e.message})`,
    e.code,
    false,
  );
}
