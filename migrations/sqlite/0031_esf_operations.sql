-- ESF operations (issue 24): the ESF project an administrator records (number, title, period) and
-- the programmes and partners whose trajectories it covers (no partner listed: all partners). The
-- indicators are counted from the trajectories, never stored. Keep in step with ../postgres/0031_esf_operations.sql.
CREATE TABLE esf_operations (
    id          BLOB PRIMARY KEY,
    number      TEXT NOT NULL UNIQUE,
    title       TEXT NOT NULL,
    starts_on   TEXT NOT NULL,
    ends_on     TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);

CREATE TABLE esf_operation_programmes (
    operation_id  BLOB NOT NULL REFERENCES esf_operations (id) ON DELETE CASCADE,
    programme_id  BLOB NOT NULL REFERENCES programmes (id),
    PRIMARY KEY (operation_id, programme_id)
);

CREATE TABLE esf_operation_partners (
    operation_id     BLOB NOT NULL REFERENCES esf_operations (id) ON DELETE CASCADE,
    organisation_id  BLOB NOT NULL REFERENCES organisations (id),
    PRIMARY KEY (operation_id, organisation_id)
);

-- The report reads an operation's trajectories by programme and start.
CREATE INDEX trajectories_programme_started ON trajectories (programme_id, started_on);
