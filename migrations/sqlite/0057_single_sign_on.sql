-- Single sign-on with OpenID Connect (docs/security.md). Keep in step with ../postgres/0057_single_sign_on.sql.

-- An account bound to a person at an identity provider: the provider's issuer and its subject
-- (the provider's own, stable identifier of that person). Bound the first time by the provider's
-- verified e-mail address, matched by the subject ever after. Several providers may bind one account.
CREATE TABLE user_identities (
    user_id   BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    issuer    TEXT NOT NULL,
    subject   TEXT NOT NULL,
    bound_at  TEXT NOT NULL,
    PRIMARY KEY (issuer, subject),
    UNIQUE (user_id, issuer)
);

-- A sign-in sent to a provider and not yet back: single use, ten minutes at most. Kept in the
-- database, so that the provider may send the browser back to any node. The state travels in
-- the browser and is kept here only as its SHA-256 hash.
CREATE TABLE oidc_pending_logins (
    state_hash     TEXT PRIMARY KEY,
    provider       TEXT NOT NULL,
    nonce          TEXT NOT NULL,
    pkce_verifier  TEXT NOT NULL,
    next_path      TEXT NOT NULL,
    created_at     TEXT NOT NULL
);
CREATE INDEX oidc_pending_logins_created ON oidc_pending_logins (created_at);
