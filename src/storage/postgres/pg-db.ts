// The stores' database interface (sql-db.ts) on PostgreSQL: `?` placeholders become $n, a write transaction
// takes the cluster-wide write lock first (one writer at a time across replicas, as SQLite has one writer per
// file: the hash chains' heads and the incident counters need nothing else), a read transaction is one
// snapshot, and a nested one is a savepoint.
import type { Db, SqlStatement, SqlTransaction } from '../sql-db.js';
import { WRITE_LOCK } from './locks.js';
import type { SyncPg } from './sync-pg.js';

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
    private readonly pg: SyncPg,
    private readonly sql: string,
  ) {}

  private rows(params: unknown[]): Record<string, unknown>[] {
    return this.pg.query(this.sql, params).rows;
  }

  run(...params: unknown[]): { changes: number } {
    return { changes: this.pg.query(this.sql, params).rowCount };
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
    return new PgStatement(this.pg, toPositional(sql));
  }

  exec(sql: string): this {
    this.pg.query(sql);
    return this;
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
    this.pg.query(
      savepoint
        ? `SAVEPOINT ${savepoint}`
        : write
          ? `BEGIN; SELECT pg_advisory_xact_lock(${WRITE_LOCK})`
          : 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY',
    );
    this.depth++;
    try {
      const r = fn(...args);
      if (r instanceof Promise) throw new TypeError('a transaction function cannot return a promise');
      this.pg.query(savepoint ? `RELEASE SAVEPOINT ${savepoint}` : 'COMMIT');
      return r;
    } catch (e) {
      try {
        this.pg.query(
          savepoint ? `ROLLBACK TO SAVEPOINT ${savepoint}; RELEASE SAVEPOINT ${savepoint}` : 'ROLLBACK',
        );
      } catch {
        // The connection is gone: PostgreSQL rolled the transaction back with it.
      }
      throw e;
    } finally {
      this.depth--;
    }
  }

  close(): Promise<void> {
    this.isOpen = false;
    return this.pg.close();
  }
}
