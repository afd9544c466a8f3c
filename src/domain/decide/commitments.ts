// Stakeholder commitments and questions. Who may do what (docs/usage.md, "Stakeholder commitments and
// questions"): anyone in the incident may record a question a stakeholder asked (whoever hears it should
// not have to find the comms lead first); what we promise stakeholders, whether a promise was kept, and the
// answer they are given speak for the incident, so those are the comms lead's or the incident commander's.
import {
  commitmentsOf,
  commsRoleOf,
  hasStakeholderItems,
  COMMITMENT_LIMITS as L,
  questionsOf,
  stakeholderItems,
} from '../commitments.js';
import type { Effect } from '../effects.js';
import { fail } from '../errors.js';
import type { Incident } from '../incident.js';
import { holders } from '../incident.js';
import { command as cmd, code, userText } from '../text.js';
import {
  type DecideContext,
  type Handler,
  isCommander,
  iso,
  log,
  ok,
  post,
  ROOM,
  roleName,
  view,
} from './context.js';

const DAY = 24 * 60 * 60_000;
/** An ISO-8601 UTC instant, as the app layer writes it (`toISOString()`), seconds optional. */
const UTC_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?Z$/;

function speaksForIncident(i: Incident, ctx: DecideContext): boolean {
  return holders(i, commsRoleOf(ctx.playbook)).includes(ctx.actor.id) || isCommander(i, ctx.actor.id, ctx);
}

function notSpokesperson(i: Incident, ctx: DecideContext, what: string) {
  const comms = roleName(ctx.playbook, commsRoleOf(ctx.playbook));
  const r = fail('forbidden', `Only the ${comms} or the incident commander can ${what}.`);
  const held = holders(i, commsRoleOf(ctx.playbook)).length > 0;
  r.error.hint = held
    ? 'Ask them to do it.'
    : `Nobody holds the ${comms} role: take it with ${cmd('role comms')}.`;
  return r;
}

/** An id as typed, safe to repeat in an answer. */
const shown = (id: string) => code(userText(id).slice(0, 40));

function badId(id: string): boolean {
  return !id || id.length > 40;
}

const item = (kind: 'commitment' | 'question', id: string, event: string) =>
  post(`stakeholder_item:${id}:${event}`, ROOM, 'stakeholder_item', { kind, id, event });

export const addCommitment: Handler<'add_commitment'> = (i, c, ctx) => {
  if (!speaksForIncident(i, ctx)) return notSpokesperson(i, ctx, 'record a commitment to stakeholders');
  if (badId(c.id)) return fail('invalid', 'The commitment needs an id.');
  const all = commitmentsOf(i);
  if (all.some((x) => x.id === c.id)) return fail('already_exists', 'That commitment already exists.');
  const what = c.what.trim();
  if (!what) return fail('invalid', 'Say what was promised.', 'what');
  if (what.length > L.what)
    return fail('invalid', `Keep the commitment under ${L.what} characters (it has ${what.length}).`, 'what');
  const due = Date.parse(c.due);
  if (!UTC_INSTANT.test(c.due) || Number.isNaN(due))
    return fail('invalid', 'The due time is not a UTC time (e.g. 2026-05-01T14:30Z).', 'due');
  if (due <= ctx.now.getTime()) return fail('invalid', 'The due time has passed: give a time ahead.', 'due');
  if (due > ctx.now.getTime() + L.maxDays * DAY)
    return fail('invalid', `A commitment falls due within ${L.maxDays} days.`, 'due');
  if (all.filter((x) => x.state === 'open').length >= L.open)
    return fail('invalid', `${L.open} commitments are open: mark some kept or dropped first.`);
  if (all.length >= L.total) return fail('invalid', `${i.key} has ${L.total} commitments: the limit.`);
  const at = iso(ctx.now);
  const dueIso = new Date(due).toISOString();
  const made = {
    id: c.id,
    what,
    due: dueIso,
    state: 'open' as const,
    createdAt: at,
    createdBy: ctx.actor.id,
  };
  return ok({ ...i, commitments: [...all, made] }, [
    log('commitment', { id: c.id, what, due: dueIso, state: 'open' }),
    item('commitment', c.id, 'open'),
    view('summary'),
  ]);
};

