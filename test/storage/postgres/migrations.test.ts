// The two migration folders describe one schema: the same numbered files, and after migrating a SQLite file
// and a PostgreSQL database, the same tables and columns (type, NOT NULL, default), the same unique keys and
// named indexes, the same triggers. The append-only tables refuse changes on both (and TRUNCATE on
// PostgreSQL, which skips row triggers). Nothing here names a migration count: a new one must simply come
// in both folders.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPgMigrations, migratePostgres } from '../../../src/storage/postgres/migrate.js';
import type { PgDb } from '../../../src/storage/postgres/pg-db.js';
import { type Db, dialectOf } from '../../../src/storage/sql-db.js';
import { loadMigrations, migrate, schemaVersion } from '../../../src/storage/sqlite/migrate.js';
import { openDatabase, type SqliteDb } from '../../../src/storage/sqlite/open-database.js';
import { backends } from '../../helpers/backends.js';
import { dropPgDatabases, freshPgDb, hasPg } from '../../helpers/pg.js';
import { tempDb } from '../../helpers/store.js';

interface Column {
  type: string;
  notNull: boolean;
  default: string | null;
}
interface Index {
  table: string;
  columns: string;
  unique: boolean;
  partial: boolean;
}
interface Schema {
  /** table -> column -> what it is */
  tables: Record<string, Record<string, Column>>;
  /** `table(col,col)` for every primary key, unique constraint and unique index */
  uniqueKeys: string[];
  /** indexes made by CREATE [UNIQUE] INDEX, by name */
  indexes: Record<string, Index>;
  /** `table.trigger` */
  triggers: string[];
  /** table -> how many CHECK constraints */
  checks: Record<string, number>;
}

/** A column type's family, the same word on both databases. */
function family(type: string): string {
  const t = type.toLowerCase();
  if (['integer', 'bigint', 'smallint'].includes(t)) return 'integer';
  if (['real', 'double precision'].includes(t)) return 'real';
  return t;
}

/** `'x'::text` -> `'x'`: PostgreSQL shows a default with its cast. */
const plainDefault = (d: string | null) => (d === null ? null : d.replace(/::[a-z ]+$/, ''));

function sqliteSchema(db: SqliteDb): Schema {
  const s: Schema = { tables: {}, uniqueKeys: [], indexes: {}, triggers: [], checks: {} };
  const names = db
    .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    .all() as { name: string; sql: string }[];
  for (const { name: table, sql } of names) {
    const checks = sql.match(/\bCHECK\s*\(/gi)?.length ?? 0;
    if (checks) s.checks[table] = checks;
    const cols = db.prepare(`PRAGMA table_info("${table}")`).all() as {
      name: string;
      type: string;
      notnull: number;
      dflt_value: string | null;
      pk: number;
    }[];
    s.tables[table] = Object.fromEntries(
      cols.map((c) => [
        c.name,
        { type: family(c.type), notNull: c.notnull === 1 || c.pk > 0, default: c.dflt_value },
      ]),
    );
    const indexes = db.prepare(`PRAGMA index_list("${table}")`).all() as {
      name: string;
      unique: number;
      origin: 'c' | 'u' | 'pk';
      partial: number;
    }[];
    for (const ix of indexes) {
      const columns = (db.prepare(`PRAGMA index_info("${ix.name}")`).all() as { name: string }[])
        .map((c) => c.name)
        .join(',');
      if (ix.unique) s.uniqueKeys.push(`${table}(${columns})`);
      if (ix.origin === 'c')
        s.indexes[ix.name] = { table, columns, unique: ix.unique === 1, partial: ix.partial === 1 };
    }
    // An INTEGER PRIMARY KEY is the rowid: a key without an index of its own.
    if (!indexes.some((ix) => ix.origin === 'pk')) {
      const pk = cols.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk);
      if (pk.length) s.uniqueKeys.push(`${table}(${pk.map((c) => c.name).join(',')})`);
    }
  }
  const triggers = db
    .prepare("SELECT tbl_name || '.' || name FROM sqlite_master WHERE type = 'trigger'")
    .pluck()
    .all() as string[];
  s.triggers = triggers;
  s.uniqueKeys.sort();
  return s;
}

