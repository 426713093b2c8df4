//! The ICF profile: measurements that rate ICF categories with a qualifier, plus self-rated
//! competences, and the distance travelled between the first and the last measurement.
//!
//! Qualifiers are written as the ICF writes them. Body functions (b) and activities and
//! participation (d): 0 no problem, 1 mild, 2 moderate, 3 severe, 4 complete, 8 not specified,
//! 9 not applicable. Environmental factors (e): a barrier 0-4 (also 8 and 9) or a facilitator
//! `+0`..`+4` (`+8`: facilitator, not specified).

use crate::FieldErrors;
use crate::activities::parse_past_date;
use crate::identity::string_enum;
use crate::organisations::parse_optional_id;
use crate::validation::optional_multiline;
use chrono::NaiveDate;
use std::collections::BTreeMap;
use uuid::Uuid;

/// The ICF code system, as FHIR names it.
pub const ICF_SYSTEM: &str = "http://hl7.org/fhir/sid/icf";

string_enum! {
    /// The part of the ICF a category belongs to (the first letter of its code).
    Component {
        BodyFunctions = "b",
        ActivitiesParticipation = "d",
        Environment = "e",
    }
}

string_enum! {
    /// When in the trajectory a measurement was taken.
    Moment {
        Intake = "intake",
        During = "during",
        Exit = "exit",
        FollowUp = "follow_up",
    }
}

string_enum! {
    /// Who rated.
    Rater {
        Coach = "coach",
        CarePartner = "care_partner",
        Participant = "participant",
    }
}

string_enum! {
    /// Competences the seeds measure by self-rating on 0-10.
    Competence {
        Motivation = "motivation",
        CopingWithStress = "coping_with_stress",
        PersonalNetwork = "personal_network",
    }
}

/// One ICF qualifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Qualifier {
    /// 0 (no problem) to 4 (complete problem); for environmental factors: a barrier of that size.
    Problem(u8),
    /// A facilitator, +0 to +4 (environmental factors only).
    Facilitator(u8),
    /// 8: not specified.
    NotSpecified,
    /// +8: a facilitator, not specified.
    FacilitatorNotSpecified,
    /// 9: not applicable.
    NotApplicable,
}

impl Qualifier {
    /// Parses a qualifier for a category of `component`; a facilitator on a body function or an
    /// activity is refused.
    pub fn parse(input: &str, component: Component) -> Result<Self, &'static str> {
        let input = input.trim();
        let (facilitator, digits) = match input.strip_prefix('+') {
            Some(rest) => (true, rest),
            None => (false, input),
        };
        let value = match digits {
            "0" | "1" | "2" | "3" | "4" | "8" | "9" => digits.parse::<u8>().expect("a digit"),
            "" => return Err("required"),
            _ => return Err("invalid-qualifier"),
        };
        if facilitator && component != Component::Environment {
            return Err("facilitator-not-environmental");
        }
        Ok(match (facilitator, value) {
            (false, 8) => Qualifier::NotSpecified,
            (false, 9) => Qualifier::NotApplicable,
            (false, n) => Qualifier::Problem(n),
            (true, 8) => Qualifier::FacilitatorNotSpecified,
            (true, 9) => return Err("invalid-qualifier"),
            (true, n) => Qualifier::Facilitator(n),
        })
    }

    /// The qualifier as ICF writes it: `2`, `+3`, `8`.
    pub fn code(self) -> String {
        match self {
            Qualifier::Problem(n) => n.to_string(),
            Qualifier::Facilitator(n) => format!("+{n}"),
            Qualifier::NotSpecified => "8".into(),
            Qualifier::FacilitatorNotSpecified => "+8".into(),
            Qualifier::NotApplicable => "9".into(),
        }
    }

    /// The size of the problem on one scale, for charts and the distance travelled: 0 to 4 for a
    /// problem or barrier, -0 to -4 for a facilitator; `None` when not specified or not applicable.
    pub fn score(self) -> Option<i32> {
        match self {
            Qualifier::Problem(n) => Some(i32::from(n)),
            Qualifier::Facilitator(n) => Some(-i32::from(n)),
            _ => None,
        }
    }
}

/// The qualifiers a form offers for a category of `component`, as ICF writes them.
pub fn qualifier_choices(component: Component) -> &'static [&'static str] {
    match component {
        Component::Environment => &["+4", "+3", "+2", "+1", "+0", "0", "1", "2", "3", "4", "+8", "8", "9"],
        _ => &["0", "1", "2", "3", "4", "8", "9"],
    }
}

