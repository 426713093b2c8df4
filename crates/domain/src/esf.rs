//! What the ESF+ common indicators need to know of a participant at entry, beyond the fields every
//! intake asks (gender, birth date, ISCED band, situation at entry): asked only where a programme
//! reports to the ESF. Regulation (EU) 2021/1057, Annex I; the counting rules are in
//! [`crate::esf_indicators`].
//!
//! Each characteristic keeps "prefers not to say" (`declined`) apart from "not recorded": the
//! first is an answer the person may give for sensitive data and is never asked again; the second
//! is a gap a coach completes (the list of missing data).

use crate::identity::string_enum;
use crate::participants::{Situation, age_on};
use crate::validation::{FieldErrors, optional_whole_number};
use chrono::NaiveDate;
use serde::Serialize;

string_enum! {
    /// An answer to a yes-or-no characteristic at entry.
    Answer {
        Yes = "yes",
        No = "no",
        /// The person prefers not to say: an answer, not a gap.
        Declined = "declined",
        NotRecorded = "not_recorded",
    }
}

#[allow(clippy::derivable_impls)] // the enum comes from `string_enum!`, which derives no Default
impl Default for Answer {
    fn default() -> Self {
        Answer::NotRecorded
    }
}

string_enum! {
    /// Eurostat's degree of urbanisation of a municipality (DEGURBA classes 1 to 3).
    Degurba {
        City = "city",
        TownOrSuburb = "town_or_suburb",
        Rural = "rural",
    }
}

impl Degurba {
    /// From Eurostat's class number.
    pub fn from_class(class: i32) -> Option<Degurba> {
        match class {
            1 => Some(Degurba::City),
            2 => Some(Degurba::TownOrSuburb),
            3 => Some(Degurba::Rural),
            _ => None,
        }
    }

    pub fn class(self) -> i32 {
        match self {
            Degurba::City => 1,
            Degurba::TownOrSuburb => 2,
            Degurba::Rural => 3,
        }
    }
}

/// The characteristics at entry an ESF programme asks for.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct EsfProfile {
    /// Whole months of continuous unemployment at entry, for people unemployed at entry.
    pub unemployed_months: Option<i32>,
    pub disability: Answer,
    pub third_country_national: Answer,
    pub foreign_background: Answer,
    pub minority: Answer,
    pub homeless: Answer,
    /// The Belgian postcode of the person's home: the rural area and the region follow from it.
    pub postcode: Option<String>,
}

/// The raw ESF fields of an intake form, import row or API body (blank: not recorded).
#[derive(Debug, Clone, Default)]
pub struct EsfFields {
    pub unemployed_months: String,
    pub disability: String,
    pub third_country_national: String,
    pub foreign_background: String,
    pub minority: String,
    pub homeless: String,
    pub postcode: String,
}

/// Every ESF field, by the name forms, the API and the exchange format give it, in order.
pub const FIELDS: [&str; 7] = [
    "unemployed_months",
    "disability",
    "third_country_national",
    "foreign_background",
    "minority",
    "homeless",
    "postcode",
];

impl EsfFields {
    /// The fields under their names ([`FIELDS`]); `get` answers blank for a name it lacks.
    pub fn read<'a>(get: impl Fn(&'static str) -> &'a str) -> EsfFields {
        EsfFields {
            unemployed_months: get("unemployed_months").to_owned(),
            disability: get("disability").to_owned(),
            third_country_national: get("third_country_national").to_owned(),
            foreign_background: get("foreign_background").to_owned(),
            minority: get("minority").to_owned(),
            homeless: get("homeless").to_owned(),
            postcode: get("postcode").to_owned(),
        }
    }

    /// The values in the order of [`FIELDS`].
    pub fn values(&self) -> [&str; 7] {
        [
            &self.unemployed_months,
            &self.disability,
            &self.third_country_national,
            &self.foreign_background,
            &self.minority,
            &self.homeless,
            &self.postcode,
        ]
    }
}

