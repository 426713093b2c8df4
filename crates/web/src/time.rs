//! Time as the programmes live it: stored in UTC, read in Brussels.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use chrono_tz::Europe::Brussels;

/// Today's date in Brussels (the store's, which holds consents against it).
pub fn today() -> NaiveDate {
    onramp_store::today()
}

/// The day in Brussels on which a moment falls.
pub fn local_day(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&Brussels).date_naive()
}

/// Midnight in Brussels at the start of `date`, in UTC (the earlier one when the clock goes back).
pub fn brussels_midnight(date: NaiveDate) -> Option<DateTime<Utc>> {
    let naive = date.and_hms_opt(0, 0, 0)?;
    Brussels
        .from_local_datetime(&naive)
        .earliest()
        .map(|at| at.with_timezone(&Utc))
}

/// A moment as people in Belgium read it: day-month-year hours:minutes.
pub fn local_text(at: &DateTime<Utc>) -> String {
    at.with_timezone(&Brussels).format("%d-%m-%Y %H:%M").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn midnight_follows_summer_and_winter_time() {
        let winter = NaiveDate::from_ymd_opt(2026, 1, 15).unwrap();
        let summer = NaiveDate::from_ymd_opt(2026, 7, 15).unwrap();
        assert_eq!(
            brussels_midnight(winter).unwrap().to_rfc3339(),
            "2026-01-14T23:00:00+00:00"
        );
        assert_eq!(
            brussels_midnight(summer).unwrap().to_rfc3339(),
            "2026-07-14T22:00:00+00:00"
        );
    }

    #[test]
    fn a_late_evening_in_utc_is_the_next_day_in_brussels() {
        let at = Utc.with_ymd_and_hms(2026, 7, 14, 22, 30, 0).unwrap();
        assert_eq!(local_day(at), NaiveDate::from_ymd_opt(2026, 7, 15).unwrap());
        assert_eq!(local_text(&at), "15-07-2026 00:30");
    }
}
