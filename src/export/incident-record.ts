// Loads what an export needs from the database: the incident, the playbook it ran under, and its
// decision-log rows parsed (actor and payload as objects). Read-only: exporting changes nothing.

import type { Incident } from '../domain/incident.js';
import type { Playbook } from '../domain/playbook.js';
import type { LogRow } from '../storage/sqlite/incident-store.js';
import type { Db } from '../storage/sqlite/open-database.js';

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
}

export interface IncidentRecord {
  incident: Incident;
  playbook: Playbook;
  /** Decision-log entries in chain order (seq). */
  entries: RecordEntry[];
  /** What the incidents table says the chain ends with (log_count / log_head). */
  stored: { count: number; head: string };
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
  };
}

/**
 * Loads an incident's record. The playbook is the exact version the incident ran under (stored in the
 * `playbooks` table by its sha256); `fallback` is used only when that version is missing.
 * Returns null when there is no such incident.
 */
export function loadIncidentRecord(db: Db, key: string, fallback?: () => Playbook): IncidentRecord | null {
  const row = db.prepare('SELECT state, log_count, log_head FROM incidents WHERE key = ?').get(key) as
    | { state: string; log_count: number; log_head: string }
    | undefined;
  if (!row) return null;
  let incident: Incident;
  try {
    incident = JSON.parse(row.state) as Incident;
  } catch {
    throw new RecordError(`The stored state of incident ${key} is not valid JSON.`);
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
  return {
    incident,
    playbook,
    entries: rows.map(parseLogRow),
    stored: { count: row.log_count, head: row.log_head },
  };
}
