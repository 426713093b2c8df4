-- Keep in step with ../postgres/0020_covering_scope_indexes.sql.
-- The caseload's scope indexes carry what a page's branch tests besides the name: the end date
-- (active or ended) and, for an organisation, the participant (a care team's consent check).
-- A branch then walks its index without fetching the rows it skips; a search for a common first
-- name skips about forty names for each it keeps (store/src/caseload.rs). SQLite has no INCLUDE:
-- the extra columns close the key, after the id that already makes it unique.
DROP INDEX trajectories_coach;
DROP INDEX trajectories_organisation;
DROP INDEX trajectories_region;
DROP INDEX trajectories_name;
CREATE INDEX trajectories_coach ON trajectories (coach_id, participant_name, id, ended_on);
CREATE INDEX trajectories_organisation ON trajectories (organisation_id, participant_name, id, ended_on, participant_id);
CREATE INDEX trajectories_region ON trajectories (region_id, participant_name, id, ended_on);
CREATE INDEX trajectories_name ON trajectories (participant_name, id, ended_on);
