-- The monitoring reports (issue 25; docs/monitoring.md). Keep in step with ../sqlite/0038_monitoring.sql.

-- Counts kept with every write, as dashboard_counts, for the monitoring figures (barriers by
-- health category and code, first steps, the ICF change of a cohort): month rows only, since a
-- monitoring report covers whole months. store/src/dashboard/counts.rs writes both tables.
CREATE TABLE monitoring_counts (
    unit          TEXT NOT NULL,
    unit_id       UUID NOT NULL,
    grain         TEXT NOT NULL,
    period        DATE NOT NULL,
    region_id     UUID NOT NULL,
    programme_id  UUID NOT NULL,
    figure        TEXT NOT NULL,
    trajectories  BIGINT NOT NULL,
    PRIMARY KEY (unit, unit_id, grain, period, region_id, programme_id, figure)
);
-- Per coach or per location within a region: every unit of a kind at once.
CREATE INDEX monitoring_counts_region ON monitoring_counts (unit, region_id, period);

-- The facts of every trajectory now include the monitoring figures: count everything again at
-- start-up (counts::catch_up).
DELETE FROM dashboard_counts;
DELETE FROM dashboard_facts;

-- A coordinator's recommendations beside a report's evidence, kept with its period and scope
-- (nulls: not narrowed), each edit a new version.
CREATE TABLE monitoring_recommendations (
    id               UUID PRIMARY KEY,
    from_on          DATE NOT NULL,
    to_on            DATE NOT NULL,
    organisation_id  UUID REFERENCES organisations (id),
    region_id        UUID REFERENCES regions (id),
    programme_id     UUID REFERENCES programmes (id),
    location_id      UUID REFERENCES locations (id),
    created_by       UUID NOT NULL REFERENCES users (id),
    created_at       TIMESTAMPTZ NOT NULL,
    version          INTEGER NOT NULL
);
CREATE INDEX monitoring_recommendations_period ON monitoring_recommendations (from_on, to_on);
CREATE TABLE monitoring_recommendation_versions (
    recommendation_id  UUID NOT NULL REFERENCES monitoring_recommendations (id),
    version            INTEGER NOT NULL,
    -- the barrier code the recommendation answers, when it answers one
    barrier_code       TEXT,
    body               TEXT NOT NULL,
    written_by         UUID NOT NULL REFERENCES users (id),
    written_at         TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (recommendation_id, version)
);
