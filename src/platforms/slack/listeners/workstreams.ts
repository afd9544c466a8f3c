// The summary's workstream controls: "Lead …" (take it), "Release …", and the people picker that names or
// hands over a lead. Each click is read into a Press; the application layer decides who may.
import type { BlockAction } from '@slack/bolt';
import { type Press, press } from '../../../app/buttons.js';
import { findWorkstream } from '../../../domain/workstreams.js';
import { actionKey, actorOf, deliver, type SlackFeature, tell } from '../context.js';
import { ACTION } from '../ids.js';
import { workstreamFromBlockId } from '../render/workstreams.js';
import { type Act, channelOf, idPattern, messageTs } from './buttons.js';

export const workstreamButtons: SlackFeature = {
  name: 'workstreams',
  actions: [ACTION.leadWorkstream, ACTION.releaseWorkstream, ACTION.assignWorkstream],
  register(app, ctx) {
    const on = (id: string, kind: 'lead' | 'release' | 'assign') =>
      app.action(idPattern(id), async ({ ack, body, client }) => {
        await ack();
        const b = body as BlockAction;
        const a = b.actions[0] as unknown as Act;
        const channel = channelOf(b);
        const incident = ctx.app.incidentInRoom('slack', channel);
        if (!incident)
          return tell(ctx, client, channel, b.user.id, 'I could not tell which incident this button is for.');
        // the buttons carry the workstream as their value, the picker in its line's block_id
        const ws = kind === 'assign' ? workstreamFromBlockId(a.block_id) : (a.value ?? null);
        if (!ws || !findWorkstream(ctx.app.playbookFor(incident), ws))
          return tell(ctx, client, channel, b.user.id, 'I could not tell which workstream this is for.');
        if (kind === 'assign' && !a.selected_user) return;
        const p: Press =
          kind === 'release'
            ? { kind: 'release_workstream', workstream: ws }
            : kind === 'assign'
              ? { kind: 'lead_workstream', workstream: ws, user: a.selected_user! }
              : { kind: 'lead_workstream', workstream: ws };
        const actor = actorOf(ctx, b.user.id, b.user.name);
        const key = actionKey({
          messageTs: messageTs(b),
          actionId: a.action_id,
          value: a.selected_user ?? ws,
          user: b.user.id,
          actionTs: a.action_ts,
        });
        const r = press(ctx.app, { actor, key, ...(channel ? { roomId: channel } : {}) }, incident, p);
        await deliver(ctx, client, r.answer, actor.id, channel ?? incident.room?.id);
      });
    on(ACTION.leadWorkstream, 'lead');
    on(ACTION.releaseWorkstream, 'release');
    on(ACTION.assignWorkstream, 'assign');
  },
};
