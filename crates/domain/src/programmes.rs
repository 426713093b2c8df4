//! Programmes as configurable templates: target group, phases, modules,
//! maximum duration and follow-up schedule. The two programmes of the seeds
//! ship built in; others are made by administrators, without code.

use crate::participants::{Situation, age_on, months_between};
use crate::validation::{FieldErrors, optional_multiline, optional_whole_number, required_text, whole_number};
use chrono::NaiveDate;
use serde::Serialize;

/// A programme's days without contact before the caseload's "no contact" filter finds someone,
/// unless its administrator sets another number.
pub const DEFAULT_NO_CONTACT_DAYS: i32 = 30;
pub use crate::erasure::DEFAULT_RETENTION_YEARS;
/// The most days a "no contact" filter or setting takes (ten years).
pub const MAX_NO_CONTACT_DAYS: i32 = 3650;

/// One step of a programme, e.g. `engagement`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step {
    pub code: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProgrammeInput {
    pub code: String,
    pub name: String,
    pub description: Option<String>,
    pub min_age: Option<i32>,
    pub max_age: Option<i32>,
    pub min_sick_months: Option<i32>,
    pub max_sick_months: Option<i32>,
    /// Situations at entry the programme is for; empty means any.
    pub situations: Vec<Situation>,
    pub max_duration_months: i32,
    /// Months after exit at which a follow-up check-in falls due.
    pub follow_up_months: Vec<i32>,
    /// Days without a contact after which the caseload's filter "no contact" finds a trajectory
    /// when its user names no number of days.
    pub no_contact_days: i32,
    /// Years a person's file is kept after their last trajectory ended (docs/retention.md).
    pub retention_years: i32,
    /// The programme reports to the European Social Fund: intake asks what the ESF+ indicators
    /// need, and every exit schedules a check-in six months later (`check_in_months`).
    pub reports_to_esf: bool,
    pub phases: Vec<Step>,
    pub modules: Vec<Step>,
    /// The competences participants rate themselves on (0-10) in an ICF measurement.
    pub competences: Vec<Step>,
}

/// The raw fields of the programme form: phases and modules one per line,
/// as `code: Name` or just `Name`; follow-up months separated by commas.
#[derive(Debug, Clone, Default)]
pub struct ProgrammeFields {
    pub code: String,
    pub name: String,
    pub description: String,
    pub min_age: String,
    pub max_age: String,
    pub min_sick_months: String,
    pub max_sick_months: String,
    pub situations: Vec<String>,
    pub max_duration_months: String,
    pub follow_up_months: String,
    /// Blank: [`DEFAULT_NO_CONTACT_DAYS`].
    pub no_contact_days: String,
    /// Blank: [`DEFAULT_RETENTION_YEARS`].
    pub retention_years: String,
    pub reports_to_esf: bool,
    pub phases: String,
    pub modules: String,
    pub competences: String,
}

