// Questions asked before a form or a button is shown: may this person do that now, why the review cannot
// be recorded yet, when the next status update is due. Pure, like decide: the answers come from it.
import type { Command } from './commands.js';
import { REVIEW_PROBE } from './commands.js';
import type { DecideContext } from './decide/context.js';
import { decide } from './decide.js';
import type { DomainError } from './errors.js';
import { holders, type Incident } from './incident.js';
import type { Playbook } from './playbook.js';
import { command, type Text } from './text.js';

/**
 * Asks decide, without storing anything, whether the actor may issue this command at all. Only refusals no
 * form can help with are returned (not the IC, closed, an illegal move such as closing during triage);
 * input errors are for the form.
 */
export function refusalOf(incident: Incident, c: Command, ctx: DecideContext): DomainError | null {
  const r = decide(incident, c, ctx);
  if (!r.ok && ['forbidden', 'closed', 'illegal_transition', 'not_configured'].includes(r.error.code))
    return r.error;
  return null;
}

/** Why the post-incident review cannot be recorded now, or null. */
export function reviewRefusal(i: Incident, ctx: DecideContext): Text | null {
  const pb = ctx.playbook;
  if (i.reviewedAt || i.review) return `The review of ${i.key} was already recorded.`;
  if (i.standDown && i.phase !== pb.reviewPhase)
    return `No post-incident review is owed: ${i.key} was stood down as a false alarm.`;
  if (i.phase !== pb.reviewPhase)
    return `The post-incident review is recorded after the incident is closed (${command('close')}).`;
  return refusalOf(i, REVIEW_PROBE, ctx)?.message ?? null;
}

/** When the next status update is due: the last one (or the declaration) plus the playbook's clock. */
export function nextStatusUpdateDue(i: Incident, pb: Playbook): Date {
  const from = i.lastStatusUpdateAt ?? i.declaredAt;
  const minutes = i.severeImpact ? pb.clocks.severeStatusUpdateMinutes : pb.clocks.statusUpdateMinutes;
  return new Date(Date.parse(from) + minutes * 60_000);
}

/** Who is invited to a new incident room: whoever declared it and its commander. */
export function initialMembers(i: Incident, pb: Playbook): string[] {
  return [...new Set([i.declaredBy, ...holders(i, pb.commanderRole)])];
}
