-- 003: when each incident next needs a reminder look. NULL = look at the next pass (set on every change);
-- a pass sets it to the next instant anything could fall due, so passes cost what is due, not what is open.
ALTER TABLE incidents ADD COLUMN next_check_at TEXT COLLATE "C";
CREATE INDEX incidents_next_check ON incidents (next_check_at);
