// `incident-bot audit verify`: holds a database, or a JSON Lines export, against the bot's public key.
//  --db PATH      both chains, every checkpoint's signature, nothing unsigned after the last one, and every
//                 incident's stored state (and the columns repeating it) against what its log produced;
//                 --checkpoint DIGEST (repeatable) also holds it against digests kept elsewhere.
//  --file F       one incident's export offline: its chain and the proof tying it to a signed checkpoint.
// Exit 0: everything holds; 1: tampered (the first problem is named); 2: nothing to check, or the wrong key.

import type { KeyObject } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { digestOf, parseDigest, type SignedCheckpoint } from '../domain/audit/checkpoint.js';
import type { VerifyRow } from '../domain/audit/hash-chain.js';
import { type IncidentProof, verifyIncidentLog } from '../domain/audit/verify-export.js';
import { verifyLedger } from '../domain/audit/verify-ledger.js';
import { AuditKeyError, loadPublicKey } from '../ops/audit-key.js';
import type { PgDb } from '../storage/postgres/pg-db.js';
import { dialectOf, tableNames } from '../storage/sql-db.js';
import { alertGroupStates } from '../storage/sqlite/alert-store.js';
import { ledgerCheckpoints, ledgerEntries, ledgerIncidents } from '../storage/sqlite/ledger-reader.js';
import { schemaVersion } from '../storage/sqlite/migrate.js';
import { type Db, openDatabase } from '../storage/sqlite/open-database.js';

export type AuditVerifyInput =
  | { dbPath: string; pubkeys: string[]; checkpoints?: string[] }
  /** A database already open (PostgreSQL: the CLI opens it); `label` names it in the output. */
  | { db: Db; label: string; pubkeys: string[]; checkpoints?: string[] }
  | { file: string; pubkeys: string[]; expectHead?: string };

export interface CommandResult {
  code: number;
  output: string;
}

/** The schema version that introduced the ledger. */
const LEDGER_SCHEMA = 5;

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const fail = (problem: string): CommandResult => ({ code: 1, output: `FAILED: ${problem}.` });

export function auditVerify(input: AuditVerifyInput): CommandResult {
  if (input.pubkeys.length === 0)
    return {
      code: 2,
      output:
        'Give the public key the checkpoints are checked with: --pubkey audit-signing-key.pub.pem (from `incident-bot audit keygen`).',
    };
  let keys: KeyObject[];
  try {
    keys = input.pubkeys.map(loadPublicKey);
  } catch (e) {
    if (e instanceof AuditKeyError) return { code: 2, output: e.message };
    throw e;
  }
  if ('file' in input) return verifyFile(input.file, keys, input.expectHead);
  const anchors = readAnchors(input.checkpoints ?? []);
  if (!Array.isArray(anchors)) return anchors;
  return 'db' in input
    ? verifyDatabase(input.db, input.label, keys, anchors)
    : verifySqliteFile(input.dbPath, keys, anchors);
}

// ---------------------------------------------------------------- database

function readAnchors(digests: string[]): SignedCheckpoint[] | CommandResult {
  const anchors: SignedCheckpoint[] = [];
  for (const d of digests) {
    const c = parseDigest(d);
    if (!c)
      return { code: 2, output: `--checkpoint: "${d.slice(0, 40)}…" is not a checkpoint digest (ibc1:…).` };
    anchors.push(c);
  }
  return anchors;
}

function verifySqliteFile(dbPath: string, keys: KeyObject[], anchors: SignedCheckpoint[]): CommandResult {
  if (!existsSync(dbPath)) return { code: 2, output: `There is no database at ${dbPath}.` };
  let db: Db;
  try {
    db = openDatabase(dbPath, { readonly: true });
  } catch (e) {
    return { code: 2, output: `Cannot open the database ${dbPath}: ${(e as Error).message}.` };
  }
  try {
    return verifyDatabase(db, dbPath, keys, anchors);
  } finally {
    db.close();
  }
}

