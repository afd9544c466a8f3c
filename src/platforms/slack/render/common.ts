// Bits every Slack message shares: the DRILL / CLOSED markers, names from the playbook.
import type { Incident } from '../../../domain/incident.js';
import { isClosed } from '../../../domain/incident.js';
import type { Playbook } from '../../../domain/playbook.js';
import { findPhase, findRole, findTrigger } from '../../../domain/playbook.js';
import { escapeMrkdwn } from './escape.js';

/** "[DRILL] " for drills, "" otherwise: every message about a drill says so. */
export function drillPrefix(i: Incident): string {
  return i.drill ? '[DRILL] ' : '';
}

export function drillNote(i: Incident): string[] {
  return i.drill ? [':test_tube: *DRILL*: this is an exercise, not a real incident.'] : [];
}

export function closedPrefix(i: Incident): string {
  return isClosed(i) ? '[CLOSED] ' : '';
}

export function triggerName(pb: Playbook, id: string): string {
  return escapeMrkdwn(findTrigger(pb, id)?.name ?? id);
}

export function phaseName(pb: Playbook, id: string): string {
  return escapeMrkdwn(findPhase(pb, id)?.name ?? id);
}

export function roleName(pb: Playbook, id: string): string {
  return escapeMrkdwn(findRole(pb, id)?.name ?? id);
}

export function severityText(severe: boolean): string {
  return severe ? ':red_circle: Severe customer impact' : 'No severe customer impact';
}

/** When the next status update is due: the last one (or the declaration) plus the playbook's clock. */
export function nextStatusUpdateDue(i: Incident, pb: Playbook): Date {
  const from = i.lastStatusUpdateAt ?? i.declaredAt;
  const minutes = i.severeImpact ? pb.clocks.severeStatusUpdateMinutes : pb.clocks.statusUpdateMinutes;
  return new Date(Date.parse(from) + minutes * 60_000);
}

/** Block ids change with every version of the incident so Slack never keeps stale input state. */
export function bid(i: Incident, name: string): string {
  return `${name}:v${i.version}`;
}
