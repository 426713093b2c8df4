-- Keep in step with ../sqlite/0021_open_check_ins.sql.
-- The check-ins not yet done, by trajectory: a coach's due list reads the ended trajectories of
-- its scope from the scope indexes, then each one's open check-ins here, without the rows
-- (store/src/check_ins.rs).
CREATE INDEX check_ins_open ON check_ins (trajectory_id, due_on) INCLUDE (id) WHERE done_on IS NULL;
