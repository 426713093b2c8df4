-- The worklist (store/src/worklist.rs; docs/worklist.md). Keep in step with ../postgres/0044_worklist.sql.

-- A session keeps how many of its enrolments have no attendance yet, written with every
-- enrolment and mark (store/src/group_sessions.rs), so that "attendance to record" walks only the
-- sessions that still need it, by leader or region and date.
ALTER TABLE group_sessions ADD COLUMN unmarked INTEGER NOT NULL DEFAULT 0;
UPDATE group_sessions
   SET unmarked = (SELECT COUNT(*) FROM session_enrolments e WHERE e.session_id = group_sessions.id AND e.attendance IS NULL)
 WHERE id IN (SELECT session_id FROM session_enrolments WHERE attendance IS NULL);
CREATE INDEX group_sessions_coach_unmarked ON group_sessions (coach_id, on_date) WHERE unmarked > 0;
CREATE INDEX group_sessions_peer_unmarked ON group_sessions (peer_expert_id, on_date) WHERE unmarked > 0;
CREATE INDEX group_sessions_region_unmarked ON group_sessions (region_id, on_date) WHERE unmarked > 0;

-- A plan keeps since when a comment waits for the answer of the trajectory's coach: set by a
-- comment of anyone else, cleared by the coach's (store/src/plans.rs). Few plans wait at a time.
ALTER TABLE plans ADD COLUMN comment_waiting_since TEXT;
UPDATE plans
   SET comment_waiting_since = (SELECT m.created_at FROM plan_comments m WHERE m.plan_id = plans.id
                                 ORDER BY m.created_at DESC, m.id DESC LIMIT 1)
 WHERE (SELECT m.author_id FROM plan_comments m WHERE m.plan_id = plans.id ORDER BY m.created_at DESC, m.id DESC LIMIT 1)
       IS NOT (SELECT t.coach_id FROM trajectories t WHERE t.id = plans.trajectory_id)
   AND EXISTS (SELECT 1 FROM plan_comments m WHERE m.plan_id = plans.id);
CREATE INDEX plans_comment_waiting ON plans (comment_waiting_since) WHERE comment_waiting_since IS NOT NULL;

-- The running trajectories of a coach, partner or region by the day each kind of work falls on:
-- the soonest open step, the day of the last contact (and the start, which counts without one;
-- the schema test keeps indexes to columns, so the quiet day is read from both) and the maximum end.
CREATE INDEX trajectories_coach_open_steps ON trajectories (coach_id, next_step_due_on)
    WHERE (ended_on IS NULL) AND (next_step_due_on IS NOT NULL);
CREATE INDEX trajectories_organisation_open_steps ON trajectories (organisation_id, next_step_due_on)
    WHERE (ended_on IS NULL) AND (next_step_due_on IS NOT NULL);
CREATE INDEX trajectories_region_open_steps ON trajectories (region_id, next_step_due_on)
    WHERE (ended_on IS NULL) AND (next_step_due_on IS NOT NULL);
CREATE INDEX trajectories_coach_quiet ON trajectories (coach_id, last_contact_on, started_on, programme_id)
    WHERE ended_on IS NULL;
CREATE INDEX trajectories_organisation_quiet
    ON trajectories (organisation_id, last_contact_on, started_on, programme_id) WHERE ended_on IS NULL;
CREATE INDEX trajectories_region_quiet ON trajectories (region_id, last_contact_on, started_on, programme_id)
    WHERE ended_on IS NULL;
CREATE INDEX trajectories_coach_ending ON trajectories (coach_id, ends_by, started_on) WHERE ended_on IS NULL;
CREATE INDEX trajectories_organisation_ending ON trajectories (organisation_id, ends_by, started_on) WHERE ended_on IS NULL;
CREATE INDEX trajectories_region_ending ON trajectories (region_id, ends_by, started_on) WHERE ended_on IS NULL;
