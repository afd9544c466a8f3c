// Times one reminder pass over a temp database holding N open incidents (plus a tail of finished
// ones, which the pass must not even load). Rows are inserted directly for speed; each state is a
// real declared incident from the core's decide(), re-keyed and re-timed.

import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { IncidentService } from '../src/app/incident-service.js';
import { runReminderPass } from '../src/app/reminder-pass.js';
import { signerOf } from '../src/domain/audit/checkpoint.js';
import { decide } from '../src/domain/decide.js';
import type { Incident } from '../src/domain/incident.js';
import { runReminderCatchUp } from '../src/ops/start-reminders.js';
import { loadPlaybook } from '../src/storage/playbook-file.js';
import { IncidentStore } from '../src/storage/sqlite/incident-store.js';
import { type SqliteDb as Db, openDatabase } from '../src/storage/sqlite/open-database.js';
import { reminderStoreOf } from '../src/storage/sqlite/reminder-store.js';
import { startWalCheckpointer } from '../src/storage/sqlite/wal-checkpointer.js';

export interface ReminderBenchResult {
  ms: number;
  /** Reminders claimed by the timed pass. */
  due: number;
  openIncidents: number;
  candidates: number;
  /** A second pass at the same instant (claims nothing): the steady-state cost. */
  idleMs: number;
}

interface Seeded {
  db: Db;
  file: string;
  store: IncidentStore;
  service: IncidentService;
  now: Date;
  close(): void;
}

/** A temp database with `openIncidents` open incidents owing reminders at `now`, and finished ones. */
function seed(openIncidents: number, finishedIncidents: number): Seeded {
  const dir = mkdtempSync(path.join(tmpdir(), 'incident-bot-bench-'));
  const file = path.join(dir, 'bench.db');
  const db = openDatabase(file);
  const close = () => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const loaded = loadPlaybook();
    const signer = signerOf(generateKeyPairSync('ed25519').privateKey);
    const store = new IncidentStore(db, {}, signer);
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
    // The ledger signs from its first checkpoint on: one over the seeded rows (as migration 005 would).
    return { db, file, store, service, now, close };
  } catch (e) {
    close();
    throw e;
  }
}

/** One unsliced pass (as `incident-bot reminders run` does), then an idle one at the same instant. */
export function benchReminderPass(
  openIncidents: number,
  finishedIncidents = openIncidents,
): ReminderBenchResult {
  const { store, service, now, close } = seed(openIncidents, finishedIncidents);
  try {
    const t0 = performance.now();
    const r = runReminderPass({ reminders: reminderStoreOf(store), service, now });
    const ms = performance.now() - t0;
    const t1 = performance.now();
    runReminderPass({ reminders: reminderStoreOf(store), service, now });
    const idleMs = performance.now() - t1;
    return { ms, due: r.claimed, openIncidents, candidates: r.candidates, idleMs };
  } finally {
    close();
  }
}

export interface CatchUpBenchResult {
  ms: number;
  claimed: number;
  slices: number;
  /** The longest the event loop was blocked during the catch-up (monitorEventLoopDelay max). */
  maxDelayMs: number;
  p99DelayMs: number;
}

/** The bot's sliced catch-up (runReminderCatchUp) over `openIncidents`, with the event loop watched. */
export async function benchCatchUp(openIncidents: number): Promise<CatchUpBenchResult> {
  const { db, file, store, service, now, close } = seed(openIncidents, openIncidents);
  // As the bot runs it: WAL checkpoints in a worker thread, off the event loop.
  const checkpointer = startWalCheckpointer(db, file);
  try {
    const h = monitorEventLoopDelay({ resolution: 1 });
    // A timer keeps the loop turning so that a blocked stretch shows up as one long delay.
    const tick = setInterval(() => {}, 1);
    h.enable();
    const t0 = performance.now();
    const r = await runReminderCatchUp({ store, service, dispatcher: { kick() {} }, now });
    const ms = performance.now() - t0;
    h.disable();
    clearInterval(tick);
    return {
      ms,
      claimed: r.claimed,
      slices: r.slices,
      maxDelayMs: h.max / 1e6,
      p99DelayMs: h.percentile(99) / 1e6,
    };
  } finally {
    await checkpointer?.stop();
    close();
  }
}

if (
  process.argv[1] &&
  import.meta.url === pathToFileURL(process.argv[1]).href &&
  process.argv[2] !== 'catch-up'
) {
  for (const n of [10, 100, 1000]) {
    const r = benchReminderPass(n);
    console.log(
      `reminder pass: ${n} open incidents -> ${r.due} claimed in ${r.ms.toFixed(1)} ms; idle pass ${r.idleMs.toFixed(1)} ms`,
    );
  }
}

if (
  process.argv[1] &&
  import.meta.url === pathToFileURL(process.argv[1]).href &&
  process.argv[2] === 'catch-up'
) {
  const n = Number(process.argv[3] ?? 10_000);
  const r = await benchCatchUp(n);
  console.log(
    `catch-up: ${n} open incidents -> ${r.claimed} claimed in ${r.ms.toFixed(0)} ms, ${r.slices} slices; event loop blocked max ${r.maxDelayMs.toFixed(1)} ms, p99 ${r.p99DelayMs.toFixed(1)} ms`,
  );
}
