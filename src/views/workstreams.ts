// Workstreams and their leads as people see them: rows for the summary (every platform renders them with
// Lead / Release / Assign), a line for the status answer, the `lead` verb's list, and the room's post when
// a lead changes.
import type { Incident } from '../domain/incident.js';
import type { Playbook } from '../domain/playbook.js';
import { allChecklistItems } from '../domain/playbook.js';
import { command, mention, strong, type Text, userText } from '../domain/text.js';
import { leadOf, workstreamDefs, workstreamName } from '../domain/workstreams.js';
import type { ListView } from './lists.js';
import { type PostView, simplePost } from './post.js';

export interface WorkstreamRow {
  id: string;
  name: string;
  description: string;
  /** Who leads it now (a user id), or null: "no lead". */
  lead: string | null;
}

/** The playbook's workstreams with their leads (empty when the playbook names none). */
export function workstreamRows(i: Incident, pb: Playbook): WorkstreamRow[] {
  return workstreamDefs(pb).map((w) => ({
    id: w.id,
    name: w.name,
    description: w.description,
    lead: leadOf(i, w.id),
  }));
}

/** "Containment: @a; Investigation: no lead; …", or null without workstreams. */
export function workstreamsLine(i: Incident, pb: Playbook): Text | null {
  const rows = workstreamRows(i, pb);
  if (!rows.length) return null;
  return `Workstreams: ${rows.map((r) => `${userText(r.name)}: ${r.lead ? mention(r.lead) : 'no lead'}`).join('; ')}`;
}

/** `lead` without a workstream: each one with its lead and how to take it. */
export function workstreamList(i: Incident, pb: Playbook): ListView {
  const rows = workstreamRows(i, pb);
  if (!rows.length)
    return { title: `${i.key}: workstreams`, lines: [], empty: 'This playbook names no workstreams.' };
  const open = rows.filter((r) => !r.lead).length;
  return {
    title: `${i.key}: ${rows.length} workstreams, ${open ? `${open} without a lead` : 'each with a lead'}`,
    lines: [
      ...rows.map(
        (r) =>
          `${r.lead ? '✅' : '⚠️'} ${strong(r.name)} (${userText(r.id)}): ${r.lead ? mention(r.lead) : 'no lead'}\n${userText(r.description)}`,
      ),
      `Take one with ${command('lead <workstream>')}; the incident commander names a lead with ${command('lead <workstream> @person')}; ${command('lead <workstream> release')} steps back.`,
    ],
  };
}

type Data = Record<string, unknown>;
const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);

/** The room's post for a lead change: who leads what now, and the checklist item done or reopened by it. */
export function workstreamChangePost(i: Incident, pb: Playbook, d: Data): PostView {
  const id = String(d.workstream ?? '');
  const name = workstreamName(pb, id);
  const from = str(d.from);
  const to = str(d.to);
  const who = (u: string | null) => (u ? mention(u) : 'nobody');
  const line =
    d.kind === 'release'
      ? `👋 ${who(from)} no longer leads ${strong(name)}: it has ${strong('no lead')}.`
      : d.kind === 'handover'
        ? `🔄 ${strong(name)} handed over from ${who(from)} to ${who(to)}.`
        : `🧭 ${who(to)} now leads ${strong(name)}.`;
  const description = workstreamDefs(pb).find((w) => w.id === id)?.description;
  const itemId = pb.workstreams?.completes;
  const item = itemId ? allChecklistItems(pb).find((x) => x.id === itemId) : undefined;
  const lines: Text[] = [line];
  if (description && d.kind !== 'release') lines.push(userText(description));
  if (item && d.item === 'done')
    lines.push(`✅ Every workstream has a named lead: ${strong(item.text)} is done.`);
  if (item && d.item === 'reopened')
    lines.push(`⚠️ Not every workstream has a lead any more: ${strong(item.text)} is open again.`);
  return simplePost(i, 'workstream_change', `${name} lead`, lines, `${i.key}: ${name} lead changed`);
}