/**
 * Both chains, every checkpoint, every incident's state, read in one snapshot (the bot may be writing: its
 * replicas on PostgreSQL); `dbPath` names the database in the output. On PostgreSQL without the bot's time
 * limits (PgDb.unbounded): a big ledger's snapshot stays open through the checks between its pages, longer
 * than idle_in_transaction_session_timeout, and must not be ended for it.
 */
function verifyDatabase(
  db: Db,
  dbPath: string,
  keys: KeyObject[],
  anchors: SignedCheckpoint[],
): CommandResult {
  const read = () => db.transaction(() => verifySnapshot(db, dbPath, keys, anchors))();
  return dialectOf(db) === 'postgres' ? (db as unknown as PgDb).unbounded(read) : read();
}

function verifySnapshot(
  db: Db,
  dbPath: string,
  keys: KeyObject[],
  anchors: SignedCheckpoint[],
): CommandResult {
  const tables = new Set(tableNames(db));
  if (!tables.has('decision_log') || !tables.has('incidents'))
    return { code: 2, output: `${dbPath} is not an incident-bot database (it has no decision_log table).` };
  const version = schemaVersion(db);
  if (version < LEDGER_SCHEMA || !tables.has('audit_checkpoints'))
    return {
      code: 2,
      output: `${dbPath} was written before the audit ledger (schema ${version}): run \`incident-bot migrate --db ${dbPath}\` with the signing key, then verify.`,
    };
  // Everything but the entries read before the checks start (the entries stream: a page at a time).
  const checkpoints = ledgerCheckpoints(db);
  const incidents = ledgerIncidents(db);
  const alertGroups = alertGroupStates(db);
  const report = verifyLedger({
    entries: ledgerEntries(db),
    checkpoints,
    incidents,
    alertGroups,
    keys,
    anchors,
  });
  if (!report.ok) return report.code === 2 ? { code: 2, output: `${report.problem}.` } : fail(report.problem);
  if (report.entries === 0)
    return { code: 2, output: `${dbPath} has no decision-log entries: nothing to check.` };
  const latest = report.latest!;
  const lines = [
    `OK: ${plural(report.entries, 'entry', 'entries')} in ${plural(report.incidents, 'incident')} verified, with ${plural(report.checkpoints, 'signed checkpoint')} (key ${[...new Set(checkpoints.map((c) => c.keyId))].join(', ')}); the log ends at the last checkpoint, and every incident's stored state is the one its log produced.`,
    `Latest checkpoint: global entry ${latest.seq} at ${latest.at}: ${digestOf(latest)}`,
    ...anchors.map(
      (a) => `The checkpoint given (global entry ${a.seq} at ${a.at}) is in this log, unchanged.`,
    ),
  ];
  for (const [key, h] of report.heads)
    lines.push(`${key}: ${plural(h.count, 'entry', 'entries')}, head ${h.head}`);
  if (report.alertChains)
    lines.push(
      `Alert groups: ${plural(report.alertChains, 'decision chain')} verified, every stored decision the one its log recorded.`,
    );
  return { code: 0, output: lines.join('\n') };
}

// ---------------------------------------------------------------- JSON Lines file

const FIELDS = [
  'incident_key',
  'seq',
  'at',
  'recorded_at',
  'actor',
  'kind',
  'payload',
  'source',
  'command_key',
  'prev_hash',
  'hash',
];
const OPTIONAL = ['state_hash'];

function checkLine(v: unknown): string | null {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return 'is not a JSON object';
  const o = v as Record<string, unknown>;
  for (const f of FIELDS) if (!(f in o)) return `has no "${f}" field`;
  for (const k of Object.keys(o))
    if (!FIELDS.includes(k) && !OPTIONAL.includes(k)) return `has an unexpected field "${k}"`;
  if (typeof o.incident_key !== 'string') return 'has an incident_key that is not a string';
  if (typeof o.seq !== 'number' || !Number.isInteger(o.seq)) return 'has a seq that is not a whole number';
  for (const f of ['at', 'recorded_at', 'kind', 'prev_hash', 'hash'] as const) {
    if (typeof o[f] !== 'string') return `has a ${f} that is not a string`;
  }
  return null;
}

