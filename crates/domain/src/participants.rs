//! Participants: the people on a trajectory, as recorded at intake.

use crate::esf::{EsfFields, EsfProfile};
use crate::identity::{Language, string_enum};
use crate::validation::{FieldErrors, optional_multiline, optional_text, required_text};
use chrono::{Datelike, NaiveDate};
use serde::Serialize;

string_enum! {
    /// As ESF+ reporting breaks figures down.
    Gender {
        Female = "female",
        Male = "male",
        NonBinary = "non_binary",
        NotRecorded = "not_recorded",
    }
}

string_enum! {
    /// Highest education completed, in the ESF+ ISCED bands.
    Education {
        Isced02 = "isced_0_2",
        Isced34 = "isced_3_4",
        Isced58 = "isced_5_8",
        Unknown = "unknown",
    }
}

string_enum! {
    /// The health problems the seeds name; `Other` covers the rest.
    HealthCategory {
        ChronicPain = "chronic_pain",
        PhysicalRehabilitation = "physical_rehabilitation",
        Psychological = "psychological",
        BurnOut = "burn_out",
        Oncology = "oncology",
        Rheumatism = "rheumatism",
        Neurological = "neurological",
        Other = "other",
    }
}

string_enum! {
    /// Situation at entry, as ESF+ asks it (employment status).
    Situation {
        EmployedOnSickLeave = "employed_on_sick_leave",
        Unemployed = "unemployed",
        Inactive = "inactive",
        Other = "other",
    }
}

/// A validated participant record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ParticipantInput {
    pub first_name: String,
    pub last_name: String,
    pub birth_date: NaiveDate,
    pub national_register: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub language: Language,
    pub gender: Gender,
    pub education: Education,
    pub health_category: HealthCategory,
    pub incapacity_since: Option<NaiveDate>,
    pub situation: Situation,
    pub referrer: Option<String>,
    pub notes: Option<String>,
    /// What the ESF+ indicators need at entry (all "not recorded" where nobody asked).
    #[serde(flatten)]
    pub esf: EsfProfile,
}

/// The raw fields of an intake form, import row or API body.
#[derive(Debug, Clone, Default)]
pub struct ParticipantFields {
    pub first_name: String,
    pub last_name: String,
    pub birth_date: String,
    pub national_register: String,
    pub email: String,
    pub phone: String,
    pub language: String,
    pub gender: String,
    pub education: String,
    pub health_category: String,
    pub incapacity_since: String,
    pub situation: String,
    pub referrer: String,
    pub notes: String,
    pub esf: EsfFields,
}

impl ParticipantInput {
    /// Parses every field against `today`, reporting all problems at once.
    pub fn parse(fields: &ParticipantFields, today: NaiveDate) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let first_name = errors.check("first_name", required_text(&fields.first_name, 100));
        let last_name = errors.check("last_name", required_text(&fields.last_name, 100));
        let birth_date = errors.check("birth_date", parse_birth_date(&fields.birth_date, today));
        let national_register = errors
            .check("national_register", parse_national_register(&fields.national_register))
            .flatten();
        let email = errors.check("email", parse_optional_email(&fields.email)).flatten();
        let phone = errors.check("phone", parse_phone(&fields.phone)).flatten();
        let language = errors.check("language", default_or(&fields.language, "nl", Language::parse));
        let gender = errors.check("gender", default_or(&fields.gender, "not_recorded", Gender::parse));
        let education = errors.check("education", default_or(&fields.education, "unknown", Education::parse));
        let health_category = errors.check("health_category", HealthCategory::parse(&fields.health_category));
        let incapacity_since = errors
            .check("incapacity_since", parse_optional_date(&fields.incapacity_since))
            .flatten();
        if let (Some(since), Some(born)) = (incapacity_since, birth_date) {
            if since > today {
                errors.add("incapacity_since", "date-in-future");
            } else if since < born {
                errors.add("incapacity_since", "before-birth");
            }
        }
        let situation = errors.check("situation", Situation::parse(&fields.situation));
        let esf = EsfProfile::parse(&fields.esf, situation, &mut errors);
        let referrer = errors.check("referrer", optional_text(&fields.referrer, 200)).flatten();
        let notes = errors
            .check("notes", optional_multiline(&fields.notes, 10_000))
            .flatten();
        errors.finish(|| ParticipantInput {
            first_name: first_name.unwrap(),
            last_name: last_name.unwrap(),
            birth_date: birth_date.unwrap(),
            national_register,
            email,
            phone,
            language: language.unwrap(),
            gender: gender.unwrap(),
            education: education.unwrap(),
            health_category: health_category.unwrap(),
            incapacity_since,
            situation: situation.unwrap(),
            referrer,
            notes,
            esf,
        })
    }

    /// "Last First", folded: the key names are searched and sorted on.
    pub fn name_search(&self) -> String {
        crate::validation::fold_for_search(&format!("{} {}", self.last_name, self.first_name))
    }
}

