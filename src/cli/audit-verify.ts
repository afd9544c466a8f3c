// `incident-bot audit verify`: checks the decision log's hash chains.
//  --db PATH  every incident's chain in the database, and that each ends where incidents.log_count /
//             log_head say it does (so deleting the last entries is caught too).
//  --file F   a JSON Lines export, offline; `expectHead` (--head) also checks where it ends.
// Exit code 0: the chain holds; 1: it is broken (the first bad entry is named); 2: nothing to check.
import { existsSync, readFileSync } from 'node:fs';
import type { LogRow } from '../app/ports.js';
import { type VerifyRow, verifyChain } from '../domain/hash-chain.js';
import { type Db, openDatabase } from '../storage/sqlite/open-database.js';

export type AuditVerifyInput = { dbPath: string } | { file: string; expectHead?: string };

export interface CommandResult {
  code: number;
  output: string;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export function auditVerify(input: AuditVerifyInput): CommandResult {
  return 'dbPath' in input ? verifyDatabase(input.dbPath) : verifyFile(input.file, input.expectHead);
}

// ---------------------------------------------------------------- database

function verifyDatabase(dbPath: string): CommandResult {
  if (!existsSync(dbPath)) return { code: 2, output: `There is no database at ${dbPath}.` };
  let db: Db;
  try {
    db = openDatabase(dbPath, { readonly: true });
  } catch (e) {
    return { code: 2, output: `Cannot open the database ${dbPath}: ${(e as Error).message}.` };
  }
  try {
    const tables = new Set(
      (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map(
        (r) => r.name,
      ),
    );
    if (!tables.has('decision_log') || !tables.has('incidents')) {
      return {
        code: 2,
        output: `${dbPath} is not an incident-bot database (it has no decision_log table); run migrate first.`,
      };
    }
    const expected = new Map<string, { count: number; head: string }>();
    for (const r of db.prepare('SELECT key, log_count, log_head FROM incidents ORDER BY key').all() as {
      key: string;
      log_count: number;
      log_head: string;
    }[]) {
      expected.set(r.key, { count: r.log_count, head: r.log_head });
    }

    let damaged: { row: LogRow; column: string } | null = null;
    function* rows(): Generator<VerifyRow> {
      for (const row of db
        .prepare('SELECT * FROM decision_log ORDER BY incident_key, seq')
        .iterate() as Iterable<LogRow>) {
        let actor: unknown;
        let payload: unknown;
        try {
          actor = JSON.parse(row.actor);
        } catch {
          damaged = { row, column: 'actor' };
          return;
        }
        try {
          payload = JSON.parse(row.payload);
        } catch {
          damaged = { row, column: 'payload' };
          return;
        }
        yield { ...row, actor, payload };
      }
    }
    const result = verifyChain(rows(), expected);
    const bad = damaged as { row: LogRow; column: string } | null;
    if (bad) {
      return failure(
        bad.row.incident_key,
        bad.row.seq,
        bad.row.id,
        `its ${bad.column} is not valid JSON (the row was edited)`,
      );
    }
    if (!result.ok) return failure(result.row.incident_key, result.row.seq, result.row.id, result.problem);
    const orphans = Object.keys(result.heads).filter((k) => !expected.has(k));
    if (orphans.length) {
      return failure(
        orphans[0]!,
        1,
        undefined,
        'the decision log has entries for an incident that is not in the incidents table',
      );
    }
    const lines = [
      `OK: ${plural(result.entries, 'entry', 'entries')} in ${plural(expected.size, 'incident')} verified; every chain ends at the head stored for its incident.`,
    ];
    for (const [key, want] of expected) {
      lines.push(`${key}: ${plural(want.count, 'entry', 'entries')}, head ${want.head || '(empty)'}`);
    }
    return { code: 0, output: lines.join('\n') };
  } finally {
    db.close();
  }
}

function failure(incident: string, seq: number, id: number | undefined, problem: string): CommandResult {
  const row = id !== undefined ? ` (decision_log row id ${id})` : '';
  return {
    code: 1,
    output: `FAILED: the decision log of ${incident} is broken at entry ${seq}${row}: ${problem}.`,
  };
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
] as const;

function checkLine(v: unknown): string | null {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return 'is not a JSON object';
  const o = v as Record<string, unknown>;
  for (const f of FIELDS) if (!(f in o)) return `has no "${f}" field`;
  for (const k of Object.keys(o))
    if (!(FIELDS as readonly string[]).includes(k)) return `has an unexpected field "${k}"`;
  if (typeof o.incident_key !== 'string') return 'has an incident_key that is not a string';
  if (typeof o.seq !== 'number' || !Number.isInteger(o.seq)) return 'has a seq that is not a whole number';
  for (const f of ['at', 'recorded_at', 'kind', 'prev_hash', 'hash'] as const) {
    if (typeof o[f] !== 'string') return `has a ${f} that is not a string`;
  }
  return null;
}

function verifyFile(file: string, expectHead?: string): CommandResult {
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
  const lines = text.split('\n');
  for (let k = 0; k < lines.length; k++) {
    const raw = lines[k]!.replace(/\r$/, '');
    if (raw === '' && k === lines.length - 1) break;
    const lineNo = k + 1;
    let v: unknown;
    try {
      v = JSON.parse(raw);
    } catch {
      return {
        code: 1,
        output: `FAILED: ${file} line ${lineNo} is not valid JSON (the file was edited or cut).`,
      };
    }
    const problem = checkLine(v);
    if (problem) return { code: 1, output: `FAILED: ${file} line ${lineNo} ${problem}.` };
    rows.push(v as VerifyRow);
    lineOf.push(lineNo);
  }
  if (rows.length === 0) return { code: 2, output: `${file} holds no decision-log entries.` };
  const result = verifyChain(rows);
  if (!result.ok) {
    const line = lineOf[result.entries - 1];
    return {
      code: 1,
      output: `FAILED: ${file} line ${line} (incident ${result.row.incident_key}, entry ${result.row.seq}): ${result.problem}.`,
    };
  }
  const heads = Object.entries(result.heads);
  if (expectHead !== undefined) {
    if (heads.length !== 1) {
      return {
        code: 2,
        output: `--head needs a file with one incident's log; ${file} holds ${heads.length}.`,
      };
    }
    const [key, head] = heads[0]!;
    if (head !== expectHead.trim().toLowerCase()) {
      return {
        code: 1,
        output: `FAILED: the log of ${key} in ${file} ends with hash ${head}, not the expected head ${expectHead} (entries are missing from its end, or it is another log).`,
      };
    }
  }
  const out = [
    `OK: ${file}: ${plural(result.entries, 'entry', 'entries')} in ${plural(result.chains, 'chain')} verified.`,
    ...heads.map(
      ([k, h]) =>
        `${k}: ${plural(rows.filter((r) => r.incident_key === k).length, 'entry', 'entries')}, head ${h}`,
    ),
  ];
  if (expectHead === undefined) {
    out.push(
      'A file alone cannot show that entries were cut from its end: compare the head with the export\'s "Audit chain" section, or pass --head.',
    );
  }
  return { code: 0, output: out.join('\n') };
}
