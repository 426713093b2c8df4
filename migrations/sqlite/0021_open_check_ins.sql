-- Keep in step with ../postgres/0021_open_check_ins.sql.
-- The check-ins not yet done, by trajectory: a coach's due list reads the ended trajectories of
-- its scope from the scope indexes, then each one's open check-ins here, without the rows
-- (store/src/check_ins.rs). SQLite has no INCLUDE: the id closes the key, and the end of it is
-- done_on (always NULL here) so that the walk reads the index alone.
CREATE INDEX check_ins_open ON check_ins (trajectory_id, due_on, id, done_on) WHERE done_on IS NULL;
