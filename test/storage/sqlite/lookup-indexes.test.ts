// Lookups that must not read every incident or every outbox row (they did before migration 006: 155 ms to
// 1 s each on 100,000 incidents). Asserted on the query plan, so it holds whatever the machine's speed:
// SQLite's EXPLAIN QUERY PLAN; PostgreSQL's EXPLAIN with sequential scans priced out (its planner reads a
// small table whole, so on an empty test database it is asked whether an index CAN serve the lookup).
import { afterAll, describe, expect, it } from 'vitest';
import { type Db, dialectOf, jsonText } from '../../../src/storage/sql-db.js';
import { backends } from '../../helpers/backends.js';
import { dropPgDatabases } from '../../helpers/pg.js';

afterAll(dropPgDatabases);

function plan(d: Db, sql: string, ...args: unknown[]): string {
  if (dialectOf(d) === 'postgres') {
    d.exec('SET enable_seqscan = off');
    return (d.prepare(`EXPLAIN ${sql}`).all(...args) as { 'QUERY PLAN': string }[])
      .map((r) => r['QUERY PLAN'])
      .join('; ');
  }
  return (d.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args) as { detail: string }[])
    .map((r) => r.detail)
    .join('; ');
}

/** The plan reads this index (SQLite: SEARCH/SCAN … USING INDEX; PostgreSQL: an index scan on it). */
const usesIndex = (d: Db, name: string) =>
  dialectOf(d) === 'postgres'
    ? new RegExp(`Index (Only )?Scan (Backward )?(using|on) ${name}\\b`)
    : new RegExp(`USING (COVERING )?INDEX ${name}\\b`);

describe.each(backends)('lookup indexes on $name', (backend) => {
  it('recent declarations, the active list and the last audit post each use an index', async () => {
    const db = await backend.openDb();
    try {
      // IncidentStore.declaredBy
      expect(
        plan(
          db,
          `SELECT state FROM incidents WHERE declared_at >= ? AND ${jsonText(db, 'state', 'declaredBy')} = ? ORDER BY declared_at DESC`,
          '2026-01-01',
          'U1',
        ),
      ).toMatch(usesIndex(db, 'incidents_(declared|active)'));
      // IncidentStore.listActive
      expect(plan(db, "SELECT state FROM incidents WHERE phase != 'done' ORDER BY declared_at")).toMatch(
        usesIndex(db, 'incidents_active'),
      );
      // SqliteCheckpointFeed.lastPublished
      expect(
        plan(db, 'SELECT key, created_at FROM outbox WHERE lane = ? ORDER BY id DESC LIMIT 1', 'x'),
      ).toMatch(usesIndex(db, 'outbox_lane'));
      // and a lookup with no index to use is told apart (the assertion can fail)
      expect(plan(db, 'SELECT key FROM outbox WHERE body = ?', 'x')).not.toMatch(
        usesIndex(db, 'outbox_lane'),
      );
    } finally {
      await db.close();
    }
  });
});
