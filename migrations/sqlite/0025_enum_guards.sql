-- Keep in step with ../postgres/0025_enum_guards.sql.
-- The columns that hold a domain enum's codes accept only those codes: a value written past the
-- store (by hand, by a script, by a future bug) is refused instead of being read back as a default.
-- The lists are the enums' `as_str` values (for icf_ratings.qualifier, `qualifier_choices` of an
-- environmental factor, which takes every qualifier); crates/onramp/tests/it/enum_guards.rs reads
-- them back on both engines and compares them with the enums, so a new variant needs a migration.
-- Rows already stored are checked too: a database holding a value outside a list stops here.
-- Not guarded: codes that administrators or programmes extend (barrier codes, ICF category codes,
-- presence kinds, phases, modules and competences). An added ICF category still belongs to one of
-- the three components, which are guarded.
-- SQLite cannot add a CHECK to a table without rebuilding it: a trigger before each insert, and
-- before each update of the column, refuses a value outside the list as the CHECK would (a NULL
-- passes both).

-- kind: OrganisationKind
CREATE TRIGGER organisations_kind_allowed_insert BEFORE INSERT ON organisations
WHEN NEW.kind NOT IN ('provider', 'rehabilitation_hospital', 'pain_clinic', 'university_clinic', 'welfare_centre', 'activity_centre', 'occupational_health_service', 'sickness_fund', 'public_employment_service', 'other')
BEGIN SELECT RAISE(ABORT, 'organisations.kind: not an allowed value'); END;
CREATE TRIGGER organisations_kind_allowed_update BEFORE UPDATE OF kind ON organisations
WHEN NEW.kind NOT IN ('provider', 'rehabilitation_hospital', 'pain_clinic', 'university_clinic', 'welfare_centre', 'activity_centre', 'occupational_health_service', 'sickness_fund', 'public_employment_service', 'other')
BEGIN SELECT RAISE(ABORT, 'organisations.kind: not an allowed value'); END;
-- The rows already stored, through the update triggers.
UPDATE organisations SET kind = kind
 WHERE kind NOT IN ('provider', 'rehabilitation_hospital', 'pain_clinic', 'university_clinic', 'welfare_centre', 'activity_centre', 'occupational_health_service', 'sickness_fund', 'public_employment_service', 'other');

-- role: Role, language: Language
CREATE TRIGGER users_role_allowed_insert BEFORE INSERT ON users
WHEN NEW.role NOT IN ('administrator', 'coordinator', 'coach', 'care_team', 'peer_expert', 'funder')
BEGIN SELECT RAISE(ABORT, 'users.role: not an allowed value'); END;
CREATE TRIGGER users_role_allowed_update BEFORE UPDATE OF role ON users
WHEN NEW.role NOT IN ('administrator', 'coordinator', 'coach', 'care_team', 'peer_expert', 'funder')
BEGIN SELECT RAISE(ABORT, 'users.role: not an allowed value'); END;
CREATE TRIGGER users_language_allowed_insert BEFORE INSERT ON users
WHEN NEW.language NOT IN ('nl', 'fr', 'en')
BEGIN SELECT RAISE(ABORT, 'users.language: not an allowed value'); END;
CREATE TRIGGER users_language_allowed_update BEFORE UPDATE OF language ON users
WHEN NEW.language NOT IN ('nl', 'fr', 'en')
BEGIN SELECT RAISE(ABORT, 'users.language: not an allowed value'); END;
-- The rows already stored, through the update triggers.
UPDATE users SET role = role, language = language
 WHERE role NOT IN ('administrator', 'coordinator', 'coach', 'care_team', 'peer_expert', 'funder')
    OR language NOT IN ('nl', 'fr', 'en');

