-- 009: several replicas deliver one outbox. A row being delivered is leased to one process (lease_owner,
-- lease_until, renewed while its send lasts); another replica takes it over, in doubt, only once the lease
-- has run out (the owner died). last_attempt_at is when a delivery last reached out to the platform (sent,
-- or an attempt to be retried that may have been applied): a lane whose newest is within the pace waits,
-- whichever replica made it.
ALTER TABLE outbox ADD COLUMN lease_owner TEXT;
ALTER TABLE outbox ADD COLUMN lease_until TEXT;
ALTER TABLE outbox ADD COLUMN last_attempt_at TEXT;
CREATE INDEX outbox_lane_attempt ON outbox (lane, last_attempt_at) WHERE last_attempt_at IS NOT NULL;
