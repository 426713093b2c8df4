//! What one participant counts in for an operation's ESF+ indicators, whatever the day: kept with
//! each write (`store::esf_kept`) so that a report reads counts instead of every person's records.
//!
//! Only two things in the counting rules depend on the day of the report: whether a result is
//! still pending (left less than four weeks or six months ago) or now missing. Both turn on one
//! date per person, kept here as a date (`leaving_due`, `six_months_due`): before it pending, from
//! it missing. Everything else (the codes, the answers declined, what is missing for good) is fixed
//! by the records, so [`Counted::of`] computes it once and [`Counted::at`] adds the day.

use crate::esf::{Answer, Degurba, long_term_unemployed};
use crate::esf_indicators::{Facts, SIX_MONTHS, SixMonths, Standing, leaving_situation_until};
use crate::outcomes::{CheckInSituation, ExitSituation, OutcomeKind};
use crate::participants::{Education, Gender, Situation, age_on};
use chrono::{Months, NaiveDate};
use uuid::Uuid;

/// The characteristic behind a sensitive or yes-or-no output.
pub const ANSWER_OUTPUTS: [(&str, &str); 5] = [
    ("EECO12", "disability"),
    ("EECO13", "third_country_national"),
    ("EECO14", "foreign_background"),
    ("EECO15", "minority"),
    ("EECO16", "homeless"),
];

/// One participant in one operation, independent of the day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Counted {
    pub participant_id: Uuid,
    pub gender: Gender,
    pub entered_on: NaiveDate,
    pub left_on: Option<NaiveDate>,
    /// The outputs, and the results once the person has left.
    pub codes: Vec<&'static str>,
    /// The sensitive outputs the person preferred not to answer.
    pub declined: Vec<&'static str>,
    /// Six months after leaving, the check-in did not reach the person.
    pub not_reached: bool,
    /// Fields missing whatever the day.
    pub missing: Vec<&'static str>,
    pub inconsistent: Vec<&'static str>,
    /// Nothing recorded upon leaving: pending before this day, missing from it.
    pub leaving_due: Option<NaiveDate>,
    /// The six-month result is not known: pending before this day, missing from it.
    pub six_months_due: Option<NaiveDate>,
}

impl Counted {
    /// What the records say of one participant.
    pub fn of(f: &Facts) -> Counted {
        let mut c = Counted {
            participant_id: f.participant_id,
            gender: f.gender,
            entered_on: f.entered_on,
            left_on: f.left_on,
            codes: vec!["EECO01"],
            declined: Vec::new(),
            not_reached: false,
            missing: Vec::new(),
            inconsistent: Vec::new(),
            leaving_due: None,
            six_months_due: None,
        };
        c.outputs(f);
        if let Some(left) = f.left_on {
            c.results(f, left);
        }
        c
    }

    fn outputs(&mut self, f: &Facts) {
        if f.gender == Gender::NotRecorded {
            self.missing.push("gender");
        }
        match f.situation {
            Situation::Unemployed => {
                self.codes.push("EECO02");
                match long_term_unemployed(f.birth_date, f.entered_on, f.esf.unemployed_months) {
                    Some(true) => self.codes.push("EECO03"),
                    Some(false) => {}
                    None => self.missing.push("unemployed_months"),
                }
            }
            Situation::Inactive => self.codes.push("EECO04"),
            // On sick leave from a job is employed: the contract holds.
            Situation::EmployedOnSickLeave => self.codes.push("EECO05"),
            Situation::Other => self.missing.push("situation"),
        }
        let age = age_on(f.birth_date, f.entered_on);
        if age < 18 {
            self.codes.push("EECO06");
        } else if age <= 29 {
            self.codes.push("EECO07");
        } else if age >= 55 {
            self.codes.push("EECO08");
        }
        match f.education {
            Education::Isced02 => self.codes.push("EECO09"),
            Education::Isced34 => self.codes.push("EECO10"),
            Education::Isced58 => self.codes.push("EECO11"),
            Education::Unknown => self.missing.push("education"),
        }
        for (code, field) in ANSWER_OUTPUTS {
            match f.esf.answer(field) {
                Answer::Yes => self.codes.push(code),
                Answer::No => {}
                // EECO13 (third-country national) is not a sensitive output: no one "declines" it apart.
                Answer::Declined if code != "EECO13" => self.declined.push(code),
                Answer::Declined => {}
                Answer::NotRecorded => self.missing.push(field),
            }
        }
        match f.degurba {
            Some(Degurba::Rural) => self.codes.push("EECO17"),
            Some(_) => {}
            None => self.missing.push("postcode"),
        }
    }

