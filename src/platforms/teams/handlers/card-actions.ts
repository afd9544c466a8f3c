// Action.Execute on the bot's cards (routed on `data.action`): inline form submits, role claim / release /
// hand over, checklist tick / untick / not applicable, snooze, follow-up done. Answered with the refreshed
// card as the invoke response (Teams has no ephemeral messages: the note on the card is for whoever clicked).
import type { App } from '@microsoft/teams.apps';
import { type Press, press } from '../../../app/buttons.js';
import { isFormName } from '../../../app/form-flow.js';
import type { Incident } from '../../../domain/incident.js';
import { mention } from '../../../domain/text.js';
import { checklistView } from '../../../views/checklist.js';
import { followupList } from '../../../views/lists.js';
import { summaryView } from '../../../views/summary.js';
import { actorOf, incidentFor, type Json, peopleFor, type TeamsContext } from '../context.js';
import { cardActionCardResponse, cardActionErrorResponse, doneCard, VERB } from '../render/card-kit.js';
import { checklistCard, naReasonId } from '../render/checklist.js';
import { listCard } from '../render/lists.js';
import { pagedNudgeCard } from '../render/page-nudge.js';
import { summaryCard } from '../render/summary.js';
import { cardOf } from '../render/text.js';
import { workstreamPickerId } from '../render/workstreams.js';
import { submitTeamsForm } from './forms.js';

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** Card data without the routing fields, in a stable order (part of the idempotency key of a click). */
const stable = (o: Json): string =>
  JSON.stringify(
    Object.keys(o ?? {})
      .filter((k) => k !== 'action' && k !== 'msteams')
      .sort()
      .map((k) => [k, o[k]]),
  );

/** The press a click means; a sentence when its data cannot be read, null for an unknown verb. */
function pressOf(verb: string, data: Json): Press | string | null {
  const role = str(data.role) ?? '';
  const item = String(data.item ?? '');
  switch (verb) {
    case VERB.claimRole:
      return { kind: 'claim_role', role };
    case VERB.releaseRole:
      return { kind: 'release_role', role };
    case VERB.handoverRole:
      return { kind: 'handover_role', role, user: str(data[`handover_${role}`]) ?? '' };
    case VERB.leadWorkstream: {
      const workstream = str(data.workstream) ?? '';
      if (!data.pick) return { kind: 'lead_workstream', workstream };
      return { kind: 'lead_workstream', workstream, user: str(data[workstreamPickerId(workstream)]) ?? '' };
    }
    case VERB.releaseWorkstream:
      return { kind: 'release_workstream', workstream: str(data.workstream) ?? '' };
    case VERB.checkItem:
      return data.state === 'uncheck' ? { kind: 'uncheck_item', item } : { kind: 'check_item', item };
    case VERB.itemNotApplicable:
      return { kind: 'item_na', item, reason: str(data[naReasonId(item)]) ?? '' };
    case VERB.snooze: {
      const minutes = Number(data.minutes);
      if (!str(data.snoozeKind) || !Number.isInteger(minutes)) return 'I could not read that snooze button.';
      return {
        kind: 'snooze',
        snoozeKind: str(data.snoozeKind)!,
        minutes,
        ...(str(data.due) ? { dueAt: str(data.due)! } : {}),
      };
    }
    case VERB.followupDone:
      return { kind: 'followup_done', id: str(data.id) ?? '' };
    case VERB.page:
      return { kind: 'page', target: str(data.target) ?? '' };
    default:
      return null;
  }
}

function refreshed(
  ctx: TeamsContext,
  verb: string,
  data: Json,
  incident: Incident,
  note: string,
  isError: boolean,
) {
  const pb = ctx.app.playbookFor(incident);
  const o = { note, noteIsError: isError };
  if (verb === VERB.checkItem || verb === VERB.itemNotApplicable)
    return cardActionCardResponse(checklistCard(checklistView(incident, pb), ctx.nameOf, o));
  if (verb === VERB.followupDone && data.src === 'list')
    return cardActionCardResponse(listCard(followupList(incident), incident.key, ctx.nameOf, o));
  if (verb === VERB.followupDone) {
    const f = incident.followups.find((x) => x.id === str(data.id));
    const mark = !isError || f?.state === 'done' ? '✅' : '⚠️';
    const line = f
      ? [
          `${cardOf(f.what, ctx.nameOf, 1000)} (${cardOf(mention(f.owner), ctx.nameOf, 80)}, due ${cardOf(f.due, ctx.nameOf, 20)})`,
        ]
      : [];
    return cardActionCardResponse(doneCard(`${mark} ${note}`, line));
  }
  if (verb === VERB.snooze) return cardActionCardResponse(doneCard(note));
  // A refused page (not the IC or comms lead, paged already) leaves the nudge as it was for the others; a
  // page keeps the nudge, without the paged role's button (page-nudge.ts).
  if (verb === VERB.page && isError) return cardActionErrorResponse(note);
  return cardActionCardResponse(
    summaryCard(summaryView(incident, pb), ctx.nameOf, peopleFor(ctx, incident), o),
  );
}

export async function cardAction(ctx: TeamsContext, a: Json) {
  const action = a.value?.action ?? { data: a.value };
  const data = (action.data ?? {}) as Json;
  const verb = String(data.action ?? action.verb ?? '');
  const actor = actorOf(a);
  const conversationId: string | undefined = a.conversation?.id;
  const key = `teams:card:${a.replyToId ?? ''}:${verb}:${stable(data)}:${actor.id}`;

  if (verb === VERB.formSubmit) {
    const form = data.form;
    if (!isFormName(form)) return cardActionErrorResponse('unknown form');
    const r = submitTeamsForm(ctx, form, 'inline', data, actor, conversationId, key);
    return cardActionCardResponse(r.ok ? doneCard(cardOf(r.text, ctx.nameOf, 1000)) : r.card);
  }
  const incident = incidentFor(ctx, conversationId, data.incidentKey);
  if (!incident) return cardActionErrorResponse('This card is not about a known incident.');
  const p = pressOf(verb, data);
  if (!p) return cardActionErrorResponse(`unknown action "${verb}"`);
  if (typeof p === 'string') return cardActionErrorResponse(p);
  const r = press(
    ctx.app,
    { actor, key, ...(conversationId ? { roomId: conversationId } : {}) },
    incident,
    p,
  );
  if (verb === VERB.page && r.answer.ok)
    return cardActionCardResponse(
      pagedNudgeCard(r.incident, ctx.app.playbookFor(r.incident), {
        ...(str(data.due) ? { dueAt: str(data.due)! } : {}),
        answer: r.answer.text,
        nameOf: ctx.nameOf,
      }),
    );
  return refreshed(ctx, verb, data, r.incident, cardOf(r.answer.text, ctx.nameOf, 500), !r.answer.ok);
}

export function registerCardActions(teams: App, ctx: TeamsContext): void {
  teams.on('card.action', async (c) => cardAction(ctx, c.activity as Json));
}
