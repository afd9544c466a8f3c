// The incident forms on Teams, inline (a card in the conversation) or in a dialog: rendered from the
// application layer's FormView with a nonce per rendering, and submitted through its one submit path.
// A declaration is one command per rendering (whoever submits it, however often); any other dialog is
// one command per rendering and person (each task/submit is a new activity).
import { randomUUID } from 'node:crypto';
import type { IAdaptiveCard } from '@microsoft/teams.cards';
import {
  type IncidentFormName,
  NO_SUCH_INCIDENT,
  openForm,
  shownForm,
  submitForm,
} from '../../../app/form-flow.js';
import type { Actor, Incident } from '../../../domain/incident.js';
import type { Text } from '../../../domain/text.js';
import type { Field, FieldErrors, FormValues, FormView } from '../../../views/form.js';
import { incidentFor, type Json, peopleFor, type TeamsContext } from '../context.js';
import { formNonce, readCard } from '../parse/card-data.js';
import { doneCard } from '../render/card-kit.js';
import { type FormMode, formCard } from '../render/form.js';
import { cardOf } from '../render/text.js';

export function renderForm(
  ctx: TeamsContext,
  form: FormView,
  incident: Incident | null,
  mode: FormMode,
  o: { nonce?: string; errors?: FieldErrors } = {},
): IAdaptiveCard {
  // the person a picker shows selected is offered first (by name), then the role holders and people seen
  const person = form.fields.find((f): f is Extract<Field, { kind: 'person' }> => f.kind === 'person');
  return formCard(form, mode, {
    nonce: o.nonce ?? randomUUID(),
    ...(o.errors ? { errors: o.errors } : {}),
    people: peopleFor(ctx, incident, person?.value),
    nameOf: ctx.nameOf,
  });
}

/** A form to show, or why this person cannot use it now. */
export function openTeamsForm(
  ctx: TeamsContext,
  name: IncidentFormName,
  incident: Incident | null,
  who: { actor: Actor; roomId?: string | undefined },
  mode: FormMode,
  prefill: FormValues = {},
): { card: IAdaptiveCard; title: string } | { refusal: Text } {
  const opened = openForm(ctx.app, ctx.surface, name, incident, who, prefill);
  if (!opened.ok) return { refusal: opened.refusal };
  return { card: renderForm(ctx, opened.form, incident, mode), title: opened.form.title };
}

/** The idempotency key of a form submit (see the header); forms rendered before the nonce keep `fallback`. */
export function formSubmitKey(
  form: string,
  mode: FormMode,
  data: Json,
  actor: Actor,
  fallback: string,
): string {
  const nonce = formNonce(data);
  if (!nonce) return fallback;
  if (form === 'declare') return `teams:declare:${nonce}`;
  return mode === 'dialog' ? `teams:form:${form}:${nonce}:${actor.id}` : fallback;
}

export type TeamsSubmitted = { ok: true; text: Text } | { ok: false; card: IAdaptiveCard; title: string };

export function submitTeamsForm(
  ctx: TeamsContext,
  name: IncidentFormName,
  mode: FormMode,
  data: Json,
  actor: Actor,
  conversationId: string | undefined,
  fallbackKey: string,
): TeamsSubmitted {
  const incident = name === 'declare' ? null : incidentFor(ctx, conversationId, data?.incidentKey);
  if (name !== 'declare' && !incident)
    return { ok: false, card: doneCard(cardOf(NO_SUCH_INCIDENT, ctx.nameOf)), title: 'Incident' };
  const shown = shownForm(ctx.app, ctx.surface, name, incident, actor);
  const read = readCard(shown, data, { refs: ctx.refs, actorId: actor.id, incident });
  const key = formSubmitKey(name, mode, data, actor, fallbackKey);
  const r = submitForm(
    ctx.app,
    ctx.surface,
    name,
    { actor, key, ...(conversationId ? { roomId: conversationId } : {}) },
    incident,
    read.values,
    read.errors,
  );
  // a replay (the same rendering submitted again) says what was done, not the notices again
  if (r.ok)
    return {
      ok: true,
      text: (r.answer.replay ? [r.done] : [r.done, r.answer.text]).filter(Boolean).join(' '),
    };
  if ('refusal' in r) return { ok: false, card: doneCard(cardOf(r.refusal, ctx.nameOf)), title: 'Incident' };
  // re-shown after a refusal of the command, the form is a new request (a new nonce); after input errors,
  // the same rendering (its nonce)
  const nonce = r.outcome ? undefined : formNonce(data);
  return {
    ok: false,
    card: renderForm(ctx, r.form, r.outcome?.incident ?? incident, mode, {
      errors: r.errors,
      ...(nonce ? { nonce } : {}),
    }),
    title: r.form.title,
  };
}