-- language: Language, gender: Gender, education: Education, health_category: HealthCategory, situation: Situation
CREATE TRIGGER participants_language_allowed_insert BEFORE INSERT ON participants
WHEN NEW.language NOT IN ('nl', 'fr', 'en')
BEGIN SELECT RAISE(ABORT, 'participants.language: not an allowed value'); END;
CREATE TRIGGER participants_language_allowed_update BEFORE UPDATE OF language ON participants
WHEN NEW.language NOT IN ('nl', 'fr', 'en')
BEGIN SELECT RAISE(ABORT, 'participants.language: not an allowed value'); END;
CREATE TRIGGER participants_gender_allowed_insert BEFORE INSERT ON participants
WHEN NEW.gender NOT IN ('female', 'male', 'non_binary', 'not_recorded')
BEGIN SELECT RAISE(ABORT, 'participants.gender: not an allowed value'); END;
CREATE TRIGGER participants_gender_allowed_update BEFORE UPDATE OF gender ON participants
WHEN NEW.gender NOT IN ('female', 'male', 'non_binary', 'not_recorded')
BEGIN SELECT RAISE(ABORT, 'participants.gender: not an allowed value'); END;
CREATE TRIGGER participants_education_allowed_insert BEFORE INSERT ON participants
WHEN NEW.education NOT IN ('isced_0_2', 'isced_3_4', 'isced_5_8', 'unknown')
BEGIN SELECT RAISE(ABORT, 'participants.education: not an allowed value'); END;
CREATE TRIGGER participants_education_allowed_update BEFORE UPDATE OF education ON participants
WHEN NEW.education NOT IN ('isced_0_2', 'isced_3_4', 'isced_5_8', 'unknown')
BEGIN SELECT RAISE(ABORT, 'participants.education: not an allowed value'); END;
CREATE TRIGGER participants_health_category_allowed_insert BEFORE INSERT ON participants
WHEN NEW.health_category NOT IN ('chronic_pain', 'physical_rehabilitation', 'psychological', 'burn_out', 'oncology', 'rheumatism', 'neurological', 'other')
BEGIN SELECT RAISE(ABORT, 'participants.health_category: not an allowed value'); END;
CREATE TRIGGER participants_health_category_allowed_update BEFORE UPDATE OF health_category ON participants
WHEN NEW.health_category NOT IN ('chronic_pain', 'physical_rehabilitation', 'psychological', 'burn_out', 'oncology', 'rheumatism', 'neurological', 'other')
BEGIN SELECT RAISE(ABORT, 'participants.health_category: not an allowed value'); END;
CREATE TRIGGER participants_situation_allowed_insert BEFORE INSERT ON participants
WHEN NEW.situation NOT IN ('employed_on_sick_leave', 'unemployed', 'inactive', 'other')
BEGIN SELECT RAISE(ABORT, 'participants.situation: not an allowed value'); END;
CREATE TRIGGER participants_situation_allowed_update BEFORE UPDATE OF situation ON participants
WHEN NEW.situation NOT IN ('employed_on_sick_leave', 'unemployed', 'inactive', 'other')
BEGIN SELECT RAISE(ABORT, 'participants.situation: not an allowed value'); END;
-- The rows already stored, through the update triggers.
UPDATE participants SET language = language, gender = gender, education = education, health_category = health_category, situation = situation
 WHERE language NOT IN ('nl', 'fr', 'en')
    OR gender NOT IN ('female', 'male', 'non_binary', 'not_recorded')
    OR education NOT IN ('isced_0_2', 'isced_3_4', 'isced_5_8', 'unknown')
    OR health_category NOT IN ('chronic_pain', 'physical_rehabilitation', 'psychological', 'burn_out', 'oncology', 'rheumatism', 'neurological', 'other')
    OR situation NOT IN ('employed_on_sick_leave', 'unemployed', 'inactive', 'other');

-- purpose: Purpose
CREATE TRIGGER consents_purpose_allowed_insert BEFORE INSERT ON consents
WHEN NEW.purpose NOT IN ('participation', 'share_care_team', 'research')
BEGIN SELECT RAISE(ABORT, 'consents.purpose: not an allowed value'); END;
CREATE TRIGGER consents_purpose_allowed_update BEFORE UPDATE OF purpose ON consents
WHEN NEW.purpose NOT IN ('participation', 'share_care_team', 'research')
BEGIN SELECT RAISE(ABORT, 'consents.purpose: not an allowed value'); END;
-- The rows already stored, through the update triggers.
UPDATE consents SET purpose = purpose
 WHERE purpose NOT IN ('participation', 'share_care_team', 'research');

