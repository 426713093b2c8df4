//! Consent per purpose, dated and versioned; sharing with a care team names the partner.

use crate::identity::string_enum;
use crate::participants::parse_date;
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
}

impl ConsentInput {
    pub fn parse(
        purpose: &str,
        organisation: &str,
        version: &str,
        given_on: &str,
        today: NaiveDate,
    ) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let purpose = errors.check("purpose", Purpose::parse(purpose));
        let organisation_id = errors
            .check("organisation_id", crate::organisations::parse_optional_id(organisation))
            .flatten();
        if purpose == Some(Purpose::ShareCareTeam)
            && organisation_id.is_none()
            && errors.for_field("organisation_id").is_none()
        {
            errors.add("organisation_id", "required");
        }
        let version = errors.check("version", required_text(version, 50));
        let given_on = errors.check("given_on", parse_date(given_on));
        if given_on.is_some_and(|d| d > today) {
            errors.add("given_on", "date-in-future");
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
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
    }

    #[test]
    fn sharing_needs_a_partner() {
        let errors = ConsentInput::parse("share_care_team", "", "v1", "2026-11-01", today()).unwrap_err();
        assert_eq!(errors.for_field("organisation_id").unwrap().code, "required");
        let ok = ConsentInput::parse("research", &Uuid::nil().to_string(), "v1", "2026-11-01", today()).unwrap();
        assert_eq!(ok.organisation_id, None, "only sharing names a partner");
    }

    #[test]
    fn consent_cannot_be_given_in_the_future() {
        let errors = ConsentInput::parse("participation", "", "v1", "2026-12-01", today()).unwrap_err();
        assert_eq!(errors.for_field("given_on").unwrap().code, "date-in-future");
    }
}
