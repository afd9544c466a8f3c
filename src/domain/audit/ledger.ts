// The global chain and the state digest. Every entry of every incident gets a global sequence number and a
// link hash over the previous link, so deleting a whole incident, or any entry, breaks one chain that the
// signed checkpoints cover. Each entry also carries the digest of the incident's state after its command,
// so a state edited in the database no longer matches its log (and the edited fields can be named).
import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical.js';

export { GENESIS } from './hash-chain.js';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** What the global chain commits to for one entry: its place in both chains and its own hash. */
export interface GlobalLink {
  gseq: number;
  incident_key: string;
  seq: number;
  hash: string;
}

export function linkHash(gprev: string, l: GlobalLink): string {
  return sha256(gprev + canonicalJson({ g: l.gseq, k: l.incident_key, s: l.seq, h: l.hash }));
}

/** A hash per top-level field of a state object (kept beside the state, so a mismatch can be named). */
export type StateDigest = Record<string, string>;

export function stateDigest(state: object): StateDigest {
  const out: StateDigest = {};
  for (const [k, v] of Object.entries(state)) if (v !== undefined) out[k] = sha256(canonicalJson(v));
  return out;
}

/** The one hash an entry carries: over the field hashes. */
export function stateHashOf(digest: StateDigest): string {
  return sha256(canonicalJson(digest));
}

/** Fields whose hashes differ (added, removed or changed), sorted. */
export function changedFields(a: StateDigest, b: StateDigest): string[] {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].filter((k) => a[k] !== b[k]).sort();
}
