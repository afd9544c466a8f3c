import { fail } from '../errors.js';
import { reviewMethod } from '../playbook.js';
import { type Handler, isCommander, iso, log, notice, ok, post, ROOM } from './context.js';

export const addFollowup: Handler<'add_followup'> = (i, c, ctx) => {
  if (i.followups.some((f) => f.id === c.id)) return fail('already_exists', 'That follow-up already exists.');
  if (!c.what.trim()) return fail('invalid', 'Say what the follow-up is.');
  if (Number.isNaN(Date.parse(c.due))) return fail('invalid', 'The due date is not a date.');
  const objectives = reviewMethod(ctx.playbook).objectives;
  if (!objectives.some((o) => o.id === c.objective))
    return fail(
      'invalid',
      `Choose a control objective: ${objectives.map((o) => o.name).join(', ')}.`,
      'objective',
    );
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
  };
  return ok({ ...i, followups: [...i.followups, f] }, [
    log('followup', {
      id: c.id,
      what: c.what,
      owner: c.owner,
      due: c.due,
      objective: c.objective,
      state: 'open',
    }),
    post(`followup:${c.id}`, ROOM, 'followup', { id: c.id, state: 'open' }),
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
