-- 004: a row being delivered is marked in flight; after a crash, a row still marked is "in doubt": the
-- platform may have accepted it, so the sender looks for it before sending it again.
ALTER TABLE outbox ADD COLUMN in_flight_since TEXT COLLATE "C";
