// Verifies a whole ledger, as storage read it: every entry in global order (both chains, monotonic time),
// every checkpoint (signature by a given key, head and incident count at its place, nothing unsigned after
// the last), and every incident (its row matches its log, its state is the one its log produced).
// Pure: the first problem found is returned as a sentence; code 2 is "wrong key", 1 is "tampered".
import type { KeyObject } from 'node:crypto';
import { checkAlertDecisions, isAlertChain } from '../alert-decision-log.js';
import { keyIdOf, type SignedCheckpoint, signatureValid } from './checkpoint.js';
import { entryHash, GENESIS, type VerifyRow } from './hash-chain.js';
import { changedFields, type FieldPrints, linkHash, stateDigest } from './ledger.js';

export interface LedgerRow extends VerifyRow {
  gseq: number | null;
  gprev_hash: string | null;
  ghash: string | null;
  state_hash: string | null;
}

export interface IncidentRow {
  key: string;
  /** The state as stored (JSON text). */
  state: string;
  /** The per-field digest stored beside it (JSON text), if any. */
  stateDigest: string | null;
  logCount: number;
  logHead: string;
  /** Columns that repeat a part of the state but do not match it (storage compares them). */
  columnProblems: string[];
}

export interface CheckpointRow extends SignedCheckpoint {
  id: number;
}

export interface LedgerInput {
  /** Every entry, ordered by gseq. */
  entries: Iterable<LedgerRow>;
  /** Every stored checkpoint, in the order written. */
  checkpoints: CheckpointRow[];
  incidents: IncidentRow[];
  /** Every alert group (id, stored state): its decision is held against its own chain (ALERT-<n>). */
  alertGroups?: { id: string; state: string }[];
  keys: KeyObject[];
  /** Checkpoints kept elsewhere (the audit channel, the logs) to hold the database against. */
  anchors?: SignedCheckpoint[];
}

export type LedgerReport =
  | {
      ok: true;
      entries: number;
      incidents: number;
      /** Alert groups with decisions in the log (their chains are not incidents). */
      alertChains: number;
      checkpoints: number;
      latest: SignedCheckpoint | null;
      heads: Map<string, { count: number; head: string }>;
    }
  | { ok: false; code: 1 | 2; problem: string };

class Broken extends Error {
  constructor(
    readonly code: 1 | 2,
    message: string,
  ) {
    super(message);
  }
}

const short = (h: string | null | undefined) => (h ? `${h.slice(0, 12)}…` : '(none)');

export function verifyLedger(input: LedgerInput): LedgerReport {
  try {
    return walk(input);
  } catch (e) {
    if (e instanceof Broken) return { ok: false, code: e.code, problem: e.message };
    throw e;
  }
}

function keyring(input: LedgerInput): Map<string, KeyObject> {
  const keys = new Map(input.keys.map((k) => [keyIdOf(k), k]));
  const signed = [...input.checkpoints, ...(input.anchors ?? [])];
  if (signed.length > 0 && !signed.some((c) => keys.has(c.keyId))) {
    const used = [...new Set(signed.map((c) => c.keyId))].join(', ');
    throw new Broken(
      2,
      `the checkpoints are signed by key ${used}, and the public key given is ${[...keys.keys()].join(', ') || '(none)'}: give the public key of the bot that wrote this database`,
    );
  }
  return keys;
}

function checkSignature(c: SignedCheckpoint, what: string, keys: Map<string, KeyObject>): void {
  const key = keys.get(c.keyId);
  if (!key) throw new Broken(1, `${what} is signed by key ${c.keyId}, which is not one of the keys given`);
  if (!signatureValid(c, key))
    throw new Broken(
      1,
      `${what} has a signature that does not verify with key ${c.keyId} (it was forged or edited)`,
    );
}

