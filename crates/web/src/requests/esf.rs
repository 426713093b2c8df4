//! The period of an ESF+ indicator report, for the pages, the downloads and the API.

use crate::error::AppError;
use onramp_domain::esf_indicators::Period;
use serde::Deserialize;
use utoipa::IntoParams;

#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct PeriodQuery {
    /// `cumulative` (the default: every participant who entered from the operation's start) or a
    /// calendar year such as `2026` (those whose first entry falls in it), results as known today.
    pub period: Option<String>,
}

impl PeriodQuery {
    pub fn period(&self) -> Result<Period, AppError> {
        Period::parse(self.period.as_deref().unwrap_or("")).map_err(|code| AppError::invalid("period", code))
    }
}
