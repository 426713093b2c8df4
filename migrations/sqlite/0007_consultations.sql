-- Case and team consultations with a partner's care team, and the participants discussed.
-- Keep in step with ../postgres/0007_consultations.sql.

CREATE TABLE consultations (
    id               BLOB PRIMARY KEY,
    organisation_id  BLOB NOT NULL REFERENCES organisations (id),
    location_id      BLOB REFERENCES locations (id),
    coach_id         BLOB NOT NULL REFERENCES users (id),
    on_date          TEXT NOT NULL,
    minutes          INTEGER NOT NULL CHECK (minutes > 0),
    attendees        TEXT NOT NULL,
    decisions        TEXT,
    created_at       TEXT NOT NULL
);
CREATE INDEX consultations_organisation ON consultations (organisation_id, on_date);
CREATE INDEX consultations_coach ON consultations (coach_id, on_date);

CREATE TABLE consultation_participants (
    consultation_id  BLOB NOT NULL REFERENCES consultations (id),
    participant_id   BLOB NOT NULL REFERENCES participants (id),
    PRIMARY KEY (consultation_id, participant_id)
);
CREATE INDEX consultation_participants_participant ON consultation_participants (participant_id);
