-- The participant's own onramp (docs/portal.md). Keep in step with ../postgres/0052_portal.sql.
--
-- 1. Participants among the allowed roles (0049_purposes).
DROP TRIGGER users_role_allowed_insert;
DROP TRIGGER users_role_allowed_update;
CREATE TRIGGER users_role_allowed_insert BEFORE INSERT ON users
WHEN NEW.role NOT IN ('administrator', 'coordinator', 'coach', 'care_team', 'peer_expert', 'funder', 'researcher',
                      'data_protection_officer', 'participant')
BEGIN SELECT RAISE(ABORT, 'users.role: not an allowed value'); END;
CREATE TRIGGER users_role_allowed_update BEFORE UPDATE OF role ON users
WHEN NEW.role NOT IN ('administrator', 'coordinator', 'coach', 'care_team', 'peer_expert', 'funder', 'researcher',
                      'data_protection_officer', 'participant')
BEGIN SELECT RAISE(ABORT, 'users.role: not an allowed value'); END;

-- 2. A portal account: the user of role `participant` that is one participant. Access ends by
-- deactivating the user (`ended_at` says when and by whom); a new invitation opens it again.
CREATE TABLE portal_accounts (
    user_id            BLOB PRIMARY KEY REFERENCES users (id),
    participant_id     BLOB NOT NULL UNIQUE REFERENCES participants (id),
    -- the version of the portal's terms the participant agreed to, and when
    terms_version      TEXT NOT NULL,
    terms_accepted_at  TEXT NOT NULL,
    created_at         TEXT NOT NULL,
    ended_at           TEXT,
    ended_by           BLOB REFERENCES users (id)
);

-- 3. Invitations: a single-use secret (its SHA-256 kept here) sent by e-mail as a link, or printed
-- as a code for people without e-mail; it expires, and a newer invitation revokes the older ones.
CREATE TABLE portal_invitations (
    id              BLOB PRIMARY KEY,
    participant_id  BLOB NOT NULL REFERENCES participants (id),
    secret_hash     TEXT NOT NULL UNIQUE,
    -- email or code
    kind            TEXT NOT NULL CHECK (kind IN ('email', 'code')),
    -- what the account will sign in with: the address the link went to, or the sign-in name
    -- printed beside the code
    sign_in         TEXT NOT NULL,
    created_by      BLOB REFERENCES users (id),
    created_at      TEXT NOT NULL,
    expires_at      TEXT NOT NULL,
    used_at         TEXT,
    revoked_at      TEXT
);
CREATE INDEX portal_invitations_participant ON portal_invitations (participant_id, created_at);
