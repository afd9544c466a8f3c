// Any single tampering of the record (a cell of the log, the incidents or the checkpoints changed, a row
// deleted, two cells swapped, a row copied) is caught when storage reads the ledger back, or it changed
// nothing: fast-check, seed 42, on both databases. Each tampering is made in a transaction rolled back
// afterwards, so one ledger serves every run. Not part of the record, so never tampered with here: row ids,
// incidents.updated_at and next_check_at, and the operational tables.
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../src/storage/sql-db.js';
import { unlock } from '../../helpers/attacker.js';
import { backends } from '../../helpers/backends.js';
import { twoIncidents, undone, verifyStored } from '../../helpers/ledger.js';
import { dropPgDatabases } from '../../helpers/pg.js';

afterAll(dropPgDatabases);

const PROTECTED: Record<string, { key: string; cols: string[] }> = {
  decision_log: {
    key: 'id',
    cols: [
      'incident_key',
      'seq',
      'at',
      'recorded_at',
      'actor',
      'kind',
      'payload',
      'source',
      'command_key',
      'prev_hash',
      'hash',
      'gseq',
      'gprev_hash',
      'ghash',
      'state_hash',
    ],
  },
  incidents: {
    key: 'key',
    cols: [
      'key',
      'version',
      'platform',
      'phase',
      'trigger_class',
      'drill',
      'declared_at',
      'closed_at',
      'room_id',
      'playbook_sha',
      'state',
      'state_digest',
      'log_count',
      'log_head',
    ],
  },
  audit_checkpoints: { key: 'n', cols: ['n', 'seq', 'head', 'at', 'incidents', 'key_id', 'signature'] },
};

type Tamper =
  | { op: 'edit'; table: string; row: number; col: number; how: number }
  | { op: 'delete'; table: string; row: number }
  | { op: 'swap'; table: string; row: number; other: number; col: number }
  | { op: 'copy'; table: string; row: number };

const tables = fc.constantFrom(...Object.keys(PROTECTED));
const tampering: fc.Arbitrary<Tamper> = fc.oneof(
  fc.record({ op: fc.constant('edit' as const), table: tables, row: fc.nat(), col: fc.nat(), how: fc.nat() }),
  fc.record({ op: fc.constant('delete' as const), table: tables, row: fc.nat() }),
  fc.record({
    op: fc.constant('swap' as const),
    table: tables,
    row: fc.nat(),
    other: fc.nat(),
    col: fc.nat(),
  }),
  fc.record({
    op: fc.constant('copy' as const),
    table: fc.constantFrom('decision_log', 'audit_checkpoints'),
    row: fc.nat(),
  }),
);

/** A different value of the same kind: a character changed, a number moved, a null filled. */
function mutate(v: unknown, how: number): unknown {
  if (v === null) return 'x';
  if (typeof v === 'number') return how % 2 ? v + 1 : v - 1;
  const s = String(v);
  if (s.length === 0) return 'x';
  const k = how % s.length;
  return `${s.slice(0, k)}${s[k] === 'a' ? 'b' : 'a'}${s.slice(k + 1)}`;
}

/** Applies one tampering; a change a constraint (or a column's type) refuses leaves nothing (a savepoint). */
function apply(db: Db, t: Tamper): void {
  const { key, cols } = PROTECTED[t.table]!;
  const ids = db.prepare(`SELECT ${key} FROM ${t.table} ORDER BY ${key}`).pluck().all();
  if (ids.length === 0) return;
  const id = ids[t.row % ids.length];
  const get = (col: string, r: unknown) =>
    db.prepare(`SELECT ${col} FROM ${t.table} WHERE ${key} = ?`).pluck().get(r);
  const set = (col: string, v: unknown, r: unknown) =>
    db.prepare(`UPDATE ${t.table} SET ${col} = ? WHERE ${key} = ?`).run(v, r);
  try {
    db.transaction(() => {
      if (t.op === 'edit') {
        const col = cols[t.col % cols.length]!;
        set(col, mutate(get(col, id), t.how), id);
      } else if (t.op === 'delete') db.prepare(`DELETE FROM ${t.table} WHERE ${key} = ?`).run(id);
      else if (t.op === 'swap') {
        const other = ids[t.other % ids.length];
        const col = cols[t.col % cols.length]!;
        const [a, b] = [get(col, id), get(col, other)];
        set(col, b, id);
        set(col, a, col === key ? b : other);
      } else {
        // a copy placed after the end (renumbered so the unique columns accept it)
        const bump = t.table === 'decision_log' ? 'gseq' : 'n';
        const sel = cols
          .map((c) =>
            c === bump
              ? `(SELECT max(${bump}) + 1 FROM ${t.table})`
              : c === 'seq' && t.table === 'decision_log'
                ? 'seq + 1000'
                : c,
          )
          .join(', ');
        db.prepare(
          `INSERT INTO ${t.table} (${cols.join(', ')}) SELECT ${sel} FROM ${t.table} WHERE ${key} = ?`,
        ).run(id);
      }
    })();
  } catch {
    // refused: nothing was changed
  }
}

const dump = (db: Db) =>
  JSON.stringify(
    Object.entries(PROTECTED).map(([t, { key, cols }]) =>
      db.prepare(`SELECT ${cols.join(', ')} FROM ${t} ORDER BY ${key}`).all(),
    ),
  );

describe.each(backends)('the ledger read back on $name (property)', (backend) => {
  it('any single tampering of the record is caught, or changed nothing', async () => {
    const s = await backend.open();
    try {
      twoIncidents(s);
      const untouched = dump(s.db);
      let caught = 0;
      let noop = 0;
      fc.assert(
        fc.property(tampering, (t) => {
          const { same, r } = undone(s.db, () => {
            unlock(s.db);
            apply(s.db, t);
            return { same: dump(s.db) === untouched, r: verifyStored(s.db) };
          });
          if (same) {
            noop++;
            expect(r.ok, JSON.stringify(r)).toBe(true);
          } else {
            caught++;
            expect(r.ok, `${JSON.stringify(t)} was not caught`).toBe(false);
          }
        }),
        { seed: 42, numRuns: 150 },
      );
      expect(caught).toBeGreaterThan(noop);
      expect(dump(s.db)).toBe(untouched);
    } finally {
      await s.close();
    }
  }, 120_000);
});
