// Prepared statements, prepared once per SQL text and reused: better-sqlite3's prepare() parses and plans
// the SQL every time, which costs more than running the small statements the stores issue per command.
// (On PostgreSQL a prepared statement is named after its text and planned once per connection.)
import type { Db, SqlStatement } from '../sql-db.js';

export type Statement = SqlStatement;

/** Returns a `stmt(sql)` bound to `db` that prepares each distinct SQL text once (lazily, on first use). */
export function statementCache(db: Db): (sql: string) => Statement {
  const cache = new Map<string, Statement>();
  return (sql) => {
    let s = cache.get(sql);
    if (!s) {
      s = db.prepare(sql);
      cache.set(sql, s);
    }
    return s;
  };
}
