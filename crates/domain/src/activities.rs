//! What a coach does all week: individual coaching contacts and hours registered
//! by hand, counted against the coach hours an agreement commits per location.

use crate::FieldErrors;
use crate::identity::string_enum;
use crate::organisations::{parse_id, parse_optional_id};
use crate::participants::parse_date;
use crate::validation::{optional_multiline, optional_text, required_text};
use chrono::{Datelike, NaiveDate};
use uuid::Uuid;

string_enum! {
    /// How an individual coaching contact took place.
    ContactMode {
        InPerson = "in_person",
        Phone = "phone",
        Video = "video",
        HomeVisit = "home_visit",
    }
}

string_enum! {
    /// The four categories of an agreement's coach hours (default split 100/100/100/50).
    TimeCategory {
        Individual = "individual",
        Group = "group",
        Consultation = "consultation",
        Administration = "administration",
    }
}

/// One activity takes at most a working day.
pub const MAX_MINUTES: i32 = 600;

/// A duration in whole minutes, 1 to `MAX_MINUTES`.
pub fn parse_minutes(input: &str) -> Result<i32, &'static str> {
    crate::validation::whole_number(input, 1, MAX_MINUTES)
}

/// A date of something that happened: not in the future.
pub fn parse_past_date(input: &str, today: NaiveDate) -> Result<NaiveDate, &'static str> {
    let date = parse_date(input)?;
    if date > today { Err("date-in-future") } else { Ok(date) }
}

/// The raw fields of an individual coaching contact, as a form or the API sends them.
#[derive(Debug, Clone, Default)]
pub struct ContactFields {
    pub trajectory_id: String,
    pub on: String,
    pub minutes: String,
    pub mode: String,
    pub place: String,
    pub topic: String,
    pub notes: String,
    pub next_step: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoachingContactInput {
    pub trajectory_id: Uuid,
    pub on: NaiveDate,
    pub minutes: i32,
    pub mode: ContactMode,
    pub place: Option<String>,
    pub topic: String,
    /// Sensitive: read only by those who may read the participant's notes.
    pub notes: Option<String>,
    pub next_step: Option<String>,
}

impl CoachingContactInput {
    pub fn parse(fields: &ContactFields, today: NaiveDate) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let trajectory_id = errors.check("trajectory_id", parse_id(&fields.trajectory_id));
        let on = errors.check("on", parse_past_date(&fields.on, today));
        let minutes = errors.check("minutes", parse_minutes(&fields.minutes));
        let mode = errors.check("mode", ContactMode::parse(&fields.mode));
        let place = errors.check("place", optional_text(&fields.place, 200)).flatten();
        let topic = errors.check("topic", required_text(&fields.topic, 200));
        let notes = errors
            .check("notes", optional_multiline(&fields.notes, 10_000))
            .flatten();
        let next_step = errors
            .check("next_step", optional_text(&fields.next_step, 500))
            .flatten();
        errors.finish(|| CoachingContactInput {
            trajectory_id: trajectory_id.unwrap(),
            on: on.unwrap(),
            minutes: minutes.unwrap(),
            mode: mode.unwrap(),
            place,
            topic: topic.unwrap(),
            notes,
            next_step,
        })
    }
}

/// The raw fields of hours registered by hand.
#[derive(Debug, Clone, Default)]
pub struct TimeEntryFields {
    pub organisation_id: String,
    pub location_id: String,
    pub on: String,
    pub category: String,
    pub minutes: String,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeEntryInput {
    pub organisation_id: Uuid,
    pub location_id: Option<Uuid>,
    pub on: NaiveDate,
    pub category: TimeCategory,
    pub minutes: i32,
    pub note: Option<String>,
}

impl TimeEntryInput {
    pub fn parse(fields: &TimeEntryFields, today: NaiveDate) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let organisation_id = errors.check("organisation_id", parse_id(&fields.organisation_id));
        let location_id = errors
            .check("location_id", parse_optional_id(&fields.location_id))
            .flatten();
        let on = errors.check("on", parse_past_date(&fields.on, today));
        let category = errors.check("category", TimeCategory::parse(&fields.category));
        let minutes = errors.check("minutes", parse_minutes(&fields.minutes));
        let note = errors.check("note", optional_multiline(&fields.note, 500)).flatten();
        errors.finish(|| TimeEntryInput {
            organisation_id: organisation_id.unwrap(),
            location_id,
            on: on.unwrap(),
            category: category.unwrap(),
            minutes: minutes.unwrap(),
            note,
        })
    }
}

