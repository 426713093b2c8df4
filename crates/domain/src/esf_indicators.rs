//! The ESF+ common indicators for participants (Regulation (EU) 2021/1057, Annex I), counted from
//! the records, never typed in. The store gathers one [`Facts`] per participant and operation
//! (first entry, last exit: a re-entry is not counted twice); these pure functions count them,
//! by gender, and check the figures the way the managing authority's system (SFC2021) does.
//!
//! - Outputs at entry, EECO01-EECO17: from the characteristics recorded at intake.
//! - Immediate results, EECR01-EECR04: within four weeks of leaving, from the situation at exit
//!   and the outcomes dated from entry up to four weeks after exit.
//! - Longer-term results, EECR05-EECR06: from the check-in six months after leaving. "Not
//!   reached" is counted apart, never as a no. EECR06 counts only people employed at entry.
//!
//! A person who left less than four weeks (six months) ago and has nothing recorded yet is
//! pending, not missing.

use crate::disclosure::Cells;
use crate::esf::{Degurba, EsfProfile};
pub use crate::esf_counted::{ANSWER_OUTPUTS, Counted};
use crate::identity::string_enum;
use crate::outcomes::{CheckInSituation, ExitSituation, OutcomeKind};
use crate::participants::{Education, Gender, Situation};
use crate::validation::{FieldErrors, required_text};
use chrono::{Datelike, Days, NaiveDate};
use serde::Serialize;
use uuid::Uuid;

/// Days after leaving within which the immediate results count ("within four weeks").
pub const FOUR_WEEKS: u64 = 28;
/// Months after leaving of the longer-term results, and of the check-in an ESF programme schedules.
pub const SIX_MONTHS: i32 = 6;

/// The output indicators at entry, in the order of Annex I.
pub const OUTPUTS: [&str; 17] = [
    "EECO01", "EECO02", "EECO03", "EECO04", "EECO05", "EECO06", "EECO07", "EECO08", "EECO09", "EECO10", "EECO11",
    "EECO12", "EECO13", "EECO14", "EECO15", "EECO16", "EECO17",
];
/// The result indicators: four upon leaving, two six months after.
pub const RESULTS: [&str; 6] = ["EECR01", "EECR02", "EECR03", "EECR04", "EECR05", "EECR06"];

/// Each result and the output it may never exceed (SFC2021 refuses data where it does).
pub const RESULT_OUTPUTS: [(&str, &str); 6] = [
    ("EECR01", "EECO01"),
    ("EECR02", "EECO01"),
    ("EECR03", "EECO01"),
    ("EECR04", "EECO01"),
    ("EECR05", "EECO01"),
    ("EECR06", "EECO05"),
];

/// Outputs nested in another output: long-term unemployed are unemployed.
pub const NESTED_OUTPUTS: [(&str, &str); 1] = [("EECO02", "EECO03")];

/// Every code, outputs then results.
pub fn codes() -> impl Iterator<Item = &'static str> {
    OUTPUTS.iter().chain(RESULTS.iter()).copied()
}

/// The six-month check-in of the last exit, as recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SixMonths {
    /// None was scheduled (the programme did not report to the ESF when the person left).
    None,
    /// Scheduled, not yet held.
    Open {
        due_on: NaiveDate,
    },
    /// Held without reaching the person, or closed because they withdrew their consent.
    NotReached,
    Found(CheckInSituation),
}

/// What the indicators need of one participant in one operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facts {
    pub participant_id: Uuid,
    pub gender: Gender,
    pub birth_date: NaiveDate,
    pub education: Education,
    pub situation: Situation,
    pub esf: EsfProfile,
    /// From the postcode, by the reference table; `None` when either is missing.
    pub degurba: Option<Degurba>,
    /// The first entry in the operation.
    pub entered_on: NaiveDate,
    /// The last exit; `None` while a trajectory in the operation is open.
    pub left_on: Option<NaiveDate>,
    /// The situation recorded at the last exit.
    pub exit_situation: Option<ExitSituation>,
    /// The outcomes of the person's trajectories in the operation.
    pub outcomes: Vec<(OutcomeKind, NaiveDate)>,
    pub six_months: SixMonths,
}

/// A count by gender. Participants whose gender is not recorded count in the total only, so the
/// split does not add up: [`check`] says so.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Figure {
    pub women: i64,
    pub men: i64,
    pub non_binary: i64,
    pub total: i64,
}

/// The columns of a [`Figure`], in order.
pub const COLUMNS: [&str; 4] = ["women", "men", "non_binary", "total"];

impl Figure {
    fn add(&mut self, gender: Gender) {
        self.add_many(gender, 1);
    }

