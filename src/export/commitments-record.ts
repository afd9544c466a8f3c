// The stakeholder commitments and questions of an incident as export tables, each with its outcome.
// Plain text: the Markdown renderer escapes the cells (format.ts summarises their log entries).
import { commitmentsOf, questionsOf } from '../domain/commitments.js';
import type { Incident } from '../domain/incident.js';
import { utc } from './format.js';

export interface PlainTable {
  title: string;
  head: string[];
  rows: string[][];
}

/** Commitments, then questions; none when the incident recorded neither. */
export function stakeholderTables(i: Incident, who: (id: string) => string): PlainTable[] {
  const out: PlainTable[] = [];
  const cs = commitmentsOf(i);
  if (cs.length)
    out.push({
      title: 'Commitments to stakeholders',
      head: ['ID', 'Commitment', 'Due (UTC)', 'Made by', 'Outcome'],
      rows: cs.map((c) => [
        c.id,
        c.what,
        utc(c.due),
        `${who(c.createdBy)}, ${utc(c.createdAt)}`,
        c.state === 'open'
          ? 'still open'
          : `${c.state} ${utc(c.resolvedAt)} by ${who(c.resolvedBy ?? '')}${c.note ? `: ${c.note}` : ''}`,
      ]),
    });
  const qs = questionsOf(i);
  if (qs.length)
    out.push({
      title: 'Stakeholder questions',
      head: ['ID', 'Question', 'Asked by', 'Recorded', 'Answer'],
      rows: qs.map((q) => [
        q.id,
        q.text,
        q.from ?? '',
        `${utc(q.askedAt)} by ${who(q.askedBy)}`,
        q.answer === undefined
          ? 'not answered'
          : `${q.answer} (${utc(q.answeredAt)}, ${who(q.answeredBy ?? '')})`,
      ]),
    });
  return out;
}

/** The tables in Markdown, each under its title, with the renderer's own cell escaping and table layout. */
export function tablesMd(
  tables: PlainTable[],
  cell: (s: string) => string,
  table: (head: string[], rows: string[][]) => string[],
): string[] {
  return tables.flatMap((t, k) => [
    ...(k ? [''] : []),
    `**${t.title}**`,
    '',
    ...table(
      t.head,
      t.rows.map((r) => r.map(cell)),
    ),
  ]);
}
