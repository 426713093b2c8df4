-- The participant's plans in the portal (docs/portal.md). Keep in step with ../sqlite/0053_portal_plans.sql.

-- A version is shared with the participant by a mark of its own, beside the care team's; the plan
-- points at the latest such version (NULL: the participant reads none).
ALTER TABLE plan_versions ADD COLUMN shared_with_participant BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE plans ADD COLUMN participant_version INTEGER;

-- A comment the participant reads in the portal: their own, and the coaches' answers written for
-- them. The staff's other comments stay with the staff.
ALTER TABLE plan_comments ADD COLUMN with_participant BOOLEAN NOT NULL DEFAULT FALSE;

-- Since when the latest version holds a step the participant proposed and nobody has answered
-- (accepted or declined): the worklist's "steps proposed". Few plans wait at a time.
ALTER TABLE plans ADD COLUMN proposal_waiting_since TIMESTAMPTZ;
CREATE INDEX plans_proposal_waiting ON plans (proposal_waiting_since) WHERE proposal_waiting_since IS NOT NULL;
