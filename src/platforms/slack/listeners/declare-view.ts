// The declare modal: opened by `/incident declare`, submitted as VIEW.declare.
import { declareFormSchema, zodFieldErrors } from '../../../domain/forms.js';
import { VIEW } from '../ids.js';
import { declareModal, readDeclareValues } from '../render/modals/declare-modal.js';
import { decodeMeta, type StateValues } from '../render/modals/kit.js';
import { declaredInKey } from '../slack-sender.js';
import {
  actorOf,
  answer,
  errorCode,
  runCommand,
  type SlackClient,
  type SlackContext,
  type SlackFeature,
  tell,
  viewKey,
} from './common.js';

export async function openDeclareModal(
  ctx: SlackContext,
  client: SlackClient,
  o: { triggerId: string; channelId: string; userId: string; title?: string },
): Promise<void> {
  const view = declareModal(ctx.service.current.playbook, o);
  try {
    await client.views.open({ trigger_id: o.triggerId, view: view as never });
  } catch (e) {
    ctx.log.warn({ err: errorCode(e) }, 'could not open the declare modal');
    await tell(
      ctx,
      client,
      o.channelId,
      o.userId,
      'I could not open the declaration form (Slack said no). Please run `/incident declare` again.',
    );
  }
}

export const declareView: SlackFeature = {
  name: 'declare',
  views: [VIEW.declare],
  register(app, ctx) {
    app.view(VIEW.declare, async ({ ack, body, view, client }) => {
      const pb = ctx.service.current.playbook;
      const parsed = declareFormSchema(pb).safeParse(readDeclareValues(view.state.values as StateValues));
      if (!parsed.success) {
        await ack({ response_action: 'errors', errors: zodFieldErrors(parsed.error) });
        return;
      }
      const meta = decodeMeta(view.private_metadata);
      const actor = actorOf(ctx, body.user.id, body.user.name);
      const key = viewKey(view);
      if (meta.c) {
        // Where to fall back to when the incident channel cannot be created. Recorded under the declaration's
        // command key BEFORE the declaration commits: the dispatcher may try the channel (and need the
        // fallback) as soon as the commit is visible.
        try {
          ctx.outbox.setMessageRef(declaredInKey(key), 'slack', 'declared_in', meta.c, '');
        } catch (e) {
          ctx.log.warn({ err: e }, 'could not record the declaring channel');
        }
      }
      const outcome = runCommand(ctx, {
        key,
        incidentKey: null,
        command: { type: 'declare', key: '', ...parsed.data },
        actor,
      });
      if (!outcome.ok) {
        const block = outcome.error.code === 'unknown_trigger' ? 'triggerClass' : 'title';
        await ack({ response_action: 'errors', errors: { [block]: outcome.error.message } });
        return;
      }
      await ack();
      ctx.dispatcher.kick();
      await answer(ctx, client, outcome, actor.id, meta.c);
    });
  },
};
