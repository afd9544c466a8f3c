// The timeline as CSV (RFC 4180: CRLF line ends, fields quoted when they hold a comma, quote or line
// break, quotes doubled). Cells that a spreadsheet would run as a formula (= + - @ at the start) get a
// leading apostrophe.
import type { Playbook } from '../domain/playbook.js';
import { actorLabel, byTime, summaryLine } from './format.js';
import type { RecordEntry } from './incident-record.js';

export const CSV_COLUMNS = ['at', 'kind', 'actor', 'summary', 'source'] as const;

export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function renderCsv(entries: RecordEntry[], playbook: Playbook): string {
  const rows: string[][] = [[...CSV_COLUMNS]];
  for (const e of byTime(entries)) {
    rows.push([e.at, e.kind, actorLabel(e.actor), summaryLine(e, playbook), e.source ?? '']);
  }
  return rows.map((r) => `${r.map(csvCell).join(',')}\r\n`).join('');
}

/** Parses CSV as written above (and RFC 4180 in general) back into rows. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += c;
  }
  if (cell !== '' || row.length) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}
