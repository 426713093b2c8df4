-- The documents of a trajectory that the participant and coach write together: the action plan,
-- the recovery plan (WRAP) and the personal canvas. Every version is kept whole, with who wrote it
-- and when; the plan row points at the latest version and at the latest one shared with the care team.
-- Keep in step with ../postgres/0016_plans.sql.

CREATE TABLE plans (
    id              BLOB PRIMARY KEY,
    trajectory_id   BLOB NOT NULL REFERENCES trajectories (id),
    -- action, recovery, canvas
    kind            TEXT NOT NULL,
    version         INTEGER NOT NULL,
    -- the latest version the care team may read (NULL: none shared)
    shared_version  INTEGER,
    updated_at      TEXT NOT NULL,
    UNIQUE (trajectory_id, kind)
);

CREATE TABLE plan_versions (
    plan_id          BLOB NOT NULL REFERENCES plans (id),
    version          INTEGER NOT NULL,
    -- the whole document as JSON (onramp_domain::plans::PlanContent)
    content          TEXT NOT NULL,
    shared           BOOLEAN NOT NULL,
    -- the case and team consultation at which this version was reviewed
    consultation_id  BLOB REFERENCES consultations (id),
    note             TEXT,
    created_by       BLOB REFERENCES users (id),
    created_at       TEXT NOT NULL,
    PRIMARY KEY (plan_id, version)
);

CREATE TABLE plan_comments (
    id          BLOB PRIMARY KEY,
    plan_id     BLOB NOT NULL REFERENCES plans (id),
    -- the version the comment was written on
    version     INTEGER NOT NULL,
    author_id   BLOB NOT NULL REFERENCES users (id),
    body        TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX plan_comments_plan ON plan_comments (plan_id, created_at);
