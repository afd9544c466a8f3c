// Dialogs (task/fetch opens one with a form, task/submit submits it): the same forms as the inline cards,
// answered with the form again (its errors) or a closing message.
import type { App } from '@microsoft/teams.apps';
import { isFormName } from '../../../app/form-flow.js';
import { actorOf, incidentFor, type Json, type TeamsContext } from '../context.js';
import { dialogContinue, dialogMessage } from '../render/card-kit.js';
import { plainOf } from '../render/text.js';
import { alertDialogKind, openAlertDialog, submitAlertDialog } from './alert-dialogs.js';
import { openTeamsForm, submitTeamsForm } from './forms.js';

/** What a dialog button says its form opens with: strings by field id, nothing else (it is client data). */
function prefillOf(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (v && typeof v === 'object' && !Array.isArray(v))
    for (const [k, x] of Object.entries(v).slice(0, 10)) if (typeof x === 'string') out[k] = x.slice(0, 500);
  return out;
}

export function registerDialogs(teams: App, ctx: TeamsContext): void {
  teams.on('dialog.open', async (c) => {
    const a = c.activity as Json;
    const data = (a.value?.data ?? {}) as Json;
    const form = data.dialog ?? 'declare';
    // an alert prompt's buttons (issue 21: alert-dialogs.ts)
    const alert = alertDialogKind(form);
    if (alert) return openAlertDialog(ctx, alert, a, data);
    if (!isFormName(form)) return dialogMessage('Unknown form.');
    const incident = form === 'declare' ? null : incidentFor(ctx, a.conversation?.id, data.incidentKey);
    if (form !== 'declare' && !incident) return dialogMessage('This is not an incident room.');
    const r = openTeamsForm(
      ctx,
      form,
      incident,
      { actor: actorOf(a), roomId: a.conversation?.id },
      'dialog',
      prefillOf(data.prefill),
    );
    return 'refusal' in r ? dialogMessage(plainOf(r.refusal, ctx.nameOf)) : dialogContinue(r.title, r.card);
  });

  teams.on('dialog.submit', async (c) => {
    const a = c.activity as Json;
    const data = (a.value?.data ?? {}) as Json;
    const form = data.form;
    const alert = alertDialogKind(form);
    if (alert) return submitAlertDialog(ctx, alert, a, data);
    if (!isFormName(form)) return dialogMessage('Unknown form.');
    const r = submitTeamsForm(ctx, form, 'dialog', data, actorOf(a), a.conversation?.id, `teams:${a.id}`);
    // the answer may quote user text (a title): shown as text, never as a mention
    return r.ok ? dialogMessage(plainOf(r.text, ctx.nameOf)) : dialogContinue(r.title, r.card);
  });
}
