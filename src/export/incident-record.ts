// What an export needs: the incident, the playbook it ran under, and its decision-log rows parsed (actor
// and payload as objects). Storage loads it (src/storage/sqlite/record-reader.ts); exporting changes nothing.

import type { LogRow } from '../app/ports.js';
import type { IncidentProof } from '../domain/audit/verify-export.js';
import type { Incident } from '../domain/incident.js';
import type { Playbook } from '../domain/playbook.js';

export interface EntryActor {
  platform: string;
  id: string;
  name?: string;
}

/** One decision-log entry with its JSON columns parsed. Field names are the table's column names. */
export interface RecordEntry {
  id?: number;
  incident_key: string;
  seq: number;
  at: string;
  recorded_at: string;
  actor: EntryActor;
  kind: string;
  payload: Record<string, unknown>;
  source: string | null;
  command_key: string | null;
  prev_hash: string;
  hash: string;
  state_hash?: string | null;
}

export interface IncidentRecord {
  incident: Incident;
  playbook: Playbook;
  /** Decision-log entries in chain order (seq). */
  entries: RecordEntry[];
  /** What the incidents table says the chain ends with (log_count / log_head). */
  stored: { count: number; head: string };
  /** Ties the log to the latest signed checkpoint (the record was verified against it when loaded). */
  proof: IncidentProof;
}

export class RecordError extends Error {}

/** Parses one decision_log row; throws a RecordError naming the row when a JSON column is damaged. */
export function parseLogRow(row: LogRow): RecordEntry {
  const parse = (column: string, text: string): unknown => {
    try {
      return JSON.parse(text);
    } catch {
      throw new RecordError(
        `decision_log row id ${row.id} (incident ${row.incident_key}, entry ${row.seq}) has a ${column} that is not valid JSON.`,
      );
    }
  };
  return {
    id: row.id,
    incident_key: row.incident_key,
    seq: row.seq,
    at: row.at,
    recorded_at: row.recorded_at,
    actor: parse('actor', row.actor) as EntryActor,
    kind: row.kind,
    payload: parse('payload', row.payload) as Record<string, unknown>,
    source: row.source,
    command_key: row.command_key,
    prev_hash: row.prev_hash,
    hash: row.hash,
    ...(row.state_hash ? { state_hash: row.state_hash } : {}),
  };
}
