// The decision log as JSON Lines: one entry per line with every hashed field, prev_hash and hash,
// so `incident-bot audit verify --file` can check the chain offline. Only hashed fields are written (no
// row id), so every byte of a line is covered by its hash.
import { chainFields } from '../domain/hash-chain.js';
import type { RecordEntry } from './incident-record.js';

export function entryLine(e: RecordEntry): string {
  return JSON.stringify({ ...chainFields(e), prev_hash: e.prev_hash, hash: e.hash });
}

/** One line per entry, in chain order, each ending with "\n". */
export function renderJsonl(entries: RecordEntry[]): string {
  return entries.map((e) => `${entryLine(e)}\n`).join('');
}