/// Checks a category code as the ICF shapes them: b, d or e and three to five digits (b130, d8450).
pub fn parse_category_code(input: &str) -> Result<(String, Component), &'static str> {
    let code = input.trim().to_ascii_lowercase();
    if code.is_empty() {
        return Err("required");
    }
    // Byte slicing below is only safe on ASCII.
    if !code.is_ascii() {
        return Err("invalid-icf-code");
    }
    let component = Component::parse(&code[..1]).map_err(|_| "invalid-icf-code")?;
    let digits = &code[1..];
    if !(3..=5).contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err("invalid-icf-code");
    }
    Ok((code, component))
}

/// A measurement as entered, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeasurementInput {
    pub trajectory_id: Option<Uuid>,
    pub measured_on: NaiveDate,
    pub moment: Moment,
    pub rater: Rater,
    /// Category code → qualifier; categories left blank are not rated.
    pub ratings: BTreeMap<String, Qualifier>,
    /// Competence code → score 0-10.
    pub competences: BTreeMap<String, u8>,
    pub note: Option<String>,
}

/// What a measurement form or request holds, as text.
#[derive(Debug, Clone, Default)]
pub struct MeasurementFields {
    pub trajectory_id: String,
    pub measured_on: String,
    pub moment: String,
    pub rater: String,
    /// Category code → qualifier text (blank: not rated).
    pub ratings: BTreeMap<String, String>,
    /// Competence code → score text (blank: not rated).
    pub competences: BTreeMap<String, String>,
    pub note: String,
}

impl MeasurementInput {
    /// Parses a measurement against the known categories (code → component) and the competences
    /// the participant's programmes measure. Errors on a rating are reported under
    /// `ratings.<code>`, on a competence under `competences.<code>`.
    pub fn parse(
        fields: &MeasurementFields,
        categories: &BTreeMap<String, Component>,
        known_competences: &[String],
        today: NaiveDate,
    ) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let trajectory_id = errors.check("trajectory_id", parse_optional_id(&fields.trajectory_id));
        let measured_on = errors.check("measured_on", parse_past_date(&fields.measured_on, today));
        let moment = errors.check("moment", Moment::parse(&fields.moment));
        let rater = errors.check("rater", Rater::parse(&fields.rater));
        let note = errors.check("note", optional_multiline(&fields.note, 2000)).flatten();
        let mut ratings = BTreeMap::new();
        for (code, text) in &fields.ratings {
            if text.trim().is_empty() {
                continue;
            }
            let Some(component) = categories.get(&code.trim().to_ascii_lowercase()) else {
                errors.add_named(format!("ratings.{code}"), "unknown-icf-category");
                continue;
            };
            match Qualifier::parse(text, *component) {
                Ok(q) => {
                    ratings.insert(code.trim().to_ascii_lowercase(), q);
                }
                Err(e) => errors.add_named(format!("ratings.{code}"), e),
            }
        }
        let mut competences = BTreeMap::new();
        for (code, text) in &fields.competences {
            if text.trim().is_empty() {
                continue;
            }
            let competence = code.trim().to_owned();
            if !known_competences.contains(&competence) {
                errors.add_named(format!("competences.{code}"), "invalid-choice");
                continue;
            }
            match text.trim().parse::<u8>() {
                Ok(score) if score <= 10 => {
                    competences.insert(competence, score);
                }
                _ => errors.add_named(format!("competences.{code}"), "out-of-range"),
            }
        }
        if ratings.is_empty() && competences.is_empty() && errors.is_empty() {
            errors.add("ratings", "nothing-rated");
        }
        errors.finish(|| MeasurementInput {
            trajectory_id: trajectory_id.flatten(),
            measured_on: measured_on.unwrap(),
            moment: moment.unwrap(),
            rater: rater.unwrap(),
            ratings,
            competences,
            note,
        })
    }
}

/// The change of one category (or competence) from its first to its last scored measurement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub first: i32,
    pub last: i32,
    /// `last - first`. For ICF categories a negative change is an improvement (less of a problem,
    /// or more of a facilitator); for competences a positive change is.
    pub change: i32,
    /// How many measurements scored it.
    pub measurements: usize,
}

