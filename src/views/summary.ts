// The incident's summary, pinned in its room and refreshed in place on every change. It shows nothing
// that depends on when it was rendered: due times are time tokens, never "in N min" (that would go stale
// in a quiet incident; the nudges say when something is overdue).
import { holders, type Incident, isClosed } from '../domain/incident.js';
import { availableMoves } from '../domain/phases.js';
import type { Playbook } from '../domain/playbook.js';
import { closableFrom, findTrigger, type Link, resolveLink } from '../domain/playbook.js';
import { nextStatusUpdateDue } from '../domain/queries.js';
import { requiredRoles } from '../domain/roles.js';
import { link, mention, type Text, time, userText } from '../domain/text.js';
import type { Action } from './actions.js';
import { stakeholderStatus } from './commitments.js';
import type { FormName } from './form.js';
import { drillPrefix, phaseName, severityText, triggerName } from './format.js';
import { actionButtons, actionStatusLines } from './playbook-actions.js';
import { type WorkstreamRow, workstreamRows } from './workstreams.js';

export interface RoleRow {
  id: string;
  name: string;
  holders: string[];
  required: boolean;
  /** Several people may hold it at once. */
  multiple: boolean;
  /** The incident commander's role: never released, only handed over. */
  commander: boolean;
}

export interface Fact {
  label: string;
  value: Text;
}

export interface SummaryView {
  key: string;
  version: number;
  drill: boolean;
  closed: boolean;
  heading: Text;
  title: Text;
  facts: Fact[];
  impact: Text;
  roles: RoleRow[];
  /** The playbook's workstreams, each with its lead or none (empty: the playbook names none). */
  workstreams: WorkstreamRow[];
  /** "Runbooks: …", "Handbook: …". */
  links: Text[];
  /** The forms it offers (while open: alert, update, phase, close...; once closed: review, follow-up). */
  actions: Action[];
  /** Small print: when the next update is due and whether the alert went out, or that it is closed. */
  status: Text[];
  fallback: Text;
}

const people = (ids: string[]) => (ids.length ? ids.map(mention).join(', ') : 'open');

function linkLines(i: Incident, pb: Playbook): Text[] {
  const trigger = findTrigger(pb, i.triggerClass);
  const lines: Text[] = [];
  const linked = (l: Link) => {
    const r = resolveLink(pb, l);
    return link(r.title, r.url);
  };
  if (trigger?.runbooks.length) lines.push(`Runbooks: ${trigger.runbooks.map(linked).join(' · ')}`);
  const handbook = ['masterSwitch', 'promotionGate', 'runbookLibrary']
    .map((k) => pb.links[k])
    .filter((l): l is NonNullable<typeof l> => !!l)
    .map(linked);
  if (handbook.length) lines.push(`Handbook: ${handbook.join(' · ')}`);
  return lines;
}

export function summaryView(i: Incident, pb: Playbook): SummaryView {
  const closed = isClosed(i);
  const prefix = `${drillPrefix(i)}${closed ? '[CLOSED] ' : ''}`;
  const required = new Set(requiredRoles(pb, i.triggerClass));
  const facts: Fact[] = [
    { label: 'Incident', value: i.key },
    { label: 'Trigger', value: userText(triggerName(pb, i.triggerClass)) },
    { label: 'Severity', value: severityText(i.severeImpact) },
    { label: 'Phase', value: `${userText(phaseName(pb, i.phase))}${closed ? ' (closed)' : ''}` },
    { label: 'Incident commander', value: people(holders(i, pb.commanderRole)) },
    { label: 'Declared', value: `${time(i.declaredAt)} by ${mention(i.declaredBy)}` },
    { label: 'Playbook', value: `${userText(pb.title)} v${userText(i.playbook.version)}` },
  ];
  if (i.confidential) facts.splice(1, 0, { label: 'Visibility', value: '🔒 Confidential: members only' });
  if (closed && i.closedAt)
    facts.push(
      i.standDown
        ? {
            label: 'Stood down (false alarm)',
            value: `${time(i.closedAt)} by ${mention(i.standDown.by)}: ${userText(i.standDown.reason)}`,
          }
        : { label: 'Closed', value: time(i.closedAt) },
    );
  if (i.reviewDueOn && !i.reviewedAt) facts.push({ label: 'Review due', value: i.reviewDueOn });
  const open = (form: FormName, label: string, style?: 'primary' | 'danger'): Action => ({
    kind: 'open_form',
    form,
    label,
    ...(style ? { style } : {}),
  });
  const actions: Action[] = closed
    ? [
        ...(i.phase === pb.reviewPhase && !i.review ? [open('review', 'Record review', 'primary')] : []),
        ...(i.recap && !i.recap.sentAt ? [open('recap', 'Send recap', 'primary')] : []),
        open('followup', 'Add follow-up'),
      ]
    : [
        ...(i.initialAlertAt ? [] : [open('alert', 'Send initial alert', 'primary')]),
        open('update', 'Status update'),
        ...(availableMoves(pb, i).length ? [open('phase', 'Change phase')] : []),
        // Close only where closing is possible (a button that can only refuse wastes a minute under stress).
        ...(closableFrom(pb, i.phase) ? [open('close', 'Close', 'danger')] : []),
        open('reclassify', 'Re-classify'),
        open('followup', 'Add follow-up'),
      ];
  const status: Text[] = closed
    ? [`Closed ${i.closedAt ? time(i.closedAt) : ''}. Log and follow-ups stay open.`]
    : [
        `Next status update due ${time(nextStatusUpdateDue(i, pb).toISOString())}`,
        i.initialAlertAt
          ? `Initial alert sent ${time(i.initialAlertAt)}`
          : '⚠️ Initial stakeholder alert not sent yet',
        ...(i.lastStatusUpdateAt ? [`Last status update ${time(i.lastStatusUpdateAt)}`] : []),
      ];
  const stakeholder = stakeholderStatus(i);
  if (stakeholder) status.push(stakeholder);
  // the playbook's actions (freeze deployments, master switch): their buttons, and what each last did
  actions.push(...actionButtons(i, pb));
  status.push(...actionStatusLines(i, pb));
  return {
    key: i.key,
    version: i.version,
    drill: i.drill,
    closed,
    heading: `${prefix}${i.key}: ${userText(i.title)}`,
    title: userText(i.title),
    facts,
    impact: userText(i.impact),
    roles: pb.roles.map((r) => ({
      id: r.id,
      name: r.name,
      holders: holders(i, r.id),
      required: required.has(r.id),
      multiple: r.multiple,
      commander: r.id === pb.commanderRole,
    })),
    workstreams: workstreamRows(i, pb),
    links: linkLines(i, pb),
    actions,
    status,
    fallback: `${prefix}${i.key}: ${userText(i.title)} (${userText(phaseName(pb, i.phase))})`,
  };
}
