// An attacker with write access to the database (the SQLite file, or PostgreSQL's tables) and this
// repository's code: lifts the append-only triggers, edits rows, and recomputes both hash chains with the
// bot's own functions. What stops them is the signing key they do not have (and the digests kept outside
// the database). Every function but tampered() takes either database (sql-db.ts's Db).
import { copyFileSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { CheckpointSigner } from '../../src/domain/audit/checkpoint.js';
import { entryHash, GENESIS } from '../../src/domain/audit/hash-chain.js';
import { linkHash } from '../../src/domain/audit/ledger.js';
import { type Db, dialectOf } from '../../src/storage/sql-db.js';

/** A copy of the SQLite database (with its WAL) that `edit` tampers with; returns the copy's path. */
export function tampered(file: string, edit: (db: Database.Database) => void): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'incident-bot-attack-'));
  const copy = path.join(dir, 'bot.db');
  for (const ext of ['', '-wal', '-shm']) if (existsSync(file + ext)) copyFileSync(file + ext, copy + ext);
  const db = new Database(copy);
  unlock(db);
  edit(db);
  db.close();
  return copy;
}

/** Tampers with the database in place, on either dialect (a PostgreSQL test's database is its own). */
export function tamper(db: Db, edit: (db: Db) => void): void {
  unlock(db);
  edit(db);
}

/** Lifts the append-only triggers of the log and the checkpoints (SQLite: dropped; PostgreSQL: disabled). */
export function unlock(db: Db): void {
  if (dialectOf(db) === 'postgres') {
    for (const t of ['decision_log', 'audit_checkpoints']) db.exec(`ALTER TABLE ${t} DISABLE TRIGGER USER`);
    return;
  }
  for (const t of [
    'decision_log_no_update',
    'decision_log_no_delete',
    'audit_checkpoints_no_update',
    'audit_checkpoints_no_delete',
  ])
    db.exec(`DROP TRIGGER IF EXISTS ${t}`);
}

interface Row {
  id: number;
  incident_key: string;
  seq: number;
  at: string;
  recorded_at: string;
  actor: string;
  kind: string;
  payload: string;
  source: string | null;
  command_key: string | null;
  state_hash: string | null;
  gseq: number;
}

/** Renumbers and recomputes both chains over the rows as they now are (global order by gseq), and the heads. */
export function rechain(db: Db): void {
  const rows = db.prepare('SELECT * FROM decision_log ORDER BY gseq').all() as Row[];
  const per = new Map<string, { seq: number; hash: string }>();
  const up = db.prepare(
    'UPDATE decision_log SET seq = ?, prev_hash = ?, hash = ?, gseq = ?, gprev_hash = ?, ghash = ? WHERE id = ?',
  );
  db.prepare('UPDATE decision_log SET gseq = -id').run(); // free the unique gseq values
  let g = GENESIS;
  let gseq = 0;
  for (const r of rows) {
    const prev = per.get(r.incident_key) ?? { seq: 0, hash: GENESIS };
    const seq = prev.seq + 1;
    const hash = entryHash(prev.hash, {
      ...r,
      seq,
      actor: JSON.parse(r.actor),
      payload: JSON.parse(r.payload),
    });
    gseq++;
    const link = linkHash(g, { gseq, incident_key: r.incident_key, seq, hash });
    up.run(seq, prev.hash, hash, gseq, g, link, r.id);
    per.set(r.incident_key, { seq, hash });
    g = link;
  }
  for (const [key, v] of per)
    db.prepare('UPDATE incidents SET log_count = ?, log_head = ? WHERE key = ?').run(v.seq, v.hash, key);
}

/** Appends a checkpoint over the head as it now is, signed with `signer` (a forger's key, or a stolen one). */
export function signHead(db: Db, signer: CheckpointSigner): void {
  const head = db
    .prepare(
      'SELECT gseq, ghash, recorded_at FROM decision_log WHERE gseq IS NOT NULL ORDER BY gseq DESC LIMIT 1',
    )
    .get() as {
    gseq: number;
    ghash: string;
    recorded_at: string;
  };
  const { count } = db.prepare('SELECT count(*) AS count FROM incidents').get() as { count: number };
  const { n } = db.prepare('SELECT max(n) AS n FROM audit_checkpoints').get() as { n: number };
  const c = signer.sign({
    n: n + 1,
    seq: head.gseq,
    head: head.ghash,
    at: head.recorded_at,
    incidents: count,
  });
  db.prepare(
    'INSERT INTO audit_checkpoints (n, seq, head, at, incidents, key_id, signature) VALUES (?, ?, ?, ?, ?, ?, ?)',
  ).run(c.n, c.seq, c.head, c.at, c.incidents, c.keyId, c.signature);
}

/** Re-signs every checkpoint over the chain as it now is (what someone holding the key could do). */
export function resignAll(db: Db, signer: CheckpointSigner): void {
  const cps = db.prepare('SELECT n AS id, n, seq, at, incidents FROM audit_checkpoints ORDER BY n').all() as {
    id: number;
    n: number;
    seq: number;
    at: string;
    incidents: number;
  }[];
  const headAt = db.prepare('SELECT ghash FROM decision_log WHERE gseq = ?');
  const up = db.prepare('UPDATE audit_checkpoints SET head = ?, key_id = ?, signature = ? WHERE n = ?');
  for (const c of cps) {
    const h = (headAt.get(c.seq) as { ghash: string } | undefined)?.ghash ?? GENESIS;
    const s = signer.sign({ n: c.n, seq: c.seq, head: h, at: c.at, incidents: c.incidents });
    up.run(s.head, s.keyId, s.signature, c.id);
  }
}
