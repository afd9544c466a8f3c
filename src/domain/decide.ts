// The one entry point for state changes: decide(incident, command, ctx) -> { incident, effects } | error.
// Pure: no I/O, `now` passed in. Each command type has one handler (./decide/*, by concern); who may issue
// each command is the PERMISSIONS table. Text for people carries mention and command tokens (./text.ts).
import type { Command } from './commands.js';
import { actionAnswered, runAction } from './decide/actions.js';
import { alertFiringAgain, alertResolved, attachAlert } from './decide/alerts.js';
import { checkItem, itemNotApplicable, uncheckItem } from './decide/checklist.js';
import { clockForwarded } from './decide/clock.js';
import { close, recordReview, standDown } from './decide/close.js';
import { addCommitment, addQuestion, answerQuestion, resolveCommitment } from './decide/commitments.js';
import { postStatusUpdate, sendInitialAlert } from './decide/comms.js';
import { withConfidentialStakeholders } from './decide/confidential-stakeholders.js';
import { type DecideContext, type Decision, type Handler, isCommander } from './decide/context.js';
import { declare } from './decide/declare.js';
import { followupFiled, followupFilingFailed, followupStatus } from './decide/followup-tracker.js';
import { addFollowup, completeFollowup } from './decide/followups.js';
import { addMember, memberJoined, memberLeft, setConfidential } from './decide/members.js';
import { page, pageAnswered, withPagesResolved } from './decide/paging.js';
import { advancePhase, reclassify, revertPhase } from './decide/phases.js';
import { sendRecap } from './decide/recap.js';
import { correction, exportRecord, logDecision, logEvidence, logNote, snooze } from './decide/record.js';
import { assignRole, claimRole, releaseRole } from './decide/roles.js';
import { roomCreated, roomFailed } from './decide/room.js';
import { withRoomArchive } from './decide/room-archive.js';
import { leadWorkstream, releaseWorkstream } from './decide/workstreams.js';
import { fail } from './errors.js';
import type { Incident } from './incident.js';
import { holders, isClosed } from './incident.js';
import { isMember, notMemberText, withMember } from './membership.js';
import { command as cmd, mention } from './text.js';
import { withTimelineRefresh } from './timeline.js';

export type { DecideContext, Decision } from './decide/context.js';
export { isCommander } from './decide/context.js';

/**
 * Who may issue each command: a member of the incident (membership.ts), its commander (or an admin), or
 * the platform itself (a room created, a join reported). Declaring needs no incident.
 */
export type Permission = 'anyone' | 'member' | 'commander' | 'platform';

export const PERMISSIONS: Record<Command['type'], Permission> = {
  declare: 'anyone',
  claim_role: 'member',
  release_role: 'member',
  assign_role: 'member', // refined in the handler: others' roles need the IC, own role can be handed over
  lead_workstream: 'member', // refined in the handler: naming someone else needs the IC or the current lead
  release_workstream: 'member', // refined in the handler: the lead or the IC
  check_item: 'member',
  uncheck_item: 'member',
  item_not_applicable: 'member',
  send_initial_alert: 'member',
  post_status_update: 'member',
  send_recap: 'member', // refined in the handler: the comms lead or the IC (decide/recap.ts)
  advance_phase: 'commander',
  revert_phase: 'commander',
  reclassify: 'commander',
  close: 'commander',
  stand_down: 'commander',
  record_review: 'member',
  log: 'member',
  decision: 'member',
  evidence: 'member',
  correction: 'member',
  room_created: 'platform',
  room_failed: 'platform',
  snooze: 'member',
  add_followup: 'member',
  complete_followup: 'member',
  // the tracker's sender and status poller report these (decide/followup-tracker.ts)
  followup_filed: 'platform',
  followup_filing_failed: 'platform',
  followup_status: 'platform',
  // refined in the handlers: commitments and answers are the comms lead's or the IC's (decide/commitments.ts)
  add_commitment: 'member',
  resolve_commitment: 'member',
  add_question: 'member',
  answer_question: 'member',
  export: 'member',
  run_action: 'member', // refined in the handler: the action's roles (decide/actions.ts)
  action_answered: 'platform',
  member_joined: 'platform',
  member_left: 'platform',
  add_member: 'member',
  set_confidential: 'commander',
  clock_forwarded: 'platform',
  attach_alert: 'member',
  // the alert intake reports it (the bot, never a person)
  alert_resolved: 'platform',
  alert_firing_again: 'platform',
  page: 'member', // refined in the handler: the incident commander or the comms lead (decide/paging.ts)
  // the pager sender reports what PagerDuty or Opsgenie answered
  page_answered: 'platform',
};

const VERB: Partial<Record<Command['type'], string>> = {
  advance_phase: 'change the phase',
  revert_phase: 'change the phase',
  reclassify: 're-classify the incident',
  close: 'close the incident',
  stand_down: 'stand the incident down',
  set_confidential: 'change who may see the incident',
};

