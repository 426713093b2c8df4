//! The social cost-benefit of a programme (docs/cost-benefit.md). Amounts are whole cents,
//! rates basis points (7000 = 70%), as the parameters are kept.

use super::extract::{ApiJson, ApiQuery};
use crate::error::{AppError, Problem};
use crate::identity::Ctx;
use crate::requests::cost_benefit::CostBenefitQuery;
use crate::service::cost_benefit::{self as service, Report};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use chrono::{DateTime, NaiveDate, Utc};
use onramp_domain::cost_benefit::{Kind, Parameters, Results, SPECS, format_value};
use onramp_domain::organisations::parse_optional_id;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// One parameter with its source.
#[derive(Debug, Serialize, ToSchema)]
pub struct ParameterView {
    pub key: String,
    /// amount (cents), percent (basis points), years, cost_basis (0 hours, 1 budget, 2 both).
    pub kind: String,
    pub value: i64,
    /// As a form writes it: "55.00", "70.00", "5", "hours".
    pub text: String,
    pub default: i64,
    pub source: String,
}

fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Amount => "amount",
        Kind::Percent => "percent",
        Kind::Years => "years",
        Kind::CostBasis => "cost_basis",
    }
}

fn parameter_list(p: &Parameters, sources: &BTreeMap<String, String>) -> Vec<ParameterView> {
    let common = SPECS.iter().map(|s| ParameterView {
        key: s.key.to_owned(),
        kind: kind_name(s.kind).to_owned(),
        value: p.get(s.key),
        text: format_value(s.kind, p.get(s.key)),
        default: s.default,
        source: sources.get(s.key).cloned().unwrap_or_default(),
    });
    let partners = p.hourly_by_partner.iter().map(|(partner, value)| {
        let key = format!("hourly_cost.{partner}");
        ParameterView {
            kind: "amount".to_owned(),
            value: *value,
            text: format_value(Kind::Amount, *value),
            default: p.get("hourly_cost"),
            source: sources.get(&key).cloned().unwrap_or_default(),
            key,
        }
    });
    common.chain(partners).collect()
}

/// The main figures under one set of parameters (`null` when withheld or not defined).
#[derive(Debug, Serialize, ToSchema)]
pub struct Figures {
    pub costs: Option<i64>,
    pub present_value: Option<i64>,
    pub net_present_value: Option<i64>,
    /// Present value per euro of cost, two decimals.
    pub ratio: Option<f64>,
    /// What a payer could pay per participant and not lose, in cents.
    pub break_even_price: Option<i64>,
    /// Months after exit until the discounted benefits cover the costs.
    pub payback_months: Option<i64>,
}

