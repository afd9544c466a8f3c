// Times one reminder pass over a temp database holding N open incidents (plus a tail of finished
// ones, which the pass must not even load). Rows are inserted directly for speed; each state is a
// real declared incident from the core's decide(), re-keyed and re-timed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { IncidentService } from '../src/app/incident-service.js';
import { runReminderPass } from '../src/app/reminder-pass.js';
import { decide } from '../src/domain/decide.js';
import type { Incident } from '../src/domain/incident.js';
import { loadPlaybook } from '../src/storage/playbook-file.js';
import { IncidentStore } from '../src/storage/sqlite/incident-store.js';
import { openDatabase } from '../src/storage/sqlite/open-database.js';
import { reminderStoreOf } from '../src/storage/sqlite/reminder-store.js';

export interface ReminderBenchResult {
  ms: number;
  /** Reminders claimed by the timed pass. */
  due: number;
  openIncidents: number;
  candidates: number;
  /** A second pass at the same instant (claims nothing): the steady-state cost. */
  idleMs: number;
}

export function benchReminderPass(
  openIncidents: number,
  finishedIncidents = openIncidents,
): ReminderBenchResult {
  const dir = mkdtempSync(path.join(tmpdir(), 'incident-bot-bench-'));
  const db = openDatabase(path.join(dir, 'bench.db'));
  try {
    const loaded = loadPlaybook();
    const store = new IncidentStore(db);
    const service = new IncidentService(store, loaded);
    const now = new Date('2026-11-26T12:00:00.000Z');
    const base = decide(
      null,
      {
        type: 'declare',
        key: 'INC-2026-0000',
        title: 'Bench incident',
        triggerClass: 'service_outage',
        impact: 'bench',
        severeImpact: false,
        drill: false,
      },
      { actor: { platform: 'slack', id: 'U_IC' }, now, playbook: loaded.playbook, playbookRef: loaded.ref },
    );
    if (!base.ok) throw new Error(base.error.message);
    const insert = db.prepare(
      `INSERT INTO incidents (key, version, platform, phase, trigger_class, drill, declared_at, closed_at, room_id,
         playbook_sha, state, updated_at) VALUES (?, ?, 'slack', ?, 'service_outage', 0, ?, ?, ?, ?, ?, ?)`,
    );
    db.transaction(() => {
      for (let n = 0; n < openIncidents + finishedIncidents; n++) {
        const open = n < openIncidents;
        const key = `INC-2026-${String(n + 1).padStart(5, '0')}`;
        // Declared at a spread of minutes over the past 4 hours; most had a status update recently.
        const declaredAt = new Date(now.getTime() - (5 + ((n * 37) % 240)) * 60_000).toISOString();
        const lastUpdate =
          n % 3 === 0 ? null : new Date(now.getTime() - ((n * 7) % 45) * 60_000).toISOString();
        const state: Incident = {
          ...base.incident,
          key,
          declaredAt,
          lastStatusUpdateAt: lastUpdate,
          initialAlertAt: lastUpdate,
          room: { platform: 'slack', id: `C${n}`, name: `inc-${n}` },
          ...(open
            ? {}
            : {
                phase: 'done',
                closedAt: now.toISOString(),
                reviewedAt: now.toISOString(),
                reviewDueOn: '2026-11-30',
              }),
        };
        insert.run(
          key,
          state.version,
          state.phase,
          declaredAt,
          state.closedAt,
          `C${n}`,
          loaded.ref.sha256,
          JSON.stringify(state),
          declaredAt,
        );
      }
    })();
    const t0 = performance.now();
    const r = runReminderPass({ reminders: reminderStoreOf(store), service, now });
    const ms = performance.now() - t0;
    const t1 = performance.now();
    runReminderPass({ reminders: reminderStoreOf(store), service, now });
    const idleMs = performance.now() - t1;
    return { ms, due: r.claimed, openIncidents, candidates: r.candidates, idleMs };
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const n of [10, 100, 1000]) {
    const r = benchReminderPass(n);
    console.log(
      `reminder pass: ${n} open incidents -> ${r.due} claimed in ${r.ms.toFixed(1)} ms; idle pass ${r.idleMs.toFixed(1)} ms`,
    );
  }
}