fn default_or<T>(input: &str, default: &str, parse: fn(&str) -> Result<T, &'static str>) -> Result<T, &'static str> {
    if input.trim().is_empty() {
        parse(default)
    } else {
        parse(input)
    }
}

/// A date as YYYY-MM-DD (the form of `<input type=date>` and of ISO 8601).
pub fn parse_date(input: &str) -> Result<NaiveDate, &'static str> {
    let value = input.trim();
    if value.is_empty() {
        return Err("required");
    }
    NaiveDate::parse_from_str(value, "%Y-%m-%d").map_err(|_| "invalid-date")
}

pub fn parse_optional_date(input: &str) -> Result<Option<NaiveDate>, &'static str> {
    if input.trim().is_empty() {
        Ok(None)
    } else {
        parse_date(input).map(Some)
    }
}

fn parse_birth_date(input: &str, today: NaiveDate) -> Result<NaiveDate, &'static str> {
    let date = parse_date(input)?;
    if date > today {
        Err("date-in-future")
    } else if date.year() < 1900 {
        Err("invalid-date")
    } else {
        Ok(date)
    }
}

/// Age in whole years on `on`.
pub fn age_on(birth_date: NaiveDate, on: NaiveDate) -> i32 {
    let mut age = on.year() - birth_date.year();
    if (on.month(), on.day()) < (birth_date.month(), birth_date.day()) {
        age -= 1;
    }
    age
}

/// Working age as the programmes define it; outside it intake warns but does not block.
pub fn is_working_age(birth_date: NaiveDate, on: NaiveDate) -> bool {
    (17..=65).contains(&age_on(birth_date, on))
}

/// A Belgian national register number: 11 digits whose last two are a mod-97
/// check over the first nine (prefixed with 2 for people born from 2000).
/// Dots, dashes and spaces are ignored; the number is kept as 11 digits.
pub fn parse_national_register(input: &str) -> Result<Option<String>, &'static str> {
    let digits: String = input.chars().filter(|c| !matches!(c, '.' | '-' | ' ')).collect();
    if digits.is_empty() {
        return Ok(None);
    }
    if digits.len() != 11 || !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err("invalid-national-register");
    }
    let body: u64 = digits[..9].parse().map_err(|_| "invalid-national-register")?;
    let check: u64 = digits[9..].parse().map_err(|_| "invalid-national-register")?;
    let before_2000 = 97 - body % 97 == check;
    let from_2000 = 97 - (2_000_000_000 + body) % 97 == check;
    if before_2000 || from_2000 {
        Ok(Some(digits))
    } else {
        Err("invalid-national-register")
    }
}

fn parse_optional_email(input: &str) -> Result<Option<String>, &'static str> {
    if input.trim().is_empty() {
        return Ok(None);
    }
    crate::identity::Email::parse(input).map(|e| Some(e.as_str().to_owned()))
}

fn parse_phone(input: &str) -> Result<Option<String>, &'static str> {
    let value = input.trim();
    if value.is_empty() {
        return Ok(None);
    }
    let allowed = value.chars().all(|c| c.is_ascii_digit() || " +-./()".contains(c));
    let digits = value.chars().filter(char::is_ascii_digit).count();
    if allowed && (8..=15).contains(&digits) {
        Ok(Some(value.to_owned()))
    } else {
        Err("invalid-phone")
    }
}

/// Whole months from `since` to `on` (0 when `on` is earlier).
pub fn months_between(since: NaiveDate, on: NaiveDate) -> i32 {
    if on < since {
        return 0;
    }
    let mut months = (on.year() - since.year()) * 12 + on.month() as i32 - since.month() as i32;
    if on.day() < since.day() {
        months -= 1;
    }
    months.max(0)
}

/// Where a person stands in sickness at intake, in the terms the seeds use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SicknessAtIntake {
    pub months: i32,
    /// One or two whole months: between 1 and 3 months, when motivation is highest
    /// (the occupational physicians' advice in the Boost2work seed).
    pub in_early_window: bool,
    /// 4 months or more: after this only 40% return to work.
    pub past_four_months: bool,
}

pub fn sickness_at(incapacity_since: NaiveDate, on: NaiveDate) -> SicknessAtIntake {
    let months = months_between(incapacity_since, on);
    SicknessAtIntake {
        months,
        in_early_window: (1..3).contains(&months),
        past_four_months: months >= 4,
    }
}

/// The dashboard's bands of whole months of sickness when a trajectory starts: name, lowest, highest.
pub const SICKNESS_BANDS: &[(&str, i32, i32)] = &[
    ("0-3", 0, 3),
    ("4-6", 4, 6),
    ("7-12", 7, 12),
    ("13-24", 13, 24),
    ("25+", 25, i32::MAX),
];

