-- 008: alerts from the firm's monitoring (Alertmanager, Grafana). One row per alert group occurrence (its
-- group key; a group that fires again after it resolved is a new occurrence with its own prompt), kept as
-- JSON like incidents, with optimistic concurrency. The group's first notification and each change of its
-- status are kept, append-only, with the raw body (size-limited) as evidence; repeats are only counted.
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

-- How a notification finds its group: its group key (a group's own, and every other key it took in when
-- the same alert came through another route) and the fingerprints of its alerts. The newest row for a
-- key wins (the group that took it last).
CREATE TABLE alert_lookup (
  id       INTEGER PRIMARY KEY AUTOINCREMENT,
  source   TEXT NOT NULL,
  kind     TEXT NOT NULL CHECK (kind IN ('key', 'fingerprint')),
  value    TEXT NOT NULL,
  alert_id TEXT NOT NULL REFERENCES alert_groups (id),
  UNIQUE (source, kind, value, alert_id)
);
CREATE INDEX alert_lookup_value ON alert_lookup (source, kind, value, id);
CREATE INDEX alert_groups_created ON alert_groups (created_at);

-- Decisions on an alert group (declared, added to an incident, dismissed) are not kept here: each is an
-- entry of the group's own chain (ALERT-<n>) in decision_log, the one signed ledger
-- (src/domain/alert-decision-log.ts; `incident-bot audit verify` holds alert_groups.state against it).