    /// Adds `n` people of this gender (kept counts come as numbers).
    pub fn add_many(&mut self, gender: Gender, n: i64) {
        self.total += n;
        match gender {
            Gender::Female => self.women += n,
            Gender::Male => self.men += n,
            Gender::NonBinary => self.non_binary += n,
            Gender::NotRecorded => {}
        }
    }

    pub fn column(&self, column: &str) -> i64 {
        match column {
            "women" => self.women,
            "men" => self.men,
            "non_binary" => self.non_binary,
            _ => self.total,
        }
    }
}

/// One participant's standing in the report: what is missing, what is still pending.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Standing {
    pub participant_id: Uuid,
    /// Fields to complete (the field names of the participant record, or `exit_situation`,
    /// `six_month_check_in`).
    pub missing: Vec<&'static str>,
    /// `four_weeks`, `six_months`: left too recently for these results to be known.
    pub pending: Vec<&'static str>,
    /// Records that contradict each other (`improved-without-employment`).
    pub inconsistent: Vec<&'static str>,
}

/// The indicators of an operation for a period.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Report {
    /// Every code of [`OUTPUTS`] and [`RESULTS`], in order.
    pub figures: Vec<(&'static str, Figure)>,
    /// Six months after leaving: check-ins that did not reach the person.
    pub not_reached: Figure,
    /// People who preferred not to say, per sensitive output (EECO12, EECO14-EECO16).
    pub declined: Vec<(&'static str, Figure)>,
    /// People who have not left yet.
    pub still_in: Figure,
    /// How many people have something missing, pending or inconsistent.
    pub people: People,
    /// Who they are, when the report was counted from the records (empty from kept counts: the
    /// list of people to complete reads them apart).
    pub standings: Vec<Standing>,
}

/// The people behind a report's missing, pending and inconsistent data, counted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct People {
    pub missing: usize,
    pub pending_four_weeks: usize,
    pub pending_six_months: usize,
    pub inconsistent: usize,
}

impl People {
    fn add_standing(&mut self, s: &Standing) {
        self.missing += usize::from(!s.missing.is_empty());
        self.pending_four_weeks += usize::from(s.pending.contains(&"four_weeks"));
        self.pending_six_months += usize::from(s.pending.contains(&"six_months"));
        self.inconsistent += usize::from(!s.inconsistent.is_empty());
    }
}

impl Report {
    pub fn figure(&self, code: &str) -> Figure {
        self.figures
            .iter()
            .find(|(c, _)| *c == code)
            .map(|(_, f)| *f)
            .unwrap_or_default()
    }

    /// People whose results are still pending: `four_weeks` or `six_months`.
    pub fn pending(&self, what: &str) -> usize {
        match what {
            "four_weeks" => self.people.pending_four_weeks,
            _ => self.people.pending_six_months,
        }
    }

    /// A report with every figure at zero.
    pub fn empty() -> Report {
        Report {
            figures: codes().map(|c| (c, Figure::default())).collect(),
            declined: ANSWER_OUTPUTS
                .iter()
                .filter(|(code, _)| *code != "EECO13")
                .map(|(code, _)| (*code, Figure::default()))
                .collect(),
            ..Default::default()
        }
    }

    fn add(&mut self, key: &str, gender: Gender) {
        self.add_many(key, gender, 1);
    }

    /// Adds `n` people of a gender to the figure `key`: a code, `declined:CODE`, `not_reached`
    /// or `still_in` (the keys [`Counted`] rows are kept under); other keys are ignored.
    pub fn add_many(&mut self, key: &str, gender: Gender, n: i64) {
        let figure = match key {
            "not_reached" => Some(&mut self.not_reached),
            "still_in" => Some(&mut self.still_in),
            _ => match key.strip_prefix("declined:") {
                Some(code) => self.declined.iter_mut().find(|(c, _)| *c == code).map(|(_, f)| f),
                None => self.figures.iter_mut().find(|(c, _)| *c == key).map(|(_, f)| f),
            },
        };
        if let Some(figure) = figure {
            figure.add_many(gender, n);
        }
    }
}

/// What one participant counts in, and their standing, as of `today`.
#[cfg(test)]
fn count_one(f: &Facts, today: NaiveDate) -> (Vec<&'static str>, Standing, bool) {
    Counted::of(f).at(today)
}

