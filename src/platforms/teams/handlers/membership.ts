// People added to or removed from a conversation that is an incident's room (a group chat used as the
// room): recorded as joins and leaves. A channel thread has no members of its own (its channel decides who
// sees it), so for those the record knows role holders, people added and people who acted in the thread.
import type { App } from '@microsoft/teams.apps';
import { roomMembershipChanged } from '../../../app/membership.js';
import type { Json, TeamsContext } from '../context.js';

export function registerMembership(teams: App, ctx: TeamsContext): void {
  teams.on('activity', async (c) => {
    const a = c.activity as Json;
    if (a.type === 'conversationUpdate' && a.conversation?.id) {
      const changes: [Json[] | undefined, 'joined' | 'left'][] = [
        [a.membersAdded, 'joined'],
        [a.membersRemoved, 'left'],
      ];
      for (const [members, change] of changes)
        for (const m of Array.isArray(members) ? members : []) {
          const user = m?.aadObjectId ? String(m.aadObjectId) : '';
          if (!user) continue; // the bot itself, or someone the activity does not identify
          roomMembershipChanged(
            ctx.app,
            'teams',
            String(a.conversation.id),
            user,
            change,
            `teams:member:${a.id ?? ''}:${change}:${user}`,
          );
        }
    }
    await c.next();
  });
}
