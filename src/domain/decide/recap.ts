// The communication recap (handbook, "Post-incident follow-up" 4: "provide stakeholders with the final
// summary, highlighting lessons learned and improvements"). Recording the review makes it owed; it is NOT
// sent then: the app prefills the playbook's `recap` template from the review and the comms lead (or the
// IC) checks and sends it with one confirmation, so a person approved what stakeholders read (the auditor's
// question) and the comms lead owns communications (the handbook's role). A reminder nudges while it is
// unsent (reminder-families.ts). A confidential incident's stakeholders get the confidential notice only.
import type { Effect, MessageEffect } from '../effects.js';
import { fail } from '../errors.js';
import { holders, type Incident } from '../incident.js';
import { command, mention } from '../text.js';
import { communicate } from './comms.js';
import {
  type DecideContext,
  type Decision,
  type Handler,
  isCommander,
  iso,
  notice,
  ok,
  post,
  ROOM,
  STAKEHOLDERS,
} from './context.js';

/** The role that owns communications (the playbook's `communicationsRole`). */
export function commsRole(ctx: Pick<DecideContext, 'playbook'>): string {
  return ctx.playbook.communicationsRole ?? 'comms_lead';
}

/**
 * Who sends the recap: the comms lead or the incident commander (or an admin). When neither role is held
 * any more, any member may: a recap must never be stuck for want of a role.
 */
function mayNotSend(i: Incident, ctx: DecideContext): Decision | null {
  const comms = holders(i, commsRole(ctx));
  const ic = holders(i, ctx.playbook.commanderRole);
  if (comms.length === 0 && ic.length === 0) return null;
  if (comms.includes(ctx.actor.id) || isCommander(i, ctx.actor.id, ctx)) return null;
  const who = [...new Set([...comms, ...ic])].map(mention).join(' or ');
  return {
    ok: false,
    error: {
      code: 'forbidden',
      message: 'The communication recap is sent by the communications lead or the incident commander.',
      hint: `Ask ${who}.`,
    },
  };
}

/** What recording the review adds: the recap is owed, and the room is told who sends it and how. */
export function recapOwed(
  i: Incident,
  at: string,
  ctx: DecideContext,
): { incident: Incident; effects: Effect[] } {
  const comms = holders(i, commsRole(ctx));
  const ic = holders(i, ctx.playbook.commanderRole);
  const mentioned = comms.length ? comms : ic;
  return {
    incident: { ...i, recap: { owedSince: at, sentAt: null } },
    effects: [post('recap:due', ROOM, 'recap_due', { mention: mentioned })],
  };
}

export const sendRecap: Handler<'send_recap'> = (i, c, ctx) => {
  if (!i.review)
    return fail(
      'illegal_transition',
      `The communication recap follows the post-incident review: record it first with ${command('review')}.`,
    );
  if (i.recap?.sentAt) return fail('invalid', 'The communication recap was already sent.');
  const refused = mayNotSend(i, ctx);
  if (refused) return refused;
  const r = communicate(i, 'recap', c.fields, ctx);
  if ('error' in r) return { ok: false, error: r.error };
  const at = iso(ctx.now);
  const effects = r.effects.map((e) => (i.confidential ? confidentialOnly(e) : e));
  return ok(
    {
      ...r.incident,
      // the recap is not a status update: the status clock (stopped at closure anyway) keeps its last one
      lastStatusUpdateAt: i.lastStatusUpdateAt,
      recap: { owedSince: i.recap?.owedSince ?? i.review.at, sentAt: at, sentBy: ctx.actor.id },
    },
    [
      ...effects,
      notice(
        i.confidential
          ? 'Recap posted in the room; the stakeholder channel was told only that the review of a confidential incident is complete.'
          : 'Communication recap sent to the room and to stakeholders.',
        'info',
      ),
    ],
  );
};

/** A confidential incident's stakeholder post becomes the notice that says nothing of it. */
function confidentialOnly(e: Effect): Effect {
  if (e.type !== 'message' || e.target.to !== 'stakeholders') return e;
  const m: MessageEffect = post(e.key, STAKEHOLDERS, 'confidential_notice', { what: 'recap' });
  return m;
}
