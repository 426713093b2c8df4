-- Steps to work and outcomes: dated events on a trajectory. Keep in step with ../sqlite/0009_outcomes.sql.

CREATE TABLE outcomes (
    id              UUID PRIMARY KEY,
    trajectory_id   UUID NOT NULL REFERENCES trajectories (id),
    participant_id  UUID NOT NULL REFERENCES participants (id),
    kind            TEXT NOT NULL,
    on_date         DATE NOT NULL,
    hours_per_week  INTEGER CHECK (hours_per_week BETWEEN 1 AND 60),
    contract        TEXT,
    place           TEXT,
    with_support    BOOLEAN NOT NULL,
    note            TEXT,
    recorded_by     UUID REFERENCES users (id),
    created_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX outcomes_trajectory ON outcomes (trajectory_id, on_date);
CREATE INDEX outcomes_participant ON outcomes (participant_id, on_date);
CREATE INDEX outcomes_kind ON outcomes (kind, on_date);

-- The situation upon leaving, in the ESF+ result categories.
ALTER TABLE trajectories ADD COLUMN exit_situation TEXT;
