// An incident's hash chain: hash = sha256(prev_hash + canonical entry). Pure; shared by the store,
// `audit verify` on the database, and `audit verify --file` on a JSONL export. The global chain that links
// every incident's entries, and the signed checkpoints over it, are in ledger.ts and checkpoint.ts.
import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical.js';

export const GENESIS = '0'.repeat(64);

export interface ChainEntry {
  incident_key: string;
  seq: number;
  at: string;
  recorded_at: string;
  actor: unknown;
  kind: string;
  payload: unknown;
  source: string | null;
  command_key: string | null;
  /** The digest of the incident's state after the command (entries written before the ledger have none). */
  state_hash?: string | null;
}

/** The fields the hash covers, in one place (the store, the verifier and the JSONL export use it). */
export function chainFields(e: ChainEntry): ChainEntry {
  return {
    incident_key: e.incident_key,
    seq: e.seq,
    at: e.at,
    recorded_at: e.recorded_at,
    actor: e.actor,
    kind: e.kind,
    payload: e.payload,
    source: e.source,
    command_key: e.command_key,
    // Absent, not null, on entries written before the ledger: their hashes stay what they were.
    ...(e.state_hash ? { state_hash: e.state_hash } : {}),
  };
}

export function entryHash(prevHash: string, e: ChainEntry): string {
  return createHash('sha256')
    .update(prevHash)
    .update(canonicalJson(chainFields(e)))
    .digest('hex');
}

export interface VerifyRow extends ChainEntry {
  id?: number;
  prev_hash: string;
  hash: string;
}

export type VerifyResult =
  | { ok: true; entries: number; chains: number; heads: Record<string, string> }
  | { ok: false; entries: number; problem: string; row: { id?: number; incident_key: string; seq: number } };

/** Verifies rows in (incident_key, seq) order per incident; `heads` optionally checks the stored head and count. */
export function verifyChain(
  rows: Iterable<VerifyRow>,
  expected?: Map<string, { count: number; head: string }>,
): VerifyResult {
  const state = new Map<string, { seq: number; hash: string }>();
  let n = 0;
  for (const r of rows) {
    n++;
    const prev = state.get(r.incident_key) ?? { seq: 0, hash: GENESIS };
    const where = { ...(r.id !== undefined ? { id: r.id } : {}), incident_key: r.incident_key, seq: r.seq };
    if (r.seq !== prev.seq + 1) {
      return {
        ok: false,
        entries: n,
        problem: `expected seq ${prev.seq + 1}, found ${r.seq} (a row is missing or reordered)`,
        row: where,
      };
    }
    if (r.prev_hash !== prev.hash) {
      return {
        ok: false,
        entries: n,
        problem: 'prev_hash does not match the previous entry (a row was removed, inserted or reordered)',
        row: where,
      };
    }
    const h = entryHash(prev.hash, r);
    if (h !== r.hash)
      return {
        ok: false,
        entries: n,
        problem: 'hash does not match the entry (the row was edited)',
        row: where,
      };
    state.set(r.incident_key, { seq: r.seq, hash: r.hash });
  }
  if (expected) {
    for (const [key, want] of expected) {
      const got = state.get(key) ?? { seq: 0, hash: '' };
      if (got.seq !== want.count || (want.count > 0 && got.hash !== want.head)) {
        return {
          ok: false,
          entries: n,
          problem: `the incident's log should end at entry ${want.count} with hash ${want.head.slice(0, 12)}…, but it ends at entry ${got.seq} (entries were deleted from the end)`,
          row: { incident_key: key, seq: got.seq + 1 },
        };
      }
    }
  }
  const heads: Record<string, string> = {};
  for (const [k, v] of state) heads[k] = v.hash;
  return { ok: true, entries: n, chains: state.size, heads };
}
