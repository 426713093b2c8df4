//! Anonymisation, erasure and retention (docs/retention.md): what replaces a person's data when
//! their file is anonymised, and the day until which a file is kept.

use crate::plans::PlanContent;
use crate::validation::FieldErrors;
use chrono::{Datelike, Months, NaiveDate};

/// The longest reason an anonymisation, an erasure or a legal hold takes.
pub const REASON_MAX: usize = 500;
/// Years a file is kept after the person's last trajectory ended, unless the programme says otherwise.
pub const DEFAULT_RETENTION_YEARS: i32 = 10;
/// The bounds of a programme's retention.
pub const RETENTION_YEARS: (i32, i32) = (1, 100);
/// Years an ESF operation's files are kept from 31 December of the year of its last payment
/// (Common Provisions Regulation, Art. 82).
pub const ESF_RETENTION_YEARS: i32 = 5;
/// Days ahead the retention page looks.
pub const DUE_WITHIN_DAYS: u64 = 90;
/// What stands where a person's identifiers stood in text shared with other people.
pub const SCRUBBED: &str = "[…]";

/// What is done with a file: anonymised (kept for the figures), or deleted as registered by mistake.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Treatment {
    Anonymise,
    Erase,
}

impl Treatment {
    pub fn parse(value: &str) -> Result<Treatment, &'static str> {
        match value.trim() {
            "anonymise" => Ok(Treatment::Anonymise),
            "erase" => Ok(Treatment::Erase),
            "" => Err("required"),
            _ => Err("invalid-choice:anonymise erase"),
        }
    }
}

/// A reason, required and short, trimmed: `required`, `too-long` or `control-characters`.
pub fn reason(input: &str) -> Result<String, &'static str> {
    let value = input.trim();
    if value.is_empty() {
        Err("required")
    } else if value.chars().count() > REASON_MAX {
        Err("too-long")
    } else if value
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        Err("control-characters")
    } else {
        Ok(value.to_owned())
    }
}

/// The reason of a request, or its field error under `reason`.
pub fn parse_reason(input: &str) -> Result<String, FieldErrors> {
    reason(input).map_err(|code| FieldErrors::single("reason", code))
}

/// A birth date that gives the same age as `birth` on each of `days` (the trajectories' starts,
/// where the figures take ages), in the same year: the first of January, or the day after the
/// last of those days (by month and day) that falls before the birthday. The real birthday is
/// forgotten; the ages the dashboard and the ESF+ indicators count stay exactly as they were.
pub fn surrogate_birth_date(birth: NaiveDate, days: &[NaiveDate]) -> NaiveDate {
    let born = (birth.month(), birth.day());
    let before = days.iter().map(|d| (d.month(), d.day())).filter(|md| *md < born).max();
    let first = NaiveDate::from_ymd_opt(birth.year(), 1, 1).unwrap_or(birth);
    let Some((month, day)) = before else {
        return first;
    };
    // The day after (month, day) in the birth year; a 29 February the year lacks keeps the date.
    NaiveDate::from_ymd_opt(birth.year(), month, day)
        .and_then(|d| d.succ_opt())
        .filter(|d| d.year() == birth.year() && (d.month(), d.day()) <= born)
        .unwrap_or(birth)
}

/// `text` with every occurrence (ignoring case) of the identifiers replaced by [`SCRUBBED`]:
/// for text about several people (a consultation's decisions) where only one is forgotten.
/// Identifiers shorter than two characters are left alone (they would match everywhere).
pub fn scrub(text: &str, identifiers: &[&str]) -> String {
    let mut ids: Vec<String> = identifiers
        .iter()
        .map(|i| i.trim().to_lowercase())
        .filter(|i| i.chars().count() >= 2)
        .collect();
    // Longest first, so a full name goes before its parts.
    ids.sort_by_key(|i| std::cmp::Reverse(i.len()));
    let mut out = text.to_owned();
    for id in ids {
        let mut result = String::with_capacity(out.len());
        let lower = out.to_lowercase();
        // Lower-casing can change byte lengths: fall back to exact matching where it does.
        if lower.len() != out.len() {
            result = out.replace(&id, SCRUBBED);
        } else {
            let mut rest = 0;
            for (at, _) in lower.match_indices(&id) {
                if at < rest {
                    continue;
                }
                result.push_str(&out[rest..at]);
                result.push_str(SCRUBBED);
                rest = at + id.len();
            }
            result.push_str(&out[rest..]);
        }
        out = result;
    }
    out
}

/// A plan's content without its free text: goals, steps and canvas items keep their ids, owners,
/// due dates, status and levers (what the caseload and the figures count); their text and the
/// recovery plan's sections become empty.
pub fn plan_without_text(content: &PlanContent) -> PlanContent {
    let mut content = content.clone();
    match &mut content {
        PlanContent::Action(plan) => {
            for goal in &mut plan.goals {
                goal.title.clear();
                for step in &mut goal.steps {
                    step.description.clear();
                }
            }
        }
        PlanContent::Recovery(plan) => plan.sections.values_mut().for_each(String::clear),
        PlanContent::Canvas(canvas) => canvas.items.iter_mut().for_each(|i| i.text.clear()),
    }
    content
}

