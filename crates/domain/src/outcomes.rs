//! Steps to work and outcomes: dated events on a trajectory, and the two definitions the
//! programmes are judged on.
//!
//! - **Took a step towards work**: a trajectory with at least one event of a kind for which
//!   [`OutcomeKind::is_step_to_work`] holds: starting a VET course, a workplace training
//!   (internship, on-the-job training) or volunteer work, or (re)starting paid work.
//! - **In paid work**: a trajectory with at least one event for which [`OutcomeKind::is_paid_work`]
//!   holds: back with the same employer, a paid job with a new employer, self-employment, or a job
//!   retained at a check-in.
//!
//! Every person in paid work also took a step; a qualification gained is recorded but is neither.

use crate::FieldErrors;
use crate::activities::parse_past_date;
use crate::identity::string_enum;
use crate::organisations::parse_id;
use crate::validation::{optional_multiline, optional_text};
use chrono::NaiveDate;
use uuid::Uuid;

string_enum! {
    OutcomeKind {
        VetCourse = "vet_course",
        WorkplaceTraining = "workplace_training",
        VolunteerWork = "volunteer_work",
        SameEmployer = "same_employer",
        NewEmployer = "new_employer",
        SelfEmployment = "self_employment",
        JobRetained = "job_retained",
        Qualification = "qualification",
    }
}

impl OutcomeKind {
    pub fn is_step_to_work(self) -> bool {
        !matches!(self, OutcomeKind::Qualification)
    }

    pub fn is_paid_work(self) -> bool {
        matches!(
            self,
            OutcomeKind::SameEmployer
                | OutcomeKind::NewEmployer
                | OutcomeKind::SelfEmployment
                | OutcomeKind::JobRetained
        )
    }
}

string_enum! {
    Contract {
        Permanent = "permanent",
        FixedTerm = "fixed_term",
        Temporary = "temporary",
        Sheltered = "sheltered",
        None = "none",
    }
}

string_enum! {
    /// The situation upon leaving, in the ESF+ common result categories.
    ExitSituation {
        JobSearching = "job_searching",
        InEducation = "in_education",
        GainedQualification = "gained_qualification",
        InEmployment = "in_employment",
        NoneOfThese = "none_of_these",
    }
}

