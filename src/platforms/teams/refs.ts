// What the Teams platform keeps about conversations and people (storage implements it: a bot can only
// reach a conversation proactively through the serviceUrl it last heard from there, and Teams gives
// names only in inbound activities).
import type { ConversationRef, KnownPerson } from '../../app/ports.js';

/** What the Teams platform keeps per conversation, and per person (platformId: their Teams user id). */
export type StoredRef = ConversationRef;
export type TeamsUser = KnownPerson;

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