impl ProgrammeInput {
    pub fn parse(fields: &ProgrammeFields) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let code = errors.check("code", parse_code(&fields.code));
        let name = errors.check("name", required_text(&fields.name, 200));
        let description = errors
            .check("description", optional_multiline(&fields.description, 5000))
            .flatten();
        let min_age = errors
            .check("min_age", optional_whole_number(&fields.min_age, 0, 120))
            .flatten();
        let max_age = errors
            .check("max_age", optional_whole_number(&fields.max_age, 0, 120))
            .flatten();
        if let (Some(min), Some(max)) = (min_age, max_age)
            && min > max
        {
            errors.add("max_age", "range-inverted");
        }
        let min_sick = errors
            .check(
                "min_sick_months",
                optional_whole_number(&fields.min_sick_months, 0, 600),
            )
            .flatten();
        let max_sick = errors
            .check(
                "max_sick_months",
                optional_whole_number(&fields.max_sick_months, 0, 600),
            )
            .flatten();
        if let (Some(min), Some(max)) = (min_sick, max_sick)
            && min > max
        {
            errors.add("max_sick_months", "range-inverted");
        }
        let mut situations = Vec::new();
        for value in fields.situations.iter().filter(|v| !v.trim().is_empty()) {
            match Situation::parse(value) {
                Ok(s) if !situations.contains(&s) => situations.push(s),
                Ok(_) => {}
                Err(code) => errors.add("situations", code),
            }
        }
        let max_duration = errors.check("max_duration_months", whole_number(&fields.max_duration_months, 1, 240));
        let follow_up = errors.check("follow_up_months", parse_months(&fields.follow_up_months));
        let no_contact_days = if fields.no_contact_days.trim().is_empty() {
            Some(DEFAULT_NO_CONTACT_DAYS)
        } else {
            errors.check(
                "no_contact_days",
                whole_number(&fields.no_contact_days, 1, MAX_NO_CONTACT_DAYS),
            )
        };
        let retention_years = if fields.retention_years.trim().is_empty() {
            Some(DEFAULT_RETENTION_YEARS)
        } else {
            let (min, max) = crate::erasure::RETENTION_YEARS;
            errors.check("retention_years", whole_number(&fields.retention_years, min, max))
        };
        let phases = errors.check("phases", parse_steps(&fields.phases, true));
        let modules = errors.check("modules", parse_steps(&fields.modules, false));
        let competences = errors.check("competences", parse_steps(&fields.competences, false));
        errors.finish(|| ProgrammeInput {
            code: code.unwrap(),
            name: name.unwrap(),
            description,
            min_age,
            max_age,
            min_sick_months: min_sick,
            max_sick_months: max_sick,
            situations,
            max_duration_months: max_duration.unwrap(),
            follow_up_months: follow_up.unwrap(),
            no_contact_days: no_contact_days.unwrap(),
            retention_years: retention_years.unwrap(),
            reports_to_esf: fields.reports_to_esf,
            phases: phases.unwrap(),
            modules: modules.unwrap(),
            competences: competences.unwrap(),
        })
    }

    /// The months after exit at which check-ins fall due: the follow-up months, and six for a
    /// programme that reports to the ESF (the longer-term results are measured then).
    pub fn check_in_months(follow_up_months: &[i32], reports_to_esf: bool) -> Vec<i32> {
        let mut months = follow_up_months.to_vec();
        if reports_to_esf && !months.contains(&crate::esf_indicators::SIX_MONTHS) {
            months.push(crate::esf_indicators::SIX_MONTHS);
            months.sort_unstable();
        }
        months
    }

    /// Why a person falls outside the target group, as message codes. Intake
    /// warns about these but does not block: coaches decide.
    pub fn eligibility_warnings(
        &self,
        birth_date: NaiveDate,
        incapacity_since: Option<NaiveDate>,
        situation: Situation,
        on: NaiveDate,
    ) -> Vec<&'static str> {
        let mut warnings = Vec::new();
        let age = age_on(birth_date, on);
        if self.min_age.is_some_and(|min| age < min) || self.max_age.is_some_and(|max| age > max) {
            warnings.push("outside-age-band");
        }
        if self.min_sick_months.is_some() || self.max_sick_months.is_some() {
            match incapacity_since {
                None => warnings.push("sickness-start-unknown"),
                Some(since) => {
                    let months = months_between(since, on);
                    if self.min_sick_months.is_some_and(|min| months < min) {
                        warnings.push("sick-too-short");
                    }
                    if self.max_sick_months.is_some_and(|max| months >= max) {
                        warnings.push("sick-too-long");
                    }
                }
            }
        }
        if !self.situations.is_empty() && !self.situations.contains(&situation) {
            warnings.push("situation-not-targeted");
        }
        warnings
    }
}

fn parse_code(input: &str) -> Result<String, &'static str> {
    let value = input.trim().to_lowercase();
    if value.is_empty() {
        return Err("required");
    }
    let valid = value.len() <= 40
        && value
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if valid { Ok(value) } else { Err("invalid-code") }
}

/// "6, 12, 18" → [6, 12, 18]: ascending, distinct, each 1-120.
fn parse_months(input: &str) -> Result<Vec<i32>, &'static str> {
    let mut months = Vec::new();
    for part in input.split([',', ';', ' ']).filter(|p| !p.trim().is_empty()) {
        let month = whole_number(part, 1, 120)?;
        if months.last().is_some_and(|last| *last >= month) {
            return Err("months-not-ascending");
        }
        months.push(month);
    }
    Ok(months)
}

