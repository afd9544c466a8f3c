// Who is in an incident's channel, as Slack reports it: joins and leaves (member_joined_channel /
// member_left_channel) are recorded in the incident's log; the rest is the application layer's.
import { roomMembershipChanged } from '../../../app/membership.js';
import type { SlackFeature } from '../context.js';

interface MemberEvent {
  user?: string;
  channel?: string;
}

export const membershipEvents: SlackFeature = {
  name: 'membership-events',
  register(app, ctx) {
    for (const [event, change] of [
      ['member_joined_channel', 'joined'],
      ['member_left_channel', 'left'],
    ] as const) {
      app.event(event, async ({ event: e, body }) => {
        const m = e as unknown as MemberEvent;
        const eventId = (body as { event_id?: string }).event_id;
        if (!m.user || !m.channel || !eventId) return;
        roomMembershipChanged(ctx.app, 'slack', m.channel, m.user, change, `slack:event:${eventId}`);
      });
    }
  },
};
