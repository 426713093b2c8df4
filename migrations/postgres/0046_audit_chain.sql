-- The tamper-evident audit log (docs/audit.md). Entries are written unsealed (seq and hash NULL)
-- and the sealer gives them their place in the chain: `seq` (1, 2, 3, ...) and `hash`, SHA-256
-- over the entry and the hash of the entry before. Writers do not wait for one another: only the
-- sealer (one at a time, under an advisory lock) orders them. The redactable parts (the before
-- and after images, the actor's label and address) enter the hash through their own digests, so
-- that anonymisation can clear them, keeping the digest (`*_digest`), and the chain still verifies.
-- Keep in step with ../sqlite/0046_audit_chain.sql.
ALTER TABLE audit_log ADD COLUMN seq BIGINT;
ALTER TABLE audit_log ADD COLUMN hash BYTEA;
ALTER TABLE audit_log ADD COLUMN before_digest BYTEA;
ALTER TABLE audit_log ADD COLUMN after_digest BYTEA;
ALTER TABLE audit_log ADD COLUMN actor_digest BYTEA;

CREATE UNIQUE INDEX audit_log_seq ON audit_log (seq);
-- What the sealer reads: the entries without a place yet, in id order.
CREATE INDEX audit_log_unsealed ON audit_log (id) WHERE seq IS NULL;

-- An entry is written unsealed and unredacted; afterwards two changes only, nothing else:
-- sealing (seq and hash set once, from NULL, nothing else changed) and redaction (a part cleared
-- once, its digest kept, nothing else changed). No entry is ever deleted.
CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.seq IS NOT NULL OR NEW.hash IS NOT NULL OR NEW.before_digest IS NOT NULL
           OR NEW.after_digest IS NOT NULL OR NEW.actor_digest IS NOT NULL THEN
            RAISE EXCEPTION 'audit_log entries are written unsealed';
        END IF;
        RETURN NEW;
    END IF;
    IF TG_OP = 'UPDATE'
       AND NEW.id = OLD.id AND NEW.at = OLD.at AND NEW.actor_user_id IS NOT DISTINCT FROM OLD.actor_user_id
       AND NEW.action = OLD.action AND NEW.entity_type = OLD.entity_type
       AND NEW.entity_id IS NOT DISTINCT FROM OLD.entity_id
       AND NEW.participant_id IS NOT DISTINCT FROM OLD.participant_id
       AND NEW.request_id IS NOT DISTINCT FROM OLD.request_id
       AND (
           -- sealing
           (OLD.seq IS NULL AND OLD.hash IS NULL AND NEW.seq IS NOT NULL AND length(NEW.hash) = 32
            AND NEW.actor_label = OLD.actor_label AND NEW.address IS NOT DISTINCT FROM OLD.address
            AND NEW.before_json IS NOT DISTINCT FROM OLD.before_json
            AND NEW.after_json IS NOT DISTINCT FROM OLD.after_json
            AND NEW.before_digest IS NOT DISTINCT FROM OLD.before_digest
            AND NEW.after_digest IS NOT DISTINCT FROM OLD.after_digest
            AND NEW.actor_digest IS NOT DISTINCT FROM OLD.actor_digest)
           OR
           -- redaction
           (NEW.seq IS NOT DISTINCT FROM OLD.seq AND NEW.hash IS NOT DISTINCT FROM OLD.hash
            AND ((NEW.before_json IS NOT DISTINCT FROM OLD.before_json
                  AND NEW.before_digest IS NOT DISTINCT FROM OLD.before_digest)
                 OR (OLD.before_digest IS NULL AND length(NEW.before_digest) = 32 AND NEW.before_json IS NULL))
            AND ((NEW.after_json IS NOT DISTINCT FROM OLD.after_json
                  AND NEW.after_digest IS NOT DISTINCT FROM OLD.after_digest)
                 OR (OLD.after_digest IS NULL AND length(NEW.after_digest) = 32 AND NEW.after_json IS NULL))
            AND ((NEW.actor_label = OLD.actor_label AND NEW.address IS NOT DISTINCT FROM OLD.address
                  AND NEW.actor_digest IS NOT DISTINCT FROM OLD.actor_digest)
                 OR (OLD.actor_digest IS NULL AND length(NEW.actor_digest) = 32 AND NEW.actor_label = ''
                     AND NEW.address IS NULL)))
       ) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$;
-- Only an entry written with a place, a hash or a digest reaches the function (which refuses it):
-- the ordinary insert, one per write, runs no PL/pgSQL.
CREATE TRIGGER audit_log_insert_unsealed BEFORE INSERT ON audit_log
FOR EACH ROW WHEN (NEW.seq IS NOT NULL OR NEW.hash IS NOT NULL OR NEW.before_digest IS NOT NULL
                   OR NEW.after_digest IS NOT NULL OR NEW.actor_digest IS NOT NULL)
EXECUTE FUNCTION audit_log_append_only();
-- Row triggers do not see TRUNCATE.
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
