-- Keep in step with ../sqlite/0024_session_scope_indexes.sql.
-- The session list reads each part of the actor's scope from its own index with the dates
-- (store/src/group_sessions.rs): a region's and the open sessions had none, and the list walked
-- every session in the country between the dates.
CREATE INDEX group_sessions_region ON group_sessions (region_id, on_date);
CREATE INDEX group_sessions_open ON group_sessions (on_date) WHERE open_to_partners;
