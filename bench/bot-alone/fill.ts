// A database as the bot would have written it over years. Eleven templates go through the real service
// (templates.ts), so every kind of row is what the bot writes; the other n - 11 incidents are clones of
// them inserted with SQL: new keys (INC-<year>-NNNN in declaration order), new room ids, timestamps
// shifted (clone-state.ts) to dates spread as at a firm (plan.ts). Only the active clones and the newest
// `history` finished ones get their rows in the other tables (copy-history.ts): the bot reads those
// through indexes only (the newest rows, or one incident's), and 100,000 full histories would be ~6 GB.
import { statSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type Database from 'better-sqlite3';
import { IncidentService } from '../../src/app/incident-service.js';
import { runReminderPass } from '../../src/app/reminder-pass.js';
import { signerOf } from '../../src/domain/audit/checkpoint.js';
import { stateDigest } from '../../src/domain/audit/ledger.js';
import type { Incident } from '../../src/domain/incident.js';
import { loadSigningKey } from '../../src/ops/audit-key.js';
import { loadPlaybook } from '../../src/storage/playbook-file.js';
import { IncidentStore } from '../../src/storage/sqlite/incident-store.js';
import { LedgerWriter } from '../../src/storage/sqlite/ledger-writer.js';
import { openDatabase } from '../../src/storage/sqlite/open-database.js';
import { OutboxStore } from '../../src/storage/sqlite/outbox-store.js';
import { reminderStoreOf } from '../../src/storage/sqlite/reminder-store.js';
import { type Piece, piecesOf, render, shiftIso } from './clone-state.js';
import { copyHistory } from './copy-history.js';
import { deliverAll } from './deliver.js';
import { IC } from './lifecycle.js';
import { type ClonePlan, planClones } from './plan.js';
import { runTemplates, type Template } from './templates.js';

const DAY = 86_400_000;

export interface Filled {
  open: number;
  awaitingReview: number;
  /** Incidents with their rows in the other tables (templates, active clones, newest finished clones). */
  withHistory: number;
  ms: number;
  bytes: number;
}

/** Fills `file` (fresh) with n incidents, the templates included. The key file signs the ledger. */
export function fillDatabase(
  file: string,
  keyFile: string,
  n: number,
  o: { open?: number; awaitingReview?: number; history?: number } = {},
): Filled {
  const started = performance.now();
  const now = new Date();
  const signer = signerOf(loadSigningKey(keyFile));
  const db = openDatabase(file, { signer });
  // A bulk load: no rollback journal, no syncs, a large page cache (back to WAL at the end, as the bot runs).
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -262144');
  try {
    const loaded = loadPlaybook();
    const store = new IncidentStore(db, {}, signer);
    const outbox = new OutboxStore(db);
    const service = new IncidentService(store, loaded, { admins: [IC.id] });
    // The templates are declared 40 days ago; the clones get their own keys and times.
    const t0 = new Date(now.getTime() - 40 * DAY);
    const templates = runTemplates(service, store, outbox, loaded.playbook, t0);
    const plan = planClones(templates, n, now, o);
    // Clones with history: every active one, and the newest finished ones.
    const historyN = Math.min(o.history ?? 2000, plan.done);
    db.transaction(() => {
      insertClones(db, templates, plan, historyN);
      copyHistory(db);
    })();
    // A checkpoint over the new head, so the bot's write-time check (log ends at a checkpoint) passes.
    db.transaction(() => new LedgerWriter(db, signer).signHead())();
    // The open and awaiting-review clones are looked at by a reminder pass now, and what it owes delivered:
    // the bot starts with an empty outbox, as after a quiet night.
    runReminderPass({ reminders: reminderStoreOf(store), service, now });
    deliverAll(store, outbox, now);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    const counts = db
      .prepare(
        `SELECT sum(closed_at IS NULL AND drill = 0) AS open, sum(closed_at IS NOT NULL AND phase != 'done' AND drill = 0) AS awaiting
         FROM incidents`,
      )
      .get() as { open: number; awaiting: number };
    db.close();
    return {
      open: counts.open,
      awaitingReview: counts.awaiting,
      withHistory: templates.length + plan.open + plan.awaiting + historyN,
      ms: performance.now() - started,
      bytes: statSync(file).size,
    };
  } catch (e) {
    if (db.open) db.close();
    throw e;
  }
}

type TplRow = Record<string, unknown> & {
  key: string;
  state: string;
  room_id: string;
  declared_at: string;
};

/**
 * Inserts the planned clones' incidents rows, and lists those with history in the temp table clone_map
 * (for copyHistory). A finished clone without history has no log: log_count 0, no head.
 */
function insertClones(db: Database.Database, templates: Template[], plan: ClonePlan, historyN: number): void {
  const tplRows = new Map<string, { row: TplRow; pieces: Piece[]; declared: number }>();
  for (const t of templates) {
    const row = db.prepare('SELECT * FROM incidents WHERE key = ?').get(t.key) as TplRow;
    tplRows.set(t.key, {
      row,
      pieces: piecesOf(row.state, row.key, row.room_id),
      declared: Date.parse(row.declared_at),
    });
  }
  db.exec(
    'CREATE TEMP TABLE clone_map (n INTEGER PRIMARY KEY, src TEXT NOT NULL, key TEXT NOT NULL, state_hash TEXT)',
  );
  const insertMap = db.prepare('INSERT INTO clone_map (n, src, key, state_hash) VALUES (?, ?, ?, ?)');
  const insertIncident = db.prepare(
    `INSERT INTO incidents (key, version, platform, phase, trigger_class, drill, declared_at, closed_at, room_id,
       playbook_sha, state, log_count, log_head, updated_at, next_check_at, state_digest)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const perYear = new Map<number, number>(
    (db.prepare('SELECT year, last FROM incident_keys').all() as { year: number; last: number }[]).map(
      (r) => [r.year, r.last],
    ),
  );
  let doneSeen = 0;
  plan.clones.forEach((p, idx) => {
    const t = tplRows.get(p.tpl.key)!;
    const shift = Math.round(p.declaredAt - t.declared);
    const year = new Date(p.declaredAt).getUTCFullYear();
    const seq = (perYear.get(year) ?? 0) + 1;
    perYear.set(year, seq);
    const key = `INC-${year}-${String(seq).padStart(4, '0')}`;
    const room = `C${(idx + 1).toString(36).toUpperCase().padStart(8, '0')}`;
    const state = render(t.pieces, key, room, shift);
    const r = t.row;
    // An active clone's state digest is real (the bot compares it before acting on the incident).
    const digest = p.tpl.kind === 'done' ? null : stateDigest(JSON.parse(state) as Incident);
    const history = p.tpl.kind !== 'done' || ++doneSeen > plan.done - historyN;
    if (history) insertMap.run(idx + 1, r.key, key, digest?.hash ?? null);
    insertIncident.run(
      key,
      r.version,
      r.platform,
      r.phase,
      r.trigger_class,
      r.drill,
      shiftIso(r.declared_at, shift),
      shiftIso(r.closed_at, shift),
      room,
      r.playbook_sha,
      state,
      history ? r.log_count : 0,
      history ? r.log_head : '',
      shiftIso(r.updated_at, shift),
      p.tpl.kind === 'done' ? r.next_check_at : null,
      digest ? JSON.stringify(digest.fields) : r.state_digest,
    );
  });
  for (const [year, last] of perYear)
    db.prepare(
      'INSERT INTO incident_keys (year, last) VALUES (?, ?) ON CONFLICT(year) DO UPDATE SET last = max(last, excluded.last)',
    ).run(year, last);
}
