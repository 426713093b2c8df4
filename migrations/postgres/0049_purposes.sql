-- Data protection (docs/privacy.md, docs/audit.md "Purposes"). Keep in step with
-- ../sqlite/0049_purposes.sql.
--
-- 1. The data protection officer among the allowed roles (0025_enum_guards, 0035_studies).
ALTER TABLE users DROP CONSTRAINT users_role_allowed;
ALTER TABLE users
    ADD CONSTRAINT users_role_allowed CHECK (role IN ('administrator', 'coordinator', 'coach', 'care_team', 'peer_expert',
                                                      'funder', 'researcher', 'data_protection_officer'));

-- 2. Each entry says why it happened and who acted as what: the purpose (a fixed list), the
-- actor's role and organisations as they were at the time (space-separated ids), and for a list
-- view the participants it showed (`subjects`, space-separated ids). All four enter the hash.
ALTER TABLE audit_log ADD COLUMN purpose TEXT;
ALTER TABLE audit_log ADD COLUMN actor_role TEXT;
ALTER TABLE audit_log ADD COLUMN actor_organisations TEXT;
ALTER TABLE audit_log ADD COLUMN subjects TEXT;

-- The index of list views by participant: one row per participant a list entry showed, written
-- by the sealer as it seals the entry (so a list view costs its reader one row), so "who
-- consulted this file" finds them without reading the entries' lists.
CREATE TABLE audit_subjects (
    participant_id UUID NOT NULL,
    entry_id       BIGINT NOT NULL,
    PRIMARY KEY (participant_id, entry_id)
);
CREATE FUNCTION audit_subjects_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_subjects is append-only';
END;
$$;
CREATE TRIGGER audit_subjects_no_change BEFORE UPDATE OR DELETE ON audit_subjects
FOR EACH ROW EXECUTE FUNCTION audit_subjects_append_only();
CREATE TRIGGER audit_subjects_no_truncate BEFORE TRUNCATE ON audit_subjects
FOR EACH STATEMENT EXECUTE FUNCTION audit_subjects_append_only();

-- 3. The four new columns are never changed, like the others outside the redactable parts.
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
       AND NEW.purpose IS NOT DISTINCT FROM OLD.purpose AND NEW.actor_role IS NOT DISTINCT FROM OLD.actor_role
       AND NEW.actor_organisations IS NOT DISTINCT FROM OLD.actor_organisations
       AND NEW.subjects IS NOT DISTINCT FROM OLD.subjects
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
