// WAL checkpoints leave the bot's connection (they stalled it for 35-50 ms every ~1,000 pages) for a worker
// thread with its own connection; the bot's connection takes them back when the worker stops.
import { existsSync, statSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { type SqliteDb as Db, openDatabase } from '../../../src/storage/sqlite/open-database.js';
import { startWalCheckpointer } from '../../../src/storage/sqlite/wal-checkpointer.js';
import { cleanupTempDbs, tempDbPath } from '../../support/temp-db.js';
import { waitFor } from '../../support/wait-for.js';

let db: Db | undefined;
afterEach(() => {
  if (db?.open) db.close();
  cleanupTempDbs();
});

describe('WAL checkpointer', () => {
  it("checkpoints what the bot's connection writes, from another thread; hands back on stop", async () => {
    const file = tempDbPath();
    db = openDatabase(file);
    const seen: { log: number; checkpointed: number }[] = [];
    const cp = startWalCheckpointer(db, file, { everyMs: 20, onCheckpoint: (r) => seen.push(r) });
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    db.exec('CREATE TABLE filler (id INTEGER PRIMARY KEY, body TEXT)');
    const insert = db.prepare('INSERT INTO filler (body) VALUES (?)');
    // ~3,000 pages: three automatic checkpoints' worth, none taken by this connection.
    for (let n = 0; n < 30; n++)
      db.transaction(() => {
        for (let k = 0; k < 100; k++) insert.run('x'.repeat(4000));
      })();
    expect(statSync(`${file}-wal`).size).toBeGreaterThan(4096 * 2000);
    const done = await waitFor(
      () => seen.find((r) => r.log > 2000 && r.checkpointed === r.log),
      'a full checkpoint',
      10_000,
    );
    expect(done.checkpointed).toBe(done.log);
    await cp!.stop();
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    db.close();
    expect(existsSync(`${file}-wal`)).toBe(false); // the last connection's close folded the WAL in
  });

  it('an in-memory database has nothing to checkpoint', () => {
    db = openDatabase(':memory:');
    expect(startWalCheckpointer(db, ':memory:')).toBeNull();
  });
});
