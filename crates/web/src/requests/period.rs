//! Periods and years of the lists and reports.

use crate::error::AppError;
use chrono::{Datelike, Days, NaiveDate};
use onramp_domain::FieldErrors;
use onramp_domain::participants::parse_optional_date;

/// A period of whole days, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// What a period is when the request leaves out one or both ends.
#[derive(Debug, Clone, Copy)]
pub enum Default {
    /// Past work (consultations): the 90 days up to `to`, which is today when absent.
    Past90Days,
    /// Planned work (sessions): `from` (today when absent) and the eight weeks after it.
    Next8Weeks,
    /// Reports: from 1 January of this year up to today.
    YearToDate,
}

impl Period {
    /// Parses `from` and `to` (YYYY-MM-DD, blank for the default), naming every bad field.
    pub fn parse(from: Option<&str>, to: Option<&str>, default: Default) -> Result<Period, AppError> {
        let mut errors = FieldErrors::new();
        let from = errors.check("from", parse_optional_date(from.unwrap_or_default().trim()));
        let to = errors.check("to", parse_optional_date(to.unwrap_or_default().trim()));
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        let (from, to) = (from.flatten(), to.flatten());
        let today = crate::time::today();
        let period = match default {
            Default::Past90Days => {
                let to = to.unwrap_or(today);
                Period {
                    from: from.unwrap_or(to - Days::new(90)),
                    to,
                }
            }
            Default::Next8Weeks => {
                let from = from.unwrap_or(today);
                Period {
                    from,
                    to: to.unwrap_or(from + Days::new(56)),
                }
            }
            Default::YearToDate => Period {
                from: from.unwrap_or(NaiveDate::from_ymd_opt(today.year(), 1, 1).expect("1 January")),
                to: to.unwrap_or(today),
            },
        };
        if period.to < period.from {
            return Err(AppError::invalid("to", "before-start"));
        }
        Ok(period)
    }
}

/// A calendar year from 2000 to 2100.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Year(pub i32);

impl Year {
    /// This year when blank; else a whole year from 2000 to 2100, with a field error.
    pub fn parse(input: Option<&str>) -> Result<Year, AppError> {
        match input.map(str::trim).filter(|y| !y.is_empty()) {
            None => Ok(Year(crate::time::today().year())),
            Some(text) => match text.parse::<i32>() {
                Ok(year) if (2000..=2100).contains(&year) => Ok(Year(year)),
                Ok(_) => Err(AppError::invalid("year", "out-of-range")),
                Err(_) => Err(AppError::invalid("year", "invalid-number")),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    fn codes(error: AppError) -> Vec<(String, String)> {
        match error {
            AppError::Invalid(errors) => errors
                .0
                .iter()
                .map(|e| (e.field.to_string(), e.code.to_owned()))
                .collect(),
            other => panic!("not a field error: {other:?}"),
        }
    }

    #[test]
    fn each_default_fills_the_missing_end() {
        let past = Period::parse(None, Some("2026-05-31"), Default::Past90Days).unwrap();
        assert_eq!((past.from, past.to), (date("2026-03-02"), date("2026-05-31")));
        let next = Period::parse(Some("2026-05-01"), None, Default::Next8Weeks).unwrap();
        assert_eq!((next.from, next.to), (date("2026-05-01"), date("2026-06-26")));
        let year = Period::parse(None, Some(""), Default::YearToDate).unwrap();
        assert_eq!(
            year.from,
            NaiveDate::from_ymd_opt(crate::time::today().year(), 1, 1).unwrap()
        );
        assert_eq!(year.to, crate::time::today());
    }

    #[test]
    fn bad_ends_are_named_each_and_a_reversed_period_is_refused() {
        let both = Period::parse(Some("31-05-2026"), Some("tomorrow"), Default::Past90Days).unwrap_err();
        assert_eq!(codes(both).len(), 2);
        let reversed = Period::parse(Some("2026-06-01"), Some("2026-05-01"), Default::Next8Weeks).unwrap_err();
        assert_eq!(codes(reversed), [("to".to_owned(), "before-start".to_owned())]);
    }

    #[test]
    fn a_year_is_whole_and_within_the_century() {
        assert_eq!(Year::parse(Some(" 2026 ")).unwrap(), Year(2026));
        assert_eq!(Year::parse(None).unwrap(), Year(crate::time::today().year()));
        assert_eq!(codes(Year::parse(Some("1999")).unwrap_err())[0].1, "out-of-range");
        assert_eq!(codes(Year::parse(Some("twenty")).unwrap_err())[0].1, "invalid-number");
    }
}
