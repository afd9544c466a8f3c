// Group commit of the WAL: a waiter is released only by a sync that started after its change, everyone
// waiting at the same moment shares one sync, nothing written means no sync, and a failed sync fails its
// waiters (and the next request tries again).
import { fstatSync, statSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { type Db, openDatabase } from '../../../src/storage/sqlite/open-database.js';
import { WalSync } from '../../../src/storage/sqlite/wal-sync.js';
import { cleanupTempDbs, tempDbPath } from '../../support/temp-db.js';

let db: Db | undefined;
afterEach(() => {
  if (db?.open) db.close();
  cleanupTempDbs();
});

/** A sync the test releases by hand; records the file descriptor of each call. */
function heldSyncs() {
  const calls: { fd: number; release: () => void; fail: (e: Error) => void }[] = [];
  const datasync = (fd: number) =>
    new Promise<void>((release, fail) => {
      calls.push({ fd, release, fail });
    });
  return { calls, datasync };
}

const settled = async <T>(p: Promise<T>) => {
  let state = 'pending';
  p.then(
    () => (state = 'resolved'),
    () => (state = 'rejected'),
  );
  await new Promise((r) => setImmediate(r));
  return state;
};

/** A table, a WalSync whose syncs the test releases, and two changes: `a` synced first, `b` queued after it. */
function twoChanges() {
  const d = withTable();
  const s = heldSyncs();
  const w = new WalSync(d, { datasync: s.datasync });
  const insert = d.prepare('INSERT INTO t (v) VALUES (?)');
  insert.run('a');
  const a = w.durable();
  insert.run('b');
  // b's change came after the sync in flight started: b must wait for a second sync, a need not.
  const b = w.durable();
  return { s, w, insert, a, b };
}

function withTable(): Db {
  db = openDatabase(tempDbPath(), { migrate: false });
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)');
  return db;
}

describe('WalSync', () => {
  it('needs no sync when nothing was written since the last one', async () => {
    const d = withTable();
    const s = heldSyncs();
    const w = new WalSync(d, { datasync: s.datasync });
    d.prepare('INSERT INTO t (v) VALUES (?)').run('a');
    const first = w.durable();
    expect(s.calls).toHaveLength(1);
    expect(fstatSync(s.calls[0]!.fd).ino).toBe(statSync(`${d.name}-wal`).ino); // the WAL, not the db
    s.calls[0]!.release();
    await first;
    await w.durable();
    await w.durable();
    expect(s.calls).toHaveLength(1);
  });

  it('shares one sync among everyone waiting, and starts a new one for changes made during it', async () => {
    const { s, w, insert, a, b } = twoChanges();
    insert.run('c');
    const c = w.durable();
    expect(s.calls).toHaveLength(1);
    s.calls[0]!.release();
    await a;
    expect(await settled(b)).toBe('pending');
    expect(s.calls).toHaveLength(2); // one more sync, shared by b and c
    s.calls[1]!.release();
    await Promise.all([b, c]);
    expect(s.calls).toHaveLength(2);
  });

  it('never runs two syncs at once: a change made as a sync ends joins the queued one; close waits for it', async () => {
    const { s, w, insert, a, b } = twoChanges();
    let c: Promise<void> | undefined;
    // A request answered when the first sync ends writes again at once, before the queued sync starts.
    void a.then(() => {
      insert.run('c');
      c = w.durable();
    });
    s.calls[0]!.release();
    await new Promise((r) => setImmediate(r));
    expect(s.calls).toHaveLength(2); // b and c share the second sync
    let closed = false;
    const closing = w.close().then(() => (closed = true));
    await new Promise((r) => setImmediate(r));
    expect(closed).toBe(false); // the descriptor stays open while its sync runs
    s.calls[1]!.release();
    await Promise.all([b, c, closing]);
    expect(closed).toBe(true);
    insert.run('d');
    await w.durable(); // after close: nothing is reopened or synced
    expect(s.calls).toHaveLength(2);
  });

  it('fails the waiters of a failed sync, and the next request syncs again', async () => {
    const d = withTable();
    const s = heldSyncs();
    const seen: { error?: Error }[] = [];
    const w = new WalSync(d, { datasync: s.datasync, onSync: (r) => seen.push(r) });
    d.prepare('INSERT INTO t (v) VALUES (?)').run('a');
    const a = w.durable();
    s.calls[0]!.fail(new Error('EIO: i/o error'));
    await expect(a).rejects.toThrow('EIO');
    expect(seen[0]?.error?.message).toContain('EIO');
    const again = w.durable();
    expect(s.calls).toHaveLength(2);
    s.calls[1]!.release();
    await again;
  });

  it("syncs the database's own WAL file for real", async () => {
    const d = withTable();
    const seen: { seconds: number; error?: Error }[] = [];
    const w = new WalSync(d, { onSync: (r) => seen.push(r) });
    d.prepare('INSERT INTO t (v) VALUES (?)').run('a');
    await w.durable();
    expect(seen).toHaveLength(1);
    expect(seen[0]!.error).toBeUndefined();
    await w.close();
  });

  it('is a no-op for an in-memory database (no WAL file)', async () => {
    db = openDatabase(':memory:', { migrate: false });
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY)');
    db.prepare('INSERT INTO t DEFAULT VALUES').run();
    const w = new WalSync(db);
    await expect(w.durable()).resolves.toBeUndefined();
  });
});
