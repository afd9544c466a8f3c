// Lookups that must not read every incident or every outbox row (they did before migration 006: 155 ms to
// 1 s each on 100,000 incidents). Asserted on SQLite's query plan, so it holds whatever the machine's speed.
import { afterEach, describe, expect, it } from 'vitest';
import { type Db, openDatabase } from '../../../src/storage/sqlite/open-database.js';
import { cleanupTempDbs, tempDbPath } from '../../support/temp-db.js';

let db: Db | undefined;
afterEach(() => {
  if (db?.open) db.close();
  cleanupTempDbs();
});

const plan = (d: Db, sql: string, ...args: unknown[]) =>
  (d.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args) as { detail: string }[])
    .map((r) => r.detail)
    .join('; ');

describe('lookup indexes', () => {
  it('recent declarations, the active list and the last audit post each use an index', () => {
    db = openDatabase(tempDbPath());
    // IncidentStore.declaredBy
    expect(
      plan(
        db,
        "SELECT state FROM incidents WHERE declared_at >= ? AND json_extract(state, '$.declaredBy') = ? ORDER BY declared_at DESC",
        '2026-01-01',
        'U1',
      ),
    ).toMatch(/USING INDEX incidents_(declared|active)/);
    // IncidentStore.listActive
    expect(plan(db, "SELECT state FROM incidents WHERE phase != 'done' ORDER BY declared_at")).toMatch(
      /SCAN incidents USING INDEX incidents_active/,
    );
    // SqliteCheckpointFeed.lastPublished
    expect(
      plan(db, 'SELECT key, created_at FROM outbox WHERE lane = ? ORDER BY id DESC LIMIT 1', 'x'),
    ).toMatch(/USING (COVERING )?INDEX outbox_lane/);
  });
});
