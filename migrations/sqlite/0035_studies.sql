-- Keep in step with ../postgres/0035_studies.sql.
-- Research studies (docs/research.md): an administrator names the programmes and the period, and
-- the researchers who download the study's pseudonymised export. `secret` is the study's key for
-- the pseudonyms (32 random bytes in hex, made by onramp and never shown): the same person gets
-- the same pseudonym in every export of one study, and another in another study.
CREATE TABLE studies (
    id          BLOB PRIMARY KEY,
    title       TEXT NOT NULL,
    starts_on   TEXT NOT NULL,
    ends_on     TEXT NOT NULL,
    k           INTEGER NOT NULL CHECK (k BETWEEN 2 AND 100),
    secret      TEXT NOT NULL,
    created_by  BLOB REFERENCES users (id),
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);

CREATE TABLE study_programmes (
    study_id      BLOB NOT NULL REFERENCES studies (id) ON DELETE CASCADE,
    programme_id  BLOB NOT NULL REFERENCES programmes (id),
    PRIMARY KEY (study_id, programme_id)
);

CREATE TABLE study_researchers (
    study_id  BLOB NOT NULL REFERENCES studies (id) ON DELETE CASCADE,
    user_id   BLOB NOT NULL REFERENCES users (id),
    PRIMARY KEY (study_id, user_id)
);
-- A researcher's home lists their studies.
CREATE INDEX study_researchers_user ON study_researchers (user_id, study_id);

-- The new role, researcher, among the allowed roles (0025_enum_guards).
DROP TRIGGER users_role_allowed_insert;
DROP TRIGGER users_role_allowed_update;
CREATE TRIGGER users_role_allowed_insert BEFORE INSERT ON users
WHEN NEW.role NOT IN ('administrator', 'coordinator', 'coach', 'care_team', 'peer_expert', 'funder', 'researcher')
BEGIN SELECT RAISE(ABORT, 'users.role: not an allowed value'); END;
CREATE TRIGGER users_role_allowed_update BEFORE UPDATE OF role ON users
WHEN NEW.role NOT IN ('administrator', 'coordinator', 'coach', 'care_team', 'peer_expert', 'funder', 'researcher')
BEGIN SELECT RAISE(ABORT, 'users.role: not an allowed value'); END;
