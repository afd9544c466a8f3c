// The whole ledger verified as storage reads it (what `audit verify` does, without the CLI): on either
// database, in one read snapshot, against the test key unless told otherwise. And a small ledger to
// attack, with a way to undo each attack.
import type { KeyObject } from 'node:crypto';
import { type LedgerReport, verifyLedger } from '../../src/domain/audit/verify-ledger.js';
import type { Command } from '../../src/domain/commands.js';
import { loadPublicKey } from '../../src/ops/audit-key.js';
import type { Db } from '../../src/storage/sql-db.js';
import { ledgerCheckpoints, ledgerEntries, ledgerIncidents } from '../../src/storage/sqlite/ledger-reader.js';
import { TEST_PUBKEY_FILE } from './audit-key.js';
import type { BackendStack } from './backends.js';
import { alertFields, alice, at, bob, declareRequest, ic } from './scenario.js';

export const testPublicKey: KeyObject = loadPublicKey(TEST_PUBKEY_FILE);

export function verifyStored(db: Db, keys: KeyObject[] = [testPublicKey], page?: number): LedgerReport {
  return db.transaction(() =>
    verifyLedger({
      checkpoints: ledgerCheckpoints(db),
      incidents: ledgerIncidents(db),
      entries: ledgerEntries(db, page),
      keys,
    }),
  )();
}

/** Two incidents written in turns, so each one's entries sit in the middle of the global chain. */
export function twoIncidents(s: BackendStack): { A: string; B: string } {
  const a = s.service.handle(declareRequest('a', { now: at(0), title: 'Ingest down' }));
  const b = s.service.handle(declareRequest('b', { now: at(1), title: 'Credential leak' }));
  if (!a.ok || !b.ok) throw new Error('declare');
  // (each command then comes from the incident's own room: anyone there may act)
  const steps: [string, Command, typeof ic][] = [
    [
      a.incident.key,
      { type: 'room_created', platform: 'slack', roomId: 'C0A', name: 'inc-a' } as Command,
      ic,
    ],
    [
      b.incident.key,
      { type: 'room_created', platform: 'slack', roomId: 'C0B', name: 'inc-b' } as Command,
      ic,
    ],
    [a.incident.key, { type: 'claim_role', role: 'comms_lead' }, alice],
    [b.incident.key, { type: 'claim_role', role: 'scribe' }, bob],
    [a.incident.key, { type: 'send_initial_alert', fields: alertFields }, alice],
    [b.incident.key, { type: 'log', text: 'rotated the leaked key' }, bob],
    [b.incident.key, { type: 'decision', text: 'revoke all sessions' }, ic],
  ];
  for (const [n, [incidentKey, command, actor]] of steps.entries()) {
    const r = s.service.handle({ key: `c${n}`, incidentKey, command, actor, now: at(2 + n) });
    if (!r.ok) throw new Error(`${command.type}: ${r.error.message}`);
  }
  return { A: a.incident.key, B: b.incident.key };
}

/** Runs `fn` in a transaction rolled back afterwards: each attack starts from the untouched ledger. */
export function undone<T>(db: Db, fn: () => T): T {
  let out: T | undefined;
  try {
    db.transaction(() => {
      out = fn();
      throw new Undo();
    }).immediate();
  } catch (e) {
    if (!(e instanceof Undo)) throw e;
  }
  return out as T;
}
class Undo extends Error {}