function pgSchema(db: PgDb): Schema {
  const s: Schema = { tables: {}, uniqueKeys: [], indexes: {}, triggers: [], checks: {} };
  const cols = db
    .prepare(
      `SELECT c.table_name AS "table", c.column_name AS "column", c.data_type AS "type",
              c.is_nullable AS "nullable", c.column_default AS "default"
         FROM information_schema.columns c
         JOIN information_schema.tables t USING (table_schema, table_name)
        WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE' AND c.table_name <> 'schema_version'
        ORDER BY c.table_name, c.ordinal_position`,
    )
    .all() as { table: string; column: string; type: string; nullable: string; default: string | null }[];
  for (const c of cols) {
    s.tables[c.table] ??= {};
    s.tables[c.table]![c.column] = {
      type: family(c.type),
      notNull: c.nullable === 'NO',
      default: plainDefault(c.default),
    };
  }
  const indexes = db
    .prepare(
      `SELECT t.relname AS "table", i.relname AS "name", ix.indisunique AS "unique",
              ix.indpred IS NOT NULL AS "partial",
              EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = ix.indexrelid) AS "constraint",
              (SELECT string_agg(a.attname, ',' ORDER BY k.ord)
                 FROM unnest(ix.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
                 JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum) AS "columns"
         FROM pg_index ix
         JOIN pg_class i ON i.oid = ix.indexrelid
         JOIN pg_class t ON t.oid = ix.indrelid
         JOIN pg_namespace n ON n.oid = t.relnamespace
        WHERE n.nspname = current_schema() AND t.relname <> 'schema_version'`,
    )
    .all() as (Index & { name: string; constraint: boolean })[];
  for (const ix of indexes) {
    if (ix.unique) s.uniqueKeys.push(`${ix.table}(${ix.columns})`);
    if (!ix.constraint)
      s.indexes[ix.name] = { table: ix.table, columns: ix.columns, unique: ix.unique, partial: ix.partial };
  }
  s.triggers = db
    .prepare(
      `SELECT c.relname || '.' || tg.tgname FROM pg_trigger tg
         JOIN pg_class c ON c.oid = tg.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = current_schema() AND NOT tg.tgisinternal`,
    )
    .pluck()
    .all() as string[];
  const checks = db
    .prepare(
      `SELECT c.relname AS "table", count(*)::int AS "n" FROM pg_constraint k
         JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = current_schema() AND k.contype = 'c' GROUP BY c.relname`,
    )
    .all() as { table: string; n: number }[];
  s.checks = Object.fromEntries(checks.map((c) => [c.table, c.n]));
  s.uniqueKeys.sort();
  return s;
}

/** The tables whose triggers refuse UPDATE (`<table>_no_update`): the append-only ones. */
const appendOnly = (triggers: string[]) =>
  triggers.filter((t) => t.endsWith('_no_update')).map((t) => t.slice(0, t.indexOf('.')));

describe('migrations/ and migrations/postgres/', () => {
  it('hold the same numbered files, one per number, from 1 without a gap', () => {
    const sqlite = loadMigrations();
    const postgres = loadPgMigrations();
    expect(postgres.map((m) => m.name)).toEqual(sqlite.map((m) => m.name));
    expect(sqlite.map((m) => m.version)).toEqual(sqlite.map((_, i) => i + 1));
  });
});

