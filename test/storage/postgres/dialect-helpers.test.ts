// The dialect helpers of src/storage/sql-db.ts give the same answers on SQLite and PostgreSQL: JSON text
// and booleans, a JSON array as rows, a list parameter, whether a table exists, a unique violation.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  type Db,
  hasTable,
  inJsonList,
  isUniqueViolation,
  jsonArrayRows,
  jsonText,
  jsonTrue,
} from '../../../src/storage/sql-db.js';
import { backends } from '../../helpers/backends.js';
import { dropPgDatabases } from '../../helpers/pg.js';

let db: Db | undefined;
afterEach(async () => {
  await db?.close();
  db = undefined;
});
afterAll(dropPgDatabases);

const DOCS = [
  {
    id: 'a',
    doc: {
      flag: true,
      n: 1,
      list: [
        { k: 'x', s: 'open' },
        { k: null, s: 'done' },
      ],
      deep: { s: 'A' },
    },
  },
  { id: 'b', doc: { flag: false, list: [] } },
  { id: 'c', doc: {} },
];

describe.each(backends)('dialect helpers on $name', (backend) => {
  async function withDocs(): Promise<Db> {
    db = await backend.openDb();
    db.exec('CREATE TABLE t_docs (id TEXT PRIMARY KEY, doc TEXT NOT NULL)');
    const add = db.prepare('INSERT INTO t_docs (id, doc) VALUES (?, ?)');
    for (const d of DOCS) add.run(d.id, JSON.stringify(d.doc));
    return db;
  }

  it('reads JSON text and booleans alike', async () => {
    const d = await withDocs();
    const rows = d
      .prepare(
        `SELECT id, ${jsonText(d, 'doc', 'deep.s')} AS s, CASE WHEN ${jsonTrue(d, 'doc', 'flag')} THEN 'yes' ELSE 'no' END AS flag,
           CASE WHEN ${jsonTrue(d, 'doc', 'n')} THEN 'yes' ELSE 'no' END AS n FROM t_docs ORDER BY id`,
      )
      .all();
    expect(rows).toEqual([
      { id: 'a', s: 'A', flag: 'yes', n: 'yes' },
      { id: 'b', s: null, flag: 'no', n: 'no' },
      { id: 'c', s: null, flag: 'no', n: 'no' },
    ]);
  });

  it('gives a JSON array as rows (none when absent or empty) and a JSON list parameter', async () => {
    const d = await withDocs();
    const counts = d
      .prepare(
        `SELECT t.id, (SELECT COUNT(*) FROM ${jsonArrayRows(d, 't.doc', 'list', 'e')}) AS n,
           (SELECT COUNT(*) FROM ${jsonArrayRows(d, 't.doc', 'list', 'e')}
             WHERE ${jsonText(d, 'e.value', 'k')} IS NOT NULL AND ${jsonText(d, 'e.value', 's')} = 'open') AS open
         FROM t_docs t ORDER BY t.id`,
      )
      .all();
    expect(counts).toEqual([
      { id: 'a', n: 2, open: 1 },
      { id: 'b', n: 0, open: 0 },
      { id: 'c', n: 0, open: 0 },
    ]);
    const ids = (list: string[]) =>
      d
        .prepare(`SELECT id FROM t_docs WHERE id IN ${inJsonList(d)} ORDER BY id`)
        .pluck()
        .all(JSON.stringify(list));
    expect(ids(['c', 'a', 'zz'])).toEqual(['a', 'c']);
    expect(ids([])).toEqual([]);
  });

  it('knows which tables exist and which errors are unique violations', async () => {
    const d = await withDocs();
    expect(hasTable(d, 't_docs')).toBe(true);
    expect(hasTable(d, 'alert_groups')).toBe(true);
    expect(hasTable(d, 'no_such_table')).toBe(false);
    let err: unknown;
    try {
      d.prepare('INSERT INTO t_docs (id, doc) VALUES (?, ?)').run('a', '{}');
    } catch (e) {
      err = e;
    }
    expect(isUniqueViolation(err)).toBe(true);
    let other: unknown;
    try {
      d.prepare('INSERT INTO t_docs (id) VALUES (?)').run('z');
    } catch (e) {
      other = e;
    }
    expect(other).toBeDefined();
    expect(isUniqueViolation(other)).toBe(false);
  });
});
