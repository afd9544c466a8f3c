// The one database interface the stores are written against: the subset of better-sqlite3's API they use,
// which SQLite's driver is, and PostgreSQL's adapter (postgres/pg-db.ts) implements over a synchronous
// bridge. Where the two dialects differ (JSON, a list parameter, row locks) a store asks `dialectOf(db)`.

export type Dialect = 'sqlite' | 'postgres';

export interface SqlStatement {
  run(...params: unknown[]): { changes: number };
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
  /** Rows as their first column's value. */
  pluck(on?: boolean): SqlStatement;
  iterate(...params: unknown[]): IterableIterator<unknown>;
}

// biome-ignore lint/suspicious/noExplicitAny: a transaction wraps any function, as better-sqlite3's does.
type AnyFn = (...args: any[]) => any;

export interface SqlTransaction<F extends AnyFn> {
  /** A read transaction (SQLite DEFERRED; PostgreSQL a read-only snapshot). */
  // biome-ignore lint/suspicious/noExplicitAny: better-sqlite3 types its arguments its own way.
  (...args: any[]): ReturnType<F>;
  /** A write transaction: one writer at a time (SQLite IMMEDIATE; PostgreSQL the write lock). */
  // biome-ignore lint/suspicious/noExplicitAny: as above.
  immediate(...args: any[]): ReturnType<F>;
}

export interface Db {
  /** The file (SQLite) or the connection string without its password (PostgreSQL). */
  readonly name: string;
  readonly memory: boolean;
  readonly open: boolean;
  /** Absent on better-sqlite3's Database: SQLite. */
  readonly dialect?: Dialect;
  prepare(sql: string): SqlStatement;
  exec(sql: string): unknown;
  transaction<F extends AnyFn>(fn: F): SqlTransaction<F>;
  close(): unknown;
}

export function dialectOf(db: Db): Dialect {
  return db.dialect ?? 'sqlite';
}

/**
 * `value IN <this>` for a parameter holding a JSON array of strings (one statement, whatever the number).
 * SQLite: json_each; PostgreSQL: jsonb_array_elements_text.
 */
export function inJsonList(db: Db): string {
  return dialectOf(db) === 'postgres'
    ? '(SELECT jsonb_array_elements_text(?::jsonb))'
    : '(SELECT value FROM json_each(?))';
}

/**
 * PostgreSQL: a JSON text column as jsonb, any `\u0000` escape in it dropped first. PostgreSQL's text cannot
 * hold NUL, so jsonb (and json's operators too: they de-escape every string they parse, not only the one they
 * return) refuse the escape, and one such row (a pasted title stored before user text was cleaned, see
 * withoutControlsDeep in domain/text.ts) would make every query reading any field of the column throw. Escaped
 * backslashes are set aside first (chr(1): raw control characters never occur in valid JSON), so a literal
 * backslash followed by "u0000" is kept. Rows without the escape pay one strpos.
 */
function pgJsonb(column: string): string {
  const t = `${column}::text`;
  return `(CASE WHEN strpos(${t}, '\\u0000') = 0 THEN ${t} ELSE replace(replace(replace(${t}, '\\\\', chr(1)), '\\u0000', ''), chr(1), '\\\\') END)::jsonb`;
}

/**
 * The text at `path` (dot-separated keys) of a JSON text column, or NULL. SQLite's json_extract gives a JSON
 * boolean as 1/0, PostgreSQL's #>> as 'true'/'false': compare booleans with jsonTrue().
 */
export function jsonText(db: Db, column: string, path: string): string {
  return dialectOf(db) === 'postgres'
    ? `(${pgJsonb(column)} #>> '{${path.split('.').join(',')}}')`
    : `json_extract(${column}, '$.${path}')`;
}

/** True when the JSON value at `path` is true (or a non-zero number); false when absent. */
export function jsonTrue(db: Db, column: string, path: string): string {
  return dialectOf(db) === 'postgres'
    ? `coalesce(${jsonText(db, column, path)} IN ('true', '1'), false)`
    : `coalesce(json_extract(${column}, '$.${path}'), 0) <> 0`;
}

/**
 * A FROM item: one row per element of the JSON array at `path` of a JSON text column, the element (JSON)
 * as `<alias>.value` (read it with jsonText(db, `${alias}.value`, …)). No rows when the path is absent.
 * SQLite: json_each; PostgreSQL: jsonb_array_elements.
 */
export function jsonArrayRows(db: Db, column: string, path: string, alias: string): string {
  return dialectOf(db) === 'postgres'
    ? `jsonb_array_elements(${pgJsonb(column)} #> '{${path.split('.').join(',')}}') AS ${alias}(value)`
    : `json_each(${column}, '$.${path}') AS ${alias}`;
}

/** Whether the database has this table (a store reading a table added by a later migration). */
export function hasTable(db: Db, table: string): boolean {
  const sql =
    dialectOf(db) === 'postgres'
      ? 'SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = ?'
      : "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?";
  return db.prepare(sql).get(table) !== undefined;
}

/** Whether an error is a UNIQUE or PRIMARY KEY violation (SQLite's code, or PostgreSQL's SQLSTATE 23505). */
export function isUniqueViolation(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === '23505';
}

/** As inJsonList, for a JSON array of ids: on PostgreSQL the elements are cast to BIGINT, as the id columns are. */
export function inJsonIds(db: Db): string {
  return dialectOf(db) === 'postgres'
    ? '(SELECT jsonb_array_elements_text(?::jsonb)::bigint)'
    : '(SELECT value FROM json_each(?))';
}

/** The tables of the database (SQLite's schema; PostgreSQL's current schema): to tell what a file or URL holds. */
export function tableNames(db: Db): string[] {
  const sql =
    dialectOf(db) === 'postgres'
      ? "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
      : "SELECT name FROM sqlite_master WHERE type = 'table'";
  return (db.prepare(sql).all() as { name: string }[]).map((r) => r.name);
}
