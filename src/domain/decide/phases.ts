import { fail } from '../errors.js';
import { moveBack, moveForward } from '../phases.js';
import { findTrigger } from '../playbook.js';
import { command, userText } from '../text.js';
import { type Handler, iso, log, ok, post, ROOM, view } from './context.js';

export const advancePhase: Handler<'advance_phase'> = (i, c, ctx) => {
  const pb = ctx.playbook;
  if (i.phase === pb.closurePhase)
    return fail('invalid', `Leave this phase by closing the incident: use ${command('close')}.`);
  if (i.phase === pb.reviewPhase)
    return fail('invalid', `This phase ends when the review is recorded: use ${command('review')}.`);
  const r = moveForward(pb, i, c.to, c.confirmed, ctx.actor.id, iso(ctx.now));
  if (!r.ok) return r;
  return ok(r.incident, [
    log('phase', { from: i.phase, to: r.incident.phase, move: 'forward', confirmed: c.confirmed }),
    post('phase', ROOM, 'phase_changed', { from: i.phase, to: r.incident.phase, move: 'forward' }),
    view('summary'),
  ]);
};

export const revertPhase: Handler<'revert_phase'> = (i, c, ctx) => {
  if (!c.reason.trim()) return fail('invalid', 'Say why the incident moves back (e.g. "mitigation failed").');
  const r = moveBack(ctx.playbook, i, c.to, c.reason, ctx.actor.id, iso(ctx.now));
  if (!r.ok) return r;
  return ok(r.incident, [
    log('phase', { from: i.phase, to: c.to, move: 'back', reason: c.reason }),
    post('phase', ROOM, 'phase_changed', { from: i.phase, to: c.to, move: 'back', reason: c.reason }),
    view('summary'),
  ]);
};

export const reclassify: Handler<'reclassify'> = (i, c, ctx) => {
  if (!c.reason.trim()) return fail('invalid', 'Say why the incident is re-classified.');
  if (c.triggerClass !== undefined && !findTrigger(ctx.playbook, c.triggerClass)) {
    return fail('unknown_trigger', `Unknown trigger class "${userText(c.triggerClass)}".`);
  }
  const triggerClass = c.triggerClass ?? i.triggerClass;
  const severeImpact = c.severeImpact ?? i.severeImpact;
  if (triggerClass === i.triggerClass && severeImpact === i.severeImpact) {
    return fail('invalid', 'Nothing changes: that is already the classification.');
  }
  const data = {
    from: { triggerClass: i.triggerClass, severeImpact: i.severeImpact },
    to: { triggerClass, severeImpact },
    reason: c.reason,
  };
  return ok({ ...i, triggerClass, severeImpact }, [
    log('reclassified', data),
    post('reclassified', ROOM, 'reclassified', data),
    view('summary'),
  ]);
};
