// The roles nudge's Page button: pages the role's on-call as the person who pressed it. The application
// layer decides (only the incident commander or the comms lead may page; a second page is refused).
import type { BlockAction } from '@slack/bolt';
import { press } from '../../../app/buttons.js';
import { actionKey, actorOf, deliver, type SlackFeature, tell } from '../context.js';
import { ACTION } from '../ids.js';
import { parsePageValue } from '../render/actions.js';
import { type Act, channelOf, idPattern, messageTs } from './buttons.js';

export const pageButton: SlackFeature = {
  name: 'page-button',
  actions: [ACTION.page],
  register(app, ctx) {
    app.action(idPattern(ACTION.page), async ({ ack, body, client }) => {
      await ack();
      const b = body as BlockAction;
      const a = b.actions[0] as unknown as Act;
      const parsed = parsePageValue(a?.value);
      const incident = parsed ? ctx.app.incident(parsed.incidentKey) : null;
      if (!parsed || !incident)
        return tell(ctx, client, channelOf(b), b.user.id, 'I could not tell whom this button pages.');
      const actor = actorOf(ctx, b.user.id, b.user.name);
      const key = actionKey({
        messageTs: messageTs(b),
        actionId: a.action_id,
        value: a.value,
        user: b.user.id,
        actionTs: a.action_ts,
      });
      const channel = channelOf(b);
      const r = press(ctx.app, { actor, key, ...(channel ? { roomId: channel } : {}) }, incident, {
        kind: 'page',
        target: parsed.target,
      });
      await deliver(ctx, client, r.answer, actor.id, channel ?? incident.room?.id);
    });
  },
};
