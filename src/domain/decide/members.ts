// Membership changes: joins and leaves the platform reports, a member adding someone, and confidentiality.
import { fail } from '../errors.js';
import { isMember, withMember, withoutMember } from '../membership.js';
import { type Handler, log, notice, ok, post, ROOM, view } from './context.js';

export const memberJoined: Handler<'member_joined'> = (i, c) => {
  if ((i.members ?? []).includes(c.user)) return ok(i, []); // already known: nothing to record
  return ok(withMember(i, c.user), [log('member', { kind: 'joined', user: c.user, via: c.via })]);
};

export const memberLeft: Handler<'member_left'> = (i, c) => {
  if (!(i.members ?? []).includes(c.user)) return ok(i, []);
  return ok(withoutMember(i, c.user), [log('member', { kind: 'left', user: c.user })]);
};

export const addMember: Handler<'add_member'> = (i, c, ctx) => {
  if ((i.members ?? []).includes(c.user) || isMember(i, c.user, {}))
    return ok(i, [notice('They are already in the incident.')]);
  return ok(withMember(i, c.user), [
    log('member', { kind: 'added', user: c.user, by: ctx.actor.id }),
    { type: 'message', key: `invite:${c.user}`, target: ROOM, body: { kind: 'invite', user: c.user } },
    post(`added:${c.user}`, ROOM, 'member_added', { user: c.user }),
  ]);
};

export const setConfidential: Handler<'set_confidential'> = (i, c) => {
  if (Boolean(i.confidential) === c.confidential)
    return fail(
      'invalid',
      c.confidential ? `${i.key} is already confidential.` : `${i.key} is not confidential.`,
    );
  const reason = c.reason?.trim() ?? '';
  // Showing a confidential incident to everyone is a disclosure: it needs a reason, and the log keeps it.
  if (!c.confidential && !reason)
    return fail(
      'invalid',
      'Say why the incident may be shown to everyone: the reason is kept in the log.',
      'reason',
    );
  return ok({ ...i, confidential: c.confidential }, [
    log('confidential', { confidential: c.confidential, ...(reason ? { reason } : {}) }),
    view('summary'),
    notice(
      c.confidential
        ? `${i.key} is now confidential: it is hidden from lists and public posts. If its room is a public channel, make it private too (the bot cannot).`
        : `${i.key} is no longer confidential.`,
    ),
  ]);
};