function walk(input: LedgerInput): LedgerReport {
  const keys = keyring(input);
  const anchors = input.anchors ?? [];
  for (const [n, a] of anchors.entries())
    checkSignature(a, `the checkpoint given${anchors.length > 1 ? ` (${n + 1})` : ''}`, keys);
  let lastAt = '';
  input.checkpoints.forEach((c, k) => {
    checkSignature(c, `checkpoint #${c.n}`, keys);
    if (c.n !== k + 1)
      throw new Broken(
        1,
        `checkpoint #${k + 1} is missing: the checkpoints go from #${k} to #${c.n} (removed)`,
      );
    const before = input.checkpoints[k - 1];
    if (before && c.seq <= before.seq)
      throw new Broken(1, `checkpoint #${c.n} covers no entries after checkpoint #${before.n}`);
    if (c.at < lastAt) throw new Broken(1, `checkpoint #${c.n} is dated before the checkpoint before it`);
    lastAt = c.at;
  });
  // What the log must show at each signed place: head and incident count.
  const wanted = new Map<number, { what: string; c: SignedCheckpoint }[]>();
  const want = (c: SignedCheckpoint, what: string) =>
    wanted.set(c.seq, [...(wanted.get(c.seq) ?? []), { what, c }]);
  for (const c of input.checkpoints) want(c, `checkpoint #${c.n}`);
  for (const a of anchors) want(a, 'the checkpoint given');
  const atPlace = (gseq: number, head: string, incidents: number) => {
    for (const { what, c } of wanted.get(gseq) ?? []) {
      if (c.head !== head)
        throw new Broken(
          1,
          `${what} signed global entry ${gseq} as ${short(c.head)}, but the log has ${short(head)} there (entries up to it were changed after it was signed)`,
        );
      if (c.incidents !== incidents)
        throw new Broken(
          1,
          `${what} counts ${c.incidents} incidents at global entry ${gseq}, but the log has ${incidents} there (an incident was removed or added)`,
        );
    }
  };
  atPlace(0, GENESIS, 0);

  const chains = new Map<string, { seq: number; hash: string; stateHash: string | null }>();
  let gseq = 0;
  let ghead = GENESIS;
  let lastRecorded = '';
  for (const r of input.entries) {
    const where = `global entry ${r.gseq ?? '?'} (${r.incident_key} entry ${r.seq})`;
    if (r.gseq === null || r.ghash === null || r.gprev_hash === null)
      throw new Broken(
        1,
        `${where} is not in the global chain (inserted by hand, or the database was not migrated)`,
      );
    if (r.gseq !== gseq + 1)
      throw new Broken(
        1,
        r.gseq > gseq + 2
          ? `global entries ${gseq + 1}–${r.gseq - 1} are missing (deleted)`
          : r.gseq === gseq + 2
            ? `global entry ${gseq + 1} is missing (deleted)`
            : `${where} is out of order after global entry ${gseq}`,
      );
    const prev = chains.get(r.incident_key) ?? { seq: 0, hash: GENESIS, stateHash: null };
    if (r.seq !== prev.seq + 1)
      throw new Broken(
        1,
        `${where}: ${r.incident_key} goes from entry ${prev.seq} to ${r.seq} (an entry is missing or reordered)`,
      );
    if (r.prev_hash !== prev.hash)
      throw new Broken(
        1,
        `${where} does not follow entry ${prev.seq} of ${r.incident_key} (removed, inserted or reordered)`,
      );
    if (entryHash(prev.hash, r) !== r.hash)
      throw new Broken(1, `${where} does not match its hash (the entry was edited)`);
    if (r.gprev_hash !== ghead || linkHash(ghead, { ...r, gseq: r.gseq }) !== r.ghash)
      throw new Broken(
        1,
        `${where} does not follow global entry ${gseq} (entries were removed, inserted or reordered)`,
      );
    // Time only moves forward in the ledger (entries from before it could be dated ahead by a test run).
    if (r.state_hash && lastRecorded && r.recorded_at < lastRecorded)
      throw new Broken(
        1,
        `${where} is recorded at ${r.recorded_at}, before the entry ahead of it (${lastRecorded})`,
      );
    if (r.state_hash) lastRecorded = r.recorded_at;
    chains.set(r.incident_key, { seq: r.seq, hash: r.hash, stateHash: r.state_hash ?? prev.stateHash });
    gseq = r.gseq;
    ghead = r.ghash;
    atPlace(gseq, ghead, chains.size);
  }

  for (const [seq, list] of wanted) {
    if (seq > gseq)
      throw new Broken(
        1,
        `${list[0]!.what} covers global entry ${seq}, but the log ends at global entry ${gseq} (entries were deleted from the end)`,
      );
  }
  const latest = input.checkpoints.at(-1) ?? null;
  if (gseq > 0 && (!latest || latest.seq < gseq)) {
    const from = (latest?.seq ?? 0) + 1;
    throw new Broken(
      1,
      `unsigned tail: ${gseq - from + 1} ${gseq === from ? 'entry' : 'entries'} (global ${from}${gseq > from ? `–${gseq}` : ''}) after the last checkpoint, which no signature covers (written outside the bot)`,
    );
  }
  checkIncidents(input.incidents, chains);
  const alertProblem = checkAlertDecisions(input.alertGroups ?? [], chains);
  if (alertProblem) throw new Broken(1, alertProblem);
  const alertChains = [...chains.keys()].filter(isAlertChain).length;
  const heads = new Map([...chains].map(([k, v]) => [k, { count: v.seq, head: v.hash }]));
  return {
    ok: true,
    entries: gseq,
    incidents: chains.size - alertChains,
    alertChains,
    checkpoints: input.checkpoints.length,
    latest,
    heads,
  };
}

