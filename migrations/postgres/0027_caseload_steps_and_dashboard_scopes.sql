-- Keep in step with ../sqlite/0027_caseload_steps_and_dashboard_scopes.sql.

-- The caseload shows the action-plan steps that fall due (store/src/caseload.rs). The open steps
-- with a due date of each trajectory's latest action plan, rewritten with every version
-- (store/src/plans.rs): a page counts each row's due and overdue steps here.
CREATE TABLE action_steps_open (
    trajectory_id  UUID NOT NULL REFERENCES trajectories (id),
    due_on         DATE NOT NULL,
    step_id        TEXT NOT NULL,
    PRIMARY KEY (trajectory_id, due_on, step_id)
);
INSERT INTO action_steps_open (trajectory_id, due_on, step_id)
SELECT DISTINCT p.trajectory_id, (s.step ->> 'due_on')::date, s.step ->> 'id'
  FROM plans p
  JOIN plan_versions v ON v.plan_id = p.id AND v.version = p.version
  CROSS JOIN LATERAL jsonb_array_elements(v.content::jsonb -> 'goals') AS g (goal)
  CROSS JOIN LATERAL jsonb_array_elements(g.goal -> 'steps') AS s (step)
 WHERE p.kind = 'action'
   AND s.step ->> 'due_on' IS NOT NULL
   AND s.step ->> 'status' IN ('planned', 'in_progress');

-- Each trajectory keeps the due date of its soonest open step (NULL when none), so that the
-- filter "steps due" walks only the trajectories that have one, in name order, and reads the
-- date from the index. One index per kind of scope, as the caseload's own (migration 0020).
ALTER TABLE trajectories ADD COLUMN next_step_due_on DATE;
UPDATE trajectories t
   SET next_step_due_on = o.due_on
  FROM (SELECT trajectory_id, min(due_on) AS due_on FROM action_steps_open GROUP BY trajectory_id) o
 WHERE o.trajectory_id = t.id;
CREATE INDEX trajectories_name_steps_due ON trajectories (participant_name, id) INCLUDE (next_step_due_on, ended_on)
    WHERE next_step_due_on IS NOT NULL;
CREATE INDEX trajectories_coach_steps_due ON trajectories (coach_id, participant_name, id)
    INCLUDE (next_step_due_on, ended_on) WHERE next_step_due_on IS NOT NULL;
CREATE INDEX trajectories_organisation_steps_due ON trajectories (organisation_id, participant_name, id)
    INCLUDE (next_step_due_on, ended_on, participant_id) WHERE next_step_due_on IS NOT NULL;
CREATE INDEX trajectories_region_steps_due ON trajectories (region_id, participant_name, id)
    INCLUDE (next_step_due_on, ended_on) WHERE next_step_due_on IS NOT NULL;

-- The filter "no contact for N days" takes N from the programme by default.
ALTER TABLE programmes ADD COLUMN no_contact_days INTEGER NOT NULL DEFAULT 30;
-- Boost2work is short and intensive: a fortnight without contact is long there.
UPDATE programmes SET no_contact_days = 14 WHERE code = 'boost2work' AND built_in;

-- The dashboard's kept counts by unit: everything ('all', the nil id), a partner
-- ('organisation'), a location and a coach, each row with its region and programme, so that a
-- unit can be cut by region and programme (store/src/dashboard/counts.rs; docs/dashboard.md).
-- The facts say where each trajectory was counted, so that a handover moves its figures.
-- Both are made again from the records at start-up (counts::catch_up).
DROP TABLE dashboard_counts;
DROP TABLE dashboard_facts;
CREATE TABLE dashboard_facts (
    trajectory_id    UUID PRIMARY KEY REFERENCES trajectories (id),
    region_id        UUID NOT NULL,
    programme_id     UUID NOT NULL,
    organisation_id  UUID NOT NULL,
    -- the nil id: none
    location_id      UUID NOT NULL,
    coach_id         UUID NOT NULL,
    figures          TEXT NOT NULL
);
CREATE TABLE dashboard_counts (
    unit          TEXT NOT NULL,
    unit_id       UUID NOT NULL,
    grain         TEXT NOT NULL,
    period        DATE NOT NULL,
    region_id     UUID NOT NULL,
    programme_id  UUID NOT NULL,
    figure        TEXT NOT NULL,
    trajectories  BIGINT NOT NULL,
    PRIMARY KEY (unit, unit_id, grain, period, region_id, programme_id, figure)
);

-- The presence actions behind the dashboard's reach, listed for any scope and period.
CREATE INDEX presence_actions_on_date ON presence_actions (on_date, id);
CREATE INDEX presence_actions_location ON presence_actions (location_id, on_date);
