// The golden-hour checklist, kept in the incident's room and refreshed in place. Like the summary it holds
// no relative times: deadlines are time tokens, and the golden-hour nudges say what is overdue.
import { type ChecklistMark, type Incident, isClosed } from '../domain/incident.js';
import type { Link, Playbook } from '../domain/playbook.js';
import { allChecklistItems, resolveLink } from '../domain/playbook.js';
import { type Text, time } from '../domain/text.js';
import { workstreamsItem } from '../domain/workstreams.js';
import { addMinutes, drillPrefix, roleName } from './format.js';

export interface ChecklistRow {
  id: string;
  text: string;
  /** The owning role's name. */
  owner: string;
  /** ISO instant the item is due. */
  due: string;
  links: Link[];
  mark: ChecklistMark | null;
  /** Ticked by hand (false: the bot ticks it when something happens). */
  manual: boolean;
  /** Ticked by sending the initial stakeholder alert. */
  byAlert: boolean;
  /** Ticked by the bot once every workstream has a lead (the playbook's `workstreams.completes`). */
  byLeads?: boolean;
}

export interface ChecklistView {
  key: string;
  version: number;
  drill: boolean;
  closed: boolean;
  heading: Text;
  progress: Text;
  groups: { id: string; name: string; items: ChecklistRow[] }[];
  /** Offer "Send initial alert" (the alert item is open and the alert was not sent). */
  offerAlert: boolean;
  done: number;
  total: number;
  fallback: Text;
}

export function checklistView(i: Incident, pb: Playbook): ChecklistView {
  const items = allChecklistItems(pb);
  const done = items.filter((x) => i.checklist[x.id]).length;
  const ends = addMinutes(i.declaredAt, pb.clocks.goldenHourMinutes);
  const alertOpen = items.some((it) => it.completedBy === 'initial_alert_sent' && !i.checklist[it.id]);
  return {
    key: i.key,
    version: i.version,
    drill: i.drill,
    closed: isClosed(i),
    heading: `${drillPrefix(i)}Golden hour checklist: ${i.key}`,
    progress: `${done}/${items.length} done · complete within the first ${pb.clocks.goldenHourMinutes} minutes, by ${time(ends)}`,
    groups: pb.checklist.map((g) => ({
      id: g.id,
      name: g.name,
      items: g.items.map((it) => ({
        id: it.id,
        text: it.text,
        owner: roleName(pb, it.ownerRole),
        due: addMinutes(i.declaredAt, it.deadlineMinutes),
        links: it.links.map((l) => resolveLink(pb, l)),
        mark: i.checklist[it.id] ?? null,
        // the workstreams' item is ticked by the bot when every workstream has a lead (decide/workstreams.ts)
        manual: !it.completedBy && it.id !== workstreamsItem(pb),
        byAlert: it.completedBy === 'initial_alert_sent',
        ...(it.id === workstreamsItem(pb) ? { byLeads: true } : {}),
      })),
    })),
    offerAlert: alertOpen && !i.initialAlertAt && !isClosed(i),
    done,
    total: items.length,
    fallback: `${drillPrefix(i)}Golden hour checklist for ${i.key}: ${done}/${items.length} done`,
  };
}
