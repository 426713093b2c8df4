-- Group sessions: series per programme module, enrolment with continuous intake,
-- attendance per participant. Keep in step with ../postgres/0005_group_sessions.sql.

CREATE TABLE session_series (
    id                BLOB PRIMARY KEY,
    programme_id      BLOB NOT NULL REFERENCES programmes (id),
    module            TEXT NOT NULL,
    title             TEXT NOT NULL,
    organisation_id   BLOB NOT NULL REFERENCES organisations (id),
    open_to_partners  BOOLEAN NOT NULL,
    created_by        BLOB REFERENCES users (id),
    created_at        TEXT NOT NULL
);

-- A session carries its series' partner and region, and its local date, so the
-- session lists, calendars and the hours view each read one index.
CREATE TABLE group_sessions (
    id                BLOB PRIMARY KEY,
    series_id         BLOB NOT NULL REFERENCES session_series (id),
    position          INTEGER NOT NULL,
    organisation_id   BLOB NOT NULL REFERENCES organisations (id),
    region_id         BLOB REFERENCES regions (id),
    open_to_partners  BOOLEAN NOT NULL,
    starts_at         TEXT NOT NULL,
    on_date           TEXT NOT NULL,
    minutes           INTEGER NOT NULL CHECK (minutes > 0),
    location_id       BLOB REFERENCES locations (id),
    online            BOOLEAN NOT NULL,
    room              TEXT UNIQUE,
    capacity          INTEGER NOT NULL CHECK (capacity > 0),
    coach_id          BLOB REFERENCES users (id),
    peer_expert_id    BLOB REFERENCES users (id),
    UNIQUE (series_id, position)
);
CREATE INDEX group_sessions_date ON group_sessions (on_date, id);
CREATE INDEX group_sessions_organisation ON group_sessions (organisation_id, on_date);
CREATE INDEX group_sessions_coach ON group_sessions (coach_id, on_date);
CREATE INDEX group_sessions_peer ON group_sessions (peer_expert_id, on_date);
CREATE INDEX group_sessions_location ON group_sessions (location_id, on_date);

CREATE TABLE session_enrolments (
    session_id      BLOB NOT NULL REFERENCES group_sessions (id),
    participant_id  BLOB NOT NULL REFERENCES participants (id),
    attendance      TEXT,
    enrolled_by     BLOB REFERENCES users (id),
    enrolled_at     TEXT NOT NULL,
    marked_by       BLOB REFERENCES users (id),
    marked_at       TEXT,
    PRIMARY KEY (session_id, participant_id)
);
CREATE INDEX session_enrolments_participant ON session_enrolments (participant_id, session_id);
