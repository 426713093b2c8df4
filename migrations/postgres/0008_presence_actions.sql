-- "Being present": actions that reach people who are not yet participants (open information
-- points, group information sessions, storytelling on the hospital's TV channel, ...), with an
-- anonymous count of people reached; participants who came through one link to it.
-- Keep in step with ../sqlite/0008_presence_actions.sql.

CREATE TABLE presence_kinds (
    code        TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    built_in    BOOLEAN NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL
);

CREATE TABLE presence_actions (
    id               UUID PRIMARY KEY,
    kind             TEXT NOT NULL REFERENCES presence_kinds (code),
    organisation_id  UUID NOT NULL REFERENCES organisations (id),
    location_id      UUID REFERENCES locations (id),
    on_date          DATE NOT NULL,
    minutes          INTEGER NOT NULL CHECK (minutes > 0),
    led_by           UUID NOT NULL REFERENCES users (id),
    reached          INTEGER NOT NULL CHECK (reached >= 0),
    description      TEXT,
    created_at       TIMESTAMPTZ NOT NULL
);
CREATE INDEX presence_actions_organisation ON presence_actions (organisation_id, on_date);
CREATE INDEX presence_actions_leader ON presence_actions (led_by, on_date);

ALTER TABLE participants ADD COLUMN presence_action_id UUID REFERENCES presence_actions (id);
CREATE INDEX participants_presence_action ON participants (presence_action_id);

-- The seeds' kinds; administrators add others.
INSERT INTO presence_kinds (code, name, built_in, created_at) VALUES
    ('info_point', 'Open information point about work', TRUE, '2026-01-01T00:00:00+00:00'),
    ('info_session', 'Group information session on return to work', TRUE, '2026-01-01T00:00:00+00:00'),
    ('storytelling_tv', 'Storytelling on the internal TV channel', TRUE, '2026-01-01T00:00:00+00:00');
