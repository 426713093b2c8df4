//! The programme dashboard.

use super::ApiQuery;
use crate::AppState;
use crate::error::{AppError, Problem};
use crate::identity::Ctx;
use crate::service::dashboard::{self as service, Dashboard, Request};
use axum::Json;
use axum::extract::State;
use chrono::{Datelike, NaiveDate};
use onramp_domain::FieldErrors;
use onramp_domain::organisations::parse_optional_id;
use onramp_domain::participants::parse_optional_date;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct DashboardQuery {
    /// YYYY-MM-DD; 1 January of this year when absent.
    pub from: Option<String>,
    /// YYYY-MM-DD; today when absent.
    pub to: Option<String>,
    /// One partner.
    pub organisation_id: Option<String>,
    /// One region.
    pub region_id: Option<String>,
    /// One programme.
    pub programme_id: Option<String>,
}

impl DashboardQuery {
    /// Parses the query; every bad field is named.
    pub fn request(&self) -> Result<Request, AppError> {
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        let mut errors = FieldErrors::new();
        let from = errors.check("from", parse_optional_date(&text(&self.from))).flatten();
        let to = errors.check("to", parse_optional_date(&text(&self.to))).flatten();
        let organisation_id = errors
            .check("organisation_id", parse_optional_id(&text(&self.organisation_id)))
            .flatten();
        let region_id = errors
            .check("region_id", parse_optional_id(&text(&self.region_id)))
            .flatten();
        let programme_id = errors
            .check("programme_id", parse_optional_id(&text(&self.programme_id)))
            .flatten();
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        let today = crate::service::participants::today();
        Ok(Request {
            from: from.unwrap_or(NaiveDate::from_ymd_opt(today.year(), 1, 1).expect("a date")),
            to: to.unwrap_or(today),
            organisation_id,
            region_id,
            programme_id,
        })
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Count {
    pub key: String,
    pub count: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DashboardView {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub organisation_id: Option<Uuid>,
    pub region_id: Option<Uuid>,
    pub programme_id: Option<Uuid>,
    /// People reached by presence actions in the period (anonymous counts).
    pub reached_by_presence: i64,
    /// Reached by presence actions, plus participants who started without coming through one.
    pub contacted: i64,
    /// Trajectories started in the period: the cohort of the next four figures.
    pub started: i64,
    /// Of the cohort: attended at least one group session.
    pub engaged_in_modules: i64,
    /// Of the cohort: took at least one step towards work (docs/outcomes.md).
    pub took_step: i64,
    /// `took_step` / `started`, in percent with one decimal.
    pub took_step_percent: Option<f64>,
    /// `took_step` / `contacted`: the figure the agreements' target is about.
    pub took_step_percent_of_contacted: Option<f64>,
    /// The agreements' target share of contacted people taking steps, in percent.
    pub steps_target_percent: Option<f64>,
    /// Of the cohort: in paid work.
    pub paid_work: i64,
    /// `paid_work` / `took_step`, in percent.
    pub paid_work_percent_of_steps: Option<f64>,
    /// Trajectories that ended in the period, by ESF+ situation upon leaving (`not_recorded` when missing).
    pub exits: Vec<Count>,
    /// The cohort by months of sickness when the trajectory started: 0-3, 4-6, 7-12, 13-24, 25+, unknown.
    pub sickness_bands: Vec<Count>,
    /// Median length, in months, of the trajectories that ended in the period.
    pub median_duration_months: Option<f64>,
    /// The barriers noted most often on the cohort's trajectories (at most five; each trajectory once per code).
    pub top_barriers: Vec<Count>,
    /// Coach FTE of the agreements running in the period.
    pub fte: f64,
    pub reached_per_fte: Option<f64>,
    /// The seeds' norm: 200 reached a year per coach FTE.
    pub reach_per_fte_norm: i64,
    /// People to reach by the agreements running in the period.
    pub reach_target: i64,
}

fn counts(list: Vec<(String, i64)>) -> Vec<Count> {
    list.into_iter().map(|(key, count)| Count { key, count }).collect()
}

impl From<Dashboard> for DashboardView {
    fn from(d: Dashboard) -> Self {
        DashboardView {
            from: d.from,
            to: d.to,
            organisation_id: d.organisation_id,
            region_id: d.region_id,
            programme_id: d.programme_id,
            reached_by_presence: d.reached_by_presence,
            contacted: d.contacted,
            started: d.started,
            engaged_in_modules: d.engaged_in_modules,
            took_step: d.took_step,
            took_step_percent: d.took_step_percent,
            took_step_percent_of_contacted: d.took_step_percent_of_contacted,
            steps_target_percent: d.steps_target_percent,
            paid_work: d.paid_work,
            paid_work_percent_of_steps: d.paid_work_percent_of_steps,
            exits: counts(d.exits),
            sickness_bands: counts(d.sickness_bands),
            top_barriers: counts(d.top_barriers),
            median_duration_months: d.median_duration_months,
            fte: d.fte,
            reached_per_fte: d.reached_per_fte,
            reach_per_fte_norm: d.reach_per_fte_norm,
            reach_target: d.reach_target,
        }
    }
}

/// The programme dashboard for a period and a scope, counted live. Coaches and care-team members
/// ask for one of their partners, coordinators for their region or a partner in it; administrators
/// and funders for anything. Definitions: docs/dashboard.md.
#[utoipa::path(get, path = "/api/v1/dashboard", tag = "outcomes", params(DashboardQuery),
    responses(
        (status = 200, body = DashboardView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn dashboard(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiQuery(query): ApiQuery<DashboardQuery>,
) -> Result<Json<DashboardView>, AppError> {
    let request = query.request()?;
    Ok(Json(service::figures(&state, &ctx, request).await?.into()))
}
