// The application layer over a test's SQLite stack, wired as src/bot.ts wires it.
import { IncidentApp } from '../../src/app/incident-app.js';
import type { IncidentService } from '../../src/app/incident-service.js';
import type { AppLogger } from '../../src/app/ports.js';
import { SqliteAlertStore } from '../../src/storage/sqlite/alert-store.js';
import { classifyStorageError } from '../../src/storage/sqlite/errors.js';
import { exportRenderer } from '../../src/storage/sqlite/export-renderer.js';
import { IncidentStore } from '../../src/storage/sqlite/incident-store.js';
import { atomically, type Db } from '../../src/storage/sqlite/open-database.js';
import type { OutboxStore } from '../../src/storage/sqlite/outbox-store.js';

export function incidentApp(o: {
  db: Db;
  service: IncidentService;
  outbox: OutboxStore;
  dispatcher: { kick(): void };
  logger?: AppLogger;
}): IncidentApp {
  return new IncidentApp({
    service: o.service,
    dispatcher: o.dispatcher,
    dedupe: o.outbox,
    refs: o.outbox,
    renderExport: exportRenderer(o.db),
    classifyFailure: classifyStorageError,
    ...(o.logger ? { logger: o.logger } : {}),
    // alert groups in the same database, as src/bot.ts keeps them (one transaction with an incident command)
    alerts: {
      store: new SqliteAlertStore(
        o.db,
        o.service.store instanceof IncidentStore ? { ledger: o.service.store } : {},
      ),
      atomically: atomically(o.db),
    },
  });
}
