-- The tamper-evident audit log (docs/audit.md). Entries are written unsealed (seq and hash NULL)
-- and the sealer gives them their place in the chain: `seq` (1, 2, 3, ...) and `hash`, SHA-256
-- over the entry and the hash of the entry before. The redactable parts (the before and after
-- images, the actor's label and address) enter the hash through their own digests, so that
-- anonymisation can clear them, keeping the digest (`*_digest`), and the chain still verifies.
-- Keep in step with ../postgres/0046_audit_chain.sql.
ALTER TABLE audit_log ADD COLUMN seq INTEGER;
ALTER TABLE audit_log ADD COLUMN hash BLOB;
ALTER TABLE audit_log ADD COLUMN before_digest BLOB;
ALTER TABLE audit_log ADD COLUMN after_digest BLOB;
ALTER TABLE audit_log ADD COLUMN actor_digest BLOB;

CREATE UNIQUE INDEX audit_log_seq ON audit_log (seq);
-- What the sealer reads: the entries without a place yet, in id order.
CREATE INDEX audit_log_unsealed ON audit_log (id) WHERE seq IS NULL;

-- An entry is written unsealed and unredacted.
CREATE TRIGGER audit_log_insert_unsealed BEFORE INSERT ON audit_log
WHEN NEW.seq IS NOT NULL OR NEW.hash IS NOT NULL OR NEW.before_digest IS NOT NULL
  OR NEW.after_digest IS NOT NULL OR NEW.actor_digest IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'audit_log entries are written unsealed'); END;

-- Two changes only, nothing else: sealing (seq and hash set once, from NULL, nothing else
-- changed) and redaction (a part cleared once, its digest kept, nothing else changed).
DROP TRIGGER audit_log_no_update;
-- (COALESCE: a comparison with NULL, as length(NULL) = 32, is NULL, and WHEN NOT NULL never fires.)
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
WHEN NOT COALESCE((
    NEW.id IS OLD.id AND NEW.at IS OLD.at AND NEW.actor_user_id IS OLD.actor_user_id
    AND NEW.action IS OLD.action AND NEW.entity_type IS OLD.entity_type
    AND NEW.entity_id IS OLD.entity_id AND NEW.participant_id IS OLD.participant_id
    AND NEW.request_id IS OLD.request_id
    AND (
        -- sealing
        (OLD.seq IS NULL AND OLD.hash IS NULL AND NEW.seq IS NOT NULL AND length(NEW.hash) = 32
         AND NEW.actor_label IS OLD.actor_label AND NEW.address IS OLD.address
         AND NEW.before_json IS OLD.before_json AND NEW.after_json IS OLD.after_json
         AND NEW.before_digest IS OLD.before_digest AND NEW.after_digest IS OLD.after_digest
         AND NEW.actor_digest IS OLD.actor_digest)
        OR
        -- redaction
        (NEW.seq IS OLD.seq AND NEW.hash IS OLD.hash
         AND ((NEW.before_json IS OLD.before_json AND NEW.before_digest IS OLD.before_digest)
              OR (OLD.before_digest IS NULL AND length(NEW.before_digest) = 32 AND NEW.before_json IS NULL))
         AND ((NEW.after_json IS OLD.after_json AND NEW.after_digest IS OLD.after_digest)
              OR (OLD.after_digest IS NULL AND length(NEW.after_digest) = 32 AND NEW.after_json IS NULL))
         AND ((NEW.actor_label IS OLD.actor_label AND NEW.address IS OLD.address
               AND NEW.actor_digest IS OLD.actor_digest)
              OR (OLD.actor_digest IS NULL AND length(NEW.actor_digest) = 32 AND NEW.actor_label = ''
                  AND NEW.address IS NULL)))
    )
), FALSE)
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
