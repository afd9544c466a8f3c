// Follow-up actions: the modal behind `/incident followup` -> add_followup, and the "Mark done" button
// (on the `/incident followups` list, value `{incidentKey}:{followupId}`, and on the follow-up post,
// value `{followupId}`) -> complete_followup.
import { createHash } from 'node:crypto';
import type { BlockAction } from '@slack/bolt';
import type { Incident } from '../../../domain/incident.js';
import { ACTION, VIEW } from '../ids.js';
import {
  FOLLOWUP_BLOCK,
  followupModal,
  parseFollowupDoneValue,
  readFollowup,
} from '../render/modals/followup-modal.js';
import type { StateValues } from '../render/modals/kit.js';
import {
  actionKey,
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
import { idPattern } from './role-actions.js';
import { incidentFromMeta, refuse } from './view-helpers.js';

/** A short follow-up id derived from the modal's view id (one modal, one follow-up). */
export function followupIdFor(viewId: string): string {
  return `fu-${createHash('sha256').update(viewId).digest('hex').slice(0, 8)}`;
}

export interface OpenFollowupRequest {
  incident: Incident;
  triggerId: string;
  channelId: string;
  userId: string;
  userName?: string;
}

/** Why this person cannot add a follow-up now, or null. */
export function followupRefusal(
  ctx: SlackContext,
  incident: Incident,
  userId: string,
  userName?: string,
): string | null {
  const refusal = precheck(
    ctx,
    incident,
    { type: 'add_followup', id: '', what: '', owner: userId, due: '', objective: 'risk' },
    actorOf(ctx, userId, userName),
  );
  return refusal?.message ?? null;
}

/** Opens the follow-up modal; returns a sentence for the person when it cannot. */
export async function openFollowupModal(
  ctx: SlackContext,
  client: SlackClient,
  r: OpenFollowupRequest,
): Promise<string | null> {
  const refusal = followupRefusal(ctx, r.incident, r.userId, r.userName);
  if (refusal) return refusal;
  return openView(
    ctx,
    client,
    r.triggerId,
    followupModal(r.incident, { channelId: r.channelId, userId: r.userId, now: ctx.service.now() }),
  );
}

export const followupActions: SlackFeature = {
  name: 'followups',
  views: [VIEW.followup],
  actions: [ACTION.followupDone],
  register(app, ctx) {
    app.view(VIEW.followup, async ({ ack, body, view, client }) => {
      const { incident, meta } = incidentFromMeta(ctx, view.private_metadata);
      if (!incident) return refuse(ack, FOLLOWUP_BLOCK.what, 'This incident no longer exists.');
      const read = readFollowup(view.state.values as StateValues);
      if (!read.ok) {
        await ack({ response_action: 'errors', errors: read.errors });
        return;
      }
      const actor = actorOf(ctx, body.user.id, body.user.name);
      const id = followupIdFor(view.id);
      const outcome = runCommand(ctx, {
        key: viewKey(view),
        incidentKey: incident.key,
        command: { type: 'add_followup', id, ...read.value },
        actor,
      });
      if (!outcome.ok) {
        const field = outcome.error.message.includes('due') ? FOLLOWUP_BLOCK.due : FOLLOWUP_BLOCK.what;
        return refuse(ack, field, outcome.error);
      }
      await ack();
      if (outcome.replay) return;
      const channel = meta.c ?? incident.room?.id;
      await tell(ctx, client, channel, actor.id, `:pushpin: Follow-up \`${id}\` added to ${incident.key}.`);
      await answer(ctx, client, outcome, actor.id, channel);
    });

    app.action(idPattern(ACTION.followupDone), async ({ ack, body, client }) => {
      await ack();
      const b = body as BlockAction;
      const a = b.actions[0] as unknown as { action_id: string; value?: string; action_ts?: string };
      const channelId = b.channel?.id ?? (b.container as { channel_id?: string } | undefined)?.channel_id;
      const parsed = parseFollowupDoneValue(a?.value);
      const incident = parsed?.incidentKey
        ? ctx.service.get(parsed.incidentKey)
        : channelId
          ? ctx.service.store.findByRoom('slack', channelId)
          : null;
      if (!parsed || !incident) {
        await tell(ctx, client, channelId, b.user.id, 'I could not tell which follow-up this button is for.');
        return;
      }
      const actor = actorOf(ctx, b.user.id, b.user.name);
      const outcome = runCommand(ctx, {
        key: actionKey({
          messageTs: (b.container as { message_ts?: string } | undefined)?.message_ts,
          actionId: a.action_id,
          value: a.value,
          user: b.user.id,
          actionTs: a.action_ts,
        }),
        incidentKey: incident.key,
        command: { type: 'complete_followup', id: parsed.id },
        actor,
      });
      await answer(ctx, client, outcome, actor.id, channelId ?? incident.room?.id);
    });
  },
};
