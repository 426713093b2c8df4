-- Foundation: regions, organisations, locations, users, sessions, API tokens,
-- sign-in attempts and the audit log. Keep in step with ../postgres/0001_foundation.sql.

CREATE TABLE regions (
    id          BLOB PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);

CREATE TABLE organisations (
    id           BLOB PRIMARY KEY,
    name         TEXT NOT NULL,
    name_search  TEXT NOT NULL,
    kind         TEXT NOT NULL,
    region_id    BLOB REFERENCES regions (id),
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX organisations_region ON organisations (region_id, name_search);
CREATE INDEX organisations_name ON organisations (name_search);

CREATE TABLE locations (
    id               BLOB PRIMARY KEY,
    organisation_id  BLOB NOT NULL REFERENCES organisations (id),
    name             TEXT NOT NULL,
    address          TEXT,
    postcode         TEXT,
    city             TEXT,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
);
CREATE INDEX locations_organisation ON locations (organisation_id, name);

CREATE TABLE users (
    id                   BLOB PRIMARY KEY,
    email                TEXT NOT NULL UNIQUE,
    display_name         TEXT NOT NULL,
    name_search          TEXT NOT NULL,
    password_hash        TEXT NOT NULL,
    role                 TEXT NOT NULL,
    language             TEXT NOT NULL,
    active               BOOLEAN NOT NULL,
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL,
    password_changed_at  TEXT NOT NULL
);
CREATE INDEX users_role ON users (role, name_search);

CREATE TABLE user_organisations (
    user_id          BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    organisation_id  BLOB NOT NULL REFERENCES organisations (id),
    PRIMARY KEY (user_id, organisation_id)
);
CREATE INDEX user_organisations_organisation ON user_organisations (organisation_id, user_id);

CREATE TABLE user_regions (
    user_id    BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    region_id  BLOB NOT NULL REFERENCES regions (id),
    PRIMARY KEY (user_id, region_id)
);
CREATE INDEX user_regions_region ON user_regions (region_id, user_id);

-- Browser sessions. Only a hash of the cookie value is kept, so a copy of the
-- database cannot be used to take over a session.
CREATE TABLE sessions (
    token_hash    TEXT PRIMARY KEY,
    user_id       BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token    TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    last_seen_at  TEXT NOT NULL,
    expires_at    TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expiry ON sessions (expires_at);

CREATE TABLE api_tokens (
    id            BLOB PRIMARY KEY,
    user_id       BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    token_hash    TEXT NOT NULL UNIQUE,
    prefix        TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    last_used_at  TEXT,
    revoked_at    TEXT
);
CREATE INDEX api_tokens_user ON api_tokens (user_id, created_at);

CREATE TABLE login_attempts (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    email      TEXT NOT NULL,
    address    TEXT NOT NULL,
    succeeded  BOOLEAN NOT NULL,
    at         TEXT NOT NULL
);
CREATE INDEX login_attempts_email ON login_attempts (email, at);
CREATE INDEX login_attempts_address ON login_attempts (address, at);

-- Append-only: the triggers below refuse any change to a written entry.
CREATE TABLE audit_log (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    at              TEXT NOT NULL,
    actor_user_id   BLOB,
    actor_label     TEXT NOT NULL,
    action          TEXT NOT NULL,
    entity_type     TEXT NOT NULL,
    entity_id       TEXT,
    participant_id  BLOB,
    address         TEXT,
    request_id      TEXT,
    before_json     TEXT,
    after_json      TEXT
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_actor ON audit_log (actor_user_id, id);
CREATE INDEX audit_log_entity ON audit_log (entity_type, entity_id, id);
CREATE INDEX audit_log_participant ON audit_log (participant_id, id);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
