//! Consent per purpose, dated and versioned; sharing with a care team names the partner. A consent
//! may end on a date (its last day): past it, it counts as withdrawn, from that day on, with no job
//! to run (every check compares the end with today).

use crate::identity::string_enum;
use crate::participants::{parse_date, parse_optional_date};
use crate::validation::{FieldErrors, required_text};
use chrono::NaiveDate;
use uuid::Uuid;

string_enum! {
    Purpose {
        /// Taking part in the programme (processing the participant's data for it).
        Participation = "participation",
        /// Sharing the work part of the file with the named partner's care team.
        ShareCareTeam = "share_care_team",
        /// Use of pseudonymised data for research and evaluation.
        Research = "research",
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentInput {
    pub purpose: Purpose,
    pub organisation_id: Option<Uuid>,
    /// The version of the consent text the person agreed to, e.g. "2026-01".
    pub version: String,
    pub given_on: NaiveDate,
    /// The last day the consent holds, when it was given for a limited time.
    pub ends_on: Option<NaiveDate>,
}

/// A consent as typed on a form or sent to the API: text, parsed by [`ConsentInput::parse`].
#[derive(Debug, Clone, Copy, Default)]
pub struct ConsentFields<'a> {
    pub purpose: &'a str,
    pub organisation: &'a str,
    pub version: &'a str,
    pub given_on: &'a str,
    /// Optional (empty: no end).
    pub ends_on: &'a str,
}

impl ConsentInput {
    pub fn parse(fields: ConsentFields<'_>, today: NaiveDate) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let purpose = errors.check("purpose", Purpose::parse(fields.purpose));
        let organisation_id = errors
            .check(
                "organisation_id",
                crate::organisations::parse_optional_id(fields.organisation),
            )
            .flatten();
        if purpose == Some(Purpose::ShareCareTeam)
            && organisation_id.is_none()
            && errors.for_field("organisation_id").is_none()
        {
            errors.add("organisation_id", "required");
        }
        let version = errors.check("version", required_text(fields.version, 50));
        let given_on = errors.check("given_on", parse_date(fields.given_on));
        if given_on.is_some_and(|d| d > today) {
            errors.add("given_on", "date-in-future");
        }
        let ends_on = errors.check("ends_on", parse_optional_date(fields.ends_on)).flatten();
        if let (Some(start), Some(end)) = (given_on, ends_on)
            && end < start
        {
            errors.add("ends_on", "before-start");
        }
        errors.finish(|| ConsentInput {
            purpose: purpose.unwrap(),
            organisation_id: if purpose == Some(Purpose::ShareCareTeam) {
                organisation_id
            } else {
                None
            },
            version: version.unwrap(),
            given_on: given_on.unwrap(),
            ends_on,
        })
    }
}

/// How a consent stopped holding: withdrawn on a day, or expired after its last day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lapse {
    Withdrawn(NaiveDate),
    /// The day named is the consent's end, the last day it held.
    Expired(NaiveDate),
}

impl Lapse {
    /// The day a message names: the withdrawal, or the end that passed.
    pub fn on(self) -> NaiveDate {
        match self {
            Lapse::Withdrawn(on) | Lapse::Expired(on) => on,
        }
    }

    /// `withdrawn` or `expired`, as messages select their wording on it.
    pub fn how(self) -> &'static str {
        match self {
            Lapse::Withdrawn(_) => "withdrawn",
            Lapse::Expired(_) => "expired",
        }
    }

    /// Of two lapses, the one a person reads about: the latest (a withdrawal on the same day as
    /// an end wins, being the person's own act).
    pub fn latest(self, other: Lapse) -> Lapse {
        match self.on().cmp(&other.on()) {
            std::cmp::Ordering::Less => other,
            std::cmp::Ordering::Greater => self,
            std::cmp::Ordering::Equal if matches!(other, Lapse::Withdrawn(_)) => other,
            std::cmp::Ordering::Equal => self,
        }
    }
}

/// Whether a consent no longer holds on `today`, and how: a withdrawal counts at once, whatever
/// its date; an end counts from the day after it (a consent ending today still holds today).
pub fn lapse(withdrawn_on: Option<NaiveDate>, ends_on: Option<NaiveDate>, today: NaiveDate) -> Option<Lapse> {
    match (withdrawn_on, ends_on) {
        (Some(on), _) => Some(Lapse::Withdrawn(on)),
        (None, Some(end)) if end < today => Some(Lapse::Expired(end)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
    }

    fn fields<'a>(purpose: &'a str, organisation: &'a str, given_on: &'a str) -> ConsentFields<'a> {
        ConsentFields {
            purpose,
            organisation,
            version: "v1",
            given_on,
            ends_on: "",
        }
    }

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
    }

    #[test]
    fn sharing_needs_a_partner() {
        let errors = ConsentInput::parse(fields("share_care_team", "", "2026-11-01"), today()).unwrap_err();
        assert_eq!(errors.for_field("organisation_id").unwrap().code, "required");
        let nil = Uuid::nil().to_string();
        let ok = ConsentInput::parse(fields("research", &nil, "2026-11-01"), today()).unwrap();
        assert_eq!(ok.organisation_id, None, "only sharing names a partner");
    }

    #[test]
    fn consent_cannot_be_given_in_the_future() {
        let errors = ConsentInput::parse(fields("participation", "", "2026-12-01"), today()).unwrap_err();
        assert_eq!(errors.for_field("given_on").unwrap().code, "date-in-future");
    }

    #[test]
    fn an_end_is_optional_a_date_and_not_before_the_start() {
        let with_end = |ends_on| {
            ConsentInput::parse(
                ConsentFields {
                    ends_on,
                    ..fields("research", "", "2026-11-10")
                },
                today(),
            )
        };
        assert_eq!(with_end("").unwrap().ends_on, None);
        assert_eq!(
            with_end("2026-11-10").unwrap().ends_on,
            Some(day(10)),
            "one day is allowed"
        );
        assert_eq!(
            with_end("2027-06-30").unwrap().ends_on,
            NaiveDate::from_ymd_opt(2027, 6, 30)
        );
        assert_eq!(
            with_end("2026-11-09").unwrap_err().for_field("ends_on").unwrap().code,
            "before-start"
        );
        assert_eq!(
            with_end("30/06/2027").unwrap_err().for_field("ends_on").unwrap().code,
            "invalid-date"
        );
    }

    #[test]
    fn an_end_counts_from_the_day_after_and_a_withdrawal_at_once() {
        assert_eq!(lapse(None, None, day(22)), None);
        assert_eq!(lapse(None, Some(day(22)), day(22)), None, "it holds on its last day");
        assert_eq!(lapse(None, Some(day(21)), day(22)), Some(Lapse::Expired(day(21))));
        assert_eq!(
            lapse(Some(day(25)), Some(day(30)), day(22)),
            Some(Lapse::Withdrawn(day(25)))
        );
        let (withdrawn, expired) = (Lapse::Withdrawn(day(3)), Lapse::Expired(day(3)));
        assert_eq!(expired.latest(withdrawn), withdrawn);
        assert_eq!(withdrawn.latest(expired), withdrawn);
        assert_eq!(withdrawn.latest(Lapse::Expired(day(4))), Lapse::Expired(day(4)));
    }
}
