-- Keep in step with ../sqlite/0026_shared_work.sql.
-- Shared work (issue 23).
-- A handover to job mediation ends the outreach trajectory (exit reason `job_mediation`) and
-- records where the person went: the receiving organisation (the public employment service, or a
-- provider's own job mediation) and its service. The check-ins after exit follow as for every exit.
ALTER TABLE trajectories ADD COLUMN mediation_organisation_id UUID REFERENCES organisations (id);
ALTER TABLE trajectories ADD COLUMN mediation_service TEXT;

-- A check-in closed without being held, and why (`re_entered`: the person came back as a new
-- trajectory, which has its own schedule; `consent_withdrawn`: the person withdrew their consent to
-- take part, so nothing more is recorded for them). Such a check-in has `done_on` (the day it was
-- closed), so every list of open check-ins leaves it out.
ALTER TABLE check_ins ADD COLUMN closed_as TEXT;

-- exit_reason: ExitReason gains job_mediation (the guard of 0025, remade with the new list).
ALTER TABLE trajectories
    DROP CONSTRAINT trajectories_exit_reason_allowed,
    ADD CONSTRAINT trajectories_exit_reason_allowed CHECK (exit_reason IN ('completed', 'work', 'training', 'job_mediation', 'declined', 'health_worsened', 'unreachable', 'moved_away', 'maximum_duration', 'other'));

-- closed_as: CheckInClosure. Written as `= ANY (ARRAY[...])`, the form PostgreSQL gives every
-- other guard's IN list: an IN list of one value it would keep as a plain `=`.
ALTER TABLE check_ins
    ADD CONSTRAINT check_ins_closed_as_allowed CHECK (closed_as = ANY (ARRAY['re_entered', 'consent_withdrawn']));
