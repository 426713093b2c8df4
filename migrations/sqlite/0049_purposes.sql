-- Data protection (docs/privacy.md, docs/audit.md "Purposes"). Keep in step with
-- ../postgres/0049_purposes.sql.
--
-- 1. The data protection officer among the allowed roles (0025_enum_guards, 0035_studies).
DROP TRIGGER users_role_allowed_insert;
DROP TRIGGER users_role_allowed_update;
CREATE TRIGGER users_role_allowed_insert BEFORE INSERT ON users
WHEN NEW.role NOT IN ('administrator', 'coordinator', 'coach', 'care_team', 'peer_expert', 'funder', 'researcher',
                      'data_protection_officer')
BEGIN SELECT RAISE(ABORT, 'users.role: not an allowed value'); END;
CREATE TRIGGER users_role_allowed_update BEFORE UPDATE OF role ON users
WHEN NEW.role NOT IN ('administrator', 'coordinator', 'coach', 'care_team', 'peer_expert', 'funder', 'researcher',
                      'data_protection_officer')
BEGIN SELECT RAISE(ABORT, 'users.role: not an allowed value'); END;

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
    participant_id BLOB NOT NULL,
    entry_id       INTEGER NOT NULL,
    PRIMARY KEY (participant_id, entry_id)
) WITHOUT ROWID;
CREATE TRIGGER audit_subjects_no_update BEFORE UPDATE ON audit_subjects
BEGIN SELECT RAISE(ABORT, 'audit_subjects is append-only'); END;
CREATE TRIGGER audit_subjects_no_delete BEFORE DELETE ON audit_subjects
BEGIN SELECT RAISE(ABORT, 'audit_subjects is append-only'); END;

-- 3. The four new columns are never changed, like the others outside the redactable parts.
DROP TRIGGER audit_log_no_update;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
WHEN NOT COALESCE((
    NEW.id IS OLD.id AND NEW.at IS OLD.at AND NEW.actor_user_id IS OLD.actor_user_id
    AND NEW.action IS OLD.action AND NEW.entity_type IS OLD.entity_type
    AND NEW.entity_id IS OLD.entity_id AND NEW.participant_id IS OLD.participant_id
    AND NEW.request_id IS OLD.request_id
    AND NEW.purpose IS OLD.purpose AND NEW.actor_role IS OLD.actor_role
    AND NEW.actor_organisations IS OLD.actor_organisations AND NEW.subjects IS OLD.subjects
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
