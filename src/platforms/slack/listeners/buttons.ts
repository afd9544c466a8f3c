// Buttons on the bot's messages: role claim / release / hand over (summary), checklist checkboxes, snooze
// (nudges) and "Mark done" (follow-ups). Each payload is read into a Press; the application layer decides.
import type { BlockAction } from '@slack/bolt';
import { type Press, press } from '../../../app/buttons.js';
import type { Incident } from '../../../domain/incident.js';
import type { Playbook } from '../../../domain/playbook.js';
import {
  actionKey,
  actorOf,
  deliver,
  type SlackClient,
  type SlackContext,
  type SlackFeature,
  tell,
} from '../context.js';
import { ACTION } from '../ids.js';
import { checklistChanges, elementInitial, elementOptions } from '../parse/checklist.js';
import { incidentOfNudge } from '../parse/nudge.js';
import { parseFollowupDoneValue, parseSnoozeValue } from '../render/actions.js';

/** Matches the id itself or the id with a `:suffix`. */
export const idPattern = (id: string) => new RegExp(`^${id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(:.*)?$`);

/** What a block action carries that the listeners read. */
export type Act = {
  action_id: string;
  block_id?: string;
  value?: string;
  selected_user?: string | null;
  action_ts?: string;
};

/** The channel a block action was pressed in. */
export const channelOf = (b: BlockAction) =>
  b.channel?.id ?? (b.container as { channel_id?: string } | undefined)?.channel_id;
/** The message a block action was pressed on. */
export const messageTs = (b: BlockAction) => (b.container as { message_ts?: string } | undefined)?.message_ts;

/** The role a role button is for: its value (a role id, or JSON {role}), or an id suffix (`role:scribe:v3`). */
export function roleOfAction(pb: Playbook, a: Act): string | null {
  const known = (r: string | undefined | null) => (r && pb.roles.some((x) => x.id === r) ? r : null);
  const segments = (s: string | undefined) => (s?.includes(':') ? s.split(':').slice(1) : []);
  const fromIds = [...segments(a.action_id), ...segments(a.block_id), ...segments(a.value)].find((x) =>
    known(x),
  );
  let fromJson: string | undefined;
  try {
    fromJson = a.value ? (JSON.parse(a.value) as { role?: string })?.role : undefined;
  } catch {
    fromJson = undefined;
  }
  return known(a.value) ?? known(fromJson) ?? known(fromIds);
}

async function run(
  ctx: SlackContext,
  client: SlackClient,
  b: BlockAction,
  incident: Incident,
  p: Press,
  key: string,
): Promise<void> {
  const actor = actorOf(ctx, b.user.id, b.user.name);
  const r = press(ctx.app, { actor, key, ...(channelOf(b) ? { roomId: channelOf(b)! } : {}) }, incident, p);
  // Refusals (role taken, not the IC...) and notices the room does not already show go to the clicker;
  // overload warnings to whoever they concern.
  await deliver(ctx, client, r.answer, actor.id, channelOf(b) ?? incident.room?.id);
}

async function roleAction(
  ctx: SlackContext,
  b: BlockAction,
  client: SlackClient,
  kind: 'claim' | 'release' | 'handover',
) {
  const a = b.actions[0] as unknown as Act;
  const channelId = channelOf(b);
  const incident = ctx.app.incidentInRoom('slack', channelId) ?? (a.value ? ctx.app.incident(a.value) : null);
  if (!incident)
    return tell(ctx, client, channelId, b.user.id, 'I could not tell which incident this button is for.');
  const role = roleOfAction(ctx.app.playbookFor(incident), a);
  if (!role)
    return tell(ctx, client, channelId, b.user.id, 'I could not tell which role this button is for.');
  if (kind === 'handover' && !a.selected_user) return;
  const p: Press =
    kind === 'claim'
      ? { kind: 'claim_role', role }
      : kind === 'release'
        ? { kind: 'release_role', role }
        : { kind: 'handover_role', role, user: a.selected_user! };
  const key = actionKey({
    messageTs: messageTs(b),
    actionId: a.action_id,
    value: a.selected_user ?? a.value ?? role,
    user: b.user.id,
    actionTs: a.action_ts,
  });
  return run(ctx, client, b, incident, p, key);
}

