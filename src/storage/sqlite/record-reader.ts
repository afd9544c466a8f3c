// Reads one incident's record for an export: its state, the playbook version it ran under, its log rows.
import type { LogRow } from '../../app/ports.js';
import type { Incident } from '../../domain/incident.js';
import type { Playbook } from '../../domain/playbook.js';
import { type IncidentRecord, parseLogRow, RecordError } from '../../export/incident-record.js';
import type { Db } from './open-database.js';

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
