-- 006: indexes for three lookups that read every row (measured on 100,000 incidents): a declaration's
-- recent-declarations check (155 ms inside the write transaction, on every declare), the active-incident
-- list (158 ms warm, 1 s cold) and the audit feed's last published checkpoint (25-311 ms, whole outbox).
CREATE INDEX incidents_declared ON incidents (declared_at);
CREATE INDEX incidents_active ON incidents (declared_at) WHERE phase != 'done';
CREATE INDEX outbox_lane ON outbox (lane, id);
