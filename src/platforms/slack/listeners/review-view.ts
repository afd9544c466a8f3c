// Post-incident review: `/incident review` opens the modal (once the incident is closed) -> record_review,
// which moves the incident to its final phase.
import { REVIEW_PROBE } from '../../../domain/commands.js';
import type { Incident } from '../../../domain/incident.js';
import { VIEW } from '../ids.js';
import type { StateValues } from '../render/modals/kit.js';
import { REVIEW_BLOCK, REVIEW_FIELD_BLOCK, readReview, reviewModal } from '../render/modals/review-modal.js';
import {
  actorOf,
  answer,
  precheck,
  runCommand,
  type SlackClient,
  type SlackContext,
  type SlackFeature,
  tell,
  viewKey,
} from './common.js';
import { openView } from './open-modal.js';
import { incidentFromMeta, refuse } from './view-helpers.js';

/** Why the review cannot be recorded now, or null. */
export function reviewRefusal(
  ctx: SlackContext,
  i: Incident,
  userId: string,
  userName?: string,
): string | null {
  const pb = ctx.service.playbookFor(i);
  if (i.reviewedAt || i.review) return `The review of ${i.key} was already recorded.`;
  if (i.standDown && i.phase !== pb.reviewPhase)
    return `No post-incident review is owed: ${i.key} was stood down as a false alarm.`;
  if (i.phase !== pb.reviewPhase) {
    return 'The post-incident review is recorded after the incident is closed (`/incident close`).';
  }
  const refusal = precheck(ctx, i, REVIEW_PROBE, actorOf(ctx, userId, userName));
  return refusal?.message ?? null;
}

/** Opens the review modal; returns a sentence for the person when it cannot. */
export async function openReviewModal(
  ctx: SlackContext,
  client: SlackClient,
  r: { incident: Incident; triggerId: string; channelId: string; userId: string; userName?: string },
): Promise<string | null> {
  const refusal = reviewRefusal(ctx, r.incident, r.userId, r.userName);
  if (refusal) return refusal;
  return openView(ctx, client, r.triggerId, reviewModal(r.incident, { channelId: r.channelId }));
}

export const reviewView: SlackFeature = {
  name: 'review',
  views: [VIEW.review],
  register(app, ctx) {
    app.view(VIEW.review, async ({ ack, body, view, client }) => {
      const { incident, meta } = incidentFromMeta(ctx, view.private_metadata);
      if (!incident) return refuse(ack, REVIEW_BLOCK.summary, 'This incident no longer exists.');
      const read = readReview(view.state.values as StateValues);
      if (!read.ok) {
        await ack({ response_action: 'errors', errors: read.errors });
        return;
      }
      const actor = actorOf(ctx, body.user.id, body.user.name);
      const outcome = runCommand(ctx, {
        key: viewKey(view),
        incidentKey: incident.key,
        command: { type: 'record_review', ...read.value },
        actor,
      });
      if (!outcome.ok) {
        // shown next to the field the refusal is about (e.g. "no follow-up tasks"), else on the summary
        const block =
          (outcome.error.field && REVIEW_FIELD_BLOCK[outcome.error.field]) || REVIEW_BLOCK.summary;
        return refuse(ack, block, outcome.error);
      }
      await ack();
      if (outcome.replay) return;
      const channel = meta.c ?? incident.room?.id;
      await answer(ctx, client, outcome, actor.id, channel);
      await tell(
        ctx,
        client,
        channel,
        actor.id,
        `:memo: Review recorded; ${incident.key} is done. \`/incident export\` writes the review document.`,
      );
    });
  },
};
