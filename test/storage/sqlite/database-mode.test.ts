// Which kind of database this is (src/storage/sqlite/database-mode.ts). The mark and the drill clock's lead
// work through Db on both databases (a production start on PostgreSQL reads the mark); the check of a file
// before local mode opens it is SQLite's alone.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Db } from '../../../src/storage/sql-db.js';
import {
  clockAheadMs,
  DatabaseModeError,
  databaseMode,
  markLocal,
  refuseForeignDatabase,
  refuseLocalInProduction,
  saveClockAhead,
} from '../../../src/storage/sqlite/database-mode.js';
import { openDatabase } from '../../../src/storage/sqlite/open-database.js';
import { backends } from '../../helpers/backends.js';
import { dropPgDatabases } from '../../helpers/pg.js';
import { at, declareRequest } from '../../helpers/scenario.js';
import { openStack, tempDb } from '../../helpers/store.js';

let db: Db | undefined;
afterEach(async () => {
  await db?.close();
  db = undefined;
});
afterAll(dropPgDatabases);

describe.each(backends)('database mode on $name', (backend) => {
  it('an unmarked database is production; once marked local a production start refuses it', async () => {
    db = await backend.openDb();
    expect(databaseMode(db)).toBeNull();
    expect(() => refuseLocalInProduction(db!, db!.name)).not.toThrow();
    const { token } = markLocal(db, db.name, at(0));
    expect(token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(markLocal(db, db.name, at(1)).token).toBe(token); // the same key across restarts
    expect(databaseMode(db)).toBe('local');
    const setting = backend.name === 'postgres' ? 'DATABASE_URL' : 'DATABASE_PATH';
    // named by its file, or (PostgreSQL) by its URL without a password
    const named = backend.name === 'postgres' ? db.name : 'the-db';
    expect(() => refuseLocalInProduction(db!, 'the-db')).toThrow(
      `${named} is a local-mode database (drills and rehearsals`,
    );
    expect(() => refuseLocalInProduction(db!, 'the-db')).toThrow(`Set ${setting} to the production database`);
  });

  it('keeps the drill clock’s lead, never moving it back', async () => {
    db = await backend.openDb();
    expect(clockAheadMs(db)).toBe(0);
    markLocal(db, db.name, at(0));
    saveClockAhead(db, 90 * 60_000);
    saveClockAhead(db, 30 * 60_000);
    expect(clockAheadMs(db)).toBe(90 * 60_000);
    saveClockAhead(db, 120 * 60_000);
    expect(clockAheadMs(db)).toBe(120 * 60_000);
  });

  it('refuses to mark a database that holds incidents and no mark', async () => {
    const s = await backend.open();
    try {
      const d = s.service.handle(declareRequest('a'));
      expect(d.ok).toBe(true);
      expect(() => markLocal(s.db, 'prod', at(0))).toThrow(DatabaseModeError);
      expect(databaseMode(s.db)).toBeNull();
    } finally {
      await s.close();
    }
  });
});

describe('refuseForeignDatabase (SQLite files)', () => {
  it('leaves a missing or empty file alone, refuses one with incidents, accepts a marked one', () => {
    const missing = tempDb();
    expect(() => refuseForeignDatabase(missing)).not.toThrow();
    const file = tempDb();
    const s = openStack(file);
    s.service.handle(declareRequest('a'));
    s.close();
    expect(() => refuseForeignDatabase(file)).toThrow(/holds 1 incident and is not a local-mode database/);
    const marked = tempDb();
    const m = openDatabase(marked);
    markLocal(m, marked, at(0));
    m.close();
    const again = openStack(marked);
    again.service.handle(declareRequest('b'));
    again.close();
    expect(() => refuseForeignDatabase(marked)).not.toThrow();
  });
});