/** Commands that still make sense once the incident is closed (the record keeps growing). */
const AFTER_CLOSE = new Set<Command['type']>([
  'log',
  'decision',
  'evidence',
  'correction',
  'record_review',
  'send_recap',
  'add_followup',
  'complete_followup',
  // a follow-up is filed and worked in the backlog long after the incident closed
  'followup_filed',
  'followup_filing_failed',
  'followup_status',
  // a promise or a question outlives the incident until it is settled
  'resolve_commitment',
  'answer_question',
  'export',
  // an undo (unfreeze, switch back on) may come after closing; the handler refuses anything else
  'run_action',
  'action_answered',
  'room_created',
  'room_failed',
  'snooze',
  'member_joined',
  'member_left',
  'add_member',
  'set_confidential',
  // an alert may resolve after the incident closed; the record says so
  'alert_resolved',
  // closing resolves the pages: their answers come after
  'page_answered',
]);

export function decide(incident: Incident | null, command: Command, ctx: DecideContext): Decision {
  if (command.type === 'declare') {
    if (incident) return fail('already_exists', `Incident ${incident.key} already exists.`);
    return declare(command, ctx);
  }
  if (!incident) return fail('not_found', 'There is no such incident.');
  const permission = PERMISSIONS[command.type];
  // Acting in the incident's room is being in it: the person becomes a member, and the log says so.
  let joining = false;
  if (permission !== 'platform' && !isMember(incident, ctx.actor.id, ctx)) {
    if (!ctx.inRoom)
      return {
        ok: false,
        error: { code: 'forbidden', message: notMemberText(incident, ctx.playbook.commanderRole) },
      };
    joining = true;
  }
  if (permission === 'commander' && !isCommander(incident, ctx.actor.id, ctx)) {
    const ic = holders(incident, ctx.playbook.commanderRole)[0];
    const hint = ic
      ? `The incident commander is ${mention(ic)}: ask them, or ask them to hand the role to you (${cmd('role commander @you')}).`
      : `Nobody holds the incident commander role: take it with ${cmd('role commander')}.`;
    return {
      ok: false,
      error: {
        code: 'forbidden',
        message: `Only the incident commander can ${VERB[command.type] ?? 'do that'}.`,
        hint,
      },
    };
  }
  if (isClosed(incident) && !AFTER_CLOSE.has(command.type)) {
    return fail('closed', `${incident.key} is closed; it can no longer be changed that way.`);
  }
  const handler = HANDLERS[command.type] as Handler<typeof command.type>;
  // A key entry in the log refreshes the room's timeline (timeline.ts), whichever handler wrote it; a
  // confidential incident's stakeholders hear only the notice (confidential-stakeholders.ts); closing it
  // resolves its pages (decide/paging.ts).
  const run = (i: Incident) =>
    withPagesResolved(
      withRoomArchive(
        withConfidentialStakeholders(withTimelineRefresh(handler(i, command as never, ctx)), incident),
        i,
        ctx,
      ),
      i,
      ctx,
    );
  if (!joining) return run(incident);
  const r = run(withMember(incident, ctx.actor.id));
  if (!r.ok) return r;
  return {
    ok: true,
    incident: r.incident,
    effects: [
      { type: 'log', kind: 'member', payload: { kind: 'joined', user: ctx.actor.id, via: 'acted_in_room' } },
      ...r.effects,
    ],
  };
}

const HANDLERS: { [K in Exclude<Command['type'], 'declare'>]: Handler<K> } = {
  claim_role: claimRole,
  release_role: releaseRole,
  assign_role: assignRole,
  lead_workstream: leadWorkstream,
  release_workstream: releaseWorkstream,
  check_item: checkItem,
  uncheck_item: uncheckItem,
  item_not_applicable: itemNotApplicable,
  send_initial_alert: sendInitialAlert,
  post_status_update: postStatusUpdate,
  send_recap: sendRecap,
  advance_phase: advancePhase,
  revert_phase: revertPhase,
  reclassify,
  close,
  stand_down: standDown,
  record_review: recordReview,
  log: logNote,
  decision: logDecision,
  evidence: logEvidence,
  correction,
  room_created: roomCreated,
  room_failed: roomFailed,
  snooze,
  add_followup: addFollowup,
  complete_followup: completeFollowup,
  followup_filed: followupFiled,
  followup_filing_failed: followupFilingFailed,
  followup_status: followupStatus,
  add_commitment: addCommitment,
  resolve_commitment: resolveCommitment,
  add_question: addQuestion,
  answer_question: answerQuestion,
  export: exportRecord,
  run_action: runAction,
  action_answered: actionAnswered,
  member_joined: memberJoined,
  member_left: memberLeft,
  add_member: addMember,
  set_confidential: setConfidential,
  clock_forwarded: clockForwarded,
  attach_alert: attachAlert,
  alert_resolved: alertResolved,
  alert_firing_again: alertFiringAgain,
  page,
  page_answered: pageAnswered,
};
