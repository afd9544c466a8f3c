// Golden-hour checklist checkboxes: the selected options are diffed against the incident's checklist
// and become check_item / uncheck_item commands (one per changed item).
import type { BlockAction } from '@slack/bolt';
import type { Command } from '../../../core/commands.js';
import type { Incident } from '../../../core/incident.js';
import { ACTION } from '../ids.js';
import { actionKey, actorOf, answer, runCommand, type SlackFeature, tell } from './common.js';
import { incidentForAction } from './open-modal.js';
import { idPattern } from './role-actions.js';

type Opt = { value: string };
// biome-ignore lint/suspicious/noExplicitAny: Block Kit JSON from the payload
type AnyBlock = any;

/** Option values of the checkbox element that fired, read from the message the payload carries. */
export function elementOptions(
  blocks: AnyBlock[] | undefined,
  blockId: string | undefined,
  actionId: string,
): string[] | null {
  const block = (blocks ?? []).find((b) => b?.block_id === blockId);
  if (!block) return null;
  const els: AnyBlock[] = [...(block.elements ?? []), ...(block.accessory ? [block.accessory] : [])];
  const el = els.find((e) => e?.action_id === actionId);
  return el?.options ? (el.options as Opt[]).map((o) => o.value) : null;
}

/** The commands that bring the incident's checklist in line with what is ticked in the element. */
export function checklistDiff(incident: Incident, options: string[], selected: string[]): Command[] {
  const out: Command[] = [];
  for (const item of options) {
    const done = incident.checklist[item]?.state === 'done';
    const ticked = selected.includes(item);
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
      const options =
        elementOptions(b.message?.blocks as AnyBlock[] | undefined, a.block_id, a.action_id) ?? selected;
      const actor = actorOf(ctx, b.user.id, b.user.name);
      const messageTs = (b.container as { message_ts?: string } | undefined)?.message_ts;
      for (const command of checklistDiff(incident, options, selected)) {
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
