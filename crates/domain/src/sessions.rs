//! Group sessions: a series of sessions of one programme module (or a single one),
//! enrolment with continuous intake, and attendance taken per participant.

use crate::FieldErrors;
use crate::identity::string_enum;
use crate::organisations::{parse_id, parse_optional_id};
use crate::participants::parse_date;
use crate::validation::{required_text, whole_number};
use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Europe::Brussels;
use uuid::Uuid;

/// Brussels wall-clock time to UTC: sessions are planned in Belgian time. A time skipped by the
/// change to summer time does not exist; one repeated by the change back is its first occurrence.
pub fn start_in_utc(local: NaiveDateTime) -> Option<DateTime<Utc>> {
    Brussels
        .from_local_datetime(&local)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
}

/// The day a session takes place: the Brussels date of its start, which is not always its date
/// in UTC (a session at 00:30 starts the evening before in UTC). The store derives a session's
/// `on_date` with it, and its lists of sessions by date rely on that.
pub fn local_day(starts_at: DateTime<Utc>) -> NaiveDate {
    starts_at.with_timezone(&Brussels).date_naive()
}

string_enum! {
    /// Whether a participant came to a session.
    Attendance {
        Present = "present",
        Excused = "excused",
        Absent = "absent",
    }
}

/// A series holds at most this many sessions (a year of weekly sessions is 52).
pub const MAX_SESSIONS: u32 = 52;
pub const MAX_CAPACITY: i32 = 200;

/// The raw fields of "plan a series of group sessions".
#[derive(Debug, Clone, Default)]
pub struct SeriesFields {
    pub programme_id: String,
    pub module: String,
    pub title: String,
    pub organisation_id: String,
    pub location_id: String,
    pub online: bool,
    pub open_to_partners: bool,
    pub capacity: String,
    pub coach_id: String,
    pub peer_expert_id: String,
    pub first_date: String,
    pub start_time: String,
    pub minutes: String,
    pub sessions: String,
    pub weeks_between: String,
}

/// A series, checked: every session starts at the same local time, `weeks_between` apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeriesInput {
    pub programme_id: Uuid,
    pub module: String,
    pub title: String,
    pub organisation_id: Uuid,
    pub location_id: Option<Uuid>,
    pub online: bool,
    pub open_to_partners: bool,
    pub capacity: i32,
    pub coach_id: Option<Uuid>,
    pub peer_expert_id: Option<Uuid>,
    pub first_date: NaiveDate,
    pub start_time: NaiveTime,
    pub minutes: i32,
    pub sessions: u32,
    pub weeks_between: u32,
}

fn parse_time(input: &str) -> Result<NaiveTime, &'static str> {
    let value = input.trim();
    if value.is_empty() {
        return Err("required");
    }
    NaiveTime::parse_from_str(value, "%H:%M").map_err(|_| "invalid-time")
}

