// What the metrics gauges read at scrape time (src/ops/metrics.ts), on SQLite and PostgreSQL alike.
import { type Db, jsonTrue } from '../sql-db.js';

export interface OpenIncidentCount {
  phase: string;
  triggerClass: string;
  n: number;
}

/**
 * Open (not closed) incidents by phase and trigger class, drills excluded. A confidential incident is
 * counted under trigger class `confidential`: its class is for its members. Returns the query, ready to run.
 */
export function openIncidentCounts(db: Db): () => OpenIncidentCount[] {
  const stmt = db.prepare(
    `SELECT phase, CASE WHEN ${jsonTrue(db, 'state', 'confidential')} THEN 'confidential' ELSE trigger_class END
       AS "triggerClass", COUNT(*) AS n FROM incidents
     WHERE closed_at IS NULL AND drill = 0 GROUP BY 1, 2`,
  );
  return () => stmt.all() as OpenIncidentCount[];
}
