-- The worklist (store/src/worklist.rs; docs/worklist.md). Keep in step with ../sqlite/0044_worklist.sql.

-- A session keeps how many of its enrolments have no attendance yet, written with every
-- enrolment and mark (store/src/group_sessions.rs), so that "attendance to record" walks only the
-- sessions that still need it, by leader or region and date.
ALTER TABLE group_sessions ADD COLUMN unmarked INTEGER NOT NULL DEFAULT 0;
UPDATE group_sessions s
   SET unmarked = o.n
  FROM (SELECT session_id, COUNT(*) AS n FROM session_enrolments WHERE attendance IS NULL GROUP BY session_id) o
 WHERE o.session_id = s.id;
CREATE INDEX group_sessions_coach_unmarked ON group_sessions (coach_id, on_date) WHERE unmarked > 0;
CREATE INDEX group_sessions_peer_unmarked ON group_sessions (peer_expert_id, on_date) WHERE unmarked > 0;
CREATE INDEX group_sessions_region_unmarked ON group_sessions (region_id, on_date) WHERE unmarked > 0;

-- A plan keeps since when a comment waits for the answer of the trajectory's coach: set by a
-- comment of anyone else, cleared by the coach's (store/src/plans.rs). Few plans wait at a time.
ALTER TABLE plans ADD COLUMN comment_waiting_since TIMESTAMPTZ;
UPDATE plans p
   SET comment_waiting_since = l.created_at
  FROM (SELECT DISTINCT ON (plan_id) plan_id, author_id, created_at FROM plan_comments
         ORDER BY plan_id, created_at DESC, id DESC) l,
       trajectories t
 WHERE l.plan_id = p.id AND t.id = p.trajectory_id AND l.author_id IS DISTINCT FROM t.coach_id;
CREATE INDEX plans_comment_waiting ON plans (comment_waiting_since) WHERE comment_waiting_since IS NOT NULL;

-- The running trajectories of a coach, partner or region by the day each kind of work falls on:
-- the soonest open step, the day of the last contact (and the start, which counts without one;
-- the schema test keeps indexes to columns, so the quiet day is read from both) and the maximum end.
CREATE INDEX trajectories_coach_open_steps ON trajectories (coach_id, next_step_due_on)
    WHERE ended_on IS NULL AND next_step_due_on IS NOT NULL;
CREATE INDEX trajectories_organisation_open_steps ON trajectories (organisation_id, next_step_due_on)
    WHERE ended_on IS NULL AND next_step_due_on IS NOT NULL;
CREATE INDEX trajectories_region_open_steps ON trajectories (region_id, next_step_due_on)
    WHERE ended_on IS NULL AND next_step_due_on IS NOT NULL;
CREATE INDEX trajectories_coach_quiet ON trajectories (coach_id, last_contact_on, started_on, programme_id)
    WHERE ended_on IS NULL;
CREATE INDEX trajectories_organisation_quiet
    ON trajectories (organisation_id, last_contact_on, started_on, programme_id) WHERE ended_on IS NULL;
CREATE INDEX trajectories_region_quiet ON trajectories (region_id, last_contact_on, started_on, programme_id)
    WHERE ended_on IS NULL;
CREATE INDEX trajectories_coach_ending ON trajectories (coach_id, ends_by, started_on) WHERE ended_on IS NULL;
CREATE INDEX trajectories_organisation_ending ON trajectories (organisation_id, ends_by, started_on) WHERE ended_on IS NULL;
CREATE INDEX trajectories_region_ending ON trajectories (region_id, ends_by, started_on) WHERE ended_on IS NULL;
