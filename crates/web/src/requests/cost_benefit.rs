//! The cost-benefit's programme, period and scope, for the page, the downloads and the API.

use crate::error::AppError;
use crate::requests::period::{self, Period};
use crate::service::cost_benefit::Request;
use onramp_domain::FieldErrors;
use onramp_domain::organisations::parse_optional_id;
use serde::Deserialize;
use utoipa::IntoParams;

#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct CostBenefitQuery {
    /// The programme (required).
    pub programme_id: Option<String>,
    /// YYYY-MM-DD; 1 January of this year when absent.
    pub from: Option<String>,
    /// YYYY-MM-DD; today when absent.
    pub to: Option<String>,
    /// One partner.
    pub organisation_id: Option<String>,
    /// One region.
    pub region_id: Option<String>,
}

impl CostBenefitQuery {
    /// Parses the query; every bad field is named.
    pub fn request(&self) -> Result<Request, AppError> {
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        let period = Period::parse(self.from.as_deref(), self.to.as_deref(), period::Default::YearToDate);
        let mut errors = match &period {
            Err(AppError::Invalid(errors)) => errors.clone(),
            _ => FieldErrors::new(),
        };
        let programme_id = errors
            .check("programme_id", parse_optional_id(&text(&self.programme_id)))
            .flatten();
        if programme_id.is_none() && errors.for_field("programme_id").is_none() {
            errors.add("programme_id", "required");
        }
        let organisation_id = errors
            .check("organisation_id", parse_optional_id(&text(&self.organisation_id)))
            .flatten();
        let region_id = errors
            .check("region_id", parse_optional_id(&text(&self.region_id)))
            .flatten();
        match (period, programme_id) {
            (Ok(period), Some(programme_id)) if errors.is_empty() => Ok(Request {
                programme_id,
                from: period.from,
                to: period.to,
                organisation_id,
                region_id,
            }),
            _ => Err(AppError::Invalid(errors)),
        }
    }
}
