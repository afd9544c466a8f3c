// Teams conversation references and people, kept in the database (migrations/002_teams.sql) so proactive
// sends survive restarts: every inbound activity refreshes the reference of its conversation (serviceUrl,
// tenant, channel, team) and the name of its sender. The Teams platform sees it as its TeamsRefs port.
// In an upsert the stored row's columns are named with their table (PostgreSQL finds a bare name ambiguous).
import type { KnownPerson, ConversationRef as StoredRef } from '../../app/ports.js';
import type { Db } from './open-database.js';

interface RefRow {
  conversation_id: string;
  service_url: string;
  tenant_id: string | null;
  channel_id: string | null;
  team_id: string | null;
  conversation_type: string | null;
}

const toRef = (r: RefRow): StoredRef => ({
  conversationId: r.conversation_id,
  serviceUrl: r.service_url,
  ...(r.tenant_id ? { tenantId: r.tenant_id } : {}),
  ...(r.channel_id ? { channelId: r.channel_id } : {}),
  ...(r.team_id ? { teamId: r.team_id } : {}),
  ...(r.conversation_type ? { conversationType: r.conversation_type } : {}),
});

/** The channel part of a conversation id: `19:x@thread.tacv2;messageid=1` -> `19:x@thread.tacv2`. */
function channelOf(conversationId: string): string {
  const i = conversationId.indexOf(';messageid=');
  return i >= 0 ? conversationId.slice(0, i) : conversationId;
}

export class TeamsRefStore {
  constructor(private readonly db: Db) {}

  remember(ref: StoredRef, now: Date): void {
    this.db
      .prepare(
        `INSERT INTO teams_conversations (conversation_id, service_url, tenant_id, channel_id, team_id, conversation_type, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(conversation_id) DO UPDATE SET service_url = excluded.service_url,
           tenant_id = COALESCE(excluded.tenant_id, teams_conversations.tenant_id),
           channel_id = COALESCE(excluded.channel_id, teams_conversations.channel_id),
           team_id = COALESCE(excluded.team_id, teams_conversations.team_id),
           conversation_type = COALESCE(excluded.conversation_type, teams_conversations.conversation_type),
           updated_at = excluded.updated_at`,
      )
      .run(
        ref.conversationId,
        ref.serviceUrl,
        ref.tenantId ?? null,
        ref.channelId ?? null,
        ref.teamId ?? null,
        ref.conversationType ?? null,
        now.toISOString(),
      );
  }

  get(conversationId: string): StoredRef | null {
    const row = this.db
      .prepare('SELECT * FROM teams_conversations WHERE conversation_id = ?')
      .get(conversationId) as RefRow | undefined;
    return row ? toRef(row) : null;
  }

  /** A reference for a conversation, or one of its channel (a thread inherits its channel's serviceUrl). */
  resolve(conversationId: string): StoredRef | null {
    const exact = this.get(conversationId);
    if (exact) return exact;
    const channel = channelOf(conversationId);
    const row = this.db
      .prepare(
        `SELECT * FROM teams_conversations WHERE channel_id = ? OR conversation_id = ?
         ORDER BY updated_at DESC LIMIT 1`,
      )
      .get(channel, channel) as RefRow | undefined;
    if (!row) return null;
    return { ...toRef(row), conversationId, channelId: channel };
  }

  /** Any known reference (its serviceUrl and tenant), newest first: the last resort for a channel never heard from. */
  latest(): StoredRef | null {
    const row = this.db.prepare('SELECT * FROM teams_conversations ORDER BY updated_at DESC LIMIT 1').get() as
      | RefRow
      | undefined;
    return row ? toRef(row) : null;
  }

  rememberUser(u: KnownPerson, now: Date): void {
    this.db
      .prepare(
        `INSERT INTO teams_users (user_id, name, teams_id, personal_conversation_id, updated_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(user_id) DO UPDATE SET name = COALESCE(excluded.name, teams_users.name),
           teams_id = COALESCE(excluded.teams_id, teams_users.teams_id),
           personal_conversation_id = COALESCE(excluded.personal_conversation_id, teams_users.personal_conversation_id),
           updated_at = excluded.updated_at`,
      )
      .run(
        u.userId,
        u.name ?? null,
        u.platformId ?? null,
        u.personalConversationId ?? null,
        now.toISOString(),
      );
  }

  user(userId: string): KnownPerson | null {
    const r = this.db
      .prepare('SELECT * FROM teams_users WHERE user_id = ? OR teams_id = ?')
      .get(userId, userId) as
      | {
          user_id: string;
          name: string | null;
          teams_id: string | null;
          personal_conversation_id: string | null;
        }
      | undefined;
    if (!r) return null;
    return {
      userId: r.user_id,
      ...(r.name ? { name: r.name } : {}),
      ...(r.teams_id ? { platformId: r.teams_id } : {}),
      ...(r.personal_conversation_id ? { personalConversationId: r.personal_conversation_id } : {}),
    };
  }

  /** People seen recently who have a name (form choices), newest first. */
  people(limit = 20): { userId: string; name: string }[] {
    const rows = this.db
      .prepare(
        'SELECT user_id, name FROM teams_users WHERE name IS NOT NULL ORDER BY updated_at DESC, user_id LIMIT ?',
      )
      .all(limit) as { user_id: string; name: string }[];
    return rows.map((r) => ({ userId: r.user_id, name: r.name }));
  }

  nameOf(userId: string | null | undefined): string | undefined {
    if (!userId) return undefined;
    return this.user(userId)?.name;
  }
}
