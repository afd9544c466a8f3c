// The workstreams in the review document: who led each at export, and every change of lead (taken, named,
// handed over, released) with who made it, as tables drawn with export-markdown.ts's own cell and table.
import type { Incident } from '../domain/incident.js';
import type { Playbook } from '../domain/playbook.js';
import { leadOf, workstreamDefs, workstreamName } from '../domain/workstreams.js';
import { utc } from './format.js';

export interface RecordTable {
  title: string;
  head: string[];
  rows: string[][];
}

/** Nothing when the playbook names no workstreams and the incident recorded no leads. */
export function workstreamTables(
  i: Incident,
  pb: Playbook,
  who: (id: string | null) => string,
): RecordTable[] {
  const history = i.workstreamHistory ?? [];
  const ids = [...new Set([...workstreamDefs(pb).map((w) => w.id), ...Object.keys(i.workstreams ?? {})])];
  if (!ids.length && !history.length) return [];
  const leads: RecordTable = {
    title: 'Leads',
    head: ['Workstream', 'Lead (at export)'],
    rows: ids.map((id) => {
      const lead = leadOf(i, id);
      return [workstreamName(pb, id), lead ? who(lead) : 'no lead'];
    }),
  };
  if (!history.length) return [leads];
  return [
    leads,
    {
      title: 'Changes',
      head: ['Time (UTC)', 'Workstream', 'Change', 'From', 'To', 'By'],
      rows: history.map((c) => [
        utc(c.at),
        workstreamName(pb, c.workstream),
        c.kind,
        who(c.from),
        who(c.to),
        who(c.by),
      ]),
    },
  ];
}

/** The tables as Markdown lines (none without workstreams), with the document's own escaping. */
export function workstreamsMarkdown(
  i: Incident,
  pb: Playbook,
  who: (id: string | null) => string,
  md: { cell: (s: string) => string; table: (head: string[], rows: string[][]) => string[] },
): string[] {
  return workstreamTables(i, pb, who).flatMap((t, k) => [
    ...(k ? [''] : []),
    ...md.table(
      t.head,
      t.rows.map((r) => r.map(md.cell)),
    ),
  ]);
}
