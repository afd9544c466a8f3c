// Every incident form as a Slack modal: the buttons that open one, and one listener for all their
// submissions. The form itself (fields, schema, the command, the answer) is the application layer's; this
// reads `view.state.values` back by field id and answers in the modal (errors; the answer of a form that
// answers in place of itself) or ephemerally.
import type { App, BlockAction } from '@slack/bolt';
import {
  FORMS,
  type IncidentFormName,
  NO_SUCH_INCIDENT,
  openForm,
  shownForm,
  submitForm,
} from '../../../app/form-flow.js';
import { admit } from '../../../app/membership.js';
import type { Incident } from '../../../domain/incident.js';
import type { FieldErrors, FormView } from '../../../views/form.js';
import { inputs } from '../../../views/form.js';
import {
  actorOf,
  deliver,
  errorCode,
  othersTold,
  type SlackClient,
  type SlackContext,
  type SlackFeature,
  tell,
  tellText,
  viewKey,
} from '../context.js';
import { readForm } from '../parse/form-values.js';
import { OPEN_FORM, parseOpenFormValue } from '../render/actions.js';
import { answerModal, CALLBACK, formModal, formOfCallback } from '../render/form.js';
import { type Block, decodeMeta, type StateValues } from '../render/modal-kit.js';
import { mrkdwnOf, plainOf } from '../render/text.js';
import { idPattern } from './buttons.js';

/** views.open; returns a sentence for the person when Slack refuses (expired trigger...), else null. */
export async function openModal(
  ctx: SlackContext,
  client: SlackClient,
  triggerId: string,
  view: Block,
): Promise<string | null> {
  try {
    await client.views.open({ trigger_id: triggerId, view: view as never });
    return null;
  } catch (e) {
    ctx.log.warn({ err: errorCode(e), callbackId: view.callback_id }, 'could not open a modal');
    return 'I could not open the form (Slack refused it). Please try again.';
  }
}

/** Field errors keyed by block id: a field's first block, and the form's own errors on its first input. */
export function blockErrors(ctx: SlackContext, form: FormView, errors: FieldErrors): Record<string, string> {
  const first = inputs(form)[0]?.id ?? 'title';
  const out: Record<string, string> = {};
  for (const [field, message] of Object.entries(errors)) {
    const block = inputs(form).some((f) => f.id === field) ? field : first;
    out[block] ??= plainOf(message, (id) => ctx.names.get(id)).slice(0, 2000);
  }
  return out;
}

/** The incident a button or modal is about: the key it carries, else the channel's. */
function incidentOf(
  ctx: SlackContext,
  key: string | undefined,
  channelId: string | undefined,
): Incident | null {
  return (key ? ctx.app.incident(key) : null) ?? ctx.app.incidentInRoom('slack', channelId);
}

function registerOpenButton(app: App, ctx: SlackContext, actionId: string, form: IncidentFormName): void {
  // `open_action:freeze` too: one button per playbook action, each with an id of its own
  app.action(idPattern(actionId), async ({ ack, body, client }) => {
    await ack();
    const b = body as BlockAction;
    const value = parseOpenFormValue((b.actions[0] as { value?: string } | undefined)?.value);
    const channelId = b.channel?.id ?? (b.container as { channel_id?: string } | undefined)?.channel_id;
    const incident = incidentOf(ctx, value.incidentKey, channelId);
    if (!incident) {
      await tell(ctx, client, channelId, b.user.id, 'I could not tell which incident this button is for.');
      return;
    }
    const actor = actorOf(ctx, b.user.id, b.user.name);
    const opened = openForm(
      ctx.app,
      ctx.surface,
      form,
      incident,
      { actor, roomId: channelId },
      value.prefill,
    );
    const where = channelId ?? incident.room?.id;
    const refusal = opened.ok
      ? await openModal(
          ctx,
          client,
          b.trigger_id,
          formModal(opened.form, { ...(where ? { channelId: where } : {}) }),
        )
      : mrkdwnOf(opened.refusal);
    if (refusal) await tell(ctx, client, where, b.user.id, refusal);
  });
}

function registerSubmission(app: App, ctx: SlackContext, name: IncidentFormName): void {
  app.view(CALLBACK[name], async ({ ack, body, view, client }) => {
    const meta = decodeMeta(view.private_metadata);
    let incident = name === 'declare' ? null : incidentOf(ctx, meta.k, meta.c);
    const actor = actorOf(ctx, body.user.id, body.user.name);
    if (name !== 'declare' && !incident) {
      // the incident is gone (or the metadata broken): the answer goes next to the view's first input
      const first = (view.blocks as { type?: string; block_id?: string }[]).find(
        (b) => b.type === 'input',
      )?.block_id;
      await ack({ response_action: 'errors', errors: { [first ?? 'title']: NO_SUCH_INCIDENT } });
      return;
    }
    // Opened outside the incident's channel: let the record learn from Slack whether they are in it.
    if (incident && meta.c !== incident.room?.id) {
      await admit(ctx.app, ctx.surface, incident, actor);
      incident = ctx.app.incident(incident.key) ?? incident;
    }
    const form = shownForm(ctx.app, ctx.surface, name, incident, actor);
    const read = readForm(form, view.state.values as StateValues);
    const r = submitForm(
      ctx.app,
      ctx.surface,
      name,
      { actor, key: viewKey(view), ...(meta.c ? { roomId: meta.c } : {}) },
      incident,
      read.values,
      read.errors,
    );
    if (!r.ok) {
      const first = (view.blocks as { type?: string; block_id?: string }[]).find(
        (b) => b.type === 'input',
      )?.block_id;
      await ack({
        response_action: 'errors',
        errors:
          'refusal' in r ? { [first ?? 'title']: plainOf(r.refusal) } : blockErrors(ctx, r.form, r.errors),
      });
      return;
    }
    const channel = meta.c ?? r.outcome.incident.room?.id;
    if (r.inForm) {
      // The answer replaces the modal (no Web API call for it); other people are still told, once.
      await ack({ response_action: 'update', view: answerModal(name, r.inForm) as never });
      await othersTold(ctx, client, r.answer, channel);
      return;
    }
    await ack();
    if (r.answer.replay) return;
    await deliver(ctx, client, r.answer, actor.id, channel);
    if (r.confirm && r.done) await tellText(ctx, client, channel, actor.id, r.done);
  });
}

export const formListeners: SlackFeature = {
  name: 'forms',
  views: Object.keys(FORMS).map((f) => CALLBACK[f as IncidentFormName]),
  actions: Object.values(OPEN_FORM),
  register(app, ctx) {
    for (const name of Object.keys(FORMS) as IncidentFormName[]) registerSubmission(app, ctx, name);
    for (const [form, actionId] of Object.entries(OPEN_FORM))
      registerOpenButton(app, ctx, actionId, form as IncidentFormName);
  },
};

export { formOfCallback };
