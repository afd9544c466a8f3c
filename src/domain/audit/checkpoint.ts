// Signed checkpoints: the bot's statement "the global chain had N entries ending in hash H at time T, with
// C incidents", signed with Ed25519 by a key the database does not hold. A checkpoint also travels as a
// one-line digest (logs, the audit channel) that `audit verify --checkpoint` checks a database against.
import { createHash, createPublicKey, type KeyObject, sign, verify } from 'node:crypto';
import { canonicalJson } from './canonical.js';

export interface Checkpoint {
  /** The checkpoint's own number, 1, 2, 3…: a checkpoint removed from the middle leaves a gap. */
  n: number;
  /** Global entries covered (the last global sequence number; 0 for an empty log). */
  seq: number;
  /** The global chain's link hash at `seq`. */
  head: string;
  at: string;
  /** Incidents in the database at that point. */
  incidents: number;
}

export interface SignedCheckpoint extends Checkpoint {
  /** Which key signed (see keyIdOf). */
  keyId: string;
  /** Ed25519 signature over checkpointMessage, base64. */
  signature: string;
}

export interface CheckpointSigner {
  keyId: string;
  sign(c: Checkpoint): SignedCheckpoint;
}

/** The exact bytes signed: a fixed label (no signature is valid for another purpose) and the fields. */
export function checkpointMessage(c: Checkpoint): Buffer {
  const body = { v: 1, n: c.n, seq: c.seq, head: c.head, at: c.at, incidents: c.incidents };
  return Buffer.from(`incident-bot audit checkpoint\n${canonicalJson(body)}`, 'utf8');
}

/** A short, stable name for a public key: the first 16 hex digits of the SHA-256 of its SPKI form. */
export function keyIdOf(key: KeyObject): string {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  return createHash('sha256')
    .update(pub.export({ type: 'spki', format: 'der' }))
    .digest('hex')
    .slice(0, 16);
}

export function signerOf(privateKey: KeyObject): CheckpointSigner {
  if (privateKey.type !== 'private' || privateKey.asymmetricKeyType !== 'ed25519')
    throw new Error('the audit signing key must be an Ed25519 private key');
  const keyId = keyIdOf(privateKey);
  return {
    keyId,
    sign: (c) => ({
      ...c,
      keyId,
      signature: sign(null, checkpointMessage(c), privateKey).toString('base64'),
    }),
  };
}

export function signatureValid(c: SignedCheckpoint, publicKey: KeyObject): boolean {
  try {
    return verify(null, checkpointMessage(c), publicKey, Buffer.from(c.signature, 'base64'));
  } catch {
    return false;
  }
}

const DIGEST =
  /^ibc1:(\d+):(\d+):([0-9a-f]{64}):([0-9TZ:.-]{20,30}):(\d+):([0-9a-f]{16}):([A-Za-z0-9+/=]{80,100})$/;

/** The checkpoint as one line: `ibc1:<n>:<seq>:<head>:<at>:<incidents>:<key id>:<signature>`. */
export function digestOf(c: SignedCheckpoint): string {
  return `ibc1:${c.n}:${c.seq}:${c.head}:${c.at}:${c.incidents}:${c.keyId}:${c.signature}`;
}

export function parseDigest(text: string): SignedCheckpoint | null {
  const m = DIGEST.exec(text.trim());
  if (!m) return null;
  return {
    n: Number(m[1]),
    seq: Number(m[2]),
    head: m[3]!,
    at: m[4]!,
    incidents: Number(m[5]),
    keyId: m[6]!,
    signature: m[7]!,
  };
}
