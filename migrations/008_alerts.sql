-- 008: alerts from the firm's monitoring (Alertmanager, Grafana). One row per alert group occurrence (its
-- group key; a group that fires again after it resolved and was settled is a new occurrence with its own
-- prompt), kept as JSON like incidents, with optimistic concurrency. Every notification received is kept,
-- append-only, with its raw body (size-limited) as evidence.
CREATE TABLE alert_groups (
  id         TEXT PRIMARY KEY,
  -- ALERT-<n>: one global counter, never reused.
  n          INTEGER NOT NULL UNIQUE,
  source     TEXT NOT NULL,
  group_key  TEXT NOT NULL,
  occurrence INTEGER NOT NULL,
  status     TEXT NOT NULL,
  state      TEXT NOT NULL,
  version    INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (source, group_key, occurrence)
);

CREATE TABLE alert_notifications (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  alert_id    TEXT NOT NULL REFERENCES alert_groups (id),
  received_at TEXT NOT NULL,
  status      TEXT NOT NULL,
  raw         TEXT NOT NULL
);
CREATE INDEX alert_notifications_group ON alert_notifications (alert_id, id);
CREATE TRIGGER alert_notifications_no_update BEFORE UPDATE ON alert_notifications
BEGIN SELECT RAISE(ABORT, 'alert_notifications is append-only'); END;
CREATE TRIGGER alert_notifications_no_delete BEFORE DELETE ON alert_notifications
BEGIN SELECT RAISE(ABORT, 'alert_notifications is append-only'); END;