/// The raw fields of a case and team consultation with a partner's care team.
#[derive(Debug, Clone, Default)]
pub struct ConsultationFields {
    pub organisation_id: String,
    pub location_id: String,
    pub on: String,
    pub minutes: String,
    pub attendees: String,
    pub participant_ids: Vec<String>,
    pub decisions: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsultationInput {
    pub organisation_id: Uuid,
    pub location_id: Option<Uuid>,
    pub on: NaiveDate,
    pub minutes: i32,
    /// Who took part (names and functions, free text: care-team members need no account).
    pub attendees: String,
    /// The participants discussed; their files show the consultation.
    pub participant_ids: Vec<Uuid>,
    /// Sensitive: read only by those who may read the participants' notes.
    pub decisions: Option<String>,
}

impl ConsultationInput {
    pub fn parse(fields: &ConsultationFields, today: NaiveDate) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let organisation_id = errors.check("organisation_id", parse_id(&fields.organisation_id));
        let location_id = errors
            .check("location_id", parse_optional_id(&fields.location_id))
            .flatten();
        let on = errors.check("on", parse_past_date(&fields.on, today));
        let minutes = errors.check("minutes", parse_minutes(&fields.minutes));
        let attendees = errors.check("attendees", required_text(&fields.attendees, 1000));
        let mut participant_ids = Vec::new();
        for raw in fields.participant_ids.iter().filter(|p| !p.trim().is_empty()) {
            match parse_id(raw) {
                Ok(id) if !participant_ids.contains(&id) => participant_ids.push(id),
                Ok(_) => {}
                Err(code) => {
                    errors.add("participant_ids", code);
                    break;
                }
            }
        }
        let decisions = errors
            .check("decisions", optional_multiline(&fields.decisions, 10_000))
            .flatten();
        errors.finish(|| ConsultationInput {
            organisation_id: organisation_id.unwrap(),
            location_id,
            on: on.unwrap(),
            minutes: minutes.unwrap(),
            attendees: attendees.unwrap(),
            participant_ids,
            decisions,
        })
    }
}

/// Minutes used so far in `year`, extended at the same pace to the year's end.
/// A past year is complete: its projection is what was used.
pub fn project_to_year_end(used_minutes: i64, year: i32, today: NaiveDate) -> i64 {
    let first = NaiveDate::from_ymd_opt(year, 1, 1).expect("a valid year");
    let last = NaiveDate::from_ymd_opt(year, 12, 31).expect("a valid year");
    if today >= last || today.year() > year {
        return used_minutes;
    }
    if today < first {
        return 0;
    }
    let elapsed = (today - first).num_days() + 1;
    let total = (last - first).num_days() + 1;
    used_minutes * total / elapsed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn contact() -> ContactFields {
        ContactFields {
            trajectory_id: Uuid::nil().to_string(),
            on: "2026-03-02".into(),
            minutes: "45".into(),
            mode: "phone".into(),
            topic: "Preparing the talk with the employer".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_contact_parses_and_trims() {
        let input = CoachingContactInput::parse(&contact(), date("2026-03-10")).unwrap();
        assert_eq!(input.minutes, 45);
        assert_eq!(input.mode, ContactMode::Phone);
        assert_eq!(input.place, None);
    }

    #[test]
    fn each_bad_contact_field_is_named() {
        let fields = ContactFields {
            trajectory_id: "x".into(),
            on: "2026-04-01".into(),
            minutes: "0".into(),
            mode: "pigeon".into(),
            topic: " ".into(),
            ..Default::default()
        };
        let errors = CoachingContactInput::parse(&fields, date("2026-03-10")).unwrap_err();
        let code = |f| errors.for_field(f).map(|e| e.code);
        assert_eq!(code("trajectory_id"), Some("invalid-reference"));
        assert_eq!(code("on"), Some("date-in-future"));
        assert_eq!(code("minutes"), Some("out-of-range"));
        assert_eq!(code("mode"), Some("invalid-choice"));
        assert_eq!(code("topic"), Some("required"));
    }

    #[test]
    fn minutes_are_whole_and_bounded() {
        assert_eq!(parse_minutes("90"), Ok(90));
        assert_eq!(parse_minutes("1.5"), Err("invalid-number"));
        assert_eq!(parse_minutes("601"), Err("out-of-range"));
        assert_eq!(parse_minutes(""), Err("required"));
    }

    #[test]
    fn a_consultation_names_its_bad_fields_and_drops_repeated_people() {
        let id = Uuid::from_u128(7).to_string();
        let fields = ConsultationFields {
            organisation_id: Uuid::nil().to_string(),
            on: "2026-03-01".into(),
            minutes: "60".into(),
            attendees: "Dr. Vermeulen, ergotherapeut".into(),
            participant_ids: vec![id.clone(), id.clone(), String::new()],
            ..Default::default()
        };
        let input = ConsultationInput::parse(&fields, date("2026-03-10")).unwrap();
        assert_eq!(input.participant_ids.len(), 1);
        let bad = ConsultationFields {
            attendees: " ".into(),
            participant_ids: vec!["nope".into()],
            ..fields
        };
        let errors = ConsultationInput::parse(&bad, date("2026-03-10")).unwrap_err();
        assert_eq!(errors.for_field("attendees").map(|e| e.code), Some("required"));
        assert_eq!(
            errors.for_field("participant_ids").map(|e| e.code),
            Some("invalid-reference")
        );
    }

    #[test]
    fn projection_extends_the_pace_to_the_year_end() {
        // 2026 has 365 days; on 1 July 182 have passed.
        assert_eq!(project_to_year_end(182 * 60, 2026, date("2026-07-01")), 365 * 60);
        assert_eq!(project_to_year_end(500, 2025, date("2026-07-01")), 500);
        assert_eq!(project_to_year_end(500, 2027, date("2026-07-01")), 0);
    }
}
