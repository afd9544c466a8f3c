// The end of an incident: close (closure criteria and notice), stand down a false alarm, record the review.
import { businessDaysAfter } from '../business-days.js';
import type { Effect } from '../effects.js';
import { fail } from '../errors.js';
import { enter, moveForward } from '../phases.js';
import { closableFrom, closureCriteria, findPhase, reviewMethod } from '../playbook.js';
import { command } from '../text.js';
import { communicate } from './comms.js';
import { type Handler, iso, log, notice, ok, post, ROOM, STAKEHOLDERS, view } from './context.js';
import { scheduleDebrief } from './debrief.js';
import { recapOwed } from './recap.js';

export const close: Handler<'close'> = (i, c, ctx) => {
  const pb = ctx.playbook;
  const closure = findPhase(pb, pb.closurePhase);
  const current = findPhase(pb, i.phase);
  if (!closure || !current) return fail('invalid', 'The playbook has no closure phase.');
  if (!closableFrom(pb, i.phase)) {
    const standDown = pb.standDown?.fromPhases.includes(i.phase)
      ? ` If it was a false alarm, stand it down instead: ${command('standdown')} followed by the reason.`
      : '';
    return fail(
      'illegal_transition',
      `An incident in ${current.name} cannot be closed yet; move it on to ${closure.name} first.${standDown}`,
    );
  }
  // Closing straight from the phase before closure confirms that phase's exit criteria too.
  const missing = closureCriteria(pb, i.phase).filter((k) => !c.confirmed.includes(k.id));
  if (missing.length) {
    return fail(
      'criteria_unconfirmed',
      `Confirm every closure criterion first: ${missing.map((m) => m.text).join('; ')}.`,
    );
  }
  const now = iso(ctx.now);
  let through = i;
  const passedThrough: Effect[] = [];
  if (i.phase !== pb.closurePhase) {
    const confirmedBefore = current.exitCriteria.map((k) => k.id);
    const r = moveForward(pb, i, pb.closurePhase, confirmedBefore, ctx.actor.id, now);
    if (!r.ok) return r;
    through = r.incident;
    passedThrough.push(
      log('phase', { from: i.phase, to: pb.closurePhase, move: 'forward', confirmed: confirmedBefore }),
    );
  }
  const moved = moveForward(pb, through, pb.reviewPhase, c.confirmed, ctx.actor.id, now);
  if (!moved.ok) return moved;
  const comm = communicate(moved.incident, 'closure_notice', c.fields, ctx);
  if ('error' in comm) return { ok: false, error: comm.error };
  const reviewDueOn = businessDaysAfter(ctx.now, pb.clocks.reviewBusinessDays);
  const facilitator = c.facilitator ?? ctx.actor.id;
  // Every responder is invited to the debrief (decide/debrief.ts).
  const debrief = scheduleDebrief(
    { ...comm.incident, closedAt: now, reviewDueOn, reviewFacilitator: facilitator },
    c.debriefAt,
    ctx,
  );
  if (!debrief.ok) return debrief;
  return ok(debrief.incident, [
    log('closed', { from: i.phase, confirmed: c.confirmed, reviewDueOn, facilitator }),
    ...passedThrough,
    log('phase', {
      from: pb.closurePhase,
      to: pb.reviewPhase,
      move: 'forward',
      confirmed: closure.exitCriteria.map((k) => k.id),
    }),
    ...comm.effects,
    post('closed', ROOM, 'closed', { reviewDueOn, facilitator }),
    ...debrief.effects,
    view('checklist'),
  ]);
};

