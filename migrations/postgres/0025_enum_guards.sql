-- Keep in step with ../sqlite/0025_enum_guards.sql.
-- The columns that hold a domain enum's codes accept only those codes: a value written past the
-- store (by hand, by a script, by a future bug) is refused instead of being read back as a default.
-- The lists are the enums' `as_str` values (for icf_ratings.qualifier, `qualifier_choices` of an
-- environmental factor, which takes every qualifier); crates/onramp/tests/it/enum_guards.rs reads
-- them back on both engines and compares them with the enums, so a new variant needs a migration.
-- Rows already stored are checked too: a database holding a value outside a list stops here.
-- Not guarded: codes that administrators or programmes extend (barrier codes, ICF category codes,
-- presence kinds, phases, modules and competences). An added ICF category still belongs to one of
-- the three components, which are guarded.

-- kind: OrganisationKind
ALTER TABLE organisations
    ADD CONSTRAINT organisations_kind_allowed CHECK (kind IN ('provider', 'rehabilitation_hospital', 'pain_clinic', 'university_clinic', 'welfare_centre', 'activity_centre', 'occupational_health_service', 'sickness_fund', 'public_employment_service', 'other'));
-- role: Role, language: Language
ALTER TABLE users
    ADD CONSTRAINT users_role_allowed CHECK (role IN ('administrator', 'coordinator', 'coach', 'care_team', 'peer_expert', 'funder')),
    ADD CONSTRAINT users_language_allowed CHECK (language IN ('nl', 'fr', 'en'));
-- language: Language, gender: Gender, education: Education, health_category: HealthCategory, situation: Situation
ALTER TABLE participants
    ADD CONSTRAINT participants_language_allowed CHECK (language IN ('nl', 'fr', 'en')),
    ADD CONSTRAINT participants_gender_allowed CHECK (gender IN ('female', 'male', 'non_binary', 'not_recorded')),
    ADD CONSTRAINT participants_education_allowed CHECK (education IN ('isced_0_2', 'isced_3_4', 'isced_5_8', 'unknown')),
    ADD CONSTRAINT participants_health_category_allowed CHECK (health_category IN ('chronic_pain', 'physical_rehabilitation', 'psychological', 'burn_out', 'oncology', 'rheumatism', 'neurological', 'other')),
    ADD CONSTRAINT participants_situation_allowed CHECK (situation IN ('employed_on_sick_leave', 'unemployed', 'inactive', 'other'));
-- purpose: Purpose
ALTER TABLE consents
    ADD CONSTRAINT consents_purpose_allowed CHECK (purpose IN ('participation', 'share_care_team', 'research'));
-- exit_reason: ExitReason, exit_situation: ExitSituation
ALTER TABLE trajectories
    ADD CONSTRAINT trajectories_exit_reason_allowed CHECK (exit_reason IN ('completed', 'work', 'training', 'declined', 'health_worsened', 'unreachable', 'moved_away', 'maximum_duration', 'other')),
    ADD CONSTRAINT trajectories_exit_situation_allowed CHECK (exit_situation IN ('job_searching', 'in_education', 'gained_qualification', 'in_employment', 'none_of_these'));
-- mode: ContactMode
ALTER TABLE coaching_contacts
    ADD CONSTRAINT coaching_contacts_mode_allowed CHECK (mode IN ('in_person', 'phone', 'video', 'home_visit'));
-- category: TimeCategory
ALTER TABLE time_entries
    ADD CONSTRAINT time_entries_category_allowed CHECK (category IN ('individual', 'group', 'consultation', 'administration'));
-- attendance: Attendance
ALTER TABLE session_enrolments
    ADD CONSTRAINT session_enrolments_attendance_allowed CHECK (attendance IN ('present', 'excused', 'absent'));
-- kind: OutcomeKind, contract: Contract
ALTER TABLE outcomes
    ADD CONSTRAINT outcomes_kind_allowed CHECK (kind IN ('vet_course', 'workplace_training', 'volunteer_work', 'same_employer', 'new_employer', 'self_employment', 'job_retained', 'qualification')),
    ADD CONSTRAINT outcomes_contract_allowed CHECK (contract IN ('permanent', 'fixed_term', 'temporary', 'sheltered', 'none'));
-- status: BarrierStatus
ALTER TABLE barriers
    ADD CONSTRAINT barriers_status_allowed CHECK (status IN ('open', 'resolved', 'unresolved'));
-- situation: CheckInSituation
ALTER TABLE check_ins
    ADD CONSTRAINT check_ins_situation_allowed CHECK (situation IN ('in_employment', 'improved_situation', 'in_education', 'job_searching', 'none_of_these'));
-- component: Component
ALTER TABLE icf_categories
    ADD CONSTRAINT icf_categories_component_allowed CHECK (component IN ('b', 'd', 'e'));
-- moment: Moment, rater: Rater
ALTER TABLE icf_measurements
    ADD CONSTRAINT icf_measurements_moment_allowed CHECK (moment IN ('intake', 'during', 'exit', 'follow_up')),
    ADD CONSTRAINT icf_measurements_rater_allowed CHECK (rater IN ('coach', 'care_partner', 'participant'));
-- qualifier: Qualifier
ALTER TABLE icf_ratings
    ADD CONSTRAINT icf_ratings_qualifier_allowed CHECK (qualifier IN ('+4', '+3', '+2', '+1', '+0', '0', '1', '2', '3', '4', '+8', '8', '9'));
-- kind: PlanKind
ALTER TABLE plans
    ADD CONSTRAINT plans_kind_allowed CHECK (kind IN ('action', 'recovery', 'canvas'));