-- exit_reason: ExitReason, exit_situation: ExitSituation
CREATE TRIGGER trajectories_exit_reason_allowed_insert BEFORE INSERT ON trajectories
WHEN NEW.exit_reason NOT IN ('completed', 'work', 'training', 'declined', 'health_worsened', 'unreachable', 'moved_away', 'maximum_duration', 'other')
BEGIN SELECT RAISE(ABORT, 'trajectories.exit_reason: not an allowed value'); END;
CREATE TRIGGER trajectories_exit_reason_allowed_update BEFORE UPDATE OF exit_reason ON trajectories
WHEN NEW.exit_reason NOT IN ('completed', 'work', 'training', 'declined', 'health_worsened', 'unreachable', 'moved_away', 'maximum_duration', 'other')
BEGIN SELECT RAISE(ABORT, 'trajectories.exit_reason: not an allowed value'); END;
CREATE TRIGGER trajectories_exit_situation_allowed_insert BEFORE INSERT ON trajectories
WHEN NEW.exit_situation NOT IN ('job_searching', 'in_education', 'gained_qualification', 'in_employment', 'none_of_these')
BEGIN SELECT RAISE(ABORT, 'trajectories.exit_situation: not an allowed value'); END;
CREATE TRIGGER trajectories_exit_situation_allowed_update BEFORE UPDATE OF exit_situation ON trajectories
WHEN NEW.exit_situation NOT IN ('job_searching', 'in_education', 'gained_qualification', 'in_employment', 'none_of_these')
BEGIN SELECT RAISE(ABORT, 'trajectories.exit_situation: not an allowed value'); END;
-- The rows already stored, through the update triggers.
UPDATE trajectories SET exit_reason = exit_reason, exit_situation = exit_situation
 WHERE exit_reason NOT IN ('completed', 'work', 'training', 'declined', 'health_worsened', 'unreachable', 'moved_away', 'maximum_duration', 'other')
    OR exit_situation NOT IN ('job_searching', 'in_education', 'gained_qualification', 'in_employment', 'none_of_these');

-- mode: ContactMode
CREATE TRIGGER coaching_contacts_mode_allowed_insert BEFORE INSERT ON coaching_contacts
WHEN NEW.mode NOT IN ('in_person', 'phone', 'video', 'home_visit')
BEGIN SELECT RAISE(ABORT, 'coaching_contacts.mode: not an allowed value'); END;
CREATE TRIGGER coaching_contacts_mode_allowed_update BEFORE UPDATE OF mode ON coaching_contacts
WHEN NEW.mode NOT IN ('in_person', 'phone', 'video', 'home_visit')
BEGIN SELECT RAISE(ABORT, 'coaching_contacts.mode: not an allowed value'); END;
-- The rows already stored, through the update triggers.
UPDATE coaching_contacts SET mode = mode
 WHERE mode NOT IN ('in_person', 'phone', 'video', 'home_visit');

-- category: TimeCategory
CREATE TRIGGER time_entries_category_allowed_insert BEFORE INSERT ON time_entries
WHEN NEW.category NOT IN ('individual', 'group', 'consultation', 'administration')
BEGIN SELECT RAISE(ABORT, 'time_entries.category: not an allowed value'); END;
CREATE TRIGGER time_entries_category_allowed_update BEFORE UPDATE OF category ON time_entries
WHEN NEW.category NOT IN ('individual', 'group', 'consultation', 'administration')
BEGIN SELECT RAISE(ABORT, 'time_entries.category: not an allowed value'); END;
-- The rows already stored, through the update triggers.
UPDATE time_entries SET category = category
 WHERE category NOT IN ('individual', 'group', 'consultation', 'administration');

