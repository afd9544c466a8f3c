-- 005: the audit ledger. One global chain over every entry of every incident (gseq, gprev_hash, ghash),
-- the digest of the incident's state after each entry (state_hash; the per-field digest beside the state),
-- and Ed25519-signed checkpoints over the global head. Existing entries are linked into the global chain
-- and each incident gets an "audit_ledger" entry carrying its state digest (src/storage/sqlite/ledger-migration.ts).
ALTER TABLE decision_log ADD COLUMN gseq INTEGER;
ALTER TABLE decision_log ADD COLUMN gprev_hash TEXT COLLATE "C";
ALTER TABLE decision_log ADD COLUMN ghash TEXT COLLATE "C";
ALTER TABLE decision_log ADD COLUMN state_hash TEXT COLLATE "C";
CREATE UNIQUE INDEX decision_log_global ON decision_log (gseq);
ALTER TABLE incidents ADD COLUMN state_digest TEXT COLLATE "C";

-- n, the checkpoint's own number, is the row id: one b-tree, nothing else written per checkpoint.
CREATE TABLE audit_checkpoints (
  n         INTEGER PRIMARY KEY,
  seq       INTEGER NOT NULL,
  head      TEXT COLLATE "C" NOT NULL,
  at        TEXT COLLATE "C" NOT NULL,
  incidents INTEGER NOT NULL,
  key_id    TEXT COLLATE "C" NOT NULL,
  signature TEXT COLLATE "C" NOT NULL
);
CREATE TRIGGER audit_checkpoints_no_truncate BEFORE TRUNCATE ON audit_checkpoints
  FOR EACH STATEMENT EXECUTE FUNCTION append_only();
CREATE TRIGGER audit_checkpoints_no_update BEFORE UPDATE ON audit_checkpoints
  FOR EACH ROW EXECUTE FUNCTION append_only();
CREATE TRIGGER audit_checkpoints_no_delete BEFORE DELETE ON audit_checkpoints
  FOR EACH ROW EXECUTE FUNCTION append_only();
