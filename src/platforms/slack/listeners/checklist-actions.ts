// Golden-hour checklist checkboxes: what the click changed (selected vs. the element's initial_options)
// becomes check_item / uncheck_item commands, one per changed item that the incident does not already agree with.
import type { BlockAction } from '@slack/bolt';
import type { Command } from '../../../domain/commands.js';
import type { Incident } from '../../../domain/incident.js';
import { ACTION } from '../ids.js';
import { actionKey, actorOf, answer, runCommand, type SlackFeature, tell } from './common.js';
import { incidentForAction } from './open-modal.js';
import { idPattern } from './role-actions.js';

type Opt = { value: string };
// biome-ignore lint/suspicious/noExplicitAny: Block Kit JSON from the payload
type AnyBlock = any;

function findElement(
  blocks: AnyBlock[] | undefined,
  blockId: string | undefined,
  actionId: string,
): AnyBlock {
  const block = (blocks ?? []).find((b) => b?.block_id === blockId);
  if (!block) return null;
  const els: AnyBlock[] = [...(block.elements ?? []), ...(block.accessory ? [block.accessory] : [])];
  return els.find((e) => e?.action_id === actionId) ?? null;
}

/** Option values of the checkbox element that fired, read from the message the payload carries. */
export function elementOptions(
  blocks: AnyBlock[] | undefined,
  blockId: string | undefined,
  actionId: string,
): string[] | null {
  const el = findElement(blocks, blockId, actionId);
  return el?.options ? (el.options as Opt[]).map((o) => o.value) : null;
}

/**
 * What the element showed ticked before this click (its `initial_options`; absent means none), or null when
 * the element is not in the payload's message.
 */
export function elementInitial(
  blocks: AnyBlock[] | undefined,
  blockId: string | undefined,
  actionId: string,
): string[] | null {
  const el = findElement(blocks, blockId, actionId);
  if (!el) return null;
  return ((el.initial_options ?? []) as Opt[]).map((o) => o.value);
}

/**
 * The commands that bring the incident's checklist in line with what the user changed in the element.
 * Only the items this click changed (selected vs. the message's `initial_options`) are considered: a message
 * rendered before someone else ticked an item must not untick it. Without `initial` (element not found),
 * every option is compared with the incident.
 */
export function checklistDiff(
  incident: Incident,
  options: string[],
  selected: string[],
  initial: string[] | null = null,
): Command[] {
  const out: Command[] = [];
  for (const item of options) {
    const ticked = selected.includes(item);
    if (initial && ticked === initial.includes(item)) continue; // not what this click changed
    const done = incident.checklist[item]?.state === 'done';
    if (ticked && !done) out.push({ type: 'check_item', item });
    else if (!ticked && done) out.push({ type: 'uncheck_item', item });
  }
  return out;
}

export const checklistActions: SlackFeature = {
  name: 'checklist',
  actions: [ACTION.checkItem],
  register(app, ctx) {
    app.action(idPattern(ACTION.checkItem), async ({ ack, body, client }) => {
      await ack();
      const b = body as BlockAction;
      const a = b.actions[0] as unknown as {
        action_id: string;
        block_id?: string;
        selected_options?: Opt[];
        action_ts?: string;
      };
      const channelId = b.channel?.id ?? (b.container as { channel_id?: string } | undefined)?.channel_id;
      const incident = incidentForAction(ctx, undefined, channelId);
      if (!incident)
        return tell(
          ctx,
          client,
          channelId,
          b.user.id,
          'I could not tell which incident this checklist is for.',
        );
      const selected = (a.selected_options ?? []).map((o) => o.value);
      const blocks = b.message?.blocks as AnyBlock[] | undefined;
      const options = elementOptions(blocks, a.block_id, a.action_id) ?? selected;
      const initial = elementInitial(blocks, a.block_id, a.action_id);
      const actor = actorOf(ctx, b.user.id, b.user.name);
      const messageTs = (b.container as { message_ts?: string } | undefined)?.message_ts;
      for (const command of checklistDiff(incident, options, selected, initial)) {
        const item = 'item' in command ? command.item : '';
        const outcome = runCommand(ctx, {
          key: `${actionKey({ messageTs, actionId: a.action_id, value: item, user: actor.id, actionTs: a.action_ts })}:${command.type}`,
          incidentKey: incident.key,
          command,
          actor,
        });
        await answer(ctx, client, outcome, actor.id, channelId);
      }
    });
  },
};
