// One `audit_checkpoints` row as the table holds it, and as the signed checkpoint it is.
import type { SignedCheckpoint } from '../../domain/audit/checkpoint.js';

export interface CheckpointRecord {
  n: number;
  seq: number;
  head: string;
  at: string;
  incidents: number;
  key_id: string;
  signature: string;
}

export const CHECKPOINT_COLUMNS = 'n, seq, head, at, incidents, key_id, signature';

export function signedCheckpointOf(r: CheckpointRecord): SignedCheckpoint {
  return {
    n: r.n,
    seq: r.seq,
    head: r.head,
    at: r.at,
    incidents: r.incidents,
    keyId: r.key_id,
    signature: r.signature,
  };
}
