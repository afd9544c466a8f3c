// Close modal: closure criteria, the closure notice, the review facilitator -> close.

import { ACTION, VIEW } from '../ids.js';
import { CLOSE_BLOCK, readClose, readTemplateFields } from '../render/modals/communication-modal.js';
import type { StateValues } from '../render/modals/kit.js';
import { actorOf, answer, runCommand, type SlackFeature, viewKey } from './common.js';
import { registerOpenButton } from './open-modal.js';
import { incidentFromMeta, refuse } from './view-helpers.js';

export const closeView: SlackFeature = {
  name: 'close',
  views: [VIEW.close],
  actions: [ACTION.openClose],
  register(app, ctx) {
    registerOpenButton(app, ctx, ACTION.openClose, 'close');
    app.view(VIEW.close, async ({ ack, body, view, client }) => {
      const { incident, meta } = incidentFromMeta(ctx, view.private_metadata);
      if (!incident) return refuse(ack, CLOSE_BLOCK.criteria, 'This incident no longer exists.');
      const values = view.state.values as StateValues;
      const read = readTemplateFields(ctx.service.playbookFor(incident), 'closure_notice', values);
      if (!read.ok) {
        await ack({ response_action: 'errors', errors: read.errors });
        return;
      }
      const { confirmed, facilitator } = readClose(values);
      const actor = actorOf(ctx, body.user.id, body.user.name);
      const outcome = runCommand(ctx, {
        key: viewKey(view),
        incidentKey: incident.key,
        command: { type: 'close', confirmed, fields: read.fields, ...(facilitator ? { facilitator } : {}) },
        actor,
      });
      if (!outcome.ok) return refuse(ack, CLOSE_BLOCK.criteria, outcome.error);
      await ack();
      await answer(ctx, client, outcome, actor.id, meta.c ?? incident.room?.id);
    });
  },
};
