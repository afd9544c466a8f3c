// Reads the whole ledger for `audit verify --db`: every entry in global order (streamed), every checkpoint,
// and every incident with the columns that repeat its state checked against it (the list queries trust
// them: an incident hidden by an edited `phase` or `closed_at` must be caught too). On a database in use
// (other replicas writing) read all three inside one read transaction, db.transaction(fn)(): one snapshot,
// or checkpoints read before entries appended later make an untouched log look tampered with.
import type { LogRow } from '../../app/ports.js';
import type { CheckpointRow, IncidentRow, LedgerRow } from '../../domain/audit/verify-ledger.js';
import { dialectOf } from '../sql-db.js';
import { CHECKPOINT_COLUMNS, type CheckpointRecord, signedCheckpointOf } from './checkpoint-rows.js';
import type { Db } from './open-database.js';

/** A JSON column as stored; damaged text is kept as text, so it fails its hash instead of stopping the read. */
function json(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Rows per page on PostgreSQL, whose bridge answers a query whole (SQLite's iterate() streams). */
const PAGE = 2000;

/** Every entry in global order (`page`: rows per query on PostgreSQL; tests make it small). */
export function* ledgerEntries(db: Db, page = PAGE): Generator<LedgerRow> {
  for (const r of rowsInGlobalOrder(db, page)) yield { ...r, actor: json(r.actor), payload: json(r.payload) };
}

/**
 * Every entry in global order, then any without a place in it (none unless edited), by row id. SQLite
 * streams one query; PostgreSQL reads pages by key, so a large log is never one answer held in memory (or
 * one statement running past the bridge's timeout). Call it inside a read transaction for one snapshot.
 */
function* rowsInGlobalOrder(db: Db, size: number): Generator<LogRow> {
  if (dialectOf(db) !== 'postgres') {
    yield* db
      .prepare('SELECT * FROM decision_log ORDER BY gseq IS NULL, gseq, id')
      .iterate() as Iterable<LogRow>;
    return;
  }
  // By (gseq, id): an edited log may repeat a gseq (its unique index dropped), and no row may be skipped.
  const ordered = db.prepare(
    'SELECT * FROM decision_log WHERE (gseq, id) > (?::bigint, ?::bigint) ORDER BY gseq, id LIMIT ?',
  );
  for (let after = [Number.MIN_SAFE_INTEGER, Number.MIN_SAFE_INTEGER]; ; ) {
    const page = ordered.all(...after, size) as LogRow[];
    yield* page;
    if (page.length < size) break;
    const last = page.at(-1)!;
    after = [last.gseq!, last.id];
  }
  const loose = db.prepare(
    'SELECT * FROM decision_log WHERE gseq IS NULL AND id > ?::bigint ORDER BY id LIMIT ?',
  );
  for (let after = Number.MIN_SAFE_INTEGER; ; ) {
    const page = loose.all(after, size) as LogRow[];
    yield* page;
    if (page.length < size) break;
    after = page.at(-1)!.id;
  }
}

export function ledgerCheckpoints(db: Db): CheckpointRow[] {
  return (
    db.prepare(`SELECT ${CHECKPOINT_COLUMNS} FROM audit_checkpoints ORDER BY n`).all() as CheckpointRecord[]
  ).map((c) => ({ ...signedCheckpointOf(c), id: c.n }));
}

interface Stored {
  key: string;
  version: number;
  platform: string;
  phase: string;
  trigger_class: string;
  drill: number;
  declared_at: string;
  closed_at: string | null;
  room_id: string | null;
  playbook_sha: string;
  state: string;
  state_digest: string | null;
  log_count: number;
  log_head: string;
}

function columnProblems(r: Stored): string[] {
  let s: Record<string, unknown>;
  try {
    s = JSON.parse(r.state) as Record<string, unknown>;
  } catch {
    return []; // the state check names this
  }
  const room = s.room as { id?: string } | null | undefined;
  const pb = s.playbook as { sha256?: string } | undefined;
  const expected: [string, unknown, unknown][] = [
    ['key', r.key, s.key],
    ['version', r.version, s.version],
    ['platform', r.platform, s.platform],
    ['phase', r.phase, s.phase],
    ['trigger_class', r.trigger_class, s.triggerClass],
    ['drill', r.drill, s.drill ? 1 : 0],
    ['declared_at', r.declared_at, s.declaredAt],
    ['closed_at', r.closed_at, s.closedAt ?? null],
    ['room_id', r.room_id, room?.id ?? null],
    ['playbook_sha', r.playbook_sha, pb?.sha256],
  ];
  return expected
    .filter(([, stored, state]) => stored !== state)
    .map(
      ([col, stored, state]) =>
        `column ${col} says ${JSON.stringify(stored)}, its state says ${JSON.stringify(state)} (edited in the database)`,
    );
}

export function ledgerIncidents(db: Db): IncidentRow[] {
  return (db.prepare('SELECT * FROM incidents ORDER BY key').all() as Stored[]).map((r) => ({
    key: r.key,
    state: r.state,
    stateDigest: r.state_digest,
    logCount: r.log_count,
    logHead: r.log_head,
    columnProblems: columnProblems(r),
  }));
}
