-- Programmes, participants, consents and trajectories: the caseload.
-- Keep in step with ../postgres/0002_caseload.sql.

CREATE TABLE programmes (
    id                   BLOB PRIMARY KEY,
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
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL
);

CREATE TABLE programme_steps (
    programme_id  BLOB NOT NULL REFERENCES programmes (id) ON DELETE CASCADE,
    kind          TEXT NOT NULL,
    position      INTEGER NOT NULL,
    code          TEXT NOT NULL,
    name          TEXT NOT NULL,
    PRIMARY KEY (programme_id, kind, position),
    UNIQUE (programme_id, kind, code)
);

CREATE TABLE participants (
    id                 BLOB PRIMARY KEY,
    first_name         TEXT NOT NULL,
    last_name          TEXT NOT NULL,
    name_search        TEXT NOT NULL,
    birth_date         TEXT NOT NULL,
    national_register  TEXT UNIQUE,
    email              TEXT,
    phone              TEXT,
    language           TEXT NOT NULL,
    gender             TEXT NOT NULL,
    education          TEXT NOT NULL,
    health_category    TEXT NOT NULL,
    incapacity_since   TEXT,
    situation          TEXT NOT NULL,
    referrer           TEXT,
    notes              TEXT,
    organisation_id    BLOB NOT NULL REFERENCES organisations (id),
    created_by         BLOB REFERENCES users (id),
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL
);
-- Duplicate detection at intake: same birth date and name.
CREATE INDEX participants_birth_name ON participants (birth_date, name_search);
CREATE INDEX participants_name ON participants (name_search);

CREATE TABLE consents (
    id               BLOB PRIMARY KEY,
    participant_id   BLOB NOT NULL REFERENCES participants (id),
    purpose          TEXT NOT NULL,
    organisation_id  BLOB REFERENCES organisations (id),
    version          TEXT NOT NULL,
    given_on         TEXT NOT NULL,
    withdrawn_on     TEXT,
    recorded_by      BLOB REFERENCES users (id),
    created_at       TEXT NOT NULL
);
CREATE INDEX consents_participant ON consents (participant_id, purpose);
CREATE INDEX consents_sharing ON consents (organisation_id, purpose, participant_id);

-- A trajectory carries copies of what the caseload filters and sorts on
-- (region, participant name), so each scope reads one index in order.
CREATE TABLE trajectories (
    id                     BLOB PRIMARY KEY,
    participant_id         BLOB NOT NULL REFERENCES participants (id),
    programme_id           BLOB NOT NULL REFERENCES programmes (id),
    organisation_id        BLOB NOT NULL REFERENCES organisations (id),
    location_id            BLOB REFERENCES locations (id),
    region_id              BLOB REFERENCES regions (id),
    coach_id               BLOB REFERENCES users (id),
    participant_name       TEXT NOT NULL,
    started_on             TEXT NOT NULL,
    ends_by                TEXT NOT NULL,
    phase                  TEXT NOT NULL,
    phase_since            TEXT NOT NULL,
    ended_on               TEXT,
    exit_reason            TEXT,
    last_contact_on        TEXT,
    created_at             TEXT NOT NULL,
    updated_at             TEXT NOT NULL
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
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    trajectory_id  BLOB NOT NULL REFERENCES trajectories (id),
    kind           TEXT NOT NULL,
    on_date        TEXT NOT NULL,
    from_value     TEXT,
    to_value       TEXT,
    note           TEXT,
    by_user_id     BLOB REFERENCES users (id),
    at             TEXT NOT NULL
);
CREATE INDEX trajectory_events_trajectory ON trajectory_events (trajectory_id, id);
