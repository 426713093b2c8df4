-- The participant's own onramp (docs/portal.md). Keep in step with ../sqlite/0052_portal.sql.
--
-- 1. Participants among the allowed roles (0049_purposes).
ALTER TABLE users DROP CONSTRAINT users_role_allowed;
ALTER TABLE users
    ADD CONSTRAINT users_role_allowed CHECK (role IN ('administrator', 'coordinator', 'coach', 'care_team', 'peer_expert',
                                                      'funder', 'researcher', 'data_protection_officer',
                                                      'participant'));

-- 2. A portal account: the user of role `participant` that is one participant. Access ends by
-- deactivating the user (`ended_at` says when and by whom); a new invitation opens it again.
CREATE TABLE portal_accounts (
    user_id            UUID PRIMARY KEY REFERENCES users (id),
    participant_id     UUID NOT NULL UNIQUE REFERENCES participants (id),
    -- the version of the portal's terms the participant agreed to, and when
    terms_version      TEXT NOT NULL,
    terms_accepted_at  TIMESTAMPTZ NOT NULL,
    created_at         TIMESTAMPTZ NOT NULL,
    ended_at           TIMESTAMPTZ,
    ended_by           UUID REFERENCES users (id)
);

-- 3. Invitations: a single-use secret (its SHA-256 kept here) sent by e-mail as a link, or printed
-- as a code for people without e-mail; it expires, and a newer invitation revokes the older ones.
CREATE TABLE portal_invitations (
    id              UUID PRIMARY KEY,
    participant_id  UUID NOT NULL REFERENCES participants (id),
    secret_hash     TEXT NOT NULL UNIQUE,
    -- email or code
    kind            TEXT NOT NULL CHECK (kind IN ('email', 'code')),
    -- what the account will sign in with: the address the link went to, or the sign-in name
    -- printed beside the code
    sign_in         TEXT NOT NULL,
    created_by      UUID REFERENCES users (id),
    created_at      TIMESTAMPTZ NOT NULL,
    expires_at      TIMESTAMPTZ NOT NULL,
    used_at         TIMESTAMPTZ,
    revoked_at      TIMESTAMPTZ
);
CREATE INDEX portal_invitations_participant ON portal_invitations (participant_id, created_at);