/// The yes-or-no characteristics, by field name, as the forms, the API and the exchange name them.
pub const ANSWER_FIELDS: [&str; 5] = [
    "disability",
    "third_country_national",
    "foreign_background",
    "minority",
    "homeless",
];

impl EsfProfile {
    /// Parses the fields into `errors` (the participant's other errors go there too). A length of
    /// unemployment only goes with a situation of `unemployed`.
    pub fn parse(fields: &EsfFields, situation: Option<Situation>, errors: &mut FieldErrors) -> EsfProfile {
        let answer = |errors: &mut FieldErrors, field: &'static str, value: &str| {
            if value.trim().is_empty() {
                Answer::NotRecorded
            } else {
                errors.check(field, Answer::parse(value)).unwrap_or_default()
            }
        };
        let unemployed_months = errors
            .check(
                "unemployed_months",
                optional_whole_number(&fields.unemployed_months, 0, 600),
            )
            .flatten();
        if unemployed_months.is_some() && situation.is_some_and(|s| s != Situation::Unemployed) {
            errors.add("unemployed_months", "only-when-unemployed");
        }
        let postcode = errors.check("postcode", parse_postcode(&fields.postcode)).flatten();
        EsfProfile {
            unemployed_months,
            disability: answer(errors, "disability", &fields.disability),
            third_country_national: answer(errors, "third_country_national", &fields.third_country_national),
            foreign_background: answer(errors, "foreign_background", &fields.foreign_background),
            minority: answer(errors, "minority", &fields.minority),
            homeless: answer(errors, "homeless", &fields.homeless),
            postcode,
        }
    }

    /// The province of the postcode: NUTS 2 code and Dutch name.
    pub fn region(&self) -> Option<(&'static str, &'static str)> {
        self.postcode.as_deref().and_then(region_of_postcode)
    }

    /// The answer under its field name (one of [`ANSWER_FIELDS`]).
    pub fn answer(&self, field: &str) -> Answer {
        match field {
            "disability" => self.disability,
            "third_country_national" => self.third_country_national,
            "foreign_background" => self.foreign_background,
            "minority" => self.minority,
            "homeless" => self.homeless,
            _ => Answer::NotRecorded,
        }
    }

    /// The fields as a form shows them (blank for not recorded).
    pub fn fields(&self) -> EsfFields {
        let answer = |a: Answer| {
            if a == Answer::NotRecorded {
                String::new()
            } else {
                a.as_str().to_owned()
            }
        };
        EsfFields {
            unemployed_months: self.unemployed_months.map(|m| m.to_string()).unwrap_or_default(),
            disability: answer(self.disability),
            third_country_national: answer(self.third_country_national),
            foreign_background: answer(self.foreign_background),
            minority: answer(self.minority),
            homeless: answer(self.homeless),
            postcode: self.postcode.clone().unwrap_or_default(),
        }
    }
}

/// A Belgian postcode: four digits, 1000 to 9999.
pub fn parse_postcode(input: &str) -> Result<Option<String>, &'static str> {
    let value = input.trim();
    if value.is_empty() {
        return Ok(None);
    }
    let valid = value.len() == 4 && value.chars().all(|c| c.is_ascii_digit()) && !value.starts_with('0');
    if valid {
        Ok(Some(value.to_owned()))
    } else {
        Err("invalid-postcode")
    }
}

/// The province (NUTS 2 region) of a Belgian postcode, by bpost's ranges: code and Dutch name.
/// The Flemish provinces' names are the codes of the regional partnerships.
pub fn region_of_postcode(postcode: &str) -> Option<(&'static str, &'static str)> {
    let n: u32 = postcode.parse().ok()?;
    Some(match n {
        1000..=1299 => ("BE10", "brussel"),
        1300..=1499 => ("BE31", "waals-brabant"),
        1500..=1999 | 3000..=3499 => ("BE24", "vlaams-brabant"),
        2000..=2999 => ("BE21", "antwerpen"),
        3500..=3999 => ("BE22", "limburg"),
        4000..=4999 => ("BE33", "luik"),
        5000..=5999 => ("BE35", "namen"),
        6000..=6599 | 7000..=7999 => ("BE32", "henegouwen"),
        6600..=6999 => ("BE34", "luxemburg"),
        8000..=8999 => ("BE25", "west-vlaanderen"),
        9000..=9999 => ("BE23", "oost-vlaanderen"),
        _ => return None,
    })
}

