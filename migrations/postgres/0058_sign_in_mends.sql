-- Sign-in mends (docs/security.md). Keep in step with ../sqlite/0058_sign_in_mends.sql.

-- How a session was opened: 'password' (with or without a second factor) or 'sso' (through an
-- identity provider, trusted to ask its own second factor: `--require-two-factor` does not apply).
ALTER TABLE sessions ADD COLUMN signed_in_by TEXT NOT NULL DEFAULT 'password';

-- The client address that started a single sign-on, so that one address cannot fill the table.
ALTER TABLE oidc_pending_logins ADD COLUMN address TEXT NOT NULL DEFAULT '';
CREATE INDEX oidc_pending_logins_address ON oidc_pending_logins (address, created_at);
