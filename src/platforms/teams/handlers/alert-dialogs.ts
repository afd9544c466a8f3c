// An alert prompt's dialogs on Teams (issue 21): the buttons (render/alert-buttons.ts) open a dialog with
// the declare form prefilled from the alert, the choice of incidents to add it to, or the dismissal's
// reason; the submit carries the group's id and which dialog it was. The application layer decides
// (src/app/alert-actions.ts); this renders its forms and reads the card data back.
import {
  type AlertOpened,
  type AlertSubmitted,
  openAlertAttach,
  openAlertDeclare,
  openAlertDismiss,
  shownAlertForm,
  submitAlertAttach,
  submitAlertDeclare,
  submitAlertDismiss,
} from '../../../app/alert-actions.js';
import type { Request } from '../../../app/incident-app.js';
import { ALERT_ACTIONS } from '../../../domain/alert-group.js';
import type { FieldErrors, FormView } from '../../../views/form.js';
import { actorOf, type Json, type TeamsContext } from '../context.js';
import { formNonce, readCard } from '../parse/card-data.js';
import { dialogContinue, dialogMessage } from '../render/card-kit.js';
import { plainOf } from '../render/text.js';
import { renderForm } from './forms.js';

type Kind = keyof typeof ALERT_ACTIONS;

/** Which alert dialog a `dialog` (open) or `form` (submit) value names, if any. */
export function alertDialogKind(v: unknown): Kind | null {
  const hit = Object.entries(ALERT_ACTIONS).find(([, id]) => id === v);
  return hit ? (hit[0] as Kind) : null;
}

/** The form card, its submit marked as this alert's dialog (the declare form's own name is `declare`). */
function dialogOf(
  ctx: TeamsContext,
  kind: Kind,
  alert: string,
  form: FormView,
  o: { nonce?: string; errors?: FieldErrors } = {},
) {
  const card = renderForm(ctx, form, null, 'dialog', o) as Json;
  for (const action of card.actions ?? [])
    if (action.data) Object.assign(action.data, { form: ALERT_ACTIONS[kind], alert });
  return dialogContinue(form.title, card);
}

export async function openAlertDialog(ctx: TeamsContext, kind: Kind, a: Json, data: Json) {
  const alert = typeof data.alert === 'string' ? data.alert : '';
  const actor = actorOf(a);
  const o: AlertOpened =
    kind === 'declare'
      ? openAlertDeclare(ctx.app, ctx.surface, alert, actor)
      : kind === 'attach'
        ? await openAlertAttach(ctx.app, ctx.surface, alert, actor)
        : openAlertDismiss(ctx.app, alert, actor);
  if (!o.ok) return dialogMessage(plainOf(o.refusal, ctx.nameOf));
  return dialogOf(ctx, kind, alert, o.form);
}

export async function submitAlertDialog(ctx: TeamsContext, kind: Kind, a: Json, data: Json) {
  const alert = typeof data.alert === 'string' ? data.alert : '';
  const actor = actorOf(a);
  const form = shownAlertForm(ctx.app, ctx.surface, kind, alert, actor);
  if (!form) return dialogMessage('This alert no longer exists.');
  const read = readCard(form, data, { refs: ctx.refs, actorId: actor.id, incident: null });
  // one command per rendering of the form (a declaration whoever submits it; the others per person)
  const nonce = formNonce(data);
  const key = nonce
    ? `teams:alert:${kind}:${nonce}${kind === 'declare' ? '' : `:${actor.id}`}`
    : `teams:${String(a.id ?? '')}`;
  const conversationId: string | undefined = a.conversation?.id;
  const req: Request = { actor, key, ...(conversationId ? { roomId: conversationId } : {}) };
  const r: AlertSubmitted =
    kind === 'declare'
      ? submitAlertDeclare(ctx.app, ctx.surface, req, alert, read.values, read.errors)
      : kind === 'attach'
        ? await submitAlertAttach(ctx.app, ctx.surface, req, alert, read.values)
        : submitAlertDismiss(ctx.app, req, alert, read.values);
  if (r.ok) return dialogMessage(plainOf(r.text, ctx.nameOf));
  if ('refusal' in r) return dialogMessage(plainOf(r.refusal, ctx.nameOf));
  // as handlers/forms.ts does: after input errors the same rendering (its nonce); after the command was
  // refused a new one, else the corrected submission would replay the stored refusal for ever
  const again = r.refused ? undefined : nonce;
  return dialogOf(ctx, kind, alert, r.form, { errors: r.errors, ...(again ? { nonce: again } : {}) });
}