#[derive(Debug, Clone, Default)]
pub struct OutcomeFields {
    pub trajectory_id: String,
    pub kind: String,
    pub on: String,
    pub hours_per_week: String,
    pub contract: String,
    pub place: String,
    pub with_support: bool,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutcomeInput {
    pub trajectory_id: Uuid,
    pub kind: OutcomeKind,
    pub on: NaiveDate,
    pub hours_per_week: Option<i32>,
    pub contract: Option<Contract>,
    /// The employer, school or organisation.
    pub place: Option<String>,
    /// With support (a job coach at work, a reasonable adjustment, supported employment).
    pub with_support: bool,
    pub note: Option<String>,
}

impl OutcomeInput {
    pub fn parse(fields: &OutcomeFields, today: NaiveDate) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let trajectory_id = errors.check("trajectory_id", parse_id(&fields.trajectory_id));
        let kind = errors.check("kind", OutcomeKind::parse(&fields.kind));
        let on = errors.check("on", parse_past_date(&fields.on, today));
        let hours_per_week = errors
            .check(
                "hours_per_week",
                crate::validation::optional_whole_number(&fields.hours_per_week, 1, 60),
            )
            .flatten();
        let contract = if fields.contract.trim().is_empty() {
            None
        } else {
            errors.check("contract", Contract::parse(&fields.contract))
        };
        if contract.is_some() && kind.is_some_and(|k| !k.is_paid_work()) {
            errors.add("contract", "contract-for-paid-work");
        }
        let place = errors.check("place", optional_text(&fields.place, 200)).flatten();
        let note = errors.check("note", optional_multiline(&fields.note, 2000)).flatten();
        errors.finish(|| OutcomeInput {
            trajectory_id: trajectory_id.unwrap(),
            kind: kind.unwrap(),
            on: on.unwrap(),
            hours_per_week,
            contract,
            place,
            with_support: fields.with_support,
            note,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paid_work_is_a_step_and_a_qualification_is_neither() {
        for kind in OutcomeKind::ALL {
            assert!(!kind.is_paid_work() || kind.is_step_to_work(), "{kind}");
        }
        assert!(OutcomeKind::VolunteerWork.is_step_to_work() && !OutcomeKind::VolunteerWork.is_paid_work());
        assert!(!OutcomeKind::Qualification.is_step_to_work());
    }

    #[test]
    fn an_other_barrier_needs_a_description() {
        let today = NaiveDate::from_ymd_opt(2026, 6, 1).unwrap();
        let id = Uuid::nil().to_string();
        let errors = BarrierInput::parse(&id, "other", "2026-05-01", "", today, &[]).unwrap_err();
        assert_eq!(errors.for_field("note").map(|e| e.code), Some("describe-other"));
        assert!(BarrierInput::parse(&id, "pain", "2026-05-01", "", today, &[]).is_ok());
        let errors = BarrierInput::parse(&id, "weather", "2026-07-01", "", today, &[]).unwrap_err();
        assert_eq!(errors.for_field("code").map(|e| e.code), Some("invalid-choice"));
        assert_eq!(errors.for_field("noted_on").map(|e| e.code), Some("date-in-future"));
        let added = ["weather".to_owned()];
        let input = BarrierInput::parse(&id, "weather", "2026-05-01", "", today, &added).unwrap();
        assert_eq!(input.code, "weather", "a code an administrator added");
    }

    #[test]
    fn a_new_barrier_code_has_a_shape_and_is_not_built_in() {
        assert_eq!(
            parse_new_barrier_code("housing", " Housing problems "),
            Ok(("housing".to_owned(), "Housing problems".to_owned()))
        );
        let errors = parse_new_barrier_code("Pain!", "").unwrap_err();
        assert_eq!(errors.for_field("code").map(|e| e.code), Some("invalid-barrier-code"));
        assert_eq!(errors.for_field("name").map(|e| e.code), Some("required"));
        let errors = parse_new_barrier_code("pain", "Pain").unwrap_err();
        assert_eq!(errors.for_field("code").map(|e| e.code), Some("taken"));
    }

    #[test]
    fn a_contract_only_goes_with_paid_work() {
        let today = NaiveDate::from_ymd_opt(2026, 6, 1).unwrap();
        let fields = OutcomeFields {
            trajectory_id: Uuid::nil().to_string(),
            kind: "volunteer_work".into(),
            on: "2026-05-02".into(),
            hours_per_week: "8".into(),
            contract: "permanent".into(),
            ..Default::default()
        };
        let errors = OutcomeInput::parse(&fields, today).unwrap_err();
        assert_eq!(
            errors.for_field("contract").map(|e| e.code),
            Some("contract-for-paid-work")
        );
        let job = OutcomeFields {
            kind: "new_employer".into(),
            hours_per_week: "61".into(),
            ..fields
        };
        let errors = OutcomeInput::parse(&job, today).unwrap_err();
        assert_eq!(errors.for_field("hours_per_week").map(|e| e.code), Some("out-of-range"));
    }
}

string_enum! {
    /// Barriers to work the seeds name: personal factors, and environmental ones (with the ICF
    /// environmental categories of the Brief Core Set for vocational rehabilitation).
    BarrierCode {
        Pain = "pain",
        Fatigue = "fatigue",
        ConcentrationMemory = "concentration_memory",
        FearOfReturning = "fear_of_returning",
        Stress = "stress",
        FinancialBenefits = "financial_benefits",
        Transport = "transport",
        CareDuties = "care_duties",
        EmployerAttitude = "employer_attitude",
        NoAdjustedJobs = "no_adjusted_jobs",
        E310Family = "e310_family",
        E330PeopleInAuthority = "e330_people_in_authority",
        E580HealthServices = "e580_health_services",
        E590LabourServices = "e590_labour_services",
        Other = "other",
    }
}

/// A barrier code: built in, or one of `added` (an administrator's).
pub fn parse_barrier_code(input: &str, added: &[String]) -> Result<String, &'static str> {
    let code = input.trim();
    match BarrierCode::parse(code) {
        Ok(built_in) => Ok(built_in.as_str().to_owned()),
        Err("required") => Err("required"),
        Err(_) if added.iter().any(|a| a == code) => Ok(code.to_owned()),
        Err(e) => Err(e),
    }
}

/// A new barrier code an administrator adds: lower-case letters, digits and `_` (2 to 40), not a
/// built-in one; and its name (shown as written, in every language).
pub fn parse_new_barrier_code(code: &str, name: &str) -> Result<(String, String), FieldErrors> {
    let mut errors = FieldErrors::new();
    let code = code.trim();
    let shape = (2..=40).contains(&code.len())
        && code
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if code.is_empty() {
        errors.add("code", "required");
    } else if !shape {
        errors.add("code", "invalid-barrier-code");
    } else if BarrierCode::parse(code).is_ok() {
        errors.add("code", "taken");
    }
    let name = errors.check("name", crate::validation::required_text(name, 100));
    errors.finish(|| (code.to_owned(), name.unwrap()))
}

string_enum! {
    /// Where a barrier stands.
    BarrierStatus {
        Open = "open",
        Resolved = "resolved",
        Unresolved = "unresolved",
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BarrierInput {
    pub trajectory_id: Uuid,
    /// A built-in [`BarrierCode`] or one an administrator added.
    pub code: String,
    pub noted_on: NaiveDate,
    pub note: Option<String>,
}

impl BarrierInput {
    pub fn parse(
        trajectory_id: &str,
        code: &str,
        noted_on: &str,
        note: &str,
        today: NaiveDate,
        added_codes: &[String],
    ) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let trajectory_id = errors.check("trajectory_id", parse_id(trajectory_id));
        let code = errors.check("code", parse_barrier_code(code, added_codes));
        let noted_on = errors.check("noted_on", parse_past_date(noted_on, today));
        let note = errors.check("note", optional_multiline(note, 1000)).flatten();
        if code.as_deref() == Some(BarrierCode::Other.as_str()) && note.is_none() && errors.for_field("note").is_none()
        {
            errors.add("note", "describe-other");
        }
        errors.finish(|| BarrierInput {
            trajectory_id: trajectory_id.unwrap(),
            code: code.unwrap(),
            noted_on: noted_on.unwrap(),
            note,
        })
    }
}

string_enum! {
    /// The situation found at a check-in after exit (ESF+ longer-term results included).
    CheckInSituation {
        InEmployment = "in_employment",
        ImprovedSituation = "improved_situation",
        InEducation = "in_education",
        JobSearching = "job_searching",
        NoneOfThese = "none_of_these",
    }
}

string_enum! {
    /// Why a check-in after exit was closed without being held.
    CheckInClosure {
        /// The person came back as a new trajectory, which has its own schedule.
        ReEntered = "re_entered",
        /// The person withdrew their consent to take part: nothing more is recorded for them.
        ConsentWithdrawn = "consent_withdrawn",
    }
}

/// What a check-in after exit records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckInInput {
    pub done_on: NaiveDate,
    pub contact_made: bool,
    /// Unknown when no contact was made.
    pub situation: Option<CheckInSituation>,
    /// More service needed: the person re-enters as a new trajectory.
    pub needs_more_service: bool,
    pub note: Option<String>,
}

impl CheckInInput {
    pub fn parse(
        done_on: &str,
        contact_made: bool,
        situation: &str,
        needs_more_service: bool,
        note: &str,
        today: NaiveDate,
    ) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let done_on = errors.check("done_on", parse_past_date(done_on, today));
        let situation = if situation.trim().is_empty() {
            None
        } else {
            errors.check("situation", CheckInSituation::parse(situation))
        };
        if contact_made && situation.is_none() && errors.for_field("situation").is_none() {
            errors.add("situation", "required");
        }
        let note = errors.check("note", optional_multiline(note, 2000)).flatten();
        errors.finish(|| CheckInInput {
            done_on: done_on.unwrap(),
            contact_made,
            situation,
            needs_more_service,
            note,
        })
    }
}
