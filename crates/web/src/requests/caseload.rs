//! The caseload's filters and its page cursor.

use crate::error::AppError;
use chrono::NaiveDate;
use onramp_domain::organisations::parse_optional_id;
use onramp_domain::plans::STEP_DUE_WITHIN_DAYS;
use onramp_domain::programmes::MAX_NO_CONTACT_DAYS;
use onramp_store::caseload::{Cursor, Filter, NoContact, Sort, Status, StepsDue};
use serde::{Deserialize, Serialize};
use utoipa::IntoParams;
use uuid::Uuid;

/// Every field is kept as it was asked, so that a page's link to the next one can repeat it whole.
#[derive(Debug, Clone, Default, Deserialize, Serialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct CaseloadQuery {
    /// active (default), ended or all
    pub status: Option<String>,
    /// name (default) or ends_by
    pub sort: Option<String>,
    /// Only trajectories you are the responsible coach of.
    pub mine: Option<bool>,
    /// Words that start a word of the name (last or first name, either order; accents and case ignored).
    pub q: Option<String>,
    pub programme_id: Option<String>,
    pub phase: Option<String>,
    pub organisation_id: Option<String>,
    pub location_id: Option<String>,
    pub region_id: Option<String>,
    /// Only trajectories with an action-plan step still to do that falls due within 7 days or is overdue.
    pub steps_due: Option<bool>,
    /// Only trajectories without a contact (or, without any, since their start) for `no_contact_days`
    /// days; without that number, for as many days as each trajectory's programme sets
    /// (`no_contact_days` of the programme, 30 by default).
    pub no_contact: Option<bool>,
    /// Only participants of programmes that report to the ESF with a characteristic the ESF+
    /// indicators need still not recorded (complete them on the participant's page).
    pub esf_missing: Option<bool>,
    /// 1 to 3650; implies `no_contact`.
    #[param(value_type = Option<i32>, minimum = 1, maximum = 3650)]
    pub no_contact_days: Option<String>,
    /// The `next` value of the previous page.
    pub after: Option<String>,
    /// 1 to 200; 50 by default.
    pub limit: Option<i64>,
}

/// The caseload's statuses and orders, as the query names them.
pub const STATUSES: &[&str] = &["active", "ended", "all"];
pub const SORTS: &[&str] = &["name", "ends_by"];

impl CaseloadQuery {
    /// The filter, as of `today`.
    pub fn filter(&self, today: NaiveDate) -> Result<Filter, AppError> {
        let id = |field: &'static str, v: &Option<String>| {
            parse_optional_id(v.as_deref().unwrap_or("")).map_err(|code| AppError::invalid(field, code))
        };
        let status = match self.status.as_deref().unwrap_or("active") {
            "active" | "" => Status::Active,
            "ended" => Status::Ended,
            "all" => Status::All,
            _ => return Err(AppError::invalid_choice("status", STATUSES)),
        };
        let sort = match self.sort.as_deref().unwrap_or("name") {
            "name" | "" => Sort::Name,
            "ends_by" => Sort::EndsBy,
            _ => return Err(AppError::invalid_choice("sort", SORTS)),
        };
        let after = match self.after.as_deref().filter(|a| !a.is_empty()) {
            Some(cursor) => Some(decode_cursor(cursor, sort).ok_or(AppError::invalid("after", "invalid-reference"))?),
            None => None,
        };
        let text = |v: &Option<String>| v.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned);
        let no_contact = match text(&self.no_contact_days) {
            Some(days) => {
                let days = onramp_domain::validation::whole_number(&days, 1, MAX_NO_CONTACT_DAYS)
                    .map_err(|code| AppError::invalid("no_contact_days", code))?;
                Some(NoContact::Since(today - chrono::Days::new(days.unsigned_abs().into())))
            }
            None if self.no_contact == Some(true) => Some(NoContact::ProgrammeSetting { today }),
            None => None,
        };
        Ok(Filter {
            status,
            sort,
            mine: self.mine.unwrap_or(false),
            search: text(&self.q),
            programme_id: id("programme_id", &self.programme_id)?,
            phase: text(&self.phase),
            organisation_id: id("organisation_id", &self.organisation_id)?,
            location_id: id("location_id", &self.location_id)?,
            region_id: id("region_id", &self.region_id)?,
            steps: Some(StepsDue {
                today,
                due_by: today + chrono::Days::new(STEP_DUE_WITHIN_DAYS),
            }),
            steps_due: self.steps_due == Some(true),
            no_contact,
            esf_missing: self.esf_missing == Some(true),
            after,
        })
    }
}

pub fn encode_cursor(cursor: &Cursor) -> String {
    match cursor {
        Cursor::Name(name, id) => format!("{id}~{name}"),
        Cursor::EndsBy(date, id) => format!("{id}~{date}"),
    }
}

fn decode_cursor(cursor: &str, sort: Sort) -> Option<Cursor> {
    let (id, key) = cursor.split_once('~')?;
    let id = Uuid::parse_str(id).ok()?;
    match sort {
        Sort::Name => Some(Cursor::Name(key.to_owned(), id)),
        Sort::EndsBy => NaiveDate::parse_from_str(key, "%Y-%m-%d")
            .ok()
            .map(|d| Cursor::EndsBy(d, id)),
    }
}