describe.runIf(hasPg)('the schema after migrating, SQLite and PostgreSQL', () => {
  let lite: SqliteDb;
  let pg: PgDb;
  let a: Schema;
  let b: Schema;
  beforeAll(async () => {
    lite = openDatabase(tempDb());
    pg = await freshPgDb();
    a = sqliteSchema(lite);
    b = pgSchema(pg);
  });
  afterAll(async () => {
    lite?.close();
    await pg?.close();
    await dropPgDatabases();
  });

  it('the same tables with the same columns: type, NOT NULL, default', () => {
    expect(Object.keys(b.tables).sort()).toEqual(Object.keys(a.tables).sort());
    for (const [table, columns] of Object.entries(a.tables)) {
      expect(b.tables[table], table).toEqual(columns);
    }
  });

  it('every PostgreSQL text column compares byte by byte (COLLATE "C"), as SQLite does', () => {
    const other = pg
      .prepare(
        `SELECT table_name || '.' || column_name FROM information_schema.columns
          WHERE table_schema = current_schema() AND table_name <> 'schema_version' AND data_type = 'text'
            AND collation_name IS DISTINCT FROM 'C'`,
      )
      .pluck()
      .all();
    expect(other).toEqual([]);
  });

  it('the same unique keys (primary keys, UNIQUE constraints, unique indexes)', () => {
    expect(b.uniqueKeys).toEqual(a.uniqueKeys);
  });

  it('the same named indexes: table, columns, unique, partial; the same CHECK constraints per table', () => {
    expect(b.indexes).toEqual(a.indexes);
    expect(b.checks).toEqual(a.checks);
  });

  it("every SQLite trigger on the same table; PostgreSQL's own refuse TRUNCATE of the append-only tables", () => {
    expect(b.triggers).toEqual(expect.arrayContaining(a.triggers));
    const extra = b.triggers.filter((t) => !a.triggers.includes(t)).sort();
    expect(extra).toEqual(
      appendOnly(a.triggers)
        .map((t) => `${t}.${t}_no_truncate`)
        .sort(),
    );
    expect(appendOnly(a.triggers)).toEqual(
      expect.arrayContaining(['decision_log', 'audit_checkpoints', 'alert_notifications']),
    );
  });

  it('the same schema version, the last file; migrating again does nothing', () => {
    const latest = loadMigrations().at(-1)!.version;
    expect(schemaVersion(lite)).toBe(latest);
    expect(schemaVersion(pg)).toBe(latest);
    expect(migrate(lite)).toEqual([]);
    expect(migratePostgres(pg)).toEqual([]);
  });

  it('a difference is seen: a column, an index or a trigger missing on one side', async () => {
    const other = await freshPgDb();
    try {
      other.exec('ALTER TABLE incidents ADD COLUMN extra TEXT');
      other.exec('DROP INDEX incidents_room');
      other.exec('DROP TRIGGER decision_log_no_delete ON decision_log');
      const c = pgSchema(other);
      expect(c.tables.incidents).not.toEqual(a.tables.incidents);
      expect(c.indexes).not.toEqual(a.indexes);
      expect(c.triggers).not.toEqual(expect.arrayContaining(a.triggers));
    } finally {
      await other.close();
    }
  });
});

/** Columns an INSERT must name: NOT NULL, no default, not generated (rowid / identity). */
function requiredColumns(db: Db, table: string): { name: string; text: boolean }[] {
  if (dialectOf(db) === 'postgres')
    return (
      db
        .prepare(
          `SELECT column_name AS "name", data_type = 'text' AS "text" FROM information_schema.columns
            WHERE table_schema = current_schema() AND table_name = ? AND is_nullable = 'NO'
              AND column_default IS NULL AND is_identity = 'NO'`,
        )
        .all(table) as { name: string; text: boolean }[]
    ).map((c) => ({ name: c.name, text: c.text }));
  const cols = db.prepare(`PRAGMA table_info("${table}")`).all() as {
    name: string;
    type: string;
    notnull: number;
    dflt_value: string | null;
    pk: number;
  }[];
  return cols
    .filter((c) => (c.notnull === 1 || (c.pk > 0 && c.type !== 'INTEGER')) && c.dflt_value === null)
    .map((c) => ({ name: c.name, text: c.type === 'TEXT' }));
}

/** One row with every required column set ('x' or 1): the parent `alert_groups` row is then id 'x'. */
function insertRow(db: Db, table: string): void {
  const cols = requiredColumns(db, table);
  db.prepare(
    `INSERT INTO ${table} (${cols.map((c) => c.name).join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`,
  ).run(...cols.map((c) => (c.text ? 'x' : 1)));
}

describe.each(backends)('the append-only tables on $name', (backend) => {
  afterAll(dropPgDatabases);

  it('refuse UPDATE and DELETE of a row (and TRUNCATE on PostgreSQL); the row stays', async () => {
    const db = await backend.openDb();
    try {
      insertRow(db, 'alert_groups');
      const tables = ['decision_log', 'audit_checkpoints', 'alert_notifications'];
      for (const table of tables) {
        insertRow(db, table);
        const [col] = requiredColumns(db, table);
        expect(() => db.prepare(`UPDATE ${table} SET ${col!.name} = ${col!.name}`).run(), table).toThrow(
          `${table} is append-only`,
        );
        expect(() => db.prepare(`DELETE FROM ${table}`).run(), table).toThrow(`${table} is append-only`);
        if (backend.name === 'postgres')
          expect(() => db.exec(`TRUNCATE ${table}`), table).toThrow(`${table} is append-only`);
        expect(db.prepare(`SELECT COUNT(*) FROM ${table}`).pluck().get(), table).toBe(1);
      }
    } finally {
      await db.close();
    }
  });
});
