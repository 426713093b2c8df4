-- Programmes, participants, consents and trajectories: the caseload.
-- Keep in step with ../sqlite/0002_caseload.sql.

CREATE TABLE programmes (
    id                   UUID PRIMARY KEY,
    code                 TEXT NOT NULL UNIQUE,
    name                 TEXT NOT NULL,
    description          TEXT,
    min_age              INTEGER,
    max_age              INTEGER,
    min_sick_months      INTEGER,
    max_sick_months      INTEGER,
    situations           TEXT NOT NULL,
    max_duration_months  INTEGER NOT NULL,
    follow_up_months     TEXT NOT NULL,
    built_in             BOOLEAN NOT NULL,
    created_at           TIMESTAMPTZ NOT NULL,
    updated_at           TIMESTAMPTZ NOT NULL
);

CREATE TABLE programme_steps (
    programme_id  UUID NOT NULL REFERENCES programmes (id) ON DELETE CASCADE,
    kind          TEXT NOT NULL,
    position      INTEGER NOT NULL,
    code          TEXT NOT NULL,
    name          TEXT NOT NULL,
    PRIMARY KEY (programme_id, kind, position),
    UNIQUE (programme_id, kind, code)
);

CREATE TABLE participants (
    id                 UUID PRIMARY KEY,
    first_name         TEXT NOT NULL,
    last_name          TEXT NOT NULL,
    name_search        TEXT NOT NULL,
    birth_date         DATE NOT NULL,
    national_register  TEXT UNIQUE,
    email              TEXT,
    phone              TEXT,
    language           TEXT NOT NULL,
    gender             TEXT NOT NULL,
    education          TEXT NOT NULL,
    health_category    TEXT NOT NULL,
    incapacity_since   DATE,
    situation          TEXT NOT NULL,
    referrer           TEXT,
    notes              TEXT,
    organisation_id    UUID NOT NULL REFERENCES organisations (id),
    created_by         UUID REFERENCES users (id),
    created_at         TIMESTAMPTZ NOT NULL,
    updated_at         TIMESTAMPTZ NOT NULL
);
-- Duplicate detection at intake: same birth date and name.
CREATE INDEX participants_birth_name ON participants (birth_date, name_search);
CREATE INDEX participants_name ON participants (name_search);

CREATE TABLE consents (
    id               UUID PRIMARY KEY,
    participant_id   UUID NOT NULL REFERENCES participants (id),
    purpose          TEXT NOT NULL,
    organisation_id  UUID REFERENCES organisations (id),
    version          TEXT NOT NULL,
    given_on         DATE NOT NULL,
    withdrawn_on     DATE,
    recorded_by      UUID REFERENCES users (id),
    created_at       TIMESTAMPTZ NOT NULL
);
CREATE INDEX consents_participant ON consents (participant_id, purpose);
CREATE INDEX consents_sharing ON consents (organisation_id, purpose, participant_id);

-- A trajectory carries copies of what the caseload filters and sorts on
-- (region, participant name), so each scope reads one index in order.
CREATE TABLE trajectories (
    id                     UUID PRIMARY KEY,
    participant_id         UUID NOT NULL REFERENCES participants (id),
    programme_id           UUID NOT NULL REFERENCES programmes (id),
    organisation_id        UUID NOT NULL REFERENCES organisations (id),
    location_id            UUID REFERENCES locations (id),
    region_id              UUID REFERENCES regions (id),
    coach_id               UUID REFERENCES users (id),
    participant_name       TEXT NOT NULL,
    started_on             DATE NOT NULL,
    ends_by                DATE NOT NULL,
    phase                  TEXT NOT NULL,
    phase_since            DATE NOT NULL,
    ended_on               DATE,
    exit_reason            TEXT,
    last_contact_on        DATE,
    created_at             TIMESTAMPTZ NOT NULL,
    updated_at             TIMESTAMPTZ NOT NULL
);
CREATE INDEX trajectories_participant ON trajectories (participant_id, started_on);
CREATE INDEX trajectories_coach ON trajectories (coach_id, participant_name, id);
CREATE INDEX trajectories_organisation ON trajectories (organisation_id, participant_name, id);
CREATE INDEX trajectories_region ON trajectories (region_id, participant_name, id);
CREATE INDEX trajectories_name ON trajectories (participant_name, id);
CREATE INDEX trajectories_ends_by ON trajectories (ends_by, id);
CREATE INDEX trajectories_programme_phase ON trajectories (programme_id, phase);

-- The dated history of a trajectory: start, phase changes, handovers, exit.
CREATE TABLE trajectory_events (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    trajectory_id  UUID NOT NULL REFERENCES trajectories (id),
    kind           TEXT NOT NULL,
    on_date        DATE NOT NULL,
    from_value     TEXT,
    to_value       TEXT,
    note           TEXT,
    by_user_id     UUID REFERENCES users (id),
    at             TIMESTAMPTZ NOT NULL
);
CREATE INDEX trajectory_events_trajectory ON trajectory_events (trajectory_id, id);
