// Answers that list: the open incidents, one incident's status, its follow-ups.
import { holders, type Incident, OBJECTIVE_NAMES } from '../domain/incident.js';
import type { Playbook } from '../domain/playbook.js';
import { allChecklistItems, findRole } from '../domain/playbook.js';
import { nextStatusUpdateDue } from '../domain/queries.js';
import { openRequiredRoles } from '../domain/roles.js';
import { command, mention, room, strong, type Text, time, userText } from '../domain/text.js';
import type { Action } from './actions.js';
import { followupState, issueText } from './followup-tracker.js';
import { age, cut, drillPrefix, phaseName, triggerName } from './format.js';
import { workstreamsLine } from './workstreams.js';

export interface ListView {
  title: Text;
  lines: Text[];
  /** One button per line where the line has one (a follow-up's "Mark done"), by line index. */
  actions?: Record<number, Action>;
  empty?: Text;
}

const MAX_LISTED = 25;

/** Open incidents: key, title, phase, IC, age, room. */
export function incidentList(incidents: Incident[], pbFor: (i: Incident) => Playbook, now: Date): ListView {
  if (incidents.length === 0)
    return {
      title: 'Open incidents',
      lines: [],
      empty: `No open incidents. ${command('declare')} starts one.`,
    };
  const lines = incidents.slice(0, MAX_LISTED).map((i) => {
    const pb = pbFor(i);
    const ic = holders(i, pb.commanderRole)[0];
    return `${drillPrefix(i)}${strong(i.key)} ${userText(cut(i.title, 100))}: ${userText(phaseName(pb, i.phase))}, IC ${ic ? mention(ic) : 'none'}, ${age(i.declaredAt, now)} old, ${i.room?.id ? room(i.room.id) : 'no room yet'}`;
  });
  if (incidents.length > MAX_LISTED) lines.push(`…and ${incidents.length - MAX_LISTED} more.`);
  return { title: `Open incidents (${incidents.length})`, lines };
}

/** One incident: phase, classification, roles, communications, checklist, playbook, review. */
export function statusView(i: Incident, pb: Playbook, now: Date): ListView {
  const roles = pb.roles
    .filter((r) => holders(i, r.id).length)
    .map((r) => `${userText(r.name)}: ${holders(i, r.id).map(mention).join(', ')}`);
  const open = openRequiredRoles(i, pb).map((r) => userText(findRole(pb, r)?.name ?? r));
  const items = allChecklistItems(pb);
  const ticked = items.filter((it) => i.checklist[it.id]).length;
  const lines: Text[] = [
    `Phase: ${strong(phaseName(pb, i.phase))}${i.closedAt ? ` (closed ${time(i.closedAt)})` : ''}`,
    `Trigger: ${userText(triggerName(pb, i.triggerClass))}${i.severeImpact ? ', severe customer impact' : ''}`,
    `Declared ${time(i.declaredAt)} (${age(i.declaredAt, now)} ago) by ${mention(i.declaredBy)}`,
    `Impact: ${userText(cut(i.impact, 500))}`,
    `Roles: ${roles.join('; ') || 'none'}`,
    ...(open.length ? [`Still needed: ${open.join(', ')}`] : []),
    ...[workstreamsLine(i, pb)].filter((l): l is Text => l !== null),
    `Initial alert: ${i.initialAlertAt ? `sent ${time(i.initialAlertAt)}` : `not sent yet (${command('alert')})`}`,
    `Last status update: ${i.lastStatusUpdateAt ? time(i.lastStatusUpdateAt) : `none yet (${command('update')})`}`,
    `Golden-hour checklist: ${ticked}/${items.length} done or not applicable`,
    ...(i.closedAt ? [] : [`Next status update due: ${time(nextStatusUpdateDue(i, pb).toISOString())}`]),
    `Playbook: ${userText(pb.title)} v${userText(i.playbook.version)} (sha256 ${i.playbook.sha256.slice(0, 12)})`,
    ...(i.reviewDueOn
      ? [
          `Review due: ${i.reviewDueOn}${i.reviewFacilitator ? `, facilitator ${mention(i.reviewFacilitator)}` : ''}`,
        ]
      : []),
  ];
  return { title: `${drillPrefix(i)}${strong(i.key)} ${userText(i.title)}`, lines };
}

const MAX_FOLLOWUPS = 20;

/** The follow-ups, open first, each open one with "Mark done". */
export function followupList(i: Incident): ListView {
  if (i.followups.length === 0)
    return {
      title: `${drillPrefix(i)}${i.key}: follow-ups`,
      lines: [],
      empty: `${drillPrefix(i)}${i.key} has no follow-ups yet. ${command('followup')} adds one.`,
    };
  const open = i.followups.filter((f) => f.state === 'open').length;
  const n = i.followups.length;
  const sorted = [...i.followups].sort((a, b) => (a.state === b.state ? 0 : a.state === 'open' ? -1 : 1));
  const actions: Record<number, Action> = {};
  const lines = sorted.slice(0, MAX_FOLLOWUPS).map((f, idx) => {
    const state = followupState(f);
    if (f.state === 'open') actions[idx] = { kind: 'followup_done', id: f.id, label: 'Mark done' };
    const issue = issueText(f);
    const accept = f.acceptance ? `\nAccepted when: ${userText(cut(f.acceptance, 300))}` : '';
    return `${f.state === 'done' ? '✅' : '📌'} ${strong(cut(f.what, 300))}\n${mention(f.owner)} · ${OBJECTIVE_NAMES[f.objective] ?? userText(f.objective)} · ${state}${issue ? ` · ${issue}` : ''}${accept}`;
  });
  if (sorted.length > MAX_FOLLOWUPS) lines.push(`…and ${sorted.length - MAX_FOLLOWUPS} more.`);
  return {
    title: `${drillPrefix(i)}${i.key}: ${n} follow-up${n === 1 ? '' : 's'}, ${open} open`,
    lines,
    actions,
  };
}
