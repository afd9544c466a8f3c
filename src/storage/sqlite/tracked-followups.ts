// Incidents with follow-ups filed in a tracker whose state is worth reading back: every filed follow-up of
// an incident not done yet, and the still-open ones of a done (reviewed) incident, whose review shows them.
import type { Incident } from '../../domain/incident.js';
import { type Db, jsonArrayRows, jsonText } from '../sql-db.js';

/** The query in the database's dialect (each follow-up of the state's `followups` array is a row `f`). */
const sqlFor = (db: Db) => `SELECT state, phase FROM incidents WHERE EXISTS (
    SELECT 1 FROM ${jsonArrayRows(db, 'incidents.state', 'followups', 'f')}
    WHERE ${jsonText(db, 'f.value', 'issue.key')} IS NOT NULL
      AND (incidents.phase != 'done' OR ${jsonText(db, 'f.value', 'state')} = 'open')
  ) ORDER BY declared_at, key`;

export interface TrackedIncident {
  incident: Incident;
  /** Not done yet (open, or closed and awaiting its review): all its filed follow-ups are read back. */
  active: boolean;
}

export function trackedIncidents(db: Db): TrackedIncident[] {
  return (db.prepare(sqlFor(db)).all() as { state: string; phase: string }[]).map((r) => ({
    incident: JSON.parse(r.state) as Incident,
    active: r.phase !== 'done',
  }));
}