impl SeriesInput {
    pub fn parse(fields: &SeriesFields) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let programme_id = errors.check("programme_id", parse_id(&fields.programme_id));
        let module = errors.check("module", required_text(&fields.module, 60));
        let title = errors.check("title", required_text(&fields.title, 200));
        let organisation_id = errors.check("organisation_id", parse_id(&fields.organisation_id));
        let location_id = errors
            .check("location_id", parse_optional_id(&fields.location_id))
            .flatten();
        if location_id.is_none() && !fields.online {
            errors.add("location_id", "location-or-online");
        }
        let capacity = errors.check("capacity", whole_number(&fields.capacity, 1, MAX_CAPACITY));
        let coach_id = errors.check("coach_id", parse_optional_id(&fields.coach_id)).flatten();
        let peer_expert_id = errors
            .check("peer_expert_id", parse_optional_id(&fields.peer_expert_id))
            .flatten();
        let first_date = errors.check("first_date", parse_date(&fields.first_date));
        let start_time = errors.check("start_time", parse_time(&fields.start_time));
        let minutes = errors.check("minutes", crate::activities::parse_minutes(&fields.minutes));
        let sessions = errors.check("sessions", whole_number(&fields.sessions, 1, MAX_SESSIONS as i32));
        let weeks_between = errors.check("weeks_between", whole_number(&fields.weeks_between, 1, 8));
        errors.finish(|| SeriesInput {
            programme_id: programme_id.unwrap(),
            module: module.unwrap(),
            title: title.unwrap(),
            organisation_id: organisation_id.unwrap(),
            location_id,
            online: fields.online,
            open_to_partners: fields.open_to_partners,
            capacity: capacity.unwrap(),
            coach_id,
            peer_expert_id,
            first_date: first_date.unwrap(),
            start_time: start_time.unwrap(),
            minutes: minutes.unwrap(),
            sessions: sessions.unwrap() as u32,
            weeks_between: weeks_between.unwrap() as u32,
        })
    }

    /// The local (Brussels) start of each session of the series.
    pub fn starts(&self) -> Vec<NaiveDateTime> {
        (0..self.sessions)
            .map(|n| {
                let date = self.first_date + chrono::Days::new(7 * u64::from(self.weeks_between) * u64::from(n));
                date.and_time(self.start_time)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn local(date: &str, time: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(&format!("{date} {time}"), "%Y-%m-%d %H:%M").expect("a local time")
    }

    #[test]
    fn a_session_takes_place_on_its_brussels_day_whatever_the_day_in_utc() {
        for (date, time, utc_day) in [
            ("2026-01-15", "00:30", "2026-01-14"),
            ("2026-01-15", "23:30", "2026-01-15"),
            ("2026-07-15", "00:30", "2026-07-14"),
            ("2026-07-15", "01:30", "2026-07-14"),
            ("2026-07-15", "23:30", "2026-07-15"),
            ("2026-03-29", "03:00", "2026-03-29"),
            ("2026-10-25", "02:30", "2026-10-25"),
        ] {
            let at = start_in_utc(local(date, time)).expect("a time that exists");
            assert_eq!(at.date_naive().to_string(), utc_day, "{date} {time} in UTC");
            assert_eq!(local_day(at).to_string(), date, "{date} {time}");
        }
    }

    #[test]
    fn a_start_skipped_by_summer_time_does_not_exist_and_a_repeated_one_is_its_first() {
        assert_eq!(start_in_utc(local("2026-03-29", "02:30")), None);
        let repeated = start_in_utc(local("2026-10-25", "02:30")).expect("a time that exists");
        assert_eq!(repeated.to_rfc3339(), "2026-10-25T00:30:00+00:00");
    }

    fn fields() -> SeriesFields {
        SeriesFields {
            programme_id: Uuid::nil().to_string(),
            module: "module_2".into(),
            title: "Wishes, interests and possibilities".into(),
            organisation_id: Uuid::nil().to_string(),
            location_id: Uuid::nil().to_string(),
            capacity: "12".into(),
            first_date: "2026-09-07".into(),
            start_time: "13:30".into(),
            minutes: "120".into(),
            sessions: "6".into(),
            weeks_between: "1".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_series_is_weekly_at_the_same_time() {
        let input = SeriesInput::parse(&fields()).unwrap();
        let starts = input.starts();
        assert_eq!(starts.len(), 6);
        assert_eq!(starts[1].to_string(), "2026-09-14 13:30:00");
        assert_eq!(starts[5].to_string(), "2026-10-12 13:30:00");
    }

    #[test]
    fn each_bad_field_is_named() {
        let bad = SeriesFields {
            location_id: String::new(),
            capacity: "0".into(),
            start_time: "25:00".into(),
            sessions: "53".into(),
            weeks_between: "x".into(),
            title: " ".into(),
            ..fields()
        };
        let errors = SeriesInput::parse(&bad).unwrap_err();
        let code = |f| errors.for_field(f).map(|e| e.code);
        assert_eq!(code("location_id"), Some("location-or-online"));
        assert_eq!(code("capacity"), Some("out-of-range"));
        assert_eq!(code("start_time"), Some("invalid-time"));
        assert_eq!(code("sessions"), Some("out-of-range"));
        assert_eq!(code("weeks_between"), Some("invalid-number"));
        assert_eq!(code("title"), Some("required"));
        let online = SeriesFields {
            location_id: String::new(),
            online: true,
            ..fields()
        };
        assert!(
            SeriesInput::parse(&online).is_ok(),
            "an online series needs no location"
        );
    }
}