/// One step per line: `code: Name` or `Name` (the code is then made from the name).
fn parse_steps(input: &str, required: bool) -> Result<Vec<Step>, &'static str> {
    let mut steps: Vec<Step> = Vec::new();
    for line in input.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let (code, name) = match line.split_once(':') {
            Some((code, name)) => (parse_code(code).map_err(|_| "invalid-step")?, name.trim().to_owned()),
            None => (slug(line), line.to_owned()),
        };
        if name.is_empty() || name.chars().count() > 100 || code.is_empty() {
            return Err("invalid-step");
        }
        crate::validation::check_line(&name)?;
        if steps.iter().any(|s| s.code == code) {
            return Err("duplicate-step");
        }
        steps.push(Step { code, name });
    }
    if required && steps.is_empty() {
        return Err("required");
    }
    if steps.len() > 30 {
        return Err("too-long");
    }
    Ok(steps)
}

fn slug(name: &str) -> String {
    let folded = crate::validation::fold_for_search(name);
    let mut slug = String::new();
    for c in folded.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.ends_with('_') && !slug.is_empty() {
            slug.push('_');
        }
    }
    slug.trim_end_matches('_').chars().take(40).collect()
}

fn steps(list: &[(&str, &str)]) -> Vec<Step> {
    list.iter()
        .map(|(code, name)| Step {
            code: (*code).into(),
            name: (*name).into(),
        })
        .collect()
}

/// GTB's outreach programme "We go to work", as the seeds describe it.
pub fn we_go_to_work() -> ProgrammeInput {
    ProgrammeInput {
        code: "we-go-to-work".into(),
        name: "We go to work".into(),
        description: Some(
            "Outreach from rehabilitation hospitals, pain clinics, day-care and welfare centres for inactive people \
             with no direct perspective on work: information session, group sessions with an experienced expert, \
             a recovery and work action plan drawn up in group, individual coaching. At most 2 years; systematic \
             monitoring for 18 months after the programme and aftercare for at least 2 years after mediation."
                .into(),
        ),
        min_age: Some(17),
        max_age: Some(65),
        min_sick_months: None,
        max_sick_months: None,
        situations: vec![
            Situation::Inactive,
            Situation::EmployedOnSickLeave,
            Situation::Unemployed,
        ],
        max_duration_months: 24,
        follow_up_months: vec![6, 12, 18, 24],
        no_contact_days: DEFAULT_NO_CONTACT_DAYS,
        retention_years: DEFAULT_RETENTION_YEARS,
        // Both programmes of the seeds live on ESF money.
        reports_to_esf: true,
        phases: steps(&[
            ("contact", "Contact"),
            ("information", "Information"),
            ("engagement", "Engagement"),
            ("action_plan", "Action plan"),
            ("steps_to_work", "Steps to work"),
            ("handover", "Handover to job mediation"),
            ("monitoring", "Monitoring"),
            ("aftercare", "Aftercare"),
        ]),
        modules: steps(&[
            ("module_1", "Module 1: information session"),
            (
                "module_2",
                "Module 2: group sessions on wishes, interests and possibilities",
            ),
            ("module_3", "Module 3: recovery and work action plan in group"),
            ("individual_coaching", "Individual coaching"),
        ]),
        competences: seed_competences(),
    }
}

