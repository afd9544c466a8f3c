// Moves SQLite's WAL checkpoints off the event loop. With automatic checkpoints, every ~1,000 pages one
// commit also copies the WAL into the database file and syncs it: 35-50 ms in which the bot answers nothing
// (measured: that was the longest stall of a reminder catch-up). Here the bot's connection never
// checkpoints; a worker thread with its own connection runs PASSIVE checkpoints (they never wait for, nor
// block, the bot's writes) every `everyMs`. If the worker dies, the bot's connection checkpoints again.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { SqliteDb as Db } from './open-database.js';

export interface WalCheckpointer {
  stop(): Promise<void>;
}

/** The worker's code: CommonJS, given the resolved better-sqlite3 module (no TypeScript build needed). */
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.module);
const db = new Database(workerData.file, { fileMustExist: true, timeout: 1000 });
const run = () => {
  try {
    const [r] = db.pragma('wal_checkpoint(PASSIVE)');
    parentPort.postMessage({ ok: true, log: r.log, checkpointed: r.checkpointed });
  } catch (e) {
    parentPort.postMessage({ ok: false, error: String(e && e.message || e) });
  }
};
const timer = setInterval(run, workerData.everyMs);
parentPort.on('message', (m) => {
  if (m === 'stop') { clearInterval(timer); run(); db.close(); parentPort.close(); }
});
`;

export function startWalCheckpointer(
  db: Db,
  file: string,
  o: {
    everyMs?: number;
    onError?: (message: string) => void;
    /** Each checkpoint's result: WAL frames, and how many of them are now in the database file. */
    onCheckpoint?: (r: { log: number; checkpointed: number }) => void;
  } = {},
): WalCheckpointer | null {
  if (file === ':memory:') return null;
  db.pragma('wal_autocheckpoint = 0');
  const worker = new Worker(WORKER, {
    eval: true,
    workerData: {
      module: createRequire(import.meta.url).resolve('better-sqlite3'),
      file,
      everyMs: o.everyMs ?? 1000,
    },
  });
  worker.unref();
  let stopping = false;
  const fallBack = (why: string) => {
    if (stopping) return;
    o.onError?.(`WAL checkpoints are back on the bot's connection: ${why}`);
    if (db.open) db.pragma('wal_autocheckpoint = 1000');
  };
  worker.on('message', (m: { ok: boolean; error?: string; log: number; checkpointed: number }) => {
    if (!m.ok) o.onError?.(`a WAL checkpoint failed: ${m.error}`);
    else o.onCheckpoint?.({ log: m.log, checkpointed: m.checkpointed });
  });
  worker.on('error', (e) => fallBack(e.message));
  worker.on('exit', (code) => {
    if (code !== 0) fallBack(`the checkpoint worker exited with ${code}`);
  });
  return {
    async stop() {
      stopping = true;
      const exited = new Promise<void>((r) => worker.once('exit', () => r()));
      worker.postMessage('stop');
      // The worker checkpoints once more and closes; a worker that does not answer is ended.
      const timer = setTimeout(() => void worker.terminate(), 2000);
      await exited;
      clearTimeout(timer);
      if (db.open) db.pragma('wal_autocheckpoint = 1000');
    },
  };
}
