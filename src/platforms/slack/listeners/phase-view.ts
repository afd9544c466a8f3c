// Phase modal: forward with confirmed exit criteria (advance_phase), or back with a reason (revert_phase).

import { ACTION, VIEW } from '../ids.js';
import type { StateValues } from '../render/modals/kit.js';
import { PHASE_BLOCK, readPhase } from '../render/modals/phase-modal.js';
import { actorOf, answer, runCommand, type SlackFeature, viewKey } from './common.js';
import { registerOpenButton } from './open-modal.js';
import { incidentFromMeta, refuse } from './view-helpers.js';

export const phaseView: SlackFeature = {
  name: 'phase',
  views: [VIEW.phase],
  actions: [ACTION.openPhase],
  register(app, ctx) {
    registerOpenButton(app, ctx, ACTION.openPhase, 'phase');
    app.view(VIEW.phase, async ({ ack, body, view, client }) => {
      const { incident, meta } = incidentFromMeta(ctx, view.private_metadata);
      if (!incident) return refuse(ack, PHASE_BLOCK.move, 'This incident no longer exists.');
      const values = view.state.values as StateValues;
      const r = readPhase(values);
      if (!r.move) return refuse(ack, PHASE_BLOCK.move, 'Choose where to move.');
      if (r.move.dir === 'back' && !r.reason)
        return refuse(ack, PHASE_BLOCK.reason, 'Say why the incident moves back.');
      const actor = actorOf(ctx, body.user.id, body.user.name);
      const outcome = runCommand(ctx, {
        key: viewKey(view),
        incidentKey: incident.key,
        command:
          r.move.dir === 'forward'
            ? { type: 'advance_phase', to: r.move.to, confirmed: r.confirmed }
            : { type: 'revert_phase', to: r.move.to, reason: r.reason },
        actor,
      });
      if (!outcome.ok) {
        const hasCriteria = Object.keys(values).includes(PHASE_BLOCK.criteria);
        const block =
          outcome.error.code === 'criteria_unconfirmed' && hasCriteria
            ? PHASE_BLOCK.criteria
            : PHASE_BLOCK.move;
        return refuse(ack, block, outcome.error);
      }
      await ack();
      await answer(ctx, client, outcome, actor.id, meta.c ?? incident.room?.id);
    });
  },
};
