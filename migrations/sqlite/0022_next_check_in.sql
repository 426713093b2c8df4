-- Keep in step with ../postgres/0022_next_check_in.sql.
-- Each trajectory keeps the due date of its soonest check-in not yet done (NULL when none is
-- open), written with the check-ins themselves (store/src/check_ins.rs). A due list then walks
-- its scope's trajectories in that order and reads about as many entries as it shows: at 2.5
-- million people a coach's list read a few thousand open check-ins spread over the whole table.
ALTER TABLE trajectories ADD COLUMN next_check_in_on DATE;
UPDATE trajectories
   SET next_check_in_on = (SELECT min(c.due_on) FROM check_ins c
                            WHERE c.trajectory_id = trajectories.id AND c.done_on IS NULL)
 WHERE id IN (SELECT trajectory_id FROM check_ins WHERE done_on IS NULL);
-- One index per kind of scope (store/src/caseload.rs, branch_conditions); only trajectories with
-- an open check-in are in them.
CREATE INDEX trajectories_next_check_in ON trajectories (next_check_in_on, id)
    WHERE next_check_in_on IS NOT NULL;
CREATE INDEX trajectories_coach_next_check_in ON trajectories (coach_id, next_check_in_on, id)
    WHERE next_check_in_on IS NOT NULL;
CREATE INDEX trajectories_organisation_next_check_in ON trajectories (organisation_id, next_check_in_on, id)
    WHERE next_check_in_on IS NOT NULL;
CREATE INDEX trajectories_region_next_check_in ON trajectories (region_id, next_check_in_on, id)
    WHERE next_check_in_on IS NOT NULL;
-- The due lists no longer walk the open check-ins by date.
DROP INDEX check_ins_due;