-- attendance: Attendance
CREATE TRIGGER session_enrolments_attendance_allowed_insert BEFORE INSERT ON session_enrolments
WHEN NEW.attendance NOT IN ('present', 'excused', 'absent')
BEGIN SELECT RAISE(ABORT, 'session_enrolments.attendance: not an allowed value'); END;
CREATE TRIGGER session_enrolments_attendance_allowed_update BEFORE UPDATE OF attendance ON session_enrolments
WHEN NEW.attendance NOT IN ('present', 'excused', 'absent')
BEGIN SELECT RAISE(ABORT, 'session_enrolments.attendance: not an allowed value'); END;
-- The rows already stored, through the update triggers.
UPDATE session_enrolments SET attendance = attendance
 WHERE attendance NOT IN ('present', 'excused', 'absent');

-- kind: OutcomeKind, contract: Contract
CREATE TRIGGER outcomes_kind_allowed_insert BEFORE INSERT ON outcomes
WHEN NEW.kind NOT IN ('vet_course', 'workplace_training', 'volunteer_work', 'same_employer', 'new_employer', 'self_employment', 'job_retained', 'qualification')
BEGIN SELECT RAISE(ABORT, 'outcomes.kind: not an allowed value'); END;
CREATE TRIGGER outcomes_kind_allowed_update BEFORE UPDATE OF kind ON outcomes
WHEN NEW.kind NOT IN ('vet_course', 'workplace_training', 'volunteer_work', 'same_employer', 'new_employer', 'self_employment', 'job_retained', 'qualification')
BEGIN SELECT RAISE(ABORT, 'outcomes.kind: not an allowed value'); END;
CREATE TRIGGER outcomes_contract_allowed_insert BEFORE INSERT ON outcomes
WHEN NEW.contract NOT IN ('permanent', 'fixed_term', 'temporary', 'sheltered', 'none')
BEGIN SELECT RAISE(ABORT, 'outcomes.contract: not an allowed value'); END;
CREATE TRIGGER outcomes_contract_allowed_update BEFORE UPDATE OF contract ON outcomes
WHEN NEW.contract NOT IN ('permanent', 'fixed_term', 'temporary', 'sheltered', 'none')
BEGIN SELECT RAISE(ABORT, 'outcomes.contract: not an allowed value'); END;
-- The rows already stored, through the update triggers.
UPDATE outcomes SET kind = kind, contract = contract
 WHERE kind NOT IN ('vet_course', 'workplace_training', 'volunteer_work', 'same_employer', 'new_employer', 'self_employment', 'job_retained', 'qualification')
    OR contract NOT IN ('permanent', 'fixed_term', 'temporary', 'sheltered', 'none');

-- status: BarrierStatus
CREATE TRIGGER barriers_status_allowed_insert BEFORE INSERT ON barriers
WHEN NEW.status NOT IN ('open', 'resolved', 'unresolved')
BEGIN SELECT RAISE(ABORT, 'barriers.status: not an allowed value'); END;
CREATE TRIGGER barriers_status_allowed_update BEFORE UPDATE OF status ON barriers
WHEN NEW.status NOT IN ('open', 'resolved', 'unresolved')
BEGIN SELECT RAISE(ABORT, 'barriers.status: not an allowed value'); END;
-- The rows already stored, through the update triggers.
UPDATE barriers SET status = status
 WHERE status NOT IN ('open', 'resolved', 'unresolved');

-- situation: CheckInSituation
CREATE TRIGGER check_ins_situation_allowed_insert BEFORE INSERT ON check_ins
WHEN NEW.situation NOT IN ('in_employment', 'improved_situation', 'in_education', 'job_searching', 'none_of_these')
BEGIN SELECT RAISE(ABORT, 'check_ins.situation: not an allowed value'); END;
CREATE TRIGGER check_ins_situation_allowed_update BEFORE UPDATE OF situation ON check_ins
WHEN NEW.situation NOT IN ('in_employment', 'improved_situation', 'in_education', 'job_searching', 'none_of_these')
BEGIN SELECT RAISE(ABORT, 'check_ins.situation: not an allowed value'); END;
-- The rows already stored, through the update triggers.
UPDATE check_ins SET situation = situation
 WHERE situation NOT IN ('in_employment', 'improved_situation', 'in_education', 'job_searching', 'none_of_these');

