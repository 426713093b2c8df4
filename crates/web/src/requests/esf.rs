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

/// The period and language of the printed report.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct PdfQuery {
    /// As for the report: `cumulative` (the default) or a calendar year.
    pub period: Option<String>,
    /// nl, fr or en; the reader's language when left out.
    pub lang: Option<String>,
}

impl PdfQuery {
    pub fn period(&self) -> Result<Period, AppError> {
        PeriodQuery {
            period: self.period.clone(),
        }
        .period()
    }

    pub fn lang(&self) -> &str {
        self.lang.as_deref().unwrap_or("")
    }
}
