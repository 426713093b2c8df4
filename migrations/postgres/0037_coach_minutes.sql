-- Keep in step with ../sqlite/0037_coach_minutes.sql.
-- Coach minutes per partner and day, kept in the same transaction as every record of time (a
-- coaching contact, a group session with its coach, a presence action, a consultation, hours
-- registered by hand): the cost-benefit of a region over a year sums a few thousand rows instead
-- of scanning the activities (store/src/cost_benefit.rs). The same records the hours view sums.
CREATE TABLE coach_minutes (
    organisation_id  UUID NOT NULL REFERENCES organisations (id),
    on_date          DATE NOT NULL,
    minutes          BIGINT NOT NULL,
    PRIMARY KEY (organisation_id, on_date)
);

INSERT INTO coach_minutes (organisation_id, on_date, minutes)
SELECT organisation_id, on_date, SUM(minutes) FROM (
    SELECT organisation_id, on_date, minutes FROM coaching_contacts
    UNION ALL SELECT organisation_id, on_date, minutes FROM group_sessions WHERE coach_id IS NOT NULL
    UNION ALL SELECT organisation_id, on_date, minutes FROM presence_actions
    UNION ALL SELECT organisation_id, on_date, minutes FROM consultations
    UNION ALL SELECT organisation_id, on_date, minutes FROM time_entries
) used
GROUP BY organisation_id, on_date;
