-- 002: Microsoft Teams conversation references (for proactive sends) and who is who.

-- Every conversation the bot has heard from: where to reach it again (serviceUrl is regional).
CREATE TABLE teams_conversations (
  conversation_id   TEXT PRIMARY KEY,
  service_url       TEXT NOT NULL,
  tenant_id         TEXT,
  channel_id        TEXT,
  team_id           TEXT,
  conversation_type TEXT,
  updated_at        TEXT NOT NULL
);
CREATE INDEX teams_conversations_channel ON teams_conversations (channel_id);

-- People seen in activities: display name, Teams id (29:...), and their 1:1 chat with the bot if any.
CREATE TABLE teams_users (
  user_id                  TEXT PRIMARY KEY,
  name                     TEXT,
  teams_id                 TEXT,
  personal_conversation_id TEXT,
  updated_at               TEXT NOT NULL
);

-- Where an incident was declared (the fallback room when no incidents channel is configured).
-- Keyed by the incident key and by the declaring command's idempotency key.
CREATE TABLE teams_declared_in (
  key             TEXT PRIMARY KEY,
  conversation_id TEXT NOT NULL
);
