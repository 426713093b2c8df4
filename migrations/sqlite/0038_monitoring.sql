-- The monitoring reports (issue 25; docs/monitoring.md). Keep in step with ../postgres/0038_monitoring.sql.

-- Counts kept with every write, as dashboard_counts, for the monitoring figures (barriers by
-- health category and code, first steps, the ICF change of a cohort): month rows only, since a
-- monitoring report covers whole months. store/src/dashboard/counts.rs writes both tables.
CREATE TABLE monitoring_counts (
    unit          TEXT NOT NULL,
    unit_id       BLOB NOT NULL,
    grain         TEXT NOT NULL,
    period        TEXT NOT NULL,
    region_id     BLOB NOT NULL,
    programme_id  BLOB NOT NULL,
    figure        TEXT NOT NULL,
    trajectories  INTEGER NOT NULL,
    PRIMARY KEY (unit, unit_id, grain, period, region_id, programme_id, figure)
) WITHOUT ROWID;
-- Per coach or per location within a region: every unit of a kind at once.
CREATE INDEX monitoring_counts_region ON monitoring_counts (unit, region_id, period);

-- The facts of every trajectory now include the monitoring figures: count everything again at
-- start-up (counts::catch_up).
DELETE FROM dashboard_counts;
DELETE FROM dashboard_facts;

-- A coordinator's recommendations beside a report's evidence, kept with its period and scope
-- (nulls: not narrowed), each edit a new version.
CREATE TABLE monitoring_recommendations (
    id               BLOB PRIMARY KEY,
    from_on          TEXT NOT NULL,
    to_on            TEXT NOT NULL,
    organisation_id  BLOB REFERENCES organisations (id),
    region_id        BLOB REFERENCES regions (id),
    programme_id     BLOB REFERENCES programmes (id),
    location_id      BLOB REFERENCES locations (id),
    created_by       BLOB NOT NULL REFERENCES users (id),
    created_at       TEXT NOT NULL,
    version          INTEGER NOT NULL
);
CREATE INDEX monitoring_recommendations_period ON monitoring_recommendations (from_on, to_on);
CREATE TABLE monitoring_recommendation_versions (
    recommendation_id  BLOB NOT NULL REFERENCES monitoring_recommendations (id),
    version            INTEGER NOT NULL,
    -- the barrier code the recommendation answers, when it answers one
    barrier_code       TEXT,
    body               TEXT NOT NULL,
    written_by         BLOB NOT NULL REFERENCES users (id),
    written_at         TEXT NOT NULL,
    PRIMARY KEY (recommendation_id, version)
);