/// The programme rule: `years` after the day the person's last trajectory ended.
pub fn programme_rule(last_ended: NaiveDate, years: i32) -> NaiveDate {
    let months = u32::try_from(years.max(0)).unwrap_or(0) * 12;
    last_ended
        .checked_add_months(Months::new(months))
        .unwrap_or(NaiveDate::MAX)
}

/// The ESF rule: five years from 31 December of the year of the operation's last payment.
pub fn esf_rule(last_payment: NaiveDate) -> NaiveDate {
    NaiveDate::from_ymd_opt(last_payment.year() + ESF_RETENTION_YEARS, 12, 31).unwrap_or(NaiveDate::MAX)
}

/// What the rules need to know of one person.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Basis {
    /// Whether a trajectory is still open: then no rule runs.
    pub open: bool,
    /// The day the last trajectory ended (or, without any trajectory, the day of registration).
    pub last_ended: Option<NaiveDate>,
    /// The longest retention among the programmes of their trajectories (the default without one).
    pub years: i32,
    /// The last payments of the ESF operations that count them; `None` for one not recorded yet,
    /// which keeps the file until it is.
    pub esf_payments: Vec<Option<NaiveDate>>,
}

/// The day until which the file is kept: the latest any applicable rule gives; none while a
/// trajectory is open or an ESF operation that counts them has no last payment recorded.
pub fn retention_date(basis: &Basis) -> Option<NaiveDate> {
    if basis.open {
        return None;
    }
    let mut until = programme_rule(basis.last_ended?, basis.years);
    for payment in &basis.esf_payments {
        until = until.max(esf_rule((*payment)?));
    }
    Some(until)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::participants::age_on;

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn the_surrogate_birth_date_keeps_every_age() {
        let births = ["1980-06-15", "1999-01-01", "1975-12-31", "1990-03-01", "1988-02-29"];
        let days = [
            date("2020-06-14"),
            date("2020-06-15"),
            date("2024-03-01"),
            date("2025-12-30"),
        ];
        for birth in births.map(date) {
            let s = surrogate_birth_date(birth, &days);
            assert_eq!(s.year(), birth.year());
            for day in days {
                assert_eq!(age_on(s, day), age_on(birth, day), "{birth} -> {s} on {day}");
            }
        }
        assert_eq!(surrogate_birth_date(date("1980-06-15"), &days), date("1980-06-15"));
        assert_eq!(surrogate_birth_date(date("1980-06-20"), &days), date("1980-06-16"));
        assert_eq!(surrogate_birth_date(date("1980-02-20"), &days), date("1980-01-01"));
        assert_eq!(surrogate_birth_date(date("1980-02-20"), &[]), date("1980-01-01"));
    }

    #[test]
    fn scrubbing_replaces_the_identifiers_whatever_their_case() {
        let text = "Anna Peeters and Jan Smet: anna will call; PEETERS agreed.";
        let out = scrub(text, &["Anna Peeters", "Anna", "Peeters", "x"]);
        assert_eq!(out, "[…] and Jan Smet: […] will call; […] agreed.");
    }

    #[test]
    fn plans_lose_their_text_and_keep_their_steps() {
        use crate::plans::{ActionPlan, Goal, Step, StepOwner, StepStatus};
        let plan = PlanContent::Action(ActionPlan {
            goals: vec![Goal {
                id: "g1".into(),
                title: "Work at the bakery of my uncle Piet".into(),
                steps: vec![Step {
                    id: "s1".into(),
                    description: "Call Piet".into(),
                    owner: StepOwner::Participant,
                    due_on: Some(date("2026-01-01")),
                    status: StepStatus::Planned,
                    levers: Vec::new(),
                    canvas_item: None,
                }],
            }],
        });
        let PlanContent::Action(bare) = plan_without_text(&plan) else {
            panic!()
        };
        assert_eq!(bare.goals[0].title, "");
        assert_eq!(bare.goals[0].steps[0].description, "");
        assert_eq!(bare.open_steps_due(), vec![("s1", date("2026-01-01"))]);
    }

    #[test]
    fn the_latest_rule_decides_and_open_files_have_no_date() {
        let mut basis = Basis {
            open: false,
            last_ended: Some(date("2020-05-10")),
            years: 3,
            esf_payments: vec![Some(date("2019-03-01"))],
        };
        assert_eq!(retention_date(&basis), Some(date("2024-12-31")));
        basis.years = 10;
        assert_eq!(retention_date(&basis), Some(date("2030-05-10")));
        basis.esf_payments.push(None);
        assert_eq!(retention_date(&basis), None);
        basis.esf_payments.clear();
        basis.open = true;
        assert_eq!(retention_date(&basis), None);
        assert_eq!(Treatment::parse("erase"), Ok(Treatment::Erase));
        assert_eq!(reason("  "), Err("required"));
    }
}
