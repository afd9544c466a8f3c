// Who wrote in an incident's decision log: the people behind its entries, in the order they first wrote,
// never the bot (a room it created, a reminder, a message it delivered). The debrief invites them.
import { BOT_ID } from '../domain/text.js';
import type { LogRow } from './ports.js';

export function logWriters(rows: readonly Pick<LogRow, 'actor'>[]): string[] {
  const out: string[] = [];
  for (const r of rows) {
    let id: unknown;
    try {
      id = (JSON.parse(r.actor) as { id?: unknown }).id;
    } catch {
      continue; // an unreadable actor names nobody
    }
    if (typeof id === 'string' && id && id !== BOT_ID && !out.includes(id)) out.push(id);
  }
  return out;
}
