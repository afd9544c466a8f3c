// Whether a conversation is the incident's room. A room may be a whole Teams channel (channel mode): each
// post in it is its own conversation, `<channel>;messageid=<post>`, and is in the room all the same.
const THREAD = ';messageid=';

/** The room a conversation would belong to when its own id is not a room: its channel, for a Teams post. */
export function enclosingRoom(conversationId: string): string | null {
  const i = conversationId.indexOf(THREAD);
  return i > 0 ? conversationId.slice(0, i) : null;
}

export function inRoom(roomId: string | undefined, conversationId: string | undefined): boolean {
  if (!roomId || !conversationId) return false;
  return roomId === conversationId || enclosingRoom(conversationId) === roomId;
}
