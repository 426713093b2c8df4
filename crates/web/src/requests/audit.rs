//! The audit log's filters.

use crate::error::AppError;
use chrono::{DateTime, NaiveDate, Utc};
use onramp_domain::organisations::parse_optional_id;
use onramp_store::audit::Filter;
use serde::Deserialize;
use utoipa::IntoParams;

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct AuditQuery {
    /// The actor's e-mail.
    pub actor: Option<String>,
    /// An action (`login.failure`) or a family ending in a dot (`organisation.`).
    pub action: Option<String>,
    pub entity_type: Option<String>,
    pub entity_id: Option<String>,
    /// First day, YYYY-MM-DD (Europe/Brussels).
    pub from: Option<String>,
    /// Last day, YYYY-MM-DD (Europe/Brussels), inclusive.
    pub until: Option<String>,
    /// Entries about this participant: the reads and changes of their file, and the list views
    /// that showed them ("who consulted this file, when and why").
    pub participant_id: Option<String>,
    /// Entries older than this id.
    pub before: Option<i64>,
}

fn day_start(field: &'static str, value: Option<&str>, extra_days: i64) -> Result<Option<DateTime<Utc>>, AppError> {
    let Some(value) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    let date = NaiveDate::parse_from_str(value, "%Y-%m-%d").map_err(|_| AppError::invalid(field, "invalid-date"))?;
    let date = date + chrono::Duration::days(extra_days);
    Ok(crate::time::brussels_midnight(date))
}

impl AuditQuery {
    pub fn filter(&self) -> Result<Filter, AppError> {
        let text = |v: &Option<String>| v.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned);
        Ok(Filter {
            actor: text(&self.actor).map(|a| a.to_lowercase()),
            action: text(&self.action),
            entity_type: text(&self.entity_type),
            entity_id: text(&self.entity_id),
            from: day_start("from", self.from.as_deref(), 0)?,
            until: day_start("until", self.until.as_deref(), 1)?,
            participant_id: parse_optional_id(self.participant_id.as_deref().unwrap_or(""))
                .map_err(|code| AppError::invalid("participant_id", code))?,
            before_id: self.before,
            staff_only: false,
        })
    }
}
