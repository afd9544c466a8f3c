// The channels a person is in, from Slack (users.conversations, public and private channels the bot can
// see): what the application layer asks when the record does not know yet that someone is in an incident.
import type { SlackClient } from './context.js';

const MAX_PAGES = 5;

export async function channelsOf(client: SlackClient, user: string): Promise<string[] | null> {
  const out: string[] = [];
  let cursor: string | undefined;
  try {
    for (let page = 0; page < MAX_PAGES; page++) {
      const r = await client.users.conversations({
        user,
        types: 'public_channel,private_channel',
        exclude_archived: true,
        limit: 200,
        ...(cursor ? { cursor } : {}),
      });
      for (const c of r.channels ?? []) if (c.id) out.push(c.id);
      cursor = r.response_metadata?.next_cursor || undefined;
      if (!cursor) return out;
    }
    return out;
  } catch {
    return null; // cannot say: the known membership decides
  }
}
