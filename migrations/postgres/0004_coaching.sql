-- Individual coaching contacts and hand-registered coach hours.
-- Keep in step with ../sqlite/0004_coaching.sql.

-- A contact carries its participant, partner and location (copied from the
-- trajectory) so the timeline and the time registration each read one index.
CREATE TABLE coaching_contacts (
    id               UUID PRIMARY KEY,
    trajectory_id    UUID NOT NULL REFERENCES trajectories (id),
    participant_id   UUID NOT NULL REFERENCES participants (id),
    organisation_id  UUID NOT NULL REFERENCES organisations (id),
    location_id      UUID REFERENCES locations (id),
    coach_id         UUID NOT NULL REFERENCES users (id),
    on_date          DATE NOT NULL,
    minutes          INTEGER NOT NULL CHECK (minutes > 0),
    mode             TEXT NOT NULL,
    place            TEXT,
    topic            TEXT NOT NULL,
    notes            TEXT,
    next_step        TEXT,
    created_by       UUID REFERENCES users (id),
    created_at       TIMESTAMPTZ NOT NULL
);
CREATE INDEX coaching_contacts_participant ON coaching_contacts (participant_id, on_date);
CREATE INDEX coaching_contacts_trajectory ON coaching_contacts (trajectory_id, on_date);
CREATE INDEX coaching_contacts_coach ON coaching_contacts (coach_id, on_date);
CREATE INDEX coaching_contacts_organisation ON coaching_contacts (organisation_id, on_date);

-- Hours a coach registers by hand (preparation, administration, work no activity records).
CREATE TABLE time_entries (
    id               UUID PRIMARY KEY,
    coach_id         UUID NOT NULL REFERENCES users (id),
    organisation_id  UUID NOT NULL REFERENCES organisations (id),
    location_id      UUID REFERENCES locations (id),
    on_date          DATE NOT NULL,
    category         TEXT NOT NULL,
    minutes          INTEGER NOT NULL CHECK (minutes > 0),
    note             TEXT,
    created_at       TIMESTAMPTZ NOT NULL
);
CREATE INDEX time_entries_coach ON time_entries (coach_id, on_date);
CREATE INDEX time_entries_organisation ON time_entries (organisation_id, on_date);
