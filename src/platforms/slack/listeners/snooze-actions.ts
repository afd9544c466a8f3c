// Snooze buttons on nudges: action_id `nudge_snooze:15` / `nudge_snooze:30`, value `{snoozeKind}:{minutes}`
// -> `snooze` {kind, until: now + minutes}. The nudge may be in the incident channel or a DM to the IC:
// the incident is the channel's, else the one whose key the nudge names.
import type { BlockAction } from '@slack/bolt';
import type { Incident } from '../../../domain/incident.js';
import { ACTION } from '../ids.js';
import { parseSnoozeValue } from '../render/post-messages.js';
import {
  actionKey,
  actorOf,
  answer,
  incidentInChannel,
  runCommand,
  type SlackContext,
  type SlackFeature,
  tell,
} from './common.js';

export const SNOOZE_PATTERN = /^nudge_snooze(:.*)?$/;

// biome-ignore lint/suspicious/noExplicitAny: Block Kit JSON from the payload
type AnyJson = any;

/** Every mrkdwn/plain text in a message (its fallback text and blocks). */
function textsOf(message: AnyJson): string {
  const out: string[] = [];
  const visit = (v: AnyJson): void => {
    if (Array.isArray(v)) for (const x of v) visit(x);
    else if (v && typeof v === 'object') {
      if (typeof v.text === 'string') out.push(v.text);
      for (const x of Object.values(v)) if (typeof x === 'object') visit(x);
    }
  };
  if (typeof message?.text === 'string') out.push(message.text);
  visit(message?.blocks);
  return out.join('\n');
}

/** The incident a nudge is about: the channel's, else the active incident whose key the message names. */
export function incidentOfNudge(
  ctx: SlackContext,
  channelId: string | undefined,
  message: AnyJson,
): Incident | null {
  const inChannel = incidentInChannel(ctx, channelId);
  if (inChannel) return inChannel;
  const text = textsOf(message);
  if (!text) return null;
  const named = ctx.service.store
    .listActive()
    .filter((i) =>
      new RegExp(`(^|[^A-Z0-9-])${i.key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![0-9])`).test(text),
    );
  return named.length === 1 ? named[0]! : null;
}

export const snoozeActions: SlackFeature = {
  name: 'snooze',
  actions: [ACTION.snooze],
  register(app, ctx) {
    app.action(SNOOZE_PATTERN, async ({ ack, body, client }) => {
      await ack();
      const b = body as BlockAction;
      const a = b.actions[0] as unknown as { action_id: string; value?: string; action_ts?: string };
      const channelId = b.channel?.id ?? (b.container as { channel_id?: string } | undefined)?.channel_id;
      const parsed = parseSnoozeValue(a?.value ?? '');
      if (!parsed || parsed.minutes > 24 * 60) {
        await tell(ctx, client, channelId, b.user.id, 'I could not read that snooze button.');
        return;
      }
      const incident = incidentOfNudge(ctx, channelId, (b as { message?: unknown }).message);
      if (!incident) {
        await tell(
          ctx,
          client,
          channelId,
          b.user.id,
          'I could not tell which incident this reminder is about.',
        );
        return;
      }
      const actor = actorOf(ctx, b.user.id, b.user.name);
      const until = new Date(ctx.service.now().getTime() + parsed.minutes * 60_000).toISOString();
      const outcome = runCommand(ctx, {
        key: actionKey({
          messageTs: (b.container as { message_ts?: string } | undefined)?.message_ts,
          actionId: a.action_id,
          value: a.value,
          user: b.user.id,
          actionTs: a.action_ts,
        }),
        incidentKey: incident.key,
        command: { type: 'snooze', kind: parsed.kind, until },
        actor,
      });
      if (outcome.ok && !outcome.replay) {
        await tell(
          ctx,
          client,
          channelId,
          actor.id,
          `:zzz: Reminders snoozed for ${parsed.minutes} minutes (${incident.key}).`,
        );
        return;
      }
      await answer(ctx, client, outcome, actor.id, channelId);
    });
  },
};
