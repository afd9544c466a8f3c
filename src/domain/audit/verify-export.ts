// Verifies one incident's log on its own (an export, or the record an export is built from): its chain,
// and the proof that ties its last entry to a signed checkpoint: the global links from that entry to the
// checkpoint's head, none of them the incident's own (so nothing of it was left out, as of that checkpoint).
import type { KeyObject } from 'node:crypto';
import { keyIdOf, type SignedCheckpoint, signatureValid } from './checkpoint.js';
import { entryHash, GENESIS, type VerifyRow } from './hash-chain.js';
import { changedFields, type FieldPrints, type GlobalLink, linkHash, stateDigest } from './ledger.js';

/** Where the incident's last entry stands in the global chain, and the links after it up to the checkpoint. */
export interface IncidentProof {
  checkpoint: SignedCheckpoint;
  last: { gseq: number; gprev_hash: string; ghash: string };
  links: GlobalLink[];
}

export type ProofCheck =
  | { ok: true; entries: number; head: string; checkpoint: SignedCheckpoint; signed: boolean }
  /** `entry` is the index in `entries` of the entry at fault, when one is. */
  | { ok: false; code: 1 | 2; problem: string; entry?: number };

const bad = (problem: string, entry?: number, code: 1 | 2 = 1): ProofCheck => ({
  ok: false,
  code,
  problem,
  ...(entry !== undefined ? { entry } : {}),
});

export function verifyIncidentLog(o: {
  entries: (VerifyRow & { state_hash?: string | null })[];
  proof: IncidentProof | null;
  /** Check the checkpoint's signature with these keys (none: structure only). */
  keys?: KeyObject[];
  /** The incident's stored state (and its kept per-field digest), to hold against its log. */
  state?: { value: object; fields?: FieldPrints | null };
}): ProofCheck {
  const { entries, proof } = o;
  if (entries.length === 0) return bad('there are no entries', undefined, 2);
  const key = entries[0]!.incident_key;
  let prev = GENESIS;
  for (let n = 0; n < entries.length; n++) {
    const e = entries[n]!;
    if (e.incident_key !== key) return bad(`it mixes incidents (${key} and ${e.incident_key})`, n);
    if (e.seq !== n + 1)
      return bad(`expected entry ${n + 1}, found ${e.seq} (an entry is missing or reordered)`, n);
    if (e.prev_hash !== prev)
      return bad('it does not follow the entry before (removed, inserted or reordered)', n);
    if (entryHash(prev, e) !== e.hash) return bad('it does not match its hash (the entry was edited)', n);
    prev = e.hash;
  }
  const last = entries.at(-1)!;
  if (o.state) {
    const digest = stateDigest(o.state.value);
    if (!last.state_hash) return bad(`the log of ${key} carries no state digest (written before the ledger)`);
    if (digest.hash !== last.state_hash) {
      const changed = o.state.fields ? changedFields(o.state.fields, digest.fields) : [];
      const fields = changed.length ? ` (changed: ${changed.join(', ')})` : '';
      return bad(`the stored state of ${key} is not the one its log produced${fields}`);
    }
  }
  if (!proof) return bad(`no signed checkpoint covers the log of ${key}`);
  const c = proof.checkpoint;
  let g = linkHash(proof.last.gprev_hash, {
    gseq: proof.last.gseq,
    incident_key: key,
    seq: last.seq,
    hash: last.hash,
  });
  if (g !== proof.last.ghash)
    return bad('the last entry is not where the proof says it is in the global chain', entries.length - 1);
  let gseq = proof.last.gseq;
  for (const l of proof.links) {
    if (l.gseq !== gseq + 1) return bad(`the proof skips from global entry ${gseq} to ${l.gseq}`);
    if (l.incident_key === key)
      return bad(`entry ${l.seq} of ${key} (global entry ${l.gseq}) is left out: the log was cut short`);
    g = linkHash(g, l);
    gseq = l.gseq;
  }
  if (gseq !== c.seq || g !== c.head)
    return bad(
      `the log does not lead to the checkpoint's head (global entry ${c.seq}): it was changed after it was signed`,
    );
  let signed = false;
  if (o.keys) {
    const k = o.keys.find((x) => keyIdOf(x) === c.keyId);
    if (!k)
      return bad(
        `the checkpoint is signed by key ${c.keyId}, and the key given is ${o.keys.map(keyIdOf).join(', ')}`,
        undefined,
        2,
      );
    if (!signatureValid(c, k))
      return bad(`the checkpoint's signature does not verify with key ${c.keyId} (forged or edited)`);
    signed = true;
  }
  return { ok: true, entries: entries.length, head: last.hash, checkpoint: c, signed };
}
