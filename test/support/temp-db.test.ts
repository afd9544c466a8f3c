import { existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { cleanupTempDbs, tempDb, tempDbPath } from './temp-db.js';

describe('temp-db', () => {
  it('gives distinct paths under the temp dir that sqlite can open, and cleans up', () => {
    const a = tempDbPath();
    const b = tempDbPath();
    expect(a).not.toBe(b);
    expect(a.startsWith(tmpdir())).toBe(true);
    const db = new Database(a);
    db.pragma('journal_mode = WAL');
    db.exec('create table t (x int); insert into t values (1)');
    expect(db.prepare('select x from t').get()).toEqual({ x: 1 });
    db.close();
    writeFileSync(b, '');
    cleanupTempDbs();
    expect(existsSync(dirname(a))).toBe(false);
    expect(existsSync(dirname(b))).toBe(false);
  });

  it('tempDb() has its own cleanup', () => {
    const t = tempDb('x.sqlite');
    expect(t.path.endsWith('x.sqlite')).toBe(true);
    expect(existsSync(t.dir)).toBe(true);
    t.cleanup();
    expect(existsSync(t.dir)).toBe(false);
  });
});
