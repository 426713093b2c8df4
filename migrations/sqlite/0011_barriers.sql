-- Barriers to work, coded and dated over a trajectory, each later closed as resolved or not.
-- Keep in step with ../postgres/0011_barriers.sql.

CREATE TABLE barriers (
    id              BLOB PRIMARY KEY,
    trajectory_id   BLOB NOT NULL REFERENCES trajectories (id),
    participant_id  BLOB NOT NULL REFERENCES participants (id),
    code            TEXT NOT NULL,
    noted_on        TEXT NOT NULL,
    status          TEXT NOT NULL,
    closed_on       TEXT,
    note            TEXT,
    recorded_by     BLOB REFERENCES users (id),
    created_at      TEXT NOT NULL
);
CREATE INDEX barriers_trajectory ON barriers (trajectory_id, noted_on);
CREATE INDEX barriers_participant ON barriers (participant_id, noted_on);
