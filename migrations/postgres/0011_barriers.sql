-- Barriers to work, coded and dated over a trajectory, each later closed as resolved or not.
-- Keep in step with ../sqlite/0011_barriers.sql.

CREATE TABLE barriers (
    id              UUID PRIMARY KEY,
    trajectory_id   UUID NOT NULL REFERENCES trajectories (id),
    participant_id  UUID NOT NULL REFERENCES participants (id),
    code            TEXT NOT NULL,
    noted_on        DATE NOT NULL,
    status          TEXT NOT NULL,
    closed_on       DATE,
    note            TEXT,
    recorded_by     UUID REFERENCES users (id),
    created_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX barriers_trajectory ON barriers (trajectory_id, noted_on);
CREATE INDEX barriers_participant ON barriers (participant_id, noted_on);
