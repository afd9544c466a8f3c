// Re-classify modal -> reclassify (trigger class and/or severe customer impact, with a reason).

import { VIEW } from '../ids.js';
import type { StateValues } from '../render/modals/kit.js';
import { RECLASSIFY_BLOCK, readReclassify } from '../render/modals/reclassify-modal.js';
import { actorOf, answer, runCommand, type SlackFeature, viewKey } from './common.js';
import { incidentFromMeta, refuse } from './view-helpers.js';

export const reclassifyView: SlackFeature = {
  name: 'reclassify',
  views: [VIEW.reclassify],
  register(app, ctx) {
    app.view(VIEW.reclassify, async ({ ack, body, view, client }) => {
      const { incident, meta } = incidentFromMeta(ctx, view.private_metadata);
      if (!incident) return refuse(ack, RECLASSIFY_BLOCK.triggerClass, 'This incident no longer exists.');
      const r = readReclassify(view.state.values as StateValues);
      if (!r.reason) return refuse(ack, RECLASSIFY_BLOCK.reason, 'Say why the incident is re-classified.');
      const actor = actorOf(ctx, body.user.id, body.user.name);
      const outcome = runCommand(ctx, {
        key: viewKey(view),
        incidentKey: incident.key,
        command: { type: 'reclassify', ...r },
        actor,
      });
      if (!outcome.ok) return refuse(ack, RECLASSIFY_BLOCK.triggerClass, outcome.error);
      await ack();
      await answer(ctx, client, outcome, actor.id, meta.c ?? incident.room?.id);
    });
  },
};
