-- 007: local mode. What the local console (src/platforms/web) delivered, since it has no chat server to
-- keep messages: one row per outbox row (its key), so a retried delivery shows once. And the database's
-- mode: a database marked `local` (drills, rehearsals) is refused by a production start.
CREATE TABLE console_posts (
  id INTEGER PRIMARY KEY,
  outbox_key TEXT NOT NULL UNIQUE,
  incident_key TEXT NOT NULL,
  target TEXT NOT NULL,
  at TEXT NOT NULL,
  view TEXT NOT NULL
);
CREATE INDEX console_posts_target ON console_posts (target, incident_key, id);
CREATE TABLE database_mode (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  mode TEXT NOT NULL,
  marked_at TEXT NOT NULL,
  console_token TEXT,
  -- How far the console's drill clock is ahead of real time: kept, so a restart never moves it back.
  clock_ahead_ms INTEGER NOT NULL DEFAULT 0
);