/// The distance travelled over scores in date order (`None`: not scored that time). Needs two
/// scored measurements; otherwise there is no change to speak of.
pub fn distance_travelled(scores: &[Option<i32>]) -> Option<Change> {
    let scored: Vec<i32> = scores.iter().flatten().copied().collect();
    if scored.len() < 2 {
        return None;
    }
    let (first, last) = (scored[0], scored[scored.len() - 1]);
    Some(Change {
        first,
        last,
        change: last - first,
        measurements: scored.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seeds() -> Vec<String> {
        Competence::ALL.iter().map(|c| c.as_str().to_owned()).collect()
    }

    #[test]
    fn qualifiers_follow_the_icf() {
        use Component::*;
        assert_eq!(Qualifier::parse("3", BodyFunctions), Ok(Qualifier::Problem(3)));
        assert_eq!(
            Qualifier::parse("8", ActivitiesParticipation),
            Ok(Qualifier::NotSpecified)
        );
        assert_eq!(Qualifier::parse("9", Environment), Ok(Qualifier::NotApplicable));
        assert_eq!(Qualifier::parse("+2", Environment), Ok(Qualifier::Facilitator(2)));
        assert_eq!(
            Qualifier::parse("+8", Environment),
            Ok(Qualifier::FacilitatorNotSpecified)
        );
        assert_eq!(Qualifier::parse("5", BodyFunctions), Err("invalid-qualifier"));
        assert_eq!(Qualifier::parse("+9", Environment), Err("invalid-qualifier"));
        assert_eq!(Qualifier::parse("2.5", Environment), Err("invalid-qualifier"));
        assert_eq!(
            Qualifier::parse("+1", BodyFunctions),
            Err("facilitator-not-environmental")
        );
        assert_eq!(Qualifier::parse("", BodyFunctions), Err("required"));
        for component in Component::ALL {
            for choice in qualifier_choices(*component) {
                let q = Qualifier::parse(choice, *component).expect("every offered choice parses");
                assert_eq!(q.code(), *choice);
            }
        }
        assert_eq!(Qualifier::Facilitator(3).score(), Some(-3));
        assert_eq!(Qualifier::NotApplicable.score(), None);
    }

    #[test]
    fn category_codes_have_the_icf_shape() {
        assert_eq!(
            parse_category_code(" B130 "),
            Ok(("b130".into(), Component::BodyFunctions))
        );
        assert_eq!(
            parse_category_code("d8450"),
            Ok(("d8450".into(), Component::ActivitiesParticipation))
        );
        assert_eq!(parse_category_code("s750"), Err("invalid-icf-code"));
        assert_eq!(parse_category_code("e31"), Err("invalid-icf-code"));
        assert_eq!(parse_category_code("e3x0"), Err("invalid-icf-code"));
        assert_eq!(parse_category_code("é130"), Err("invalid-icf-code"), "not a panic");
    }

    #[test]
    fn the_distance_travelled_runs_from_the_first_to_the_last_score() {
        assert_eq!(distance_travelled(&[Some(3)]), None);
        assert_eq!(distance_travelled(&[None, Some(3), None]), None);
        let change = distance_travelled(&[Some(3), None, Some(2), Some(1)]).unwrap();
        assert_eq!(
            (change.first, change.last, change.change, change.measurements),
            (3, 1, -2, 3)
        );
        let facilitator = distance_travelled(&[Some(2), Some(-3)]).unwrap();
        assert_eq!(facilitator.change, -5, "a barrier of 2 that became a facilitator of +3");
    }

    #[test]
    fn a_measurement_names_each_bad_rating() {
        let today = NaiveDate::from_ymd_opt(2026, 6, 1).unwrap();
        let categories: BTreeMap<String, Component> = [
            ("b130".to_owned(), Component::BodyFunctions),
            ("e310".to_owned(), Component::Environment),
        ]
        .into();
        let mut fields = MeasurementFields {
            measured_on: "2026-05-01".into(),
            moment: "intake".into(),
            rater: "coach".into(),
            ..Default::default()
        };
        fields.ratings.insert("b130".into(), "5".into());
        fields.ratings.insert("e310".into(), "+2".into());
        fields.ratings.insert("x999".into(), "1".into());
        fields.competences.insert("motivation".into(), "11".into());
        let errors = MeasurementInput::parse(&fields, &categories, &seeds(), today).unwrap_err();
        let named: Vec<(String, &str)> = errors.0.iter().map(|e| (e.field.to_string(), e.code)).collect();
        assert!(
            named.contains(&("ratings.b130".into(), "invalid-qualifier")),
            "{named:?}"
        );
        assert!(
            named.contains(&("ratings.x999".into(), "unknown-icf-category")),
            "{named:?}"
        );
        assert!(
            named.contains(&("competences.motivation".into(), "out-of-range")),
            "{named:?}"
        );
        fields.ratings.insert("b130".into(), "2".into());
        fields.ratings.remove("x999");
        fields.competences.insert("motivation".into(), "7".into());
        let input = MeasurementInput::parse(&fields, &categories, &seeds(), today).unwrap();
        assert_eq!(input.ratings["e310"], Qualifier::Facilitator(2));
        assert_eq!(input.competences["motivation"], 7);
        let empty = MeasurementFields {
            ratings: BTreeMap::new(),
            competences: BTreeMap::new(),
            ..fields
        };
        let errors = MeasurementInput::parse(&empty, &categories, &seeds(), today).unwrap_err();
        assert_eq!(errors.0[0].code, "nothing-rated");
    }
}
