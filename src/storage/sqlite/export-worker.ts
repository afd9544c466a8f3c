// The export worker's thread: opens the database read-only on its own connection, loads and verifies one
// incident's record and renders its files, then answers once and ends (see export-renderer.ts).
import { parentPort, workerData } from 'node:worker_threads';
import type { Playbook } from '../../domain/playbook.js';
import { type ExportFilesOptions, exportFilesFor } from '../../export/export-files.js';
import { RecordError } from '../../export/incident-record.js';
import { openDatabase } from './open-database.js';
import { loadIncidentRecord } from './record-reader.js';

export interface ExportJob {
  file: string;
  key: string;
  opts: ExportFilesOptions;
  fallbackPlaybook?: Playbook;
}

const job = workerData as ExportJob;
const db = openDatabase(job.file, { readonly: true, migrate: false });
try {
  const fallback = job.fallbackPlaybook;
  const files = exportFilesFor((k, f) => loadIncidentRecord(db, k, f), job.key, {
    ...job.opts,
    ...(fallback ? { fallbackPlaybook: () => fallback } : {}),
  });
  parentPort?.postMessage({ ok: true, files });
} catch (e) {
  parentPort?.postMessage({
    ok: false,
    record: e instanceof RecordError,
    message: e instanceof Error ? e.message : String(e),
  });
} finally {
  db.close();
}