fn figures(r: &Results, withheld: bool) -> Figures {
    let keep = |v: Option<i64>| if withheld { None } else { v };
    Figures {
        costs: keep(Some(r.costs.total)),
        present_value: keep(Some(r.present_value)),
        net_present_value: keep(Some(r.net_present_value)),
        ratio: keep(r.ratio_hundredths).map(|h| h as f64 / 100.0),
        break_even_price: keep(r.break_even_price),
        payback_months: keep(r.payback_months),
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct YearView {
    pub year: i64,
    /// Months in paid work of the cohort, two decimals.
    pub person_months: f64,
    pub value: i64,
    pub present_value: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BarView {
    pub key: String,
    pub low: i64,
    pub high: i64,
    pub net_present_value_at_low: i64,
    pub net_present_value_at_high: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ScenarioView {
    /// cautious, central, hopeful, or a saved scenario's name.
    pub name: String,
    #[serde(flatten)]
    pub figures: Figures,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CostBenefitView {
    pub programme_id: Uuid,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub organisation_id: Option<Uuid>,
    pub region_id: Option<Uuid>,
    #[serde(flatten)]
    pub figures: Figures,
    pub costs_staff: Option<i64>,
    pub costs_overheads: Option<i64>,
    pub costs_direct: Option<i64>,
    pub costs_budget: Option<i64>,
    /// Coach hours from the time registration, two decimals.
    pub coach_hours: f64,
    pub cost_per_participant: Option<i64>,
    pub cost_per_step: Option<i64>,
    pub cost_per_paid_work: Option<i64>,
    /// The cohort: trajectories started in the period, and of them who took a step or found paid work.
    pub participants: Option<i64>,
    pub took_step: Option<i64>,
    pub paid_work: Option<i64>,
    /// In employment at the check-ins 6, 12, 18 and 24 months after exit.
    pub in_work_at_check_ins: Vec<Option<i64>>,
    /// Share of the cohort's scheduled check-ins recorded, in percent (two decimals): an
    /// unrecorded check-in counts as not in work.
    pub check_ins_recorded_percent: Option<f64>,
    /// The parameters used, by key: `deadweight`, `discount_rate`, … (as kept: cents, basis points, years).
    pub parameters: BTreeMap<String, i64>,
    /// The same with their sources.
    pub parameter_list: Vec<ParameterView>,
    pub years: Vec<YearView>,
    /// Each parameter over its range, widest effect first.
    pub tornado: Vec<BarView>,
    pub scenarios: Vec<ScenarioView>,
    /// True when the figures are withheld from you because a count behind them is a small cell.
    pub withheld: bool,
    pub small_cell_threshold: Option<i64>,
}

impl From<Report> for CostBenefitView {
    fn from(r: Report) -> Self {
        let w = r.withheld;
        let keep = |v: Option<i64>| if w { None } else { v };
        let res = &r.results;
        CostBenefitView {
            programme_id: r.request.programme_id,
            from: r.request.from,
            to: r.request.to,
            organisation_id: r.request.organisation_id,
            region_id: r.request.region_id,
            figures: figures(res, w),
            costs_staff: keep(Some(res.costs.staff)),
            costs_overheads: keep(Some(res.costs.overheads)),
            costs_direct: keep(Some(res.costs.direct)),
            costs_budget: keep(Some(res.costs.budget)),
            coach_hours: res.costs.hours as f64 / 100.0,
            cost_per_participant: keep(res.cost_per_participant),
            cost_per_step: keep(res.cost_per_step),
            cost_per_paid_work: keep(res.cost_per_paid_work),
            participants: keep(Some(r.inputs.participants)),
            took_step: keep(Some(r.inputs.took_step)),
            paid_work: keep(Some(r.inputs.paid_work)),
            in_work_at_check_ins: r.inputs.in_work.iter().map(|n| keep(Some(*n))).collect(),
            check_ins_recorded_percent: res.check_ins_recorded_share.map(|bp| bp as f64 / 100.0),
            parameters: r.parameters.values.iter().map(|(k, v)| ((*k).to_owned(), *v)).collect(),
            parameter_list: parameter_list(&r.parameters, &r.sources),
            years: if w {
                Vec::new()
            } else {
                res.years
                    .iter()
                    .map(|y| YearView {
                        year: y.year,
                        person_months: y.person_months as f64 / 100.0,
                        value: y.value,
                        present_value: y.present_value,
                    })
                    .collect()
            },
            tornado: if w {
                Vec::new()
            } else {
                r.tornado
                    .iter()
                    .map(|b| BarView {
                        key: b.key.to_owned(),
                        low: b.low,
                        high: b.high,
                        net_present_value_at_low: b.npv_at_low,
                        net_present_value_at_high: b.npv_at_high,
                    })
                    .collect()
            },
            scenarios: r
                .scenarios
                .iter()
                .map(|s| ScenarioView {
                    name: s.name.clone(),
                    figures: figures(&s.results, w),
                })
                .collect(),
            withheld: w,
            small_cell_threshold: r.small_cell_threshold,
        }
    }
}

/// The social cost-benefit of a programme for a period and a partner or region: costs from the
/// coach hours, benefits from the people in paid work at the check-ins after exit, adjusted and
/// discounted (docs/cost-benefit.md). Administrators ask for anything, coordinators their region
/// or a partner in it, funders anything (with small cells withheld); coaches are refused.
#[utoipa::path(get, path = "/api/v1/cost-benefit", tag = "outcomes", params(CostBenefitQuery),
    responses(
        (status = 200, body = CostBenefitView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn cost_benefit(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiQuery(query): ApiQuery<CostBenefitQuery>,
) -> Result<Json<CostBenefitView>, AppError> {
    let request = query.request()?;
    Ok(Json(service::report(&state, &ctx, request).await?.into()))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct ProgrammeQuery {
    pub programme_id: Option<String>,
}

impl ProgrammeQuery {
    fn id(&self) -> Result<Uuid, AppError> {
        parse_optional_id(self.programme_id.as_deref().unwrap_or(""))
            .map_err(|code| AppError::invalid("programme_id", code))?
            .ok_or(AppError::invalid("programme_id", "required"))
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ChangeView {
    /// The key (`hourly_cost.<partner id>` for a partner's own hourly cost).
    pub key: String,
    pub old_value: Option<i64>,
    pub new_value: Option<i64>,
    pub old_source: Option<String>,
    pub new_source: Option<String>,
    pub changed_by: Option<String>,
    pub changed_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SettingsView {
    pub parameters: Vec<ParameterView>,
    /// The latest changes first.
    pub history: Vec<ChangeView>,
}

async fn settings_view(state: &AppState, ctx: &Ctx, programme_id: Uuid) -> Result<SettingsView, AppError> {
    let s = service::settings(state, ctx, programme_id).await?;
    Ok(SettingsView {
        parameters: parameter_list(&s.parameters, &s.sources),
        history: s
            .history
            .into_iter()
            .map(|c| ChangeView {
                key: if c.partner_id.is_nil() {
                    c.key
                } else {
                    format!("hourly_cost.{}", c.partner_id)
                },
                old_value: c.old_value,
                new_value: c.new_value,
                old_source: c.old_source,
                new_source: c.new_source,
                changed_by: c.changed_by,
                changed_at: c.changed_at,
            })
            .collect(),
    })
}

/// A programme's cost-benefit parameters with their sources, and their history.
#[utoipa::path(get, path = "/api/v1/cost-benefit/parameters", tag = "outcomes", params(ProgrammeQuery),
    responses(
        (status = 200, body = SettingsView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn parameters(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiQuery(query): ApiQuery<ProgrammeQuery>,
) -> Result<Json<SettingsView>, AppError> {
    Ok(Json(settings_view(&state, &ctx, query.id()?).await?))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct ParametersBody {
    /// Values by key as a form writes them: euros ("55.50"), percentages ("70"), years ("5"),
    /// a cost basis ("hours", "budget", "both"); `hourly_cost.<partner id>` a partner's own
    /// hourly cost ("" removes it). Keys left out keep their value.
    pub values: BTreeMap<String, String>,
    /// Source texts by key; left out or empty keeps the source.
    pub sources: BTreeMap<String, String>,
}

/// Sets a programme's parameters (administrators). Every change is kept in the history.
#[utoipa::path(put, path = "/api/v1/cost-benefit/parameters", tag = "outcomes", params(ProgrammeQuery),
    request_body = ParametersBody,
    responses(
        (status = 200, body = SettingsView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn set_parameters(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiQuery(query): ApiQuery<ProgrammeQuery>,
    ApiJson(body): ApiJson<ParametersBody>,
) -> Result<Json<SettingsView>, AppError> {
    let programme_id = query.id()?;
    service::set_parameters(&state, &ctx, programme_id, &body.values, &body.sources).await?;
    Ok(Json(settings_view(&state, &ctx, programme_id).await?))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct ScenarioBody {
    pub programme_id: String,
    pub region_id: String,
    /// Unique in the programme and region: saving a name again replaces it.
    pub name: String,
    /// Values by key, as for the parameters.
    pub values: BTreeMap<String, String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ScenarioCreated {
    pub id: Uuid,
}

/// Saves a named scenario for a region beside the programme's parameters (administrators, the
/// region's coordinator); it shows beside cautious, central and hopeful.
#[utoipa::path(post, path = "/api/v1/cost-benefit/scenarios", tag = "outcomes", request_body = ScenarioBody,
    responses(
        (status = 201, body = ScenarioCreated),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn save_scenario(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiJson(body): ApiJson<ScenarioBody>,
) -> Result<(axum::http::StatusCode, Json<ScenarioCreated>), AppError> {
    let mut errors = onramp_domain::FieldErrors::new();
    let programme = errors
        .check("programme_id", parse_optional_id(&body.programme_id))
        .flatten();
    let region = errors.check("region_id", parse_optional_id(&body.region_id)).flatten();
    for (field, value) in [("programme_id", programme), ("region_id", region)] {
        if value.is_none() && errors.for_field(field).is_none() {
            errors.add(field, "required");
        }
    }
    let (Some(programme), Some(region)) = (programme, region) else {
        return Err(AppError::Invalid(errors));
    };
    let id = service::save_scenario(&state, &ctx, programme, region, &body.name, &body.values).await?;
    Ok((axum::http::StatusCode::CREATED, Json(ScenarioCreated { id })))
}