/// Long-term unemployed as the ESF defines it: more than 6 months of continuous unemployment
/// below 25, more than 12 months from 25. `None` when the length is not recorded.
pub fn long_term_unemployed(birth_date: NaiveDate, entered_on: NaiveDate, months: Option<i32>) -> Option<bool> {
    let months = months?;
    let limit = if age_on(birth_date, entered_on) < 25 { 6 } else { 12 };
    Some(months > limit)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn blank_is_not_recorded_and_declined_is_an_answer() {
        let mut errors = FieldErrors::new();
        let fields = EsfFields {
            disability: "declined".into(),
            minority: "no".into(),
            postcode: " 8630 ".into(),
            ..Default::default()
        };
        let p = EsfProfile::parse(&fields, Some(Situation::Inactive), &mut errors);
        assert!(errors.is_empty());
        assert_eq!(p.disability, Answer::Declined);
        assert_eq!(p.minority, Answer::No);
        assert_eq!(p.homeless, Answer::NotRecorded);
        assert_eq!(p.postcode.as_deref(), Some("8630"));
        assert_eq!(p.fields().homeless, "", "not recorded shows blank");
        assert_eq!(p.fields().disability, "declined");
    }

    #[test]
    fn bad_values_are_named_by_field() {
        let mut errors = FieldErrors::new();
        let fields = EsfFields {
            unemployed_months: "7".into(),
            homeless: "maybe".into(),
            postcode: "0999".into(),
            ..Default::default()
        };
        EsfProfile::parse(&fields, Some(Situation::EmployedOnSickLeave), &mut errors);
        assert_eq!(
            errors.for_field("unemployed_months").map(|e| e.code),
            Some("only-when-unemployed")
        );
        assert!(errors.for_field("homeless").unwrap().code.starts_with("invalid-choice"));
        assert_eq!(errors.for_field("postcode").map(|e| e.code), Some("invalid-postcode"));
        let mut errors = FieldErrors::new();
        let months = EsfFields {
            unemployed_months: "-1".into(),
            postcode: "90000".into(),
            ..Default::default()
        };
        EsfProfile::parse(&months, Some(Situation::Unemployed), &mut errors);
        assert_eq!(
            errors.for_field("unemployed_months").map(|e| e.code),
            Some("out-of-range")
        );
        assert_eq!(errors.for_field("postcode").map(|e| e.code), Some("invalid-postcode"));
    }

    #[test]
    fn the_region_follows_bposts_ranges() {
        assert_eq!(region_of_postcode("9000"), Some(("BE23", "oost-vlaanderen")));
        assert_eq!(region_of_postcode("3000"), Some(("BE24", "vlaams-brabant")));
        assert_eq!(region_of_postcode("1500"), Some(("BE24", "vlaams-brabant")));
        assert_eq!(region_of_postcode("3500"), Some(("BE22", "limburg")));
        assert_eq!(region_of_postcode("1050"), Some(("BE10", "brussel")));
        assert_eq!(region_of_postcode("6700"), Some(("BE34", "luxemburg")));
        assert_eq!(region_of_postcode("7000"), Some(("BE32", "henegouwen")));
        assert_eq!(region_of_postcode("abc"), None);
    }

    #[test]
    fn long_term_unemployment_depends_on_age_at_entry() {
        let entry = date("2026-03-01");
        let young = date("2003-01-01");
        let older = date("1980-01-01");
        assert_eq!(long_term_unemployed(young, entry, Some(7)), Some(true));
        assert_eq!(long_term_unemployed(young, entry, Some(6)), Some(false));
        assert_eq!(long_term_unemployed(older, entry, Some(12)), Some(false));
        assert_eq!(long_term_unemployed(older, entry, Some(13)), Some(true));
        assert_eq!(long_term_unemployed(older, entry, None), None);
    }
}