/// The last day on which the situation upon leaving may still be recorded or corrected: four
/// weeks after the exit, the window the immediate results (EECR01-EECR04) are measured in.
/// Outcomes after an exit are refused (they belong to check-ins), so this is how a result known a
/// few days after leaving reaches the report.
pub fn leaving_situation_until(left_on: NaiveDate) -> NaiveDate {
    left_on
        .checked_add_days(Days::new(FOUR_WEEKS))
        .unwrap_or(NaiveDate::MAX)
}

/// Counts the indicators of these participants as of `today`.
pub fn count(facts: &[Facts], today: NaiveDate) -> Report {
    let mut report = Report::empty();
    for f in facts {
        let counted = Counted::of(f);
        let (codes, standing, not_reached) = counted.at(today);
        for code in codes {
            report.add(code, f.gender);
        }
        for code in &counted.declined {
            report.add(&format!("declined:{code}"), f.gender);
        }
        if not_reached {
            report.not_reached.add(f.gender);
        }
        if !counted.has_left(today) {
            report.still_in.add(f.gender);
        }
        report.people.add_standing(&standing);
        let needs_nothing =
            standing.missing.is_empty() && standing.pending.is_empty() && standing.inconsistent.is_empty();
        if !needs_nothing {
            report.standings.push(standing);
        }
    }
    report
}

/// What the authority's checks find wrong with a report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Issue {
    /// A result (or nested output) exceeds the output it belongs to, in one column.
    ExceedsOutput {
        code: &'static str,
        output: &'static str,
        column: &'static str,
        value: i64,
        limit: i64,
    },
    /// Women, men and non-binary do not add up to the total (genders not recorded).
    GenderSplit { code: &'static str, split: i64, total: i64 },
    /// Participants with data missing, to be completed before export.
    MissingData { participants: usize },
    /// Participants whose records contradict each other.
    Inconsistent { participants: usize },
}

/// The checks before export; empty when the report may be sent.
pub fn check(report: &Report) -> Vec<Issue> {
    let mut issues = Vec::new();
    let links = RESULT_OUTPUTS.iter().map(|(r, o)| (*o, *r)).chain(NESTED_OUTPUTS);
    for (output, code) in links {
        let (limit, value) = (report.figure(output), report.figure(code));
        for column in COLUMNS {
            if value.column(column) > limit.column(column) {
                issues.push(Issue::ExceedsOutput {
                    code,
                    output,
                    column,
                    value: value.column(column),
                    limit: limit.column(column),
                });
            }
        }
    }
    for (code, f) in &report.figures {
        let split = f.women + f.men + f.non_binary;
        if split != f.total {
            issues.push(Issue::GenderSplit {
                code,
                split,
                total: f.total,
            });
        }
    }
    let missing = report.people.missing;
    if missing > 0 {
        issues.push(Issue::MissingData { participants: missing });
    }
    let inconsistent = report.people.inconsistent;
    if inconsistent > 0 {
        issues.push(Issue::Inconsistent {
            participants: inconsistent,
        });
    }
    issues
}

/// The cells to hide from those who see figures with small cells suppressed, as `CODE.column`
/// keys (`disclosure::Cells`): every code is split by gender into its total, and nested in
/// EECO01 column by column (and in its own output for the results and EECO03).
pub fn hidden_cells(report: &Report, threshold: i64) -> std::collections::BTreeSet<String> {
    let key = |code: &str, column: &str| format!("{code}.{column}");
    let mut cells = Cells::new();
    let mut figures = report.figures.clone();
    figures.push(("not_reached", report.not_reached));
    for (code, f) in &figures {
        for column in COLUMNS {
            cells.count(&key(code, column), f.column(column));
        }
        let parts: Vec<String> = COLUMNS[..3].iter().map(|c| key(code, c)).collect();
        cells.partition(Some(&key(code, "total")), &parts);
        if *code != "EECO01" {
            let outer = RESULT_OUTPUTS
                .iter()
                .find(|(result, _)| result == code)
                .map(|(_, output)| *output)
                .or_else(|| NESTED_OUTPUTS.iter().find(|(_, inner)| inner == code).map(|(o, _)| *o))
                .unwrap_or("EECO01");
            for column in COLUMNS {
                cells.nested(&key(outer, column), &key(code, column));
            }
        }
    }
    cells.suppress(threshold).clone()
}

string_enum! {
    /// The period of a report.
    PeriodKind {
        /// From the operation's start up to today.
        Cumulative = "cumulative",
        /// One calendar year.
        Year = "year",
    }
}

/// Which participants a report counts: those whose first entry in the operation falls in the
/// period, with their results as known today (so results and outputs count the same people).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Period {
    Cumulative,
    Year(i32),
}

