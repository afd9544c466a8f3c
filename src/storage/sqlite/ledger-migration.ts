// Migration 005's data step: builds the audit ledger on a database written before it. The per-incident
// chains are verified first (a ledger must not be built on a broken log); existing entries are linked into
// the global chain in the order they were written; each incident gets an `audit_ledger` entry carrying the
// digest of its state; and the first checkpoint is signed. Runs inside the migration's transaction.
import type { CheckpointSigner } from '../../domain/audit/checkpoint.js';
import { GENESIS, type VerifyRow, verifyChain } from '../../domain/audit/hash-chain.js';
import { linkHash } from '../../domain/audit/ledger.js';
import { dialectOf } from '../sql-db.js';
import { LedgerWriter } from './ledger-writer.js';
import type { Db } from './open-database.js';

export class LedgerMigrationError extends Error {}

interface Row extends VerifyRow {
  id: number;
}

const SYSTEM = { platform: 'cli', id: 'incident-bot', name: 'incident-bot migration 005' } as const;

export function buildLedger(db: Db, signer: CheckpointSigner | undefined, now: Date): void {
  const { n } = db.prepare('SELECT count(*) AS n FROM decision_log').get() as { n: number };
  if (n === 0) return;
  if (!signer)
    throw new LedgerMigrationError(
      'Migration 005 builds the signed audit ledger over the existing decision log and needs the signing key: set AUDIT_SIGNING_KEY_FILE (see `incident-bot audit keygen`), or run `incident-bot migrate` in development, which creates one.',
    );
  const expected = new Map(
    (
      db.prepare('SELECT key, log_count, log_head FROM incidents').all() as {
        key: string;
        log_count: number;
        log_head: string;
      }[]
    ).map((r) => [r.key, { count: r.log_count, head: r.log_head }]),
  );
  const rows = db.prepare('SELECT * FROM decision_log ORDER BY incident_key, seq').all() as Row[];
  const parsed = rows.map((r) => ({
    ...r,
    actor: JSON.parse(r.actor as string),
    payload: JSON.parse(r.payload as string),
  }));
  const check = verifyChain(parsed, expected);
  if (!check.ok)
    throw new LedgerMigrationError(
      `The decision log is already broken, so the audit ledger cannot be built on it: ${check.row.incident_key} entry ${check.row.seq}: ${check.problem}. Restore the database from a backup that verifies (incident-bot audit verify on the old release), then migrate.`,
    );
  const orphan = [...new Set(rows.map((r) => r.incident_key))].find((k) => !expected.has(k));
  if (orphan)
    throw new LedgerMigrationError(
      `The decision log has entries for ${orphan}, which is not in the incidents table: the audit ledger cannot be built on it.`,
    );

  // Link the existing entries in the order they were written (row id), with the update trigger lifted
  // for exactly this and put back before the transaction commits.
  const pg = dialectOf(db) === 'postgres';
  db.exec(
    pg
      ? 'ALTER TABLE decision_log DISABLE TRIGGER decision_log_no_update'
      : 'DROP TRIGGER decision_log_no_update',
  );
  const link = db.prepare('UPDATE decision_log SET gseq = ?, gprev_hash = ?, ghash = ? WHERE id = ?');
  let ghash = GENESIS;
  let gseq = 0;
  for (const r of db
    .prepare('SELECT id, incident_key, seq, hash FROM decision_log ORDER BY id')
    .all() as Row[]) {
    gseq++;
    const next = linkHash(ghash, { gseq, incident_key: r.incident_key, seq: r.seq, hash: r.hash });
    link.run(gseq, ghash, next, r.id);
    ghash = next;
  }
  db.exec(
    pg
      ? 'ALTER TABLE decision_log ENABLE TRIGGER decision_log_no_update'
      : `CREATE TRIGGER decision_log_no_update BEFORE UPDATE ON decision_log
BEGIN SELECT RAISE(ABORT, 'decision_log is append-only'); END;`,
  );

  // Each incident's state as it stands now is what its log continues from: say so, with its digest.
  const writer = new LedgerWriter(db);
  const incidents = db
    .prepare('SELECT key, state, log_count, log_head FROM incidents ORDER BY declared_at, key')
    .all() as {
    key: string;
    state: string;
    log_count: number;
    log_head: string;
  }[];
  for (const i of incidents) {
    writer.append(
      i.key,
      { actor: SYSTEM, now },
      [
        {
          type: 'log',
          kind: 'audit_ledger',
          payload: {
            text: 'The audit ledger starts here: the entries before were verified and linked into the global chain; the state as it stood is recorded with this entry.',
            entriesBefore: i.log_count,
            headBefore: i.log_head,
          },
        },
      ],
      null,
      { value: JSON.parse(i.state) as object },
    );
  }
  new LedgerWriter(db, signer).signHead();
}