export const resolveCommitment: Handler<'resolve_commitment'> = (i, c, ctx) => {
  const all = commitmentsOf(i);
  const found = all.find((x) => x.id === c.id);
  if (!found) return fail('not_found', `There is no commitment ${shown(c.id)} in ${i.key}.`);
  if (!speaksForIncident(i, ctx)) return notSpokesperson(i, ctx, 'mark a commitment kept or dropped');
  if (found.state !== 'open') return fail('invalid', `That commitment was already marked ${found.state}.`);
  const note = c.note?.trim() ?? '';
  if (c.outcome === 'dropped' && !note)
    return fail('invalid', 'Say why the commitment is dropped (and how stakeholders were told).', 'note');
  if (note.length > L.note)
    return fail('invalid', `Keep the note under ${L.note} characters (it has ${note.length}).`, 'note');
  const done = {
    ...found,
    state: c.outcome,
    resolvedAt: iso(ctx.now),
    resolvedBy: ctx.actor.id,
    ...(note ? { note } : {}),
  };
  return ok({ ...i, commitments: all.map((x) => (x.id === c.id ? done : x)) }, [
    log('commitment', { id: c.id, state: c.outcome, ...(note ? { note } : {}) }),
    item('commitment', c.id, c.outcome),
    view('summary'),
  ]);
};

export const addQuestion: Handler<'add_question'> = (i, c, ctx) => {
  if (badId(c.id)) return fail('invalid', 'The question needs an id.');
  const all = questionsOf(i);
  if (all.some((x) => x.id === c.id)) return fail('already_exists', 'That question already exists.');
  const text = c.text.trim();
  if (!text) return fail('invalid', 'Say what was asked.', 'text');
  if (text.length > L.question)
    return fail(
      'invalid',
      `Keep the question under ${L.question} characters (it has ${text.length}).`,
      'text',
    );
  const from = c.from?.trim() ?? '';
  if (from.length > L.from) return fail('invalid', `Say who asked in under ${L.from} characters.`, 'from');
  if (all.filter((x) => x.answer === undefined).length >= L.open)
    return fail('invalid', `${L.open} questions are open: answer some first.`);
  if (all.length >= L.total) return fail('invalid', `${i.key} has ${L.total} questions: the limit.`);
  const asked = { id: c.id, text, ...(from ? { from } : {}), askedAt: iso(ctx.now), askedBy: ctx.actor.id };
  return ok({ ...i, questions: [...all, asked] }, [
    log('question', { id: c.id, text, ...(from ? { from } : {}), state: 'open' }),
    item('question', c.id, 'open'),
    view('summary'),
  ]);
};

export const answerQuestion: Handler<'answer_question'> = (i, c, ctx) => {
  const all = questionsOf(i);
  const found = all.find((x) => x.id === c.id);
  if (!found) return fail('not_found', `There is no question ${shown(c.id)} in ${i.key}.`);
  if (!speaksForIncident(i, ctx))
    return notSpokesperson(i, ctx, "record the answer to a stakeholder's question");
  if (found.answer !== undefined) return fail('invalid', 'That question was already answered.');
  const answer = c.answer.trim();
  if (!answer) return fail('invalid', 'Give the answer.', 'answer');
  if (answer.length > L.answer)
    return fail(
      'invalid',
      `Keep the answer under ${L.answer} characters (it has ${answer.length}).`,
      'answer',
    );
  const done = { ...found, answer, answeredAt: iso(ctx.now), answeredBy: ctx.actor.id };
  return ok({ ...i, questions: all.map((x) => (x.id === c.id ? done : x)) }, [
    log('question', { id: c.id, state: 'answered', answer }),
    item('question', c.id, 'answered'),
    view('summary'),
  ]);
};

/**
 * A status update's posts with the open commitments and questions (and answers since the last update) of
 * `before`, the incident as it was: each post shows what was said then. A confidential incident's
 * stakeholder copy gets none of them (its details are for its members).
 */
export function withStakeholderItems(before: Incident, effects: Effect[]): Effect[] {
  const items = stakeholderItems(before);
  if (!hasStakeholderItems(items)) return effects;
  return effects.map((e) => {
    if (e.type !== 'message' || e.body.kind !== 'post' || e.body.template !== 'communication') return e;
    if (e.target.to === 'stakeholders' && before.confidential) return e;
    return { ...e, body: { ...e.body, data: { ...e.body.data, items } } };
  });
}
