// Every inbound activity refreshes what the bot knows: the reference of its conversation (to post there
// later) and the name of who sent it. A failure here never stops the activity.
import type { App } from '@microsoft/teams.apps';
import type { Json, TeamsContext } from '../context.js';
import { conversationRefFrom } from '../proactive.js';

export function registerRemember(teams: App, ctx: TeamsContext): void {
  teams.on('activity', async (c) => {
    const a = c.activity as Json;
    const at = ctx.app.now();
    try {
      if (a.serviceUrl && a.conversation?.id)
        ctx.refs.remember(
          {
            ...conversationRefFrom(a),
            ...(a.conversation.conversationType ? { conversationType: a.conversation.conversationType } : {}),
          },
          at,
        );
      const userId = a.from?.aadObjectId ?? a.from?.id;
      if (userId && a.from?.role !== 'bot') {
        const personal = a.conversation?.conversationType === 'personal' ? a.conversation.id : undefined;
        ctx.refs.rememberUser(
          {
            userId,
            ...(a.from.name ? { name: a.from.name } : {}),
            ...(a.from.id ? { platformId: a.from.id } : {}),
            ...(personal ? { personalConversationId: personal } : {}),
          },
          at,
        );
      }
    } catch (e) {
      ctx.log.warn(
        { err: e instanceof Error ? e.message : String(e) },
        'teams: could not store the conversation reference',
      );
    }
    await c.next();
  });
}
