// What an alert prompt's three buttons do, the same on every platform (issue 21): **Declare incident** (the
// declare form prefilled from the alert; the alert becomes the incident's first evidence), **Add to INC-…**
// (the alert joins an open incident the person is in) and **Dismiss** (with a reason). Each settles the
// alert group once (./alert-settle.ts): a group already settled gets "ALERT-3 was already dismissed by …
// at …", never a second incident. Who may dismiss: anyone who sees the prompt in the alerts channel, with a
// reason (3..500 characters), recorded with who and when in the group's own chain of the signed ledger.
import type { Actor, Incident } from '../domain/incident.js';
import { userText } from '../domain/text.js';
import type { FieldErrors, FormValues, FormView } from '../views/form.js';
import {
  type AlertOpened,
  type AlertSubmitted,
  alertEvidence,
  formContext,
  NOT_CONFIGURED,
  openGroup,
  refusal,
  repeated,
  runAndSettle,
  settle,
  storeOf,
} from './alert-settle.js';
import {
  ATTACH_CHOICES,
  alertDeclareForm,
  attachForm,
  dismissForm,
  readAttach,
  readDismiss,
} from './forms/alert-forms.js';
import { declareForm } from './forms/declare.js';
import type { IncidentApp, Request, Surface } from './incident-app.js';
import { incidentsOf } from './membership.js';
import { ConflictError } from './ports.js';

export type { AlertOpened, AlertSubmitted } from './alert-settle.js';
export { NOT_CONFIGURED, settledText } from './alert-settle.js';

// ------------------------------------------------------------------------------------------- Declare

/** The declare form prefilled from the alert (title = summary, trigger class, impact, severe). */
export function openAlertDeclare(app: IncidentApp, s: Surface, id: string, actor: Actor): AlertOpened {
  const o = openGroup(app, id, actor);
  if ('refusal' in o) return refusal(o.refusal);
  return { ok: true, form: alertDeclareForm(o.group, formContext(app, s, actor)) };
}

/** The declaration with the alert as its first evidence; the group's decision `declared`. */
export function submitAlertDeclare(
  app: IncidentApp,
  s: Surface,
  req: Request,
  id: string,
  values: FormValues,
  readErrors: FieldErrors = {},
): AlertSubmitted {
  const o = openGroup(app, id, req.actor);
  if ('refusal' in o) return repeated(app, id, 'declared', req.actor) ?? refusal(o.refusal);
  const ctx = formContext(app, s, req.actor);
  const shown = () => alertDeclareForm(o.group, ctx, values);
  const read = declareForm.read(ctx, values, req.key);
  const errors = { ...('errors' in read ? read.errors : {}), ...readErrors };
  if (!('command' in read) || Object.keys(errors).length) return { ok: false, form: shown(), errors };
  const base = read.command;
  if (base.type !== 'declare') return refusal(NOT_CONFIGURED);
  const r = runAndSettle(
    app,
    req,
    id,
    null,
    (g, store) => ({
      ...base,
      alert: alertEvidence(g, store),
      ...(req.roomId ? { declaredIn: req.roomId } : {}),
    }),
    (i) => ({
      kind: 'declared',
      incident: i.key,
      by: req.actor.id,
      at: app.now().toISOString(),
      ...(i.confidential ? { confidential: true } : {}),
    }),
  );
  if (!r.ok) {
    if ('refusal' in r) return repeated(app, id, 'declared', req.actor) ?? r;
    const field = r.error.field ?? 'title';
    return { ok: false, form: shown(), errors: { [field]: r.error.message }, refused: true };
  }
  const i = r.incident;
  const done = `${i.drill ? 'DRILL: ' : ''}${i.key} declared from ${id}: ${userText(i.title)}.`;
  return {
    ok: true,
    text: [done, r.replay ? '' : r.answer.text].filter(Boolean).join('\n'),
    incident: i,
    answer: r.answer,
    replay: r.replay,
  };
}

// ------------------------------------------------------------------------------------------- Add to INC-…

/**
 * The open incidents this person may add the alert to: the ones they are in (asking the platform about
 * rooms the record does not know of yet), so a confidential one only for its members; newest first.
 */
