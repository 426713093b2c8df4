-- Keep in step with ../sqlite/0023_plan_group_session.sql.
-- A plan version can name the group session it was drawn up in: the recovery plan (WRAP) is
-- written in module 3, in a group with the partner and the coach (store/src/plans.rs).
ALTER TABLE plan_versions ADD COLUMN group_session_id UUID REFERENCES group_sessions (id);
