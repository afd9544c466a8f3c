// Invitations to the debrief: at close (or a stand-down that owes a review) to every responder, later to
// each owner of a follow-up filed before the debrief is held. One 1:1 message per person per incident
// (`once`: whatever command owes it again, the outbox holds it once) and one line in the room naming them.
import {
  type Debrief,
  debriefEnd,
  debriefSlot,
  defaultDebriefStart,
  MAX_INVITES,
  responders,
} from '../debrief.js';
import type { Effect, MessageEffect } from '../effects.js';
import { type DomainError, fail } from '../errors.js';
import type { Incident } from '../incident.js';
import { isMember } from '../membership.js';
import { type DecideContext, iso, log, notice, post, ROOM } from './context.js';

/** How far ahead a debrief may be set: further is a typo, and the handbook wants it within days. */
const MAX_DAYS_AHEAD = 30;

type Scheduled = { ok: true; incident: Incident; effects: Effect[] } | { ok: false; error: DomainError };

function invite(d: Debrief, user: string, facilitator: string | null): MessageEffect {
  return {
    type: 'message',
    key: `debrief:${user}`,
    target: { to: 'user', user },
    body: {
      kind: 'post',
      template: 'debrief_invite',
      data: {
        at: d.at,
        minutes: d.minutes,
        scheduledAt: d.scheduledAt,
        facilitator,
        ...(d.meetingUrl ? { meetingUrl: d.meetingUrl } : {}),
      },
    },
    once: true,
  };
}

/** A link without its query and fragment (meeting passcodes live there). */
function withoutQuery(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return '(meeting link)';
  }
}

/**
 * Schedules the debrief of an incident just closed (its review due date and facilitator set) and invites
 * every responder. `requested`: a time from the close form (ISO UTC); else the playbook's hour on the due date.
 */
export function scheduleDebrief(i: Incident, requested: string | undefined, ctx: DecideContext): Scheduled {
  if (!i.reviewDueOn) return { ok: true, incident: i, effects: [] };
  const slot = debriefSlot(ctx.playbook);
  const at = requested ?? defaultDebriefStart(i.reviewDueOn, ctx.playbook);
  const start = Date.parse(at);
  if (Number.isNaN(start)) return fail('invalid', 'The debrief time is not a time.', 'debriefAt');
  if (start < ctx.now.getTime())
    return fail('invalid', 'The debrief time has passed: give a time ahead.', 'debriefAt');
  if (start > ctx.now.getTime() + MAX_DAYS_AHEAD * 86_400_000)
    return fail('invalid', `Hold the debrief within ${MAX_DAYS_AHEAD} days.`, 'debriefAt');
  // Everyone who worked on it is invited, also those who have left its room since; a confidential incident
  // invites its members only (an invitation names it, and non-members never see it).
  const everyone = responders(i, ctx.logWriters).filter((u) => !i.confidential || isMember(i, u, ctx));
  const facilitator = i.reviewFacilitator;
  if (facilitator && !everyone.includes(facilitator)) everyone.unshift(facilitator);
  const invited = everyone.slice(0, MAX_INVITES);
  const left = everyone.slice(MAX_INVITES);
  const d: Debrief = {
    at: new Date(start).toISOString(),
    minutes: slot.minutes,
    scheduledAt: iso(ctx.now),
    invited,
    ...(ctx.debriefMeetingUrl ? { meetingUrl: ctx.debriefMeetingUrl } : {}),
  };
  const late = d.at > `${i.reviewDueOn}T23:59:59.999Z`;
  const effects: Effect[] = [
    log('debrief', {
      at: d.at,
      minutes: d.minutes,
      facilitator,
      invited,
      ...(left.length ? { notInvited: left } : {}),
      // The record keeps where the meeting is, not its passcode (`?pwd=…`): exports reach auditors.
      ...(d.meetingUrl ? { meetingUrl: withoutQuery(d.meetingUrl) } : {}),
    }),
    ...invited.map((u) => invite(d, u, facilitator)),
    post('debrief:invited', ROOM, 'debrief_invited', {
      users: invited,
      at: d.at,
      minutes: d.minutes,
      facilitator,
      ...(left.length ? { notInvited: left.length } : {}),
    }),
  ];
  if (late)
    effects.push(
      notice(
        `The debrief is after the review's due date (${i.reviewDueOn}): the handbook asks for it within ${ctx.playbook.clocks.reviewBusinessDays} business days.`,
        'warning',
      ),
    );
  return { ok: true, incident: { ...i, debrief: d }, effects };
}

/** The debrief still ahead, as scheduled (or, for an incident closed before debriefs were, its due date). */
function upcoming(i: Incident, ctx: DecideContext): Debrief | null {
  if (!i.closedAt || i.phase !== ctx.playbook.reviewPhase || i.reviewedAt || !i.reviewDueOn) return null;
  const d = i.debrief ?? {
    at: defaultDebriefStart(i.reviewDueOn, ctx.playbook),
    minutes: debriefSlot(ctx.playbook).minutes,
    scheduledAt: i.closedAt,
    invited: [],
  };
  return debriefEnd(d) > iso(ctx.now) ? d : null;
}

/**
 * A follow-up filed after close: its owner is invited too ("plus owners of long-term fixes"), unless they
 * were already, or the debrief is over (or no review is owed).
 */
export function inviteFollowupOwner(
  i: Incident,
  owner: string,
  followup: string,
  ctx: DecideContext,
): { incident: Incident; effects: Effect[] } {
  const d = upcoming(i, ctx);
  if (!d || !owner || d.invited.includes(owner)) return { incident: i, effects: [] };
  const next: Debrief = { ...d, invited: [...d.invited, owner] };
  return {
    incident: { ...i, debrief: next },
    effects: [
      log('debrief', { at: d.at, minutes: d.minutes, invited: [owner], followup }),
      invite(next, owner, i.reviewFacilitator),
      post(`debrief:invited:${owner}`, ROOM, 'debrief_invited', {
        users: [owner],
        at: d.at,
        minutes: d.minutes,
        facilitator: i.reviewFacilitator,
        followup,
      }),
    ],
  };
}