    fn results(&mut self, f: &Facts, left: NaiveDate) {
        let window_end = leaving_situation_until(left);
        let in_window: Vec<OutcomeKind> = f
            .outcomes
            .iter()
            .filter(|(_, on)| *on >= f.entered_on && *on <= window_end)
            .map(|(kind, _)| *kind)
            .collect();
        let exit = f.exit_situation;
        let has = |situation: ExitSituation, kinds: &dyn Fn(OutcomeKind) -> bool| {
            exit == Some(situation) || in_window.iter().any(|k| kinds(*k))
        };
        if has(ExitSituation::JobSearching, &|_| false) {
            self.codes.push("EECR01");
        }
        if has(ExitSituation::InEducation, &|k| {
            matches!(k, OutcomeKind::VetCourse | OutcomeKind::WorkplaceTraining)
        }) {
            self.codes.push("EECR02");
        }
        if has(ExitSituation::GainedQualification, &|k| k == OutcomeKind::Qualification) {
            self.codes.push("EECR03");
        }
        if has(ExitSituation::InEmployment, &OutcomeKind::is_paid_work) {
            self.codes.push("EECR04");
        }
        if exit.is_none() && in_window.is_empty() {
            self.leaving_due = Some(window_end);
        }
        let six_months_on = left
            .checked_add_months(Months::new(SIX_MONTHS as u32))
            .unwrap_or(NaiveDate::MAX);
        match f.six_months {
            SixMonths::Found(found) => {
                let employed = matches!(
                    found,
                    CheckInSituation::InEmployment | CheckInSituation::ImprovedSituation
                );
                if employed {
                    self.codes.push("EECR05");
                }
                if found == CheckInSituation::ImprovedSituation {
                    if f.situation == Situation::EmployedOnSickLeave {
                        self.codes.push("EECR06");
                    } else {
                        self.inconsistent.push("improved-without-employment");
                    }
                }
            }
            SixMonths::NotReached => self.not_reached = true,
            SixMonths::Open { due_on } => self.six_months_due = Some(due_on),
            SixMonths::None => self.six_months_due = Some(six_months_on),
        }
    }

    /// Whether the person has left by `today` (results count only then).
    pub fn has_left(&self, today: NaiveDate) -> bool {
        self.left_on.is_some_and(|left| left <= today)
    }

    /// The first day on which something is missing: the entry when a field is missing for good,
    /// else the earlier due date; `None` when nothing will ever be missing.
    pub fn missing_from(&self) -> Option<NaiveDate> {
        if !self.missing.is_empty() {
            return Some(self.entered_on);
        }
        match (self.leaving_due, self.six_months_due) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// The codes the person counts in on `today`, their standing, and whether the six-month
    /// check-in did not reach them.
    pub fn at(&self, today: NaiveDate) -> (Vec<&'static str>, Standing, bool) {
        let left = self.has_left(today);
        let codes = self
            .codes
            .iter()
            .copied()
            .filter(|code| left || !code.starts_with("EECR"))
            .collect();
        let mut s = Standing {
            participant_id: self.participant_id,
            missing: self.missing.clone(),
            pending: Vec::new(),
            inconsistent: if left { self.inconsistent.clone() } else { Vec::new() },
        };
        if left {
            let dues = [
                (self.leaving_due, "four_weeks", "exit_situation"),
                (self.six_months_due, "six_months", "six_month_check_in"),
            ];
            for (due, pending, missing) in dues {
                match due {
                    Some(due) if today < due => s.pending.push(pending),
                    Some(_) => s.missing.push(missing),
                    None => {}
                }
            }
        }
        (codes, s, left && self.not_reached)
    }
}

/// What a kept row may name as missing or inconsistent, besides the ESF fields themselves.
const OTHER_NAMES: [&str; 4] = ["gender", "situation", "education", "improved-without-employment"];

/// A missing field or a contradiction by its kept name (`Err` for a name onramp never writes).
pub fn parse_name(name: &str) -> Result<&'static str, &'static str> {
    crate::esf::FIELDS
        .iter()
        .chain(OTHER_NAMES.iter())
        .copied()
        .find(|n| *n == name)
        .ok_or("unknown-name")
}
