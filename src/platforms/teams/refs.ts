// What the Teams platform keeps about conversations and people (storage implements it: a bot can only
// reach a conversation proactively through the serviceUrl it last heard from there, and Teams gives
// names only in inbound activities).

/** What to persist per conversation to reach it later. */
export interface StoredRef {
  serviceUrl: string;
  conversationId: string;
  tenantId?: string;
  /** Channel (`19:…@thread.tacv2`) when the conversation is a channel or a channel thread. */
  channelId?: string;
  teamId?: string;
  conversationType?: string;
}

export interface TeamsUser {
  /** The id actors carry: the AAD object id when known, else the Teams user id. */
  userId: string;
  name?: string;
  teamsId?: string;
  /** The 1:1 chat with the bot, once the person has written to it. */
  personalConversationId?: string;
}

export interface TeamsRefs {
  remember(ref: StoredRef, now: Date): void;
  /** A reference for a conversation, or one of its channel (a thread inherits its channel's serviceUrl). */
  resolve(conversationId: string): StoredRef | null;
  /** Any known reference, newest first: the last resort for a channel never heard from. */
  latest(): StoredRef | null;
  rememberUser(u: TeamsUser, now: Date): void;
  /** A person by AAD object id or Teams user id. */
  user(id: string): TeamsUser | null;
  /** People seen recently who have a name (form choices), newest first. */
  people(limit?: number): { userId: string; name: string }[];
  nameOf(userId: string | null | undefined): string | undefined;
}

/** The channel part of a conversation id: `19:x@thread.tacv2;messageid=1` -> `19:x@thread.tacv2`. */
export function channelOf(conversationId: string): string {
  const i = conversationId.indexOf(';messageid=');
  return i >= 0 ? conversationId.slice(0, i) : conversationId;
}
