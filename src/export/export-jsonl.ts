// The decision log as JSON Lines: one entry per line with every hashed field, prev_hash and hash (no row
// id, so every byte of an entry line is covered by its hash), then one last line with the proof: the
// latest signed checkpoint, where the incident's last entry stands in the global chain, and the global
// links from it to the checkpoint. `incident-bot audit verify --file F --pubkey KEY` checks it all offline.
import { chainFields } from '../domain/audit/hash-chain.js';
import type { IncidentProof } from '../domain/audit/verify-export.js';
import type { RecordEntry } from './incident-record.js';

export function entryLine(e: RecordEntry): string {
  return JSON.stringify({ ...chainFields(e), prev_hash: e.prev_hash, hash: e.hash });
}

/** The proof line: `links` as compact [gseq, incident, seq, hash] rows (a long tail stays small). */
export function proofLine(p: IncidentProof): string {
  const c = p.checkpoint;
  return JSON.stringify({
    checkpoint: {
      n: c.n,
      seq: c.seq,
      head: c.head,
      at: c.at,
      incidents: c.incidents,
      key_id: c.keyId,
      signature: c.signature,
    },
    last: p.last,
    links: p.links.map((l) => [l.gseq, l.incident_key, l.seq, l.hash]),
  });
}

/** One line per entry, in chain order, then the proof line; each line ends with "\n". */
export function renderJsonl(entries: RecordEntry[], proof: IncidentProof): string {
  return `${entries.map((e) => `${entryLine(e)}\n`).join('')}${proofLine(proof)}\n`;
}
