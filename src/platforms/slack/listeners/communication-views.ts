// Initial stakeholder alert and status update: modals built from the playbook's templates.
import type { TemplateId } from '../../../domain/playbook.js';
import { ACTION, VIEW } from '../ids.js';
import { fieldBlock, readTemplateFields } from '../render/modals/communication-modal.js';
import type { StateValues } from '../render/modals/kit.js';
import {
  actorOf,
  answer,
  runCommand,
  type SlackContext,
  type SlackFeature,
  tell,
  viewKey,
} from './common.js';
import { registerOpenButton } from './open-modal.js';
import { firstInputBlock, incidentFromMeta, refuse } from './view-helpers.js';

/** Said after a communication when SLACK_STAKEHOLDER_CHANNEL is unset: nobody outside the room got it. */
export const NOT_TO_STAKEHOLDERS =
  ':warning: This went to the incident channel only: no stakeholder channel is configured (SLACK_STAKEHOLDER_CHANNEL). Forward it to the stakeholders yourself.';

function registerSubmission(
  app: Parameters<SlackFeature['register']>[0],
  ctx: SlackContext,
  callbackId: string,
  template: 'initial_alert' | 'status_update',
): void {
  app.view(callbackId, async ({ ack, body, view, client }) => {
    const { incident, meta } = incidentFromMeta(ctx, view.private_metadata);
    const first = firstInputBlock(view.blocks as never, fieldBlock('summary'));
    if (!incident) return refuse(ack, first, 'This incident no longer exists.');
    const pb = ctx.service.playbookFor(incident);
    const read = readTemplateFields(pb, template as TemplateId, view.state.values as StateValues);
    if (!read.ok) {
      await ack({ response_action: 'errors', errors: read.errors });
      return;
    }
    const actor = actorOf(ctx, body.user.id, body.user.name);
    const outcome = runCommand(ctx, {
      key: viewKey(view),
      incidentKey: incident.key,
      command:
        template === 'initial_alert'
          ? { type: 'send_initial_alert', fields: read.fields }
          : { type: 'post_status_update', fields: read.fields },
      actor,
    });
    if (!outcome.ok) return refuse(ack, first, outcome.error);
    await ack();
    await answer(ctx, client, outcome, actor.id, meta.c ?? incident.room?.id);
    if (!ctx.stakeholderChannel && !outcome.replay)
      await tell(ctx, client, meta.c ?? incident.room?.id, actor.id, NOT_TO_STAKEHOLDERS);
  });
}

export const communicationViews: SlackFeature = {
  name: 'communications',
  views: [VIEW.initialAlert, VIEW.statusUpdate],
  actions: [ACTION.openAlert, ACTION.openUpdate],
  register(app, ctx) {
    registerSubmission(app, ctx, VIEW.initialAlert, 'initial_alert');
    registerSubmission(app, ctx, VIEW.statusUpdate, 'status_update');
    registerOpenButton(app, ctx, ACTION.openAlert, 'alert');
    registerOpenButton(app, ctx, ACTION.openUpdate, 'update');
  },
};
