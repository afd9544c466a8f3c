// The export worker's thread: opens the database read-only on its own connection (SQLite: the file;
// PostgreSQL: a connection of its own, not migrating), loads and verifies one incident's record (one read
// snapshot) and renders its files, then answers once and ends (see export-renderer.ts).
import { parentPort, workerData } from 'node:worker_threads';
import type { Playbook } from '../../domain/playbook.js';
import { type ExportFilesOptions, exportFilesFor } from '../../export/export-files.js';
import { RecordError } from '../../export/incident-record.js';
import { openPostgres } from '../postgres/open-postgres.js';
import type { Db } from '../sql-db.js';
import { openDatabase } from './open-database.js';
import { loadIncidentRecord } from './record-reader.js';

/** The database file, or the PostgreSQL URL (with its password: it is passed, never logged). */
export type ExportSource = { sqlite: string } | { postgres: string };

export interface ExportJob {
  source: ExportSource;
  key: string;
  opts: ExportFilesOptions;
  fallbackPlaybook?: Playbook;
}

const job = workerData as ExportJob;
let db: Db | null = null;
try {
  db =
    'postgres' in job.source
      ? await openPostgres(job.source.postgres, { migrate: false, waitMs: 10_000 })
      : openDatabase(job.source.sqlite, { readonly: true, migrate: false });
  const fallback = job.fallbackPlaybook;
  const open = db;
  const files = exportFilesFor((k, f) => loadIncidentRecord(open, k, f), job.key, {
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
  await db?.close();
}
