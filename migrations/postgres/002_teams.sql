-- 002: Microsoft Teams conversation references (for proactive sends) and who is who.

-- Every conversation the bot has heard from: where to reach it again (serviceUrl is regional).
CREATE TABLE teams_conversations (
  conversation_id   TEXT COLLATE "C" PRIMARY KEY,
  service_url       TEXT COLLATE "C" NOT NULL,
  tenant_id         TEXT COLLATE "C",
  channel_id        TEXT COLLATE "C",
  team_id           TEXT COLLATE "C",
  conversation_type TEXT COLLATE "C",
  updated_at        TEXT COLLATE "C" NOT NULL
);
CREATE INDEX teams_conversations_channel ON teams_conversations (channel_id);

-- People seen in activities: display name, Teams id (29:...), and their 1:1 chat with the bot if any.
CREATE TABLE teams_users (
  user_id                  TEXT COLLATE "C" PRIMARY KEY,
  name                     TEXT COLLATE "C",
  teams_id                 TEXT COLLATE "C",
  personal_conversation_id TEXT COLLATE "C",
  updated_at               TEXT COLLATE "C" NOT NULL
);

-- Where an incident was declared (the fallback room when no incidents channel is configured).
-- Keyed by the incident key and by the declaring command's idempotency key.
CREATE TABLE teams_declared_in (
  key             TEXT COLLATE "C" PRIMARY KEY,
  conversation_id TEXT COLLATE "C" NOT NULL
);
