-- Two-factor authentication with TOTP (RFC 6238; docs/security.md). Keep in step with
-- ../postgres/0055_two_factor.sql.
--
-- 1. A user's authenticator: the shared secret (base32, as the app shows it), whether the user
-- confirmed it with a first code (only then does sign-in ask for codes), and the last time step a
-- code was accepted for, so that no code is accepted twice.
CREATE TABLE two_factor (
    user_id       BLOB PRIMARY KEY REFERENCES users (id),
    secret        TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    confirmed_at  TEXT,
    last_step     INTEGER NOT NULL DEFAULT 0
);

-- 2. Single-use recovery codes, kept as SHA-256 hashes; `used_at` once spent.
CREATE TABLE two_factor_recovery_codes (
    user_id    BLOB NOT NULL REFERENCES users (id),
    code_hash  TEXT NOT NULL,
    used_at    TEXT,
    PRIMARY KEY (user_id, code_hash)
);

-- 3. A sign-in between the password and the code: not a session, only the right to enter a code
-- for this user for a few minutes. The cookie carries the token; here its SHA-256.
CREATE TABLE two_factor_pending (
    token_hash  TEXT PRIMARY KEY,
    user_id     BLOB NOT NULL REFERENCES users (id),
    next_path   TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL
);
CREATE INDEX two_factor_pending_user ON two_factor_pending (user_id);