/** The fingerprints kept beside a state (null when missing or unreadable). */
function keptPrints(text: string | null): FieldPrints | null {
  if (text === null) return null;
  try {
    return JSON.parse(text) as FieldPrints;
  } catch {
    return null;
  }
}

function checkIncidents(
  incidents: IncidentRow[],
  chains: Map<string, { seq: number; hash: string; stateHash: string | null }>,
): void {
  const rows = new Set(incidents.map((i) => i.key));
  for (const key of chains.keys())
    if (!rows.has(key) && !isAlertChain(key))
      throw new Broken(
        1,
        `the log has entries for ${key}, which is not in the incidents table (the incident was deleted)`,
      );
  for (const i of incidents) {
    const chain = chains.get(i.key);
    if (!chain)
      throw new Broken(
        1,
        `${i.key} is in the incidents table but has no decision log (it was added by hand)`,
      );
    if (i.logCount !== chain.seq || i.logHead !== chain.hash)
      throw new Broken(
        1,
        `${i.key}: its row says the log ends at entry ${i.logCount} (${short(i.logHead)}), the log ends at entry ${chain.seq} (${short(chain.hash)})`,
      );
    if (!chain.stateHash)
      throw new Broken(
        1,
        `${i.key}: its log carries no state digest (written before the ledger; run migrate)`,
      );
    let state: object;
    try {
      state = JSON.parse(i.state) as object;
    } catch {
      throw new Broken(1, `${i.key}: its stored state is not valid JSON (it was edited)`);
    }
    const digest = stateDigest(state);
    const kept = keptPrints(i.stateDigest);
    if (digest.hash !== chain.stateHash) {
      const changed = kept ? changedFields(kept, digest.fields) : [];
      throw new Broken(
        1,
        `${i.key}: the stored state is not the one its log produced (edited in the database)${changed.length ? ` (changed: ${changed.join(', ')})` : ''}`,
      );
    }
    if (i.stateDigest !== null && (!kept || changedFields(kept, digest.fields).length > 0))
      throw new Broken(1, `${i.key}: its kept field fingerprints (state_digest) were edited`);
    for (const p of i.columnProblems) throw new Broken(1, `${i.key}: ${p}`);
  }
}
