-- Password reset by e-mail (docs/security.md). Keep in step with ../postgres/0056_password_resets.sql.
--
-- 1. A reset link: single use, valid 30 minutes; the link carries the token, here its SHA-256.
CREATE TABLE password_resets (
    token_hash  TEXT PRIMARY KEY,
    user_id     BLOB NOT NULL REFERENCES users (id),
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    used_at     TEXT
);
CREATE INDEX password_resets_user ON password_resets (user_id);

-- 2. Every request for a link, known address or not, counted to throttle per address and per client.
CREATE TABLE password_reset_requests (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    email    TEXT NOT NULL,
    address  TEXT NOT NULL,
    at       TEXT NOT NULL
);
CREATE INDEX password_reset_requests_email ON password_reset_requests (email, at);
CREATE INDEX password_reset_requests_address ON password_reset_requests (address, at);
