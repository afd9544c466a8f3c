/**
 * Temporary SQLite file paths for tests. Each call makes a fresh directory under os.tmpdir();
 * `cleanupTempDbs()` (or the returned `cleanup`) removes it, including -wal / -shm files.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const created = new Set<string>();

export interface TempDb {
  /** Path of the (not yet existing) sqlite file. */
  path: string;
  /** Directory holding it (and its -wal/-shm files). */
  dir: string;
  /** Remove the directory. Close the database first. */
  cleanup(): void;
}

/** A fresh directory with a path for a sqlite file, plus its cleanup. */
export function tempDb(name = 'incident-bot.sqlite'): TempDb {
  const dir = mkdtempSync(join(tmpdir(), 'incident-bot-test-'));
  created.add(dir);
  return {
    path: join(dir, name),
    dir,
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
      created.delete(dir);
    },
  };
}

/** Path for a sqlite file in a fresh temp directory; removed by `cleanupTempDbs()`. */
export function tempDbPath(name?: string): string {
  return tempDb(name).path;
}

/** Remove every directory made by tempDb/tempDbPath in this process (call in afterAll/afterEach). */
export function cleanupTempDbs(): void {
  for (const dir of created) rmSync(dir, { recursive: true, force: true });
  created.clear();
}