export const standDown: Handler<'stand_down'> = (i, c, ctx) => {
  const pb = ctx.playbook;
  const sd = pb.standDown;
  if (!sd) return fail('invalid', 'This playbook has no stand-down: move the incident on and close it.');
  const reason = c.reason.trim();
  if (!reason)
    return fail(
      'invalid',
      'Say why the incident is stood down (e.g. "false alarm: the feed was in maintenance").',
    );
  const current = findPhase(pb, i.phase);
  if (!sd.fromPhases.includes(i.phase)) {
    const during = sd.fromPhases.map((id) => findPhase(pb, id)?.name ?? id).join(' or ');
    return fail(
      'illegal_transition',
      `An incident is stood down during ${during} only; in ${current?.name ?? i.phase}, close it: ${command('close')}.`,
    );
  }
  const at = iso(ctx.now);
  const moved = enter(i, sd.toPhase, ctx.actor.id, at, 'stand_down', reason);
  const review =
    sd.toPhase === pb.reviewPhase
      ? {
          reviewDueOn: businessDaysAfter(ctx.now, pb.clocks.reviewBusinessDays),
          reviewFacilitator: ctx.actor.id,
        }
      : {};
  const data = { from: i.phase, to: sd.toPhase, reason, ...review };
  // A stand-down that owes a review owes its debrief too (nothing is scheduled otherwise).
  const debrief = scheduleDebrief(
    { ...moved, closedAt: at, standDown: { at, by: ctx.actor.id, reason }, ...review },
    undefined,
    ctx,
  );
  if (!debrief.ok) return debrief;
  return ok(debrief.incident, [
    log('stood_down', data),
    log('phase', { from: i.phase, to: sd.toPhase, move: 'stand_down', reason }),
    post('stood_down:room', ROOM, 'stood_down', data),
    // Stakeholders saw the announcement (and maybe the initial alert): they hear the all-clear too.
    i.confidential
      ? post('stood_down:stakeholders', STAKEHOLDERS, 'confidential_notice', { what: 'stood_down' })
      : post('stood_down:stakeholders', STAKEHOLDERS, 'stood_down', data),
    ...debrief.effects,
    view('summary'),
    view('checklist'),
    notice('Stood down as a false alarm; the all-clear goes to the room and to the stakeholder channel.'),
  ]);
};

export const recordReview: Handler<'record_review'> = (i, c, ctx) => {
  const pb = ctx.playbook;
  if (i.phase !== pb.reviewPhase)
    return fail('invalid', 'The review is recorded after the incident is closed.');
  if (!c.summary.trim()) return fail('invalid', 'The review needs a summary.', 'summary');
  const correctiveActions = (c.correctiveActions ?? '').trim();
  if (!correctiveActions)
    return fail('invalid', 'The review needs the corrective actions.', 'correctiveActions');
  const verificationPlan = (c.verificationPlan ?? '').trim();
  if (!verificationPlan)
    return fail(
      'invalid',
      'The review needs the verification plans: how you will know the fixes work.',
      'verificationPlan',
    );
  // The playbook's review questions (the readiness check...): a required one must be answered.
  const answers: Record<string, string> = {};
  for (const q of reviewMethod(pb).questions) {
    const a = (c.answers?.[q.id] ?? '').trim();
    if (q.required && !a)
      return fail('invalid', `The review needs an answer to "${q.label}".`, `answers.${q.id}`);
    if (a) answers[q.id] = a;
  }
  // Recording the review confirms "follow-up tasks filed in the reliability backlog": some must be,
  // unless the review says none are needed.
  const noFollowups = c.noFollowups === true;
  if (i.followups.length === 0 && !noFollowups)
    return fail(
      'invalid',
      `File the follow-up tasks first with ${command('followup')}, or tick "no follow-up tasks" and say why in the corrective actions.`,
      'noFollowups',
    );
  const r = moveForward(
    pb,
    i,
    undefined,
    findPhase(pb, i.phase)!.exitCriteria.map((k) => k.id),
    ctx.actor.id,
    iso(ctx.now),
  );
  if (!r.ok) return r;
  const recorded = {
    summary: c.summary,
    whys: c.whys,
    factors: c.factors,
    lessons: c.lessons,
    correctiveActions,
    verificationPlan,
    ...(Object.keys(answers).length ? { answers } : {}),
  };
  const review = {
    at: iso(ctx.now),
    by: ctx.actor.id,
    ...recorded,
    ...(noFollowups ? { noFollowups } : {}),
  };
  // The recap to stakeholders is owed from now: prefilled from this review, sent by a person (recap.ts).
  const recap = recapOwed({ ...r.incident, review, reviewedAt: review.at }, review.at, ctx);
  return ok(recap.incident, [
    log('review', { ...recorded, noFollowups, followups: i.followups.map((f) => f.id) }),
    log('phase', { from: i.phase, to: r.incident.phase, move: 'forward' }),
    post('review', ROOM, 'review_recorded', {}),
    ...recap.effects,
    view('summary'),
  ]);
};
