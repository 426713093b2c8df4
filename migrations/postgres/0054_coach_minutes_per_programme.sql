-- Keep in step with ../sqlite/0054_coach_minutes_per_programme.sql.
-- Coach minutes kept per partner, programme and day, so that a partner running two programmes
-- does not count its hours in full for each. Time tied to a programme (a coaching contact through
-- its trajectory, a group session through its series) is kept under that programme; time that
-- belongs to no single programme (presence actions, consultations, hours registered by hand) is
-- kept under the nil id and shared out at reading time (docs/cost-benefit.md, "Coach hours").
CREATE TABLE coach_minutes_new (
    organisation_id  UUID NOT NULL REFERENCES organisations (id),
    on_date          DATE NOT NULL,
    programme_id     UUID NOT NULL,
    minutes          BIGINT NOT NULL,
    PRIMARY KEY (organisation_id, on_date, programme_id)
);

INSERT INTO coach_minutes_new (organisation_id, on_date, programme_id, minutes)
SELECT organisation_id, on_date, programme_id, SUM(minutes) FROM (
    SELECT c.organisation_id, c.on_date, t.programme_id, c.minutes
        FROM coaching_contacts c JOIN trajectories t ON t.id = c.trajectory_id
    UNION ALL SELECT g.organisation_id, g.on_date, s.programme_id, g.minutes
        FROM group_sessions g JOIN session_series s ON s.id = g.series_id WHERE g.coach_id IS NOT NULL
    UNION ALL SELECT organisation_id, on_date, '00000000-0000-0000-0000-000000000000'::uuid, minutes FROM presence_actions
    UNION ALL SELECT organisation_id, on_date, '00000000-0000-0000-0000-000000000000'::uuid, minutes FROM consultations
    UNION ALL SELECT organisation_id, on_date, '00000000-0000-0000-0000-000000000000'::uuid, minutes FROM time_entries
) used
GROUP BY organisation_id, on_date, programme_id;

DROP TABLE coach_minutes;
ALTER TABLE coach_minutes_new RENAME TO coach_minutes;
ALTER TABLE coach_minutes RENAME CONSTRAINT coach_minutes_new_pkey TO coach_minutes_pkey;
ALTER TABLE coach_minutes RENAME CONSTRAINT coach_minutes_new_organisation_id_fkey TO coach_minutes_organisation_id_fkey;
