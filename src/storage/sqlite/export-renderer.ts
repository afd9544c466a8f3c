// Renders an incident's export off the event loop. Loading and verifying a 10,000-entry record and
// rendering its Markdown and SVG took 260-360 ms of synchronous work (measured): every request arriving
// meanwhile waited. A worker thread with its own read-only connection does it instead; WAL mode lets it
// read while the bot writes. One short-lived worker per export: exports are rare, and nothing stays
// resident. An in-memory database (some tests) cannot be opened twice, so it renders in the thread.
import { Worker } from 'node:worker_threads';
import type { ExportRenderer } from '../../app/ports.js';
import { type ExportFiles, exportFilesFor } from '../../export/export-files.js';
import { RecordError } from '../../export/incident-record.js';
import type { ExportJob } from './export-worker.js';
import type { Db } from './open-database.js';
import { loadIncidentRecord } from './record-reader.js';

type Answer = { ok: true; files: ExportFiles | null } | { ok: false; record: boolean; message: string };

export function exportRenderer(db: Db): ExportRenderer {
  if (db.memory)
    return async (key, o) =>
      exportFilesFor((k, f) => loadIncidentRecord(db, k, f), key, {
        ...o.opts,
        ...(o.fallbackPlaybook ? { fallbackPlaybook: () => o.fallbackPlaybook! } : {}),
      });
  return (key, o) => inWorker({ file: db.name, key, ...o });
}

function inWorker(job: ExportJob): Promise<ExportFiles | null> {
  // Run from the TypeScript sources (tests, `npm run dev`) the worker needs tsx too; the build is plain JS.
  const source = import.meta.url.endsWith('.ts');
  const worker = new Worker(new URL(`./export-worker.${source ? 'ts' : 'js'}`, import.meta.url), {
    workerData: job,
    // tsx from this package, whatever the working directory is.
    ...(source ? { execArgv: ['--import', import.meta.resolve('tsx')] } : {}),
  });
  return new Promise((resolve, reject) => {
    let answered = false;
    worker.once('message', (a: Answer) => {
      answered = true;
      if (a.ok) resolve(a.files);
      else reject(a.record ? new RecordError(a.message) : new Error(a.message));
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (!answered) reject(new Error(`the export worker exited with code ${code} without an answer`));
    });
  });
}
