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
use crate::validation::optional_text;
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

fn optional_hours(input: &str) -> Result<Option<i32>, &'static str> {
    let value = input.trim();
    if value.is_empty() {
        return Ok(None);
    }
    let hours: i32 = value.parse().map_err(|_| "invalid-number")?;
    if (1..=60).contains(&hours) {
        Ok(Some(hours))
    } else {
        Err("out-of-range")
    }
}

impl OutcomeInput {
    pub fn parse(fields: &OutcomeFields, today: NaiveDate) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let trajectory_id = errors.check("trajectory_id", parse_id(&fields.trajectory_id));
        let kind = errors.check("kind", OutcomeKind::parse(&fields.kind));
        let on = errors.check("on", parse_past_date(&fields.on, today));
        let hours_per_week = errors
            .check("hours_per_week", optional_hours(&fields.hours_per_week))
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
        let note = errors.check("note", optional_text(&fields.note, 2000)).flatten();
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