export async function attachChoices(app: IncidentApp, s: Surface, actor: Actor): Promise<Incident[]> {
  const mine = await incidentsOf(app, s, actor);
  return mine
    .filter((i) => app.mayRead(i, actor))
    .sort((a, b) => b.declaredAt.localeCompare(a.declaredAt))
    .slice(0, ATTACH_CHOICES);
}

export async function openAlertAttach(
  app: IncidentApp,
  s: Surface,
  id: string,
  actor: Actor,
): Promise<AlertOpened> {
  const o = openGroup(app, id, actor);
  if ('refusal' in o) return refusal(o.refusal);
  const choices = await attachChoices(app, s, actor);
  if (!choices.length)
    return refusal(
      `You are not in any open incident to add ${o.group.id} to. Declare one from the alert, or join an incident's room first.`,
    );
  return { ok: true, form: attachForm(o.group, choices) };
}

export async function submitAlertAttach(
  app: IncidentApp,
  s: Surface,
  req: Request,
  id: string,
  values: FormValues,
): Promise<AlertSubmitted> {
  const o = openGroup(app, id, req.actor);
  if ('refusal' in o) return repeated(app, id, 'attached', req.actor) ?? refusal(o.refusal);
  const choices = await attachChoices(app, s, req.actor);
  const read = readAttach(choices, values);
  if ('errors' in read) return { ok: false, form: attachForm(o.group, choices, values), errors: read.errors };
  const r = runAndSettle(
    app,
    req,
    id,
    read.incident,
    (g, store) => ({ type: 'attach_alert', alert: alertEvidence(g, store) }),
    (i) => ({
      kind: 'attached',
      incident: i.key,
      by: req.actor.id,
      at: app.now().toISOString(),
      ...(i.confidential ? { confidential: true } : {}),
    }),
  );
  if (!r.ok) {
    if ('refusal' in r) return repeated(app, id, 'attached', req.actor) ?? r;
    return {
      ok: false,
      form: attachForm(o.group, choices, values),
      errors: { incident: r.error.message },
      refused: true,
    };
  }
  return {
    ok: true,
    text: `${id} added to ${r.incident.key}: ${userText(r.incident.title)}.`,
    incident: r.incident,
    answer: r.answer,
    replay: r.replay,
  };
}

// ------------------------------------------------------------------------------------------- Dismiss

export function openAlertDismiss(app: IncidentApp, id: string, actor: Actor): AlertOpened {
  const o = openGroup(app, id, actor);
  if ('refusal' in o) return refusal(o.refusal);
  return { ok: true, form: dismissForm(o.group) };
}

/** Dismissed with a reason (3..500 characters); kept on the group and shown on its prompt. */
export function submitAlertDismiss(
  app: IncidentApp,
  req: Request,
  id: string,
  values: FormValues,
  attempt = 1,
): AlertSubmitted {
  const o = openGroup(app, id, req.actor);
  if ('refusal' in o) return refusal(o.refusal);
  const read = readDismiss(values);
  if ('errors' in read) return { ok: false, form: dismissForm(o.group, values), errors: read.errors };
  const store = storeOf(app)!;
  const now = app.now();
  try {
    // the version read above: a decision (or notification) saved since makes this a conflict, not a second say
    store.save(
      settle(o.group, { kind: 'dismissed', by: req.actor.id, at: now.toISOString(), reason: read.reason }),
      now,
    );
  } catch (e) {
    if (!(e instanceof ConflictError)) {
      app.log.error({ err: e, alert: id }, 'alert dismissal failed');
      return refusal(app.failure(e));
    }
    // a notification came in meanwhile (or someone decided): read it again; a decision wins over this one
    if (attempt >= 3) return refusal(`${userText(id)} keeps changing; try again in a moment.`);
    return submitAlertDismiss(app, req, id, values, attempt + 1);
  }
  app.deps.dispatcher.kick();
  return { ok: true, text: `${id} dismissed: ${userText(read.reason)}`, replay: false };
}

/** The form a platform showed for an alert (to read its submission back), whatever the group's state now. */
export function shownAlertForm(
  app: IncidentApp,
  s: Surface,
  kind: 'declare' | 'attach' | 'dismiss',
  id: string,
  actor: Actor,
): FormView | null {
  const g = storeOf(app)?.get(id);
  if (!g) return null;
  if (kind === 'declare') return alertDeclareForm(g, formContext(app, s, actor));
  return kind === 'attach' ? attachForm(g, []) : dismissForm(g);
}
