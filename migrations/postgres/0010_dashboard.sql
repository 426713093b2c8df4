-- The dashboard counts trajectories by the day they started and ended.
CREATE INDEX trajectories_started ON trajectories (started_on, organisation_id);
CREATE INDEX trajectories_ended ON trajectories (ended_on, organisation_id);
