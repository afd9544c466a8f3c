// Reads one incident's record for an export: its state, the playbook version it ran under, its log rows,
// and the proof that ties the log to the latest signed checkpoint. The record is verified as it is read
// (chain, state against log, proof): an export is never built from a record that does not hold.
import type { LogRow } from '../../app/ports.js';
import { GENESIS } from '../../domain/audit/hash-chain.js';
import type { FieldPrints } from '../../domain/audit/ledger.js';
import { type IncidentProof, verifyIncidentLog } from '../../domain/audit/verify-export.js';
import type { Incident } from '../../domain/incident.js';
import type { Playbook } from '../../domain/playbook.js';
import { type IncidentRecord, parseLogRow, RecordError } from '../../export/incident-record.js';
import { CHECKPOINT_COLUMNS, type CheckpointRecord, signedCheckpointOf } from './checkpoint-rows.js';
import type { Db } from './open-database.js';

/** The latest checkpoint and the global links from the incident's last entry up to it. */
export function proofFor(db: Db, last: LogRow | undefined): IncidentProof | null {
  const c = db.prepare(`SELECT ${CHECKPOINT_COLUMNS} FROM audit_checkpoints ORDER BY n DESC LIMIT 1`).get() as
    | CheckpointRecord
    | undefined;
  if (!c || !last || last.gseq === null || c.seq < last.gseq) return null;
  const links = db
    .prepare(
      'SELECT gseq, incident_key, seq, hash FROM decision_log WHERE gseq > ? AND gseq <= ? ORDER BY gseq',
    )
    .all(last.gseq, c.seq) as IncidentProof['links'];
  return {
    checkpoint: signedCheckpointOf(c),
    last: { gseq: last.gseq, gprev_hash: last.gprev_hash ?? GENESIS, ghash: last.ghash ?? '' },
    links,
  };
}

/**
 * Loads and verifies an incident's record. The playbook is the exact version the incident ran under
 * (stored in the `playbooks` table by its sha256); `fallback` is used only when that version is missing.
 * Returns null when there is no such incident; throws a RecordError when the record does not verify.
 */
export function loadIncidentRecord(db: Db, key: string, fallback?: () => Playbook): IncidentRecord | null {
  // One read transaction, so one snapshot: read from another connection (the export worker) while the bot
  // commits, separate statements could see the incident's row before an append and its log after it, and
  // a consistent record would be reported as tampered with.
  return db.transaction(() => readRecord(db, key, fallback))();
}

function readRecord(db: Db, key: string, fallback?: () => Playbook): IncidentRecord | null {
  const row = db
    .prepare('SELECT state, state_digest, log_count, log_head FROM incidents WHERE key = ?')
    .get(key) as
    | { state: string; state_digest: string | null; log_count: number; log_head: string }
    | undefined;
  if (!row) return null;
  let incident: Incident;
  let fields: FieldPrints | null = null;
  try {
    incident = JSON.parse(row.state) as Incident;
    fields = row.state_digest ? (JSON.parse(row.state_digest) as FieldPrints) : null;
  } catch {
    throw new RecordError(
      `The stored state of incident ${key} is not valid JSON: it was edited in the database.`,
    );
  }
  const pbRow = db.prepare('SELECT body FROM playbooks WHERE sha256 = ?').get(incident.playbook.sha256) as
    | { body: string }
    | undefined;
  let playbook: Playbook;
  if (pbRow) playbook = JSON.parse(pbRow.body) as Playbook;
  else if (fallback) playbook = fallback();
  else {
    throw new RecordError(
      `The playbook version ${incident.playbook.version} (sha256 ${incident.playbook.sha256}) that ${key} ran under is not in the database.`,
    );
  }
  const rows = db
    .prepare('SELECT * FROM decision_log WHERE incident_key = ? ORDER BY seq')
    .all(key) as LogRow[];
  const entries = rows.map(parseLogRow);
  const proof = proofFor(db, rows.at(-1));
  const check = verifyIncidentLog({ entries, proof, state: { value: incident, fields } });
  if (!check.ok || !proof) {
    const at = !check.ok && check.entry !== undefined ? ` at entry ${entries[check.entry]?.seq}` : '';
    throw new RecordError(
      `The record of ${key} does not verify${at}: ${check.ok ? 'no signed checkpoint covers it' : check.problem}. Nothing was exported; run \`incident-bot audit verify\`.`,
    );
  }
  if (row.log_count !== entries.length || row.log_head !== check.head)
    throw new RecordError(
      `The record of ${key} does not verify: its row says the log ends at entry ${row.log_count}, the log ends at entry ${entries.length}. Nothing was exported; run \`incident-bot audit verify\`.`,
    );
  return { incident, playbook, entries, stored: { count: row.log_count, head: row.log_head }, proof };
}