/** The proof line, read strictly (a malformed one is reported, never half-used). */
function readProof(v: Record<string, unknown>): IncidentProof | null {
  const c = v.checkpoint as Record<string, unknown> | undefined;
  const last = v.last as Record<string, unknown> | undefined;
  if (!c || !last || !Array.isArray(v.links)) return null;
  const str = (x: unknown) => (typeof x === 'string' ? x : null);
  const int = (x: unknown) => (typeof x === 'number' && Number.isInteger(x) ? x : null);
  const n = int(c.n);
  const seq = int(c.seq);
  const incidents = int(c.incidents);
  const head = str(c.head);
  const at = str(c.at);
  const keyId = str(c.key_id);
  const signature = str(c.signature);
  const gseq = int(last.gseq);
  const gprev = str(last.gprev_hash);
  const ghash = str(last.ghash);
  if (
    n === null ||
    seq === null ||
    incidents === null ||
    !head ||
    !at ||
    !keyId ||
    !signature ||
    gseq === null ||
    !gprev ||
    !ghash
  )
    return null;
  const links: IncidentProof['links'] = [];
  for (const l of v.links as unknown[]) {
    if (!Array.isArray(l) || l.length !== 4) return null;
    const [g, k, s, h] = l as unknown[];
    if (int(g) === null || !str(k) || int(s) === null || !str(h)) return null;
    links.push({ gseq: g as number, incident_key: k as string, seq: s as number, hash: h as string });
  }
  return {
    checkpoint: { n, seq, head, at, incidents, keyId, signature },
    last: { gseq, gprev_hash: gprev, ghash },
    links,
  };
}

function verifyFile(file: string, keys: KeyObject[], expectHead?: string): CommandResult {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    return {
      code: 2,
      output: `Cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}.`,
    };
  }
  const rows: VerifyRow[] = [];
  const lineOf: number[] = [];
  let proof: IncidentProof | null = null;
  const lines = text.split('\n');
  for (let k = 0; k < lines.length; k++) {
    const raw = lines[k]!.replace(/\r$/, '');
    if (raw === '' && k === lines.length - 1) break;
    const lineNo = k + 1;
    let v: unknown;
    try {
      v = JSON.parse(raw);
    } catch {
      return fail(`${file} line ${lineNo} is not valid JSON (the file was edited or cut)`);
    }
    if (proof)
      return fail(
        `${file} line ${lineNo} comes after the proof line, which must be last (the file was edited)`,
      );
    if (v && typeof v === 'object' && 'checkpoint' in v) {
      proof = readProof(v as Record<string, unknown>);
      if (!proof) return fail(`${file} line ${lineNo}: the proof line is malformed (the file was edited)`);
      continue;
    }
    const problem = checkLine(v);
    if (problem) return fail(`${file} line ${lineNo} ${problem}`);
    rows.push(v as VerifyRow);
    lineOf.push(lineNo);
  }
  if (rows.length === 0) return { code: 2, output: `${file} holds no decision-log entries.` };
  const check = verifyIncidentLog({ entries: rows, proof, keys });
  if (!check.ok) {
    if (check.code === 2) return { code: 2, output: `${file}: ${check.problem}.` };
    const where =
      check.entry !== undefined
        ? ` line ${lineOf[check.entry]} (incident ${rows[check.entry]!.incident_key}, entry ${rows[check.entry]!.seq})`
        : '';
    return fail(
      `${file}${where}: ${check.problem}${proof ? '' : ' (an export made before the audit ledger has none)'}`,
    );
  }
  if (expectHead !== undefined && check.head !== expectHead.trim().toLowerCase())
    return fail(
      `the log of ${rows[0]!.incident_key} in ${file} ends with hash ${check.head}, not the expected head ${expectHead}`,
    );
  const c = check.checkpoint;
  return {
    code: 0,
    output: [
      `OK: ${file}: ${plural(check.entries, 'entry', 'entries')} of ${rows[0]!.incident_key} verified; complete as of the checkpoint signed by key ${c.keyId} at ${c.at} (global entry ${c.seq}).`,
      `${rows[0]!.incident_key}: head ${check.head}`,
      `Checkpoint: ${digestOf(c)}`,
    ].join('\n'),
  };
}
