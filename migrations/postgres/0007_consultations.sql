-- Case and team consultations with a partner's care team, and the participants discussed.
-- Keep in step with ../sqlite/0007_consultations.sql.

CREATE TABLE consultations (
    id               UUID PRIMARY KEY,
    organisation_id  UUID NOT NULL REFERENCES organisations (id),
    location_id      UUID REFERENCES locations (id),
    coach_id         UUID NOT NULL REFERENCES users (id),
    on_date          DATE NOT NULL,
    minutes          INTEGER NOT NULL CHECK (minutes > 0),
    attendees        TEXT NOT NULL,
    decisions        TEXT,
    created_at       TIMESTAMPTZ NOT NULL
);
CREATE INDEX consultations_organisation ON consultations (organisation_id, on_date);
CREATE INDEX consultations_coach ON consultations (coach_id, on_date);

CREATE TABLE consultation_participants (
    consultation_id  UUID NOT NULL REFERENCES consultations (id),
    participant_id   UUID NOT NULL REFERENCES participants (id),
    PRIMARY KEY (consultation_id, participant_id)
);
CREATE INDEX consultation_participants_participant ON consultation_participants (participant_id);