export const buttons: SlackFeature = {
  name: 'buttons',
  actions: [
    ACTION.claimRole,
    ACTION.releaseRole,
    ACTION.handoverRole,
    ACTION.checkItem,
    ACTION.snooze,
    ACTION.followupDone,
  ],
  register(app, ctx) {
    const role = (id: string, kind: 'claim' | 'release' | 'handover') =>
      app.action(idPattern(id), async ({ ack, body, client }) => {
        await ack();
        await roleAction(ctx, body as BlockAction, client, kind);
      });
    role(ACTION.claimRole, 'claim');
    role(ACTION.releaseRole, 'release');
    role(ACTION.handoverRole, 'handover');

    // Checkboxes: what this click changed (selected vs. the element's initial_options), one command per item.
    app.action(idPattern(ACTION.checkItem), async ({ ack, body, client }) => {
      await ack();
      const b = body as BlockAction;
      const a = b.actions[0] as unknown as Act & { selected_options?: { value: string }[] };
      const incident = ctx.app.incidentInRoom('slack', channelOf(b));
      if (!incident)
        return tell(
          ctx,
          client,
          channelOf(b),
          b.user.id,
          'I could not tell which incident this checklist is for.',
        );
      const selected = (a.selected_options ?? []).map((o) => o.value);
      // biome-ignore lint/suspicious/noExplicitAny: Block Kit JSON from the payload
      const blocks = b.message?.blocks as any[] | undefined;
      const options = elementOptions(blocks, a.block_id, a.action_id) ?? selected;
      const initial = elementInitial(blocks, a.block_id, a.action_id);
      for (const p of checklistChanges(incident, options, selected, initial)) {
        const key = `${actionKey({ messageTs: messageTs(b), actionId: a.action_id, value: p.item, user: b.user.id, actionTs: a.action_ts })}:${p.kind === 'check_item' ? 'check_item' : 'uncheck_item'}`;
        await run(ctx, client, b, incident, p, key);
      }
    });

    app.action(idPattern(ACTION.snooze), async ({ ack, body, client }) => {
      await ack();
      const b = body as BlockAction;
      const a = b.actions[0] as unknown as Act;
      const parsed = parseSnoozeValue(a?.value ?? '');
      if (!parsed || parsed.minutes > 24 * 60)
        return tell(ctx, client, channelOf(b), b.user.id, 'I could not read that snooze button.');
      const incident =
        (parsed.incidentKey ? ctx.app.incident(parsed.incidentKey) : null) ??
        incidentOfNudge(ctx, channelOf(b), (b as { message?: unknown }).message);
      if (!incident)
        return tell(
          ctx,
          client,
          channelOf(b),
          b.user.id,
          'I could not tell which incident this reminder is about.',
        );
      const key = actionKey({
        messageTs: messageTs(b),
        actionId: a.action_id,
        value: a.value,
        user: b.user.id,
        actionTs: a.action_ts,
      });
      const p: Press = {
        kind: 'snooze',
        snoozeKind: parsed.kind,
        minutes: parsed.minutes,
        ...(parsed.dueAt ? { dueAt: parsed.dueAt } : {}),
      };
      return run(ctx, client, b, incident, p, key);
    });

    app.action(idPattern(ACTION.followupDone), async ({ ack, body, client }) => {
      await ack();
      const b = body as BlockAction;
      const a = b.actions[0] as unknown as Act;
      const parsed = parseFollowupDoneValue(a?.value);
      const incident = parsed?.incidentKey
        ? ctx.app.incident(parsed.incidentKey)
        : ctx.app.incidentInRoom('slack', channelOf(b));
      if (!parsed || !incident)
        return tell(
          ctx,
          client,
          channelOf(b),
          b.user.id,
          'I could not tell which follow-up this button is for.',
        );
      const key = actionKey({
        messageTs: messageTs(b),
        actionId: a.action_id,
        value: a.value,
        user: b.user.id,
        actionTs: a.action_ts,
      });
      return run(ctx, client, b, incident, { kind: 'followup_done', id: parsed.id }, key);
    });
  },
};