/// The band of a start `on` after an incapacity since `since`: `unknown` without the date, and the
/// first band when the date lies after the start (a typing error counted, not dropped).
pub fn sickness_band(since: Option<NaiveDate>, on: NaiveDate) -> &'static str {
    let Some(since) = since else {
        return "unknown";
    };
    let months = sickness_at(since, on).months;
    SICKNESS_BANDS
        .iter()
        .find(|(_, low, high)| (*low..=*high).contains(&months))
        .map_or(SICKNESS_BANDS[0].0, |(name, _, _)| name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn fields() -> ParticipantFields {
        ParticipantFields {
            first_name: "Hélène".into(),
            last_name: "Dupré".into(),
            birth_date: "1985-03-14".into(),
            health_category: "chronic_pain".into(),
            situation: "employed_on_sick_leave".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_minimal_intake_parses_with_defaults() {
        let p = ParticipantInput::parse(&fields(), date("2026-11-22")).unwrap();
        assert_eq!(p.language, Language::Nl);
        assert_eq!(p.gender, Gender::NotRecorded);
        assert_eq!(p.name_search(), "dupre helene");
    }

    #[test]
    fn every_bad_field_is_reported() {
        let bad = ParticipantFields {
            first_name: "".into(),
            birth_date: "14/03/1985".into(),
            national_register: "85.03.14-123.45".into(),
            email: "nope".into(),
            phone: "call me".into(),
            gender: "x".into(),
            health_category: "".into(),
            situation: "retired".into(),
            incapacity_since: "2030-01-01".into(),
            ..fields()
        };
        let errors = ParticipantInput::parse(&bad, date("2026-11-22")).unwrap_err();
        for (field, code) in [
            ("first_name", "required"),
            ("birth_date", "invalid-date"),
            ("national_register", "invalid-national-register"),
            ("email", "invalid-email"),
            ("phone", "invalid-phone"),
            ("gender", "invalid-choice"),
            ("health_category", "required"),
            ("situation", "invalid-choice"),
        ] {
            assert_eq!(errors.for_field(field).map(|e| e.code), Some(code), "{field}");
        }
    }

    #[test]
    fn incapacity_cannot_start_in_the_future_or_before_birth() {
        let future = ParticipantFields {
            incapacity_since: "2027-01-01".into(),
            ..fields()
        };
        let errors = ParticipantInput::parse(&future, date("2026-11-22")).unwrap_err();
        assert_eq!(errors.for_field("incapacity_since").unwrap().code, "date-in-future");
        let early = ParticipantFields {
            incapacity_since: "1980-01-01".into(),
            ..fields()
        };
        let errors = ParticipantInput::parse(&early, date("2026-11-22")).unwrap_err();
        assert_eq!(errors.for_field("incapacity_since").unwrap().code, "before-birth");
    }

    #[test]
    fn national_register_numbers_are_checked() {
        // 85.07.30-033.28: born 1985; 97 - (850730033 mod 97) = 28.
        assert_eq!(
            parse_national_register("85.07.30-033.28"),
            Ok(Some("85073003328".into()))
        );
        assert_eq!(parse_national_register("85073003329"), Err("invalid-national-register"));
        // Born in 2001: the check runs over 2 followed by the nine digits.
        let body: u64 = 102_030_040;
        let check = 97 - (2_000_000_000 + body) % 97;
        assert_eq!(
            parse_national_register(&format!("{body:09}{check:02}")),
            Ok(Some(format!("{body:09}{check:02}")))
        );
        assert_eq!(parse_national_register(""), Ok(None));
    }

    #[test]
    fn working_age_and_months_of_sickness() {
        assert_eq!(age_on(date("2000-11-23"), date("2026-11-22")), 25);
        assert!(is_working_age(date("1961-11-22"), date("2026-11-22")));
        assert!(!is_working_age(date("1960-11-21"), date("2026-11-22")));
        assert!(!is_working_age(date("2010-01-01"), date("2026-11-22")));
        assert_eq!(months_between(date("2026-08-23"), date("2026-11-22")), 2);
        let early = sickness_at(date("2026-09-01"), date("2026-11-22"));
        assert!(early.in_early_window && !early.past_four_months);
        let late = sickness_at(date("2026-05-01"), date("2026-11-22"));
        assert_eq!(late.months, 6);
        assert!(!late.in_early_window && late.past_four_months);
        assert!(
            !sickness_at(date("2026-11-01"), date("2026-11-22")).in_early_window,
            "under a month"
        );
    }

    #[test]
    fn sickness_bands_cover_every_start() {
        let on = date("2026-11-22");
        assert_eq!(sickness_band(None, on), "unknown");
        assert_eq!(sickness_band(Some(date("2026-08-23")), on), "0-3");
        assert_eq!(sickness_band(Some(date("2026-05-01")), on), "4-6");
        assert_eq!(sickness_band(Some(date("2025-11-22")), on), "7-12");
        assert_eq!(sickness_band(Some(date("2020-01-01")), on), "25+");
        assert_eq!(
            sickness_band(Some(date("2027-01-01")), on),
            "0-3",
            "a date after the start"
        );
    }
}
