-- Keep in step with ../sqlite/0035_studies.sql.
-- Research studies (docs/research.md): an administrator names the programmes and the period, and
-- the researchers who download the study's pseudonymised export. `secret` is the study's key for
-- the pseudonyms (32 random bytes in hex, made by onramp and never shown): the same person gets
-- the same pseudonym in every export of one study, and another in another study.
CREATE TABLE studies (
    id          UUID PRIMARY KEY,
    title       TEXT NOT NULL,
    starts_on   DATE NOT NULL,
    ends_on     DATE NOT NULL,
    k           INTEGER NOT NULL CHECK (k BETWEEN 2 AND 100),
    secret      TEXT NOT NULL,
    created_by  UUID REFERENCES users (id),
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);

CREATE TABLE study_programmes (
    study_id      UUID NOT NULL REFERENCES studies (id) ON DELETE CASCADE,
    programme_id  UUID NOT NULL REFERENCES programmes (id),
    PRIMARY KEY (study_id, programme_id)
);

CREATE TABLE study_researchers (
    study_id  UUID NOT NULL REFERENCES studies (id) ON DELETE CASCADE,
    user_id   UUID NOT NULL REFERENCES users (id),
    PRIMARY KEY (study_id, user_id)
);
-- A researcher's home lists their studies.
CREATE INDEX study_researchers_user ON study_researchers (user_id, study_id);

-- The new role, researcher, among the allowed roles (0025_enum_guards).
ALTER TABLE users DROP CONSTRAINT users_role_allowed;
ALTER TABLE users
    ADD CONSTRAINT users_role_allowed CHECK (role IN ('administrator', 'coordinator', 'coach', 'care_team', 'peer_expert', 'funder', 'researcher'));
