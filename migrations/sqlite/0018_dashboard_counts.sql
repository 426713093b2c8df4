-- Keep in step with ../postgres/0018_dashboard_counts.sql.
-- The dashboard's figures kept as counts, updated in the same transaction as the records they
-- count (store/src/dashboard/counts.rs), so a dashboard over a region or everything reads a few
-- thousand rows instead of scanning every trajectory. Filled for existing data at start-up.

-- What each trajectory adds to the counts now, so a change can take away what it added before.
-- `figures`: one "date figure" pair per line (the start or end date the figure is counted on).
CREATE TABLE dashboard_facts (
    trajectory_id  BLOB PRIMARY KEY REFERENCES trajectories (id),
    region_id      BLOB NOT NULL,
    programme_id   BLOB NOT NULL,
    figures        TEXT NOT NULL
);

-- Trajectories per figure, by day and by month (grain 'd' or 'm', period the day or the month's
-- first day), region (the nil id for none) and programme.
CREATE TABLE dashboard_counts (
    grain         TEXT NOT NULL,
    period        TEXT NOT NULL,
    region_id     BLOB NOT NULL,
    programme_id  BLOB NOT NULL,
    figure        TEXT NOT NULL,
    trajectories  INTEGER NOT NULL,
    PRIMARY KEY (grain, period, region_id, programme_id, figure)
) WITHOUT ROWID;

-- A partner's dashboard is counted from its own trajectories.
CREATE INDEX trajectories_organisation_started ON trajectories (organisation_id, started_on);
CREATE INDEX trajectories_organisation_ended ON trajectories (organisation_id, ended_on);
