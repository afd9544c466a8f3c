-- 001: incidents, the append-only decision log, the outbox, idempotency keys, playbook versions.

CREATE TABLE incidents (
  key           TEXT PRIMARY KEY,
  version       INTEGER NOT NULL,
  platform      TEXT NOT NULL,
  phase         TEXT NOT NULL,
  trigger_class TEXT NOT NULL,
  drill         INTEGER NOT NULL,
  declared_at   TEXT NOT NULL,
  closed_at     TEXT,
  room_id       TEXT,
  playbook_sha  TEXT NOT NULL,
  state         TEXT NOT NULL,
  log_count     INTEGER NOT NULL DEFAULT 0,
  log_head      TEXT NOT NULL DEFAULT '',
  updated_at    TEXT NOT NULL
);
CREATE INDEX incidents_open ON incidents (closed_at, phase);
CREATE INDEX incidents_room ON incidents (platform, room_id);

-- Incident numbers per year; never reused.
CREATE TABLE incident_keys (
  year INTEGER PRIMARY KEY,
  last INTEGER NOT NULL
);

-- Append-only, one hash chain per incident: hash = sha256(prev_hash || canonical entry).
CREATE TABLE decision_log (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  incident_key TEXT NOT NULL,
  seq          INTEGER NOT NULL,
  at           TEXT NOT NULL,
  recorded_at  TEXT NOT NULL,
  actor        TEXT NOT NULL,
  kind         TEXT NOT NULL,
  payload      TEXT NOT NULL,
  source       TEXT,
  command_key  TEXT,
  prev_hash    TEXT NOT NULL,
  hash         TEXT NOT NULL,
  UNIQUE (incident_key, seq)
);
CREATE TRIGGER decision_log_no_update BEFORE UPDATE ON decision_log
BEGIN SELECT RAISE(ABORT, 'decision_log is append-only'); END;
CREATE TRIGGER decision_log_no_delete BEFORE DELETE ON decision_log
BEGIN SELECT RAISE(ABORT, 'decision_log is append-only'); END;

-- Messages owed, written in the same transaction as the change that owes them.
CREATE TABLE outbox (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  key             TEXT NOT NULL UNIQUE,
  incident_key    TEXT NOT NULL,
  platform        TEXT NOT NULL,
  lane            TEXT NOT NULL,
  target          TEXT NOT NULL,
  body            TEXT NOT NULL,
  created_at      TEXT NOT NULL,
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT NOT NULL,
  sent_at         TEXT,
  failed_at       TEXT,
  last_error      TEXT,
  result          TEXT
);
CREATE INDEX outbox_pending ON outbox (lane, id) WHERE sent_at IS NULL AND failed_at IS NULL;

-- Idempotency: a command key is handled once; a replay gets the stored answer.
CREATE TABLE commands (
  key          TEXT PRIMARY KEY,
  incident_key TEXT,
  at           TEXT NOT NULL,
  result       TEXT NOT NULL
);

-- Every playbook version an incident ran under, parsed, so it keeps running under it after restarts.
CREATE TABLE playbooks (
  sha256    TEXT PRIMARY KEY,
  version   TEXT NOT NULL,
  body      TEXT NOT NULL,
  loaded_at TEXT NOT NULL
);

-- Messages the bot updates in place (summary, checklist): where they were posted.
CREATE TABLE message_refs (
  incident_key TEXT NOT NULL,
  platform     TEXT NOT NULL,
  name         TEXT NOT NULL,
  channel      TEXT NOT NULL,
  ref          TEXT NOT NULL,
  PRIMARY KEY (incident_key, platform, name)
);

-- Inbound de-duplication (Slack event_id, Teams activity id).
CREATE TABLE processed_events (
  id TEXT PRIMARY KEY,
  at TEXT NOT NULL
);

-- Reminders claimed by a pass: the key names the due instant, so a reminder is sent once.
CREATE TABLE reminders (
  key          TEXT PRIMARY KEY,
  incident_key TEXT NOT NULL,
  kind         TEXT NOT NULL,
  due_at       TEXT NOT NULL,
  claimed_at   TEXT NOT NULL
);
CREATE INDEX reminders_incident ON reminders (incident_key, kind);
