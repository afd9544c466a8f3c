import { fail } from '../errors.js';
import { reviewMethod } from '../playbook.js';
import { type Handler, isCommander, iso, log, notice, ok, post, ROOM } from './context.js';
import { inviteFollowupOwner } from './debrief.js';
import { CONFIDENTIAL_NOT_FILED, fileFollowup } from './followup-tracker.js';

/** Acceptance criteria fit in a tracker issue and a chat message. */
export const MAX_ACCEPTANCE = 2000;

export const addFollowup: Handler<'add_followup'> = (i, c, ctx) => {
  if (i.followups.some((f) => f.id === c.id)) return fail('already_exists', 'That follow-up already exists.');
  if (!c.what.trim()) return fail('invalid', 'Say what the follow-up is.');
  if (Number.isNaN(Date.parse(c.due))) return fail('invalid', 'The due date is not a date.');
  const acceptance = typeof c.acceptance === 'string' ? c.acceptance.trim() : '';
  if (!acceptance)
    return fail('invalid', 'Say how we will know it is done: its acceptance criteria.', 'acceptance');
  if (acceptance.length > MAX_ACCEPTANCE)
    return fail('invalid', `Keep the acceptance criteria under ${MAX_ACCEPTANCE} characters.`, 'acceptance');
  const objectives = reviewMethod(ctx.playbook).objectives;
  if (!objectives.some((o) => o.id === c.objective))
    return fail(
      'invalid',
      `Choose a control objective: ${objectives.map((o) => o.name).join(', ')}.`,
      'objective',
    );
  // Filed in the firm's backlog by the tracker's sender, owed in this same transaction. A drill's
  // follow-ups stay in the bot: rehearsals must not fill the real backlog. A confidential incident's stay
  // too: the backlog is firm-wide and non-members never see such an incident (docs/security.md); the
  // follow-up says so, and someone files it by hand in a restricted project.
  const wanted = ctx.tracker && !i.drill ? ctx.tracker : undefined;
  const tracker = wanted && !i.confidential ? wanted : undefined;
  const withheld = wanted && i.confidential ? wanted : undefined;
  const f = {
    id: c.id,
    what: c.what,
    owner: c.owner,
    due: c.due,
    objective: c.objective,
    state: 'open' as const,
    createdAt: iso(ctx.now),
    createdBy: ctx.actor.id,
    doneAt: null,
    acceptance,
    ...(withheld
      ? { filingFailed: { tracker: withheld, reason: CONFIDENTIAL_NOT_FILED, at: iso(ctx.now) } }
      : {}),
  };
  // Filed after close, before the debrief: its owner is invited to it (decide/debrief.ts).
  const debrief = inviteFollowupOwner({ ...i, followups: [...i.followups, f] }, c.owner, c.id, ctx);
  return ok(debrief.incident, [
    log('followup', {
      id: c.id,
      what: c.what,
      owner: c.owner,
      due: c.due,
      objective: c.objective,
      acceptance,
      state: 'open',
      ...(tracker ? { tracker } : {}),
    }),
    ...(withheld
      ? [
          log('followup', {
            id: c.id,
            event: 'filing_failed',
            tracker: withheld,
            reason: CONFIDENTIAL_NOT_FILED,
          }),
        ]
      : []),
    // The post's "Backlog:" line says it is being filed, or why it is not (filingFailed).
    post(`followup:${c.id}`, ROOM, 'followup', { id: c.id, state: 'open', ...(tracker ? { tracker } : {}) }),
    ...(tracker ? [fileFollowup(c.id, tracker)] : []),
    ...debrief.effects,
  ]);
};

export const completeFollowup: Handler<'complete_followup'> = (i, c, ctx) => {
  const f = i.followups.find((x) => x.id === c.id);
  if (!f) return fail('not_found', 'There is no such follow-up.');
  if (f.state === 'done') return fail('invalid', 'That follow-up is already done.');
  if (f.owner !== ctx.actor.id && !isCommander(i, ctx.actor.id, ctx)) {
    return fail('forbidden', 'Only the owner or the incident commander can mark a follow-up done.');
  }
  const done = { ...f, state: 'done' as const, doneAt: iso(ctx.now) };
  return ok({ ...i, followups: i.followups.map((x) => (x.id === c.id ? done : x)) }, [
    log('followup', { id: c.id, state: 'done' }),
    notice('Follow-up marked done.'),
  ]);
};
