// Property (fast-check, seed 42): a random run of commands, then one random tampering of the database file
// (a cell of the log, the incidents or the checkpoints changed, a row deleted, two cells swapped, a row
// copied), is always caught by `audit verify`, or it changed nothing that is part of the record.
// Not part of the record, so never tampered with here: row ids, incidents.updated_at and next_check_at
// (scheduling), and the operational tables (outbox, commands, reminders, processed events).
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { auditVerify } from '../../../src/cli/audit-verify.js';
import type { Command } from '../../../src/domain/commands.js';
import { tampered } from '../../helpers/attacker.js';
import { TEST_PUBKEY_FILE } from '../../helpers/audit-key.js';
import { alertFields, at, bob, declareRequest, ic } from '../../helpers/scenario.js';
import { openStack, tempDb } from '../../helpers/store.js';

const PROTECTED: Record<string, string[]> = {
  decision_log: [
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
  incidents: [
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
  audit_checkpoints: ['n', 'seq', 'head', 'at', 'incidents', 'key_id', 'signature'],
};

type Step =
  | { kind: 'declare'; title: string }
  | { kind: 'log'; text: string }
  | { kind: 'claim'; role: 'scribe' | 'comms_lead' }
  | { kind: 'alert' }
  | { kind: 'decision'; text: string };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('declare' as const), title: fc.string({ minLength: 1, maxLength: 30 }) }),
  fc.record({ kind: fc.constant('log' as const), text: fc.string({ minLength: 1, maxLength: 40 }) }),
  fc.record({
    kind: fc.constant('claim' as const),
    role: fc.constantFrom('scribe' as const, 'comms_lead' as const),
  }),
  fc.record({ kind: fc.constant('alert' as const) }),
  fc.record({ kind: fc.constant('decision' as const), text: fc.string({ minLength: 1, maxLength: 40 }) }),
);

/** Runs the steps on a new database (the first one always declares); returns its file. */
function ledgerOf(steps: Step[]): string {
  const file = tempDb();
  const s = openStack(file);
  const keys: string[] = [];
  let minute = 0;
  for (const [n, st] of [{ kind: 'declare', title: 'first' } as Step, ...steps].entries()) {
    minute++;
    if (st.kind === 'declare') {
      const r = s.service.handle(declareRequest(`d${n}`, { now: at(minute), title: st.title.trim() || 'x' }));
      if (r.ok) keys.push(r.incident.key);
      continue;
    }
    const command: Command =
      st.kind === 'log'
        ? { type: 'log', text: st.text }
        : st.kind === 'claim'
          ? { type: 'claim_role', role: st.role }
          : st.kind === 'alert'
            ? { type: 'send_initial_alert', fields: alertFields }
            : { type: 'decision', text: st.text };
    s.service.handle({
      key: `c${n}`,
      incidentKey: keys[n % keys.length]!,
      command,
      actor: n % 2 ? ic : bob,
      now: at(minute),
    });
  }
  s.close();
  return file;
}

type Tamper =
  | { op: 'edit'; table: string; row: number; col: number; how: number }
  | { op: 'delete'; table: string; row: number }
  | { op: 'swap'; table: string; row: number; other: number; col: number }
  | { op: 'copy'; table: string; row: number };

const tamper: fc.Arbitrary<Tamper> = fc.oneof(
  fc.record({
    op: fc.constant('edit' as const),
    table: fc.constantFrom(...Object.keys(PROTECTED)),
    row: fc.nat(),
    col: fc.nat(),
    how: fc.nat(),
  }),
  fc.record({
    op: fc.constant('delete' as const),
    table: fc.constantFrom(...Object.keys(PROTECTED)),
    row: fc.nat(),
  }),
  fc.record({
    op: fc.constant('swap' as const),
    table: fc.constantFrom(...Object.keys(PROTECTED)),
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

function apply(db: Database.Database, t: Tamper): void {
  const ids = (db.prepare(`SELECT rowid AS id FROM ${t.table} ORDER BY rowid`).all() as { id: number }[]).map(
    (r) => r.id,
  );
  if (ids.length === 0) return;
  const id = ids[t.row % ids.length]!;
  const cols = PROTECTED[t.table]!;
  try {
    if (t.op === 'edit') {
      const col = cols[t.col % cols.length]!;
      const v = (db.prepare(`SELECT ${col} AS v FROM ${t.table} WHERE rowid = ?`).get(id) as { v: unknown })
        .v;
      db.prepare(`UPDATE ${t.table} SET ${col} = ? WHERE rowid = ?`).run(mutate(v, t.how) as never, id);
    } else if (t.op === 'delete') {
      db.prepare(`DELETE FROM ${t.table} WHERE rowid = ?`).run(id);
    } else if (t.op === 'swap') {
      const other = ids[t.other % ids.length]!;
      const col = cols[t.col % cols.length]!;
      const get = (r: number) =>
        (db.prepare(`SELECT ${col} AS v FROM ${t.table} WHERE rowid = ?`).get(r) as { v: unknown }).v;
      const [a, b] = [get(id), get(other)];
      db.transaction(() => {
        db.prepare(`UPDATE ${t.table} SET ${col} = ? WHERE rowid = ?`).run(b as never, id);
        db.prepare(`UPDATE ${t.table} SET ${col} = ? WHERE rowid = ?`).run(a as never, other);
      })();
    } else {
      // a copy placed after the end (renumbered so the unique columns accept it)
      const list = cols.join(', ');
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
      db.prepare(`INSERT INTO ${t.table} (${list}) SELECT ${sel} FROM ${t.table} WHERE rowid = ?`).run(id);
    }
  } catch {
    // a constraint refused the change: nothing was changed
  }
}

function dump(file: string): string {
  const db = new Database(file, { readonly: true });
  try {
    return JSON.stringify(
      Object.entries(PROTECTED).map(([t, cols]) =>
        db.prepare(`SELECT ${cols.join(', ')} FROM ${t} ORDER BY rowid`).all(),
      ),
    );
  } finally {
    db.close();
  }
}

describe('verify-ledger (property)', () => {
  it('any single tampering of the record is caught, or changed nothing', () => {
    let caught = 0;
    let noop = 0;
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 8 }), tamper, (steps, t) => {
        const file = ledgerOf(steps);
        expect(auditVerify({ dbPath: file, pubkeys: [TEST_PUBKEY_FILE] }).code).toBe(0);
        const copy = tampered(file, (db) => apply(db, t));
        const r = auditVerify({ dbPath: copy, pubkeys: [TEST_PUBKEY_FILE] });
        if (dump(copy) === dump(file)) {
          noop++;
          expect(r.code, r.output).toBe(0);
        } else {
          caught++;
          expect(r.code, `${JSON.stringify(t)} was not caught: ${r.output}`).not.toBe(0);
        }
      }),
      { seed: 42, numRuns: 150 },
    );
    // the runs did tamper, mostly
    expect(caught).toBeGreaterThan(noop);
  }, 120_000);
});
