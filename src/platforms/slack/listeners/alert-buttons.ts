// An alert prompt's three buttons on Slack (issue 21): Declare incident (the declare modal prefilled from
// the alert), Add to INC-… (a modal choosing among the open incidents the person is in) and Dismiss (a
// modal asking why). The button's value is the alert group's id; the modal carries it in private_metadata.
// What each does, and who may, is the application layer's (src/app/alert-actions.ts).
import type { BlockAction } from '@slack/bolt';
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
import { ALERT_ACTIONS } from '../../../domain/alert-group.js';
import type { FormName } from '../../../views/form.js';
import { actorOf, othersTold, type SlackContext, type SlackFeature, tell, viewKey } from '../context.js';
import { VIEW } from '../ids.js';
import { readForm } from '../parse/form-values.js';
import { answerModal, formModal } from '../render/form.js';
import type { StateValues } from '../render/modal-kit.js';
import { mrkdwnOf, plainOf } from '../render/text.js';
import { type Act, channelOf, idPattern } from './buttons.js';
import { blockErrors, openModal } from './forms.js';

type Kind = 'declare' | 'attach' | 'dismiss';

const CALLBACKS: Record<Kind, string> = {
  declare: VIEW.alertDeclare,
  attach: VIEW.alertAttach,
  dismiss: VIEW.alertDismiss,
};
const FORM_OF: Record<Kind, FormName> = {
  declare: 'declare',
  attach: 'alert_attach',
  dismiss: 'alert_dismiss',
};

/** What the modal carries back: the alert group and the channel of its prompt. */
function meta(s: string | undefined): { a?: string; c?: string } {
  try {
    const v = JSON.parse(s ?? '{}') as { a?: unknown; c?: unknown };
    return {
      ...(typeof v.a === 'string' ? { a: v.a } : {}),
      ...(typeof v.c === 'string' ? { c: v.c } : {}),
    };
  } catch {
    return {};
  }
}

async function opened(ctx: SlackContext, kind: Kind, id: string, b: BlockAction): Promise<AlertOpened> {
  const actor = actorOf(ctx, b.user.id, b.user.name);
  if (kind === 'declare') return openAlertDeclare(ctx.app, ctx.surface, id, actor);
  if (kind === 'attach') return openAlertAttach(ctx.app, ctx.surface, id, actor);
  return openAlertDismiss(ctx.app, id, actor);
}

async function submitted(
  ctx: SlackContext,
  kind: Kind,
  id: string,
  req: Parameters<typeof submitAlertDismiss>[1],
  values: Parameters<typeof submitAlertDismiss>[3],
  readErrors: Record<string, string>,
): Promise<AlertSubmitted> {
  if (kind === 'declare') return submitAlertDeclare(ctx.app, ctx.surface, req, id, values, readErrors);
  if (kind === 'attach') return submitAlertAttach(ctx.app, ctx.surface, req, id, values);
  return submitAlertDismiss(ctx.app, req, id, values);
}

export const alertButtons: SlackFeature = {
  name: 'alerts',
  actions: [ALERT_ACTIONS.declare, ALERT_ACTIONS.attach, ALERT_ACTIONS.dismiss],
  views: Object.values(CALLBACKS),
  register(app, ctx) {
    for (const kind of Object.keys(CALLBACKS) as Kind[]) {
      app.action(idPattern(ALERT_ACTIONS[kind]), async ({ ack, body, client }) => {
        await ack();
        const b = body as BlockAction;
        const id = (b.actions[0] as unknown as Act | undefined)?.value ?? '';
        const channel = channelOf(b);
        const o = await opened(ctx, kind, id, b);
        if (!o.ok) return tell(ctx, client, channel, b.user.id, mrkdwnOf(o.refusal));
        const view = {
          ...formModal(o.form, { extra: JSON.stringify({ a: id, ...(channel ? { c: channel } : {}) }) }),
          callback_id: CALLBACKS[kind],
        };
        const refused = await openModal(ctx, client, b.trigger_id, view);
        if (refused) await tell(ctx, client, channel, b.user.id, refused);
      });

      app.view(CALLBACKS[kind], async ({ ack, body, view, client }) => {
        const m = meta(view.private_metadata);
        const actor = actorOf(ctx, body.user.id, body.user.name);
        const first = (view.blocks as { type?: string; block_id?: string }[]).find(
          (x) => x.type === 'input',
        )?.block_id;
        const form = m.a ? shownAlertForm(ctx.app, ctx.surface, kind, m.a, actor) : null;
        if (!m.a || !form) {
          await ack({
            response_action: 'errors',
            errors: { [first ?? 'reason']: 'This alert no longer exists.' },
          });
          return;
        }
        const read = readForm(form, view.state.values as StateValues);
        const r = await submitted(
          ctx,
          kind,
          m.a,
          { actor, key: viewKey(view), ...(m.c ? { roomId: m.c } : {}) },
          read.values,
          read.errors,
        );
        if (!r.ok) {
          await ack({
            response_action: 'errors',
            errors:
              'refusal' in r
                ? { [first ?? 'reason']: plainOf(r.refusal, (u) => ctx.names.get(u)).slice(0, 2000) }
                : blockErrors(ctx, r.form, r.errors),
          });
          return;
        }
        const title =
          kind === 'declare' ? 'Incident declared' : kind === 'attach' ? 'Alert added' : 'Alert dismissed';
        // the answer replaces the modal (no Web API call for it); other people are still told, once
        await ack({
          response_action: 'update',
          view: answerModal(FORM_OF[kind], { title, text: r.text }) as never,
        });
        if (r.answer) await othersTold(ctx, client, r.answer, m.c);
      });
    }
  },
};
