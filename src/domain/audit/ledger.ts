// The global chain and the state digest. Every entry of every incident gets a global sequence number and a
// link hash over the previous link, so deleting a whole incident, or any entry, breaks one chain that the
// signed checkpoints cover. Each entry also carries the hash of the incident's state after its command, so
// a state edited in the database no longer matches its log (and field fingerprints name what changed).
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

/**
 * The digest of a state: `hash`, SHA-256 over its canonical JSON (what entries carry; the security rests on
 * it), and `fields`, a short fingerprint per top-level field kept beside the state so that a mismatch can
 * name the fields that changed (a convenience, not a proof: whoever edits the state can edit them too).
 */
export interface StateDigest {
  hash: string;
  fields: FieldPrints;
}

export type FieldPrints = Record<string, string>;

/** FNV-1a, 32 bits, as 8 hex digits: cheap, and enough to tell which field differs. */
function fingerprint(s: string): string {
  let h = 0x811c9dc5;
  for (let k = 0; k < s.length; k++) {
    h ^= s.charCodeAt(k);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

export function stateDigest(state: object): StateDigest {
  const o = state as Record<string, unknown>;
  const keys = Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort();
  const parts: string[] = [];
  const fields: FieldPrints = {};
  for (const k of keys) {
    const c = canonicalJson(o[k]);
    parts.push(`${JSON.stringify(k)}:${c}`);
    fields[k] = fingerprint(c);
  }
  // The same text as canonicalJson(state), built once from the field texts.
  return { hash: sha256(`{${parts.join(',')}}`), fields };
}

/** Fields whose fingerprints differ (added, removed or changed), sorted. */
export function changedFields(a: FieldPrints, b: FieldPrints): string[] {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].filter((k) => a[k] !== b[k]).sort();
}
