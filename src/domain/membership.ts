// Who is in an incident: membership is the permission to read and write its record. Members are the people
// who declared it or were given its command, anyone who holds (or held) a role, owns a follow-up or
// facilitates its review, the people the platform says are in its room (joins and leaves come as events,
// and acting in the room is proof of being there), the people a member added, and the admins. Pure.
import type { DecideContext } from './decide/context.js';
import type { Incident } from './incident.js';
import { command, mention, type Text } from './text.js';
import { leadsOrLed } from './workstreams.js';

export function isMember(i: Incident, user: string, ctx: Pick<DecideContext, 'admins'>): boolean {
  if ((ctx.admins ?? []).includes(user)) return true;
  if (i.declaredBy === user) return true;
  if ((i.members ?? []).includes(user)) return true;
  if (Object.values(i.roles).some((users) => users.includes(user))) return true;
  if (i.roleHistory.some((r) => r.to === user)) return true;
  if (leadsOrLed(i, user)) return true; // a workstream's lead, now or before, like a role holder
  return i.reviewFacilitator === user || i.followups.some((f) => f.owner === user);
}

/** The incident with `user` among its members (unchanged when already listed). */
export function withMember(i: Incident, user: string): Incident {
  const members = i.members ?? [];
  return members.includes(user) ? i : { ...i, members: [...members, user] };
}

export function withoutMember(i: Incident, user: string): Incident {
  return { ...i, members: (i.members ?? []).filter((m) => m !== user) };
}

/** Whether the incident is shown at all to someone outside it (in lists, pickers, answers). */
export function visibleTo(i: Incident, user: string, ctx: Pick<DecideContext, 'admins'>): boolean {
  return !i.confidential || isMember(i, user, ctx);
}

/**
 * What a non-member is told. A confidential incident is not named: its key and title are for its members;
 * an open one names itself and its commander, so the person knows whom to ask.
 */
export function notMemberText(i: Incident, commanderRole: string): Text {
  if (i.confidential)
    return 'You are not a member of this incident, so I cannot show or change it. Ask its incident commander to add you.';
  const ic = i.roles[commanderRole]?.[0];
  return `You are not in ${i.key}, so you cannot read or change its record. ${ic ? `Ask the incident commander ${mention(ic)} to add you (${command('add @you')}), or join its room.` : 'Join its room, or ask a member to add you.'}`;
}
