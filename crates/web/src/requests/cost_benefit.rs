//! The cost-benefit's programme, period and scope, for the page, the downloads and the API.

use crate::error::AppError;
use crate::requests::dashboard::DashboardQuery;
use crate::service::cost_benefit::Request;
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
    /// Parses the query as the dashboard's (the same period and scope rules), with the programme
    /// required; every bad field is named.
    pub fn request(&self) -> Result<Request, AppError> {
        let scope = DashboardQuery {
            from: self.from.clone(),
            to: self.to.clone(),
            organisation_id: self.organisation_id.clone(),
            region_id: self.region_id.clone(),
            programme_id: self.programme_id.clone(),
            ..DashboardQuery::default()
        }
        .request();
        match scope {
            Ok(r) => Ok(Request {
                programme_id: r.programme_id.ok_or(AppError::invalid("programme_id", "required"))?,
                from: r.from,
                to: r.to,
                organisation_id: r.organisation_id,
                region_id: r.region_id,
            }),
            Err(AppError::Invalid(mut errors)) => {
                if self.programme_id.as_deref().is_none_or(str::is_empty) {
                    errors.add("programme_id", "required");
                }
                Err(AppError::Invalid(errors))
            }
            Err(other) => Err(other),
        }
    }
}