/// Steps as the programme form writes them, one `code: Name` per line (what `parse_steps` reads).
pub fn step_lines(steps: &[Step]) -> String {
    steps
        .iter()
        .map(|s| format!("{}: {}", s.code, s.name))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The competences the seeds measure by self-rating: motivation, coping with stress, personal network.
pub fn seed_competences() -> Vec<Step> {
    crate::icf::Competence::ALL
        .iter()
        .map(|c| Step {
            code: c.as_str().to_owned(),
            name: match c {
                crate::icf::Competence::Motivation => "Motivation",
                crate::icf::Competence::CopingWithStress => "Coping with stress",
                crate::icf::Competence::PersonalNetwork => "Personal network",
            }
            .to_owned(),
        })
        .collect()
}

/// Stebo's Boost2work: short, intensive coaching for people 1 to 12 months on sick leave.
pub fn boost2work() -> ProgrammeInput {
    ProgrammeInput {
        code: "boost2work".into(),
        name: "Boost2work".into(),
        description: Some(
            "Intensive, appreciative coaching for people on sick leave for more than a month and less than a year: \
             individual coaching and collective sessions with continuous intake, a personal business model canvas \
             turned into an action plan. At most 6 months (4 in the original pilots)."
                .into(),
        ),
        min_age: Some(17),
        max_age: Some(65),
        min_sick_months: Some(1),
        max_sick_months: Some(12),
        situations: vec![Situation::EmployedOnSickLeave, Situation::Unemployed],
        max_duration_months: 6,
        follow_up_months: vec![3, 6],
        // Short and intensive: a fortnight without contact is long here.
        no_contact_days: 14,
        retention_years: DEFAULT_RETENTION_YEARS,
        reports_to_esf: true,
        phases: steps(&[
            ("intake", "Intake"),
            ("personal_canvas", "Personal canvas"),
            ("action_plan", "Action plan"),
            ("steps_to_work", "Steps to work"),
            ("monitoring", "Monitoring"),
        ]),
        modules: steps(&[
            ("individual_coaching", "Individual coaching"),
            ("collective_session", "Collective session (continuous intake)"),
        ]),
        competences: seed_competences(),
    }
}

pub fn built_in() -> [ProgrammeInput; 2] {
    [we_go_to_work(), boost2work()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_programme_is_made_from_its_form() {
        let fields = ProgrammeFields {
            code: "pilot-west".into(),
            name: "Pilot West".into(),
            max_duration_months: "9".into(),
            follow_up_months: "3, 6,12".into(),
            phases: "intake: Intake\nCoaching en opvolging\n".into(),
            situations: vec!["inactive".into()],
            ..Default::default()
        };
        let programme = ProgrammeInput::parse(&fields).unwrap();
        assert_eq!(programme.follow_up_months, vec![3, 6, 12]);
        assert_eq!(programme.phases[1].code, "coaching_en_opvolging");
        assert_eq!(programme.situations, vec![Situation::Inactive]);
        assert_eq!(programme.no_contact_days, DEFAULT_NO_CONTACT_DAYS, "blank: the default");
        let weekly = ProgrammeFields {
            no_contact_days: " 7 ".into(),
            ..fields
        };
        assert_eq!(ProgrammeInput::parse(&weekly).unwrap().no_contact_days, 7);
    }

    #[test]
    fn bad_programme_fields_are_each_reported() {
        let fields = ProgrammeFields {
            code: "Pilot West".into(),
            min_age: "40".into(),
            max_age: "30".into(),
            max_duration_months: "0".into(),
            follow_up_months: "12, 6".into(),
            phases: "a: A\na: B".into(),
            no_contact_days: "0".into(),
            ..Default::default()
        };
        let errors = ProgrammeInput::parse(&fields).unwrap_err();
        for (field, code) in [
            ("code", "invalid-code"),
            ("name", "required"),
            ("max_age", "range-inverted"),
            ("max_duration_months", "out-of-range"),
            ("follow_up_months", "months-not-ascending"),
            ("phases", "duplicate-step"),
            ("no_contact_days", "out-of-range"),
        ] {
            assert_eq!(errors.for_field(field).map(|e| e.code), Some(code), "{field}");
        }
    }

    #[test]
    fn the_built_in_programmes_match_the_seeds() {
        let wgtw = we_go_to_work();
        assert_eq!(wgtw.max_duration_months, 24);
        assert!(wgtw.follow_up_months.contains(&18));
        assert_eq!(wgtw.modules.iter().filter(|m| m.code.starts_with("module_")).count(), 3);
        let boost = boost2work();
        assert_eq!(boost.max_duration_months, 6);
        assert_eq!((boost.min_sick_months, boost.max_sick_months), (Some(1), Some(12)));
    }

    #[test]
    fn eligibility_warns_about_the_target_group() {
        let boost = boost2work();
        let on = date("2026-11-22");
        assert!(
            boost
                .eligibility_warnings(
                    date("1980-01-01"),
                    Some(date("2026-09-01")),
                    Situation::EmployedOnSickLeave,
                    on
                )
                .is_empty()
        );
        let warnings =
            boost.eligibility_warnings(date("1950-01-01"), Some(date("2024-01-01")), Situation::Inactive, on);
        assert_eq!(
            warnings,
            vec!["outside-age-band", "sick-too-long", "situation-not-targeted"]
        );
        assert_eq!(
            boost.eligibility_warnings(date("1980-01-01"), None, Situation::Unemployed, on),
            vec!["sickness-start-unknown"]
        );
    }
}
