// Renders an incident's export off the event loop. Loading and verifying a 10,000-entry record and
// rendering its Markdown and SVG took 260-360 ms of synchronous work (measured): every request arriving
// meanwhile waited. A worker thread with its own read-only connection does it instead: on SQLite WAL mode
// lets it read while the bot writes; on PostgreSQL it opens its own connection (the URL the bot's handle
// was opened with) and reads one snapshot. One short-lived worker per export: exports are rare, and nothing
// stays resident. An in-memory database (some tests), or a PostgreSQL handle made without its URL, cannot
// be opened again, so it renders in the thread.
import { Worker } from 'node:worker_threads';
import type { ExportRenderer } from '../../app/ports.js';
import { type ExportFiles, exportFilesFor } from '../../export/export-files.js';
import { RecordError } from '../../export/incident-record.js';
import { PgDb } from '../postgres/pg-db.js';
import type { ExportJob, ExportSource } from './export-worker.js';
import type { Db } from './open-database.js';
import { loadIncidentRecord } from './record-reader.js';

type Answer = { ok: true; files: ExportFiles | null } | { ok: false; record: boolean; message: string };

/** Where a worker can open the same database again, or null when it cannot. */
function sourceOf(db: Db): ExportSource | null {
  if (db instanceof PgDb) {
    const url = db.connectionUrl();
    return url ? { postgres: url } : null;
  }
  return db.memory ? null : { sqlite: db.name };
}

export function exportRenderer(db: Db): ExportRenderer {
  const source = sourceOf(db);
  if (!source)
    return async (key, o) =>
      exportFilesFor((k, f) => loadIncidentRecord(db, k, f), key, {
        ...o.opts,
        ...(o.fallbackPlaybook ? { fallbackPlaybook: () => o.fallbackPlaybook! } : {}),
      });
  return (key, o) => inWorker({ source, key, ...o });
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
