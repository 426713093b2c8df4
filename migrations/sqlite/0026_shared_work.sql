-- Keep in step with ../postgres/0026_shared_work.sql.
-- Shared work (issue 23).
-- A handover to job mediation ends the outreach trajectory (exit reason `job_mediation`) and
-- records where the person went: the receiving organisation (the public employment service, or a
-- provider's own job mediation) and its service. The check-ins after exit follow as for every exit.
ALTER TABLE trajectories ADD COLUMN mediation_organisation_id BLOB REFERENCES organisations (id);
ALTER TABLE trajectories ADD COLUMN mediation_service TEXT;

-- A check-in closed without being held, and why (`re_entered`: the person came back as a new
-- trajectory, which has its own schedule; `consent_withdrawn`: the person withdrew their consent to
-- take part, so nothing more is recorded for them). Such a check-in has `done_on` (the day it was
-- closed), so every list of open check-ins leaves it out.
ALTER TABLE check_ins ADD COLUMN closed_as TEXT;

-- exit_reason: ExitReason gains job_mediation (the guards of 0025, remade with the new list).
DROP TRIGGER trajectories_exit_reason_allowed_insert;
DROP TRIGGER trajectories_exit_reason_allowed_update;
CREATE TRIGGER trajectories_exit_reason_allowed_insert BEFORE INSERT ON trajectories
WHEN NEW.exit_reason NOT IN ('completed', 'work', 'training', 'job_mediation', 'declined', 'health_worsened', 'unreachable', 'moved_away', 'maximum_duration', 'other')
BEGIN SELECT RAISE(ABORT, 'trajectories.exit_reason: not an allowed value'); END;
CREATE TRIGGER trajectories_exit_reason_allowed_update BEFORE UPDATE OF exit_reason ON trajectories
WHEN NEW.exit_reason NOT IN ('completed', 'work', 'training', 'job_mediation', 'declined', 'health_worsened', 'unreachable', 'moved_away', 'maximum_duration', 'other')
BEGIN SELECT RAISE(ABORT, 'trajectories.exit_reason: not an allowed value'); END;

-- closed_as: CheckInClosure
CREATE TRIGGER check_ins_closed_as_allowed_insert BEFORE INSERT ON check_ins
WHEN NEW.closed_as NOT IN ('re_entered', 'consent_withdrawn')
BEGIN SELECT RAISE(ABORT, 'check_ins.closed_as: not an allowed value'); END;
CREATE TRIGGER check_ins_closed_as_allowed_update BEFORE UPDATE OF closed_as ON check_ins
WHEN NEW.closed_as NOT IN ('re_entered', 'consent_withdrawn')
BEGIN SELECT RAISE(ABORT, 'check_ins.closed_as: not an allowed value'); END;
