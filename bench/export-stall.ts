// An export of a 10,000-entry incident, as the bot renders it (exportRenderer: a worker thread with its
// own connection), with the event loop watched: its max is the longest the bot could not answer.
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { IncidentService } from '../src/app/incident-service.js';
import { signerOf } from '../src/domain/audit/checkpoint.js';
import { exportFilesFor } from '../src/export/export-files.js';
import { loadPlaybook } from '../src/storage/playbook-file.js';
import { exportRenderer } from '../src/storage/sqlite/export-renderer.js';
import { IncidentStore } from '../src/storage/sqlite/incident-store.js';
import { openDatabase } from '../src/storage/sqlite/open-database.js';
import { loadIncidentRecord } from '../src/storage/sqlite/record-reader.js';
import { declare } from './ledger.js';

export interface ExportStall {
  /** The export as the bot runs it: total time, and the event loop's longest block meanwhile. */
  ms: number;
  maxDelayMs: number;
  /** The same export rendered in the thread (before): the whole of it blocks the loop. */
  inThreadMs: number;
  bytes: number;
}

export async function benchExportStall(entries: number): Promise<ExportStall> {
  const dir = mkdtempSync(path.join(tmpdir(), 'incident-bot-bench-export-'));
  const db = openDatabase(path.join(dir, 'export.db'));
  try {
    const store = new IncidentStore(db, {}, signerOf(generateKeyPairSync('ed25519').privateKey));
    const service = new IncidentService(store, loadPlaybook());
    const key = declare(service, 0);
    const note = (k: number) => ({
      type: 'log' as const,
      kind: 'note' as const,
      payload: { text: `note ${k} about the incident` },
    });
    store.inOneTransaction(() => {
      for (let k = 0; k < entries; k++) store.appendSystemLog(key, [note(k)], new Date());
    });
    const t0 = performance.now();
    exportFilesFor((k, f) => loadIncidentRecord(db, k, f), key, {});
    const inThreadMs = performance.now() - t0;
    const h = monitorEventLoopDelay({ resolution: 1 });
    const tick = setInterval(() => {}, 1);
    h.enable();
    const t1 = performance.now();
    const files = await exportRenderer(db)(key, { opts: {} });
    const ms = performance.now() - t1;
    h.disable();
    clearInterval(tick);
    return { ms, maxDelayMs: h.max / 1e6, inThreadMs, bytes: files?.markdown.content.length ?? 0 };
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
