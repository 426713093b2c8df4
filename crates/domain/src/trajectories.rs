//! Trajectories: one person's path through a programme, with its phases, the
//! responsible coach (handover keeps the trajectory), and its exit.

use crate::identity::string_enum;
use chrono::{Months, NaiveDate};
use serde::Serialize;

string_enum! {
    ExitReason {
        Completed = "completed",
        Work = "work",
        Training = "training",
        /// Handed over to job mediation (the public employment service, or a provider's own job
        /// mediation): the outreach ends and the check-ins after exit follow the person there.
        JobMediation = "job_mediation",
        Declined = "declined",
        HealthWorsened = "health_worsened",
        Unreachable = "unreachable",
        MovedAway = "moved_away",
        MaximumDuration = "maximum_duration",
        Other = "other",
    }
}

/// How a trajectory stands against its programme's maximum duration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DurationStatus {
    Within,
    /// Less than 60 days (or a sixth of the maximum, when shorter) left.
    Approaching,
    Exceeded,
}

/// The last day a trajectory may run.
/// The service a handover to job mediation goes to, at the receiving organisation.
pub fn parse_mediation_service(input: &str) -> Result<String, &'static str> {
    crate::validation::required_text(input, 200)
}

pub fn ends_by(started_on: NaiveDate, max_months: i32) -> NaiveDate {
    started_on
        .checked_add_months(Months::new(max_months.max(0) as u32))
        .unwrap_or(NaiveDate::MAX)
}

/// Where a trajectory that must end by `end` stands on `on`.
pub fn duration_status(started_on: NaiveDate, end: NaiveDate, on: NaiveDate) -> DurationStatus {
    let total_days = (end - started_on).num_days();
    let warning_days = 60.min(total_days / 6);
    if on > end {
        DurationStatus::Exceeded
    } else if (end - on).num_days() <= warning_days {
        DurationStatus::Approaching
    } else {
        DurationStatus::Within
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn warnings_as_the_maximum_duration_nears_and_passes() {
        let start = date("2025-01-15");
        assert_eq!(ends_by(start, 24), date("2027-01-15"));
        assert_eq!(
            duration_status(start, ends_by(start, 24), date("2026-11-15")),
            DurationStatus::Within
        );
        assert_eq!(
            duration_status(start, ends_by(start, 24), date("2026-11-17")),
            DurationStatus::Approaching
        );
        assert_eq!(
            duration_status(start, ends_by(start, 24), date("2027-01-15")),
            DurationStatus::Approaching
        );
        assert_eq!(
            duration_status(start, ends_by(start, 24), date("2027-01-16")),
            DurationStatus::Exceeded
        );
        // Six months: a month's warning (a sixth), not sixty days.
        let short = date("2026-06-01");
        assert_eq!(
            duration_status(short, ends_by(short, 6), date("2026-10-31")),
            DurationStatus::Within
        );
        assert_eq!(
            duration_status(short, ends_by(short, 6), date("2026-11-02")),
            DurationStatus::Approaching
        );
    }
}