impl Period {
    /// `cumulative` (or blank), or a year such as `2026`.
    pub fn parse(input: &str) -> Result<Period, &'static str> {
        let value = input.trim();
        if value.is_empty() || value == "cumulative" {
            return Ok(Period::Cumulative);
        }
        match value.parse::<i32>() {
            Ok(year) if (2000..=2100).contains(&year) => Ok(Period::Year(year)),
            _ => Err("invalid-period"),
        }
    }

    /// The year of first entry counted; `None`: every year.
    pub fn year(&self) -> Option<i32> {
        match self {
            Period::Cumulative => None,
            Period::Year(y) => Some(*y),
        }
    }

    pub fn as_string(&self) -> String {
        match self {
            Period::Cumulative => "cumulative".into(),
            Period::Year(y) => y.to_string(),
        }
    }

    /// The first and last day of entries counted, within the operation's period.
    pub fn entries(&self, starts_on: NaiveDate, ends_on: NaiveDate) -> (NaiveDate, NaiveDate) {
        match self {
            Period::Cumulative => (starts_on, ends_on),
            Period::Year(y) => {
                let first = NaiveDate::from_ymd_opt(*y, 1, 1).unwrap_or(starts_on);
                let last = NaiveDate::from_ymd_opt(*y, 12, 31).unwrap_or(ends_on);
                (first.max(starts_on), last.min(ends_on))
            }
        }
    }
}

/// An ESF operation (the project): number, title, period, and the programmes and partners whose
/// trajectories it covers (no partner named: all partners).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OperationInput {
    pub number: String,
    pub title: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub programme_ids: Vec<Uuid>,
    pub partner_ids: Vec<Uuid>,
    /// The day of the operation's last payment, once made: its files are kept five years from
    /// 31 December of that year (docs/retention.md).
    pub last_payment_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, Default)]
pub struct OperationFields {
    pub number: String,
    pub title: String,
    pub starts_on: String,
    pub ends_on: String,
    pub programme_ids: Vec<String>,
    pub partner_ids: Vec<String>,
    /// Blank: no payment recorded yet.
    pub last_payment_on: String,
}

impl OperationInput {
    pub fn parse(fields: &OperationFields) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let number = errors.check("number", parse_number(&fields.number));
        let title = errors.check("title", required_text(&fields.title, 200));
        let starts_on = errors.check("starts_on", crate::participants::parse_date(&fields.starts_on));
        let ends_on = errors.check("ends_on", crate::participants::parse_date(&fields.ends_on));
        if let (Some(s), Some(e)) = (starts_on, ends_on)
            && e < s
        {
            errors.add("ends_on", "range-inverted");
        }
        let ids = |errors: &mut FieldErrors, field: &'static str, values: &[String]| {
            let mut ids = Vec::new();
            for v in values.iter().filter(|v| !v.trim().is_empty()) {
                if let Some(id) = errors.check(field, crate::organisations::parse_id(v))
                    && !ids.contains(&id)
                {
                    ids.push(id);
                }
            }
            ids
        };
        let programme_ids = ids(&mut errors, "programme_ids", &fields.programme_ids);
        if programme_ids.is_empty() && errors.for_field("programme_ids").is_none() {
            errors.add("programme_ids", "required");
        }
        let partner_ids = ids(&mut errors, "partner_ids", &fields.partner_ids);
        let last_payment_on = if fields.last_payment_on.trim().is_empty() {
            None
        } else {
            errors.check(
                "last_payment_on",
                crate::participants::parse_date(&fields.last_payment_on),
            )
        };
        if let (Some(s), Some(p)) = (starts_on, last_payment_on)
            && p < s
        {
            errors.add("last_payment_on", "range-inverted");
        }
        errors.finish(|| OperationInput {
            number: number.unwrap(),
            title: title.unwrap(),
            starts_on: starts_on.unwrap(),
            ends_on: ends_on.unwrap(),
            programme_ids,
            partner_ids,
            last_payment_on,
        })
    }

    /// The years a report may be asked for.
    pub fn years(&self) -> Vec<i32> {
        (self.starts_on.year()..=self.ends_on.year()).collect()
    }
}

/// An operation number as the managing authority gives it: letters, digits, dots, dashes, slashes.
fn parse_number(input: &str) -> Result<String, &'static str> {
    let value = input.trim();
    if value.is_empty() {
        return Err("required");
    }
    if value.len() > 40 {
        return Err("too-long");
    }
    if value.chars().all(|c| c.is_ascii_alphanumeric() || "./-_".contains(c)) {
        Ok(value.to_owned())
    } else {
        Err("invalid-operation-number")
    }
}

#[cfg(test)]
#[path = "esf_indicators_tests.rs"]
mod tests;