-- component: Component
CREATE TRIGGER icf_categories_component_allowed_insert BEFORE INSERT ON icf_categories
WHEN NEW.component NOT IN ('b', 'd', 'e')
BEGIN SELECT RAISE(ABORT, 'icf_categories.component: not an allowed value'); END;
CREATE TRIGGER icf_categories_component_allowed_update BEFORE UPDATE OF component ON icf_categories
WHEN NEW.component NOT IN ('b', 'd', 'e')
BEGIN SELECT RAISE(ABORT, 'icf_categories.component: not an allowed value'); END;
-- The rows already stored, through the update triggers.
UPDATE icf_categories SET component = component
 WHERE component NOT IN ('b', 'd', 'e');

-- moment: Moment, rater: Rater
CREATE TRIGGER icf_measurements_moment_allowed_insert BEFORE INSERT ON icf_measurements
WHEN NEW.moment NOT IN ('intake', 'during', 'exit', 'follow_up')
BEGIN SELECT RAISE(ABORT, 'icf_measurements.moment: not an allowed value'); END;
CREATE TRIGGER icf_measurements_moment_allowed_update BEFORE UPDATE OF moment ON icf_measurements
WHEN NEW.moment NOT IN ('intake', 'during', 'exit', 'follow_up')
BEGIN SELECT RAISE(ABORT, 'icf_measurements.moment: not an allowed value'); END;
CREATE TRIGGER icf_measurements_rater_allowed_insert BEFORE INSERT ON icf_measurements
WHEN NEW.rater NOT IN ('coach', 'care_partner', 'participant')
BEGIN SELECT RAISE(ABORT, 'icf_measurements.rater: not an allowed value'); END;
CREATE TRIGGER icf_measurements_rater_allowed_update BEFORE UPDATE OF rater ON icf_measurements
WHEN NEW.rater NOT IN ('coach', 'care_partner', 'participant')
BEGIN SELECT RAISE(ABORT, 'icf_measurements.rater: not an allowed value'); END;
-- The rows already stored, through the update triggers.
UPDATE icf_measurements SET moment = moment, rater = rater
 WHERE moment NOT IN ('intake', 'during', 'exit', 'follow_up')
    OR rater NOT IN ('coach', 'care_partner', 'participant');

-- qualifier: Qualifier
CREATE TRIGGER icf_ratings_qualifier_allowed_insert BEFORE INSERT ON icf_ratings
WHEN NEW.qualifier NOT IN ('+4', '+3', '+2', '+1', '+0', '0', '1', '2', '3', '4', '+8', '8', '9')
BEGIN SELECT RAISE(ABORT, 'icf_ratings.qualifier: not an allowed value'); END;
CREATE TRIGGER icf_ratings_qualifier_allowed_update BEFORE UPDATE OF qualifier ON icf_ratings
WHEN NEW.qualifier NOT IN ('+4', '+3', '+2', '+1', '+0', '0', '1', '2', '3', '4', '+8', '8', '9')
BEGIN SELECT RAISE(ABORT, 'icf_ratings.qualifier: not an allowed value'); END;
-- The rows already stored, through the update triggers.
UPDATE icf_ratings SET qualifier = qualifier
 WHERE qualifier NOT IN ('+4', '+3', '+2', '+1', '+0', '0', '1', '2', '3', '4', '+8', '8', '9');

-- kind: PlanKind
CREATE TRIGGER plans_kind_allowed_insert BEFORE INSERT ON plans
WHEN NEW.kind NOT IN ('action', 'recovery', 'canvas')
BEGIN SELECT RAISE(ABORT, 'plans.kind: not an allowed value'); END;
CREATE TRIGGER plans_kind_allowed_update BEFORE UPDATE OF kind ON plans
WHEN NEW.kind NOT IN ('action', 'recovery', 'canvas')
BEGIN SELECT RAISE(ABORT, 'plans.kind: not an allowed value'); END;
-- The rows already stored, through the update triggers.
UPDATE plans SET kind = kind
 WHERE kind NOT IN ('action', 'recovery', 'canvas');
