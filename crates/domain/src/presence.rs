//! "Being present": actions that reach people who are not yet participants. Each counts the
//! people reached anonymously; those who become participants are linked to it.

use crate::FieldErrors;
use crate::activities::{parse_minutes, parse_past_date};
use crate::organisations::{parse_id, parse_optional_id};
use crate::validation::{optional_text, required_text};
use chrono::NaiveDate;
use uuid::Uuid;

/// Reach a year per coach FTE that the seeds set as the norm.
pub const REACH_PER_FTE_NORM: i64 = 200;

#[derive(Debug, Clone, Default)]
pub struct PresenceFields {
    pub kind: String,
    pub organisation_id: String,
    pub location_id: String,
    pub on: String,
    pub minutes: String,
    pub reached: String,
    pub description: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PresenceActionInput {
    pub kind: String,
    pub organisation_id: Uuid,
    pub location_id: Option<Uuid>,
    pub on: NaiveDate,
    pub minutes: i32,
    /// People reached, counted without names.
    pub reached: i32,
    pub description: Option<String>,
}

impl PresenceActionInput {
    pub fn parse(fields: &PresenceFields, today: NaiveDate) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let kind = errors.check("kind", required_text(&fields.kind, 40));
        let organisation_id = errors.check("organisation_id", parse_id(&fields.organisation_id));
        let location_id = errors
            .check("location_id", parse_optional_id(&fields.location_id))
            .flatten();
        let on = errors.check("on", parse_past_date(&fields.on, today));
        let minutes = errors.check("minutes", parse_minutes(&fields.minutes));
        let reached = errors.check("reached", crate::validation::whole_number(&fields.reached, 0, 100_000));
        let description = errors
            .check("description", optional_text(&fields.description, 1000))
            .flatten();
        errors.finish(|| PresenceActionInput {
            kind: kind.unwrap(),
            organisation_id: organisation_id.unwrap(),
            location_id,
            on: on.unwrap(),
            minutes: minutes.unwrap(),
            reached: reached.unwrap(),
            description,
        })
    }
}

/// A kind of presence action an administrator adds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PresenceKindInput {
    pub code: String,
    pub name: String,
}

impl PresenceKindInput {
    pub fn parse(code: &str, name: &str) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let code = code.trim().to_lowercase();
        let valid = (2..=40).contains(&code.len())
            && code
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if code.is_empty() {
            errors.add("code", "required");
        } else if !valid {
            errors.add("code", "invalid-code");
        }
        let name = errors.check("name", required_text(name, 120));
        errors.finish(|| PresenceKindInput {
            code,
            name: name.unwrap(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_action_counts_people_without_names() {
        let fields = PresenceFields {
            kind: "info_point".into(),
            organisation_id: Uuid::nil().to_string(),
            on: "2026-02-03".into(),
            minutes: "180".into(),
            reached: "14".into(),
            ..Default::default()
        };
        let input = PresenceActionInput::parse(&fields, NaiveDate::from_ymd_opt(2026, 3, 1).unwrap()).unwrap();
        assert_eq!(input.reached, 14);
        let bad = PresenceFields {
            reached: "-1".into(),
            kind: "".into(),
            ..fields
        };
        let errors = PresenceActionInput::parse(&bad, NaiveDate::from_ymd_opt(2026, 3, 1).unwrap()).unwrap_err();
        assert_eq!(errors.for_field("reached").map(|e| e.code), Some("out-of-range"));
        assert_eq!(errors.for_field("kind").map(|e| e.code), Some("required"));
    }

    #[test]
    fn kind_codes_are_simple() {
        assert_eq!(
            PresenceKindInput::parse(" Job_Fair ", "Job fair").unwrap().code,
            "job_fair"
        );
        let errors = PresenceKindInput::parse("job fair!", "").unwrap_err();
        assert_eq!(errors.for_field("code").map(|e| e.code), Some("invalid-code"));
        assert_eq!(errors.for_field("name").map(|e| e.code), Some("required"));
    }
}
