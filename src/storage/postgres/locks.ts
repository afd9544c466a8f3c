// The advisory locks the replicas share (one number each, in the bot's own database).

/** Held by every write transaction (pg-db.ts): one writer at a time, as on SQLite. */
export const WRITE_LOCK = 7_100_001;
/** Held by the replica running the reminder pass (any replica can take over). */
export const REMINDER_LOCK = 7_100_002;
/** Held while migrating: two replicas starting together migrate once. */
export const MIGRATION_LOCK = 7_100_003;
