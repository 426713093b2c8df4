//! ESF operations and their ESF+ indicators, each under its code (`EECO01` …).

use super::extract::{ApiJson, ApiPath, ApiQuery};
use crate::error::{AppError, Problem};
use crate::identity::Ctx;
use crate::requests::esf::{PdfQuery, PeriodQuery};
use crate::service::esf as service;
use crate::state::AppState;
use crate::time::today;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::NaiveDate;
use onramp_domain::esf_indicators::{COLUMNS, OperationFields, OperationInput, codes};
use onramp_store::esf::Operation;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Debug, Serialize, ToSchema)]
pub struct OperationView {
    pub id: Uuid,
    /// The managing authority's number of the operation.
    pub number: String,
    pub title: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub programme_ids: Vec<Uuid>,
    /// Empty: every partner.
    pub partner_ids: Vec<Uuid>,
    /// The day of the last payment, once recorded: the files it counts are kept five years from
    /// 31 December of that year (docs/retention.md).
    pub last_payment_on: Option<NaiveDate>,
}

impl From<Operation> for OperationView {
    fn from(o: Operation) -> Self {
        let d = o.definition;
        OperationView {
            id: o.id,
            number: d.number,
            title: d.title,
            starts_on: d.starts_on,
            ends_on: d.ends_on,
            programme_ids: d.programme_ids,
            partner_ids: d.partner_ids,
            last_payment_on: d.last_payment_on,
        }
    }
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct OperationBody {
    /// Letters, digits, dots, dashes, slashes and underscores; unique.
    pub number: String,
    pub title: String,
    /// YYYY-MM-DD
    pub starts_on: String,
    /// YYYY-MM-DD, not before the start.
    pub ends_on: String,
    /// At least one programme.
    pub programme_ids: Vec<String>,
    /// The partners whose trajectories count; empty: all.
    pub partner_ids: Vec<String>,
    /// YYYY-MM-DD, not before the start: the day of the operation's last payment (administrators
    /// record it once made). Left out or null: none yet.
    pub last_payment_on: Option<String>,
}

impl OperationBody {
    fn into_fields(self) -> OperationFields {
        OperationFields {
            number: self.number,
            title: self.title,
            starts_on: self.starts_on,
            ends_on: self.ends_on,
            programme_ids: self.programme_ids,
            partner_ids: self.partner_ids,
            last_payment_on: self.last_payment_on.unwrap_or_default(),
        }
    }
}

/// The ESF operations, by number (administrators, coordinators, funders).
#[utoipa::path(get, path = "/api/v1/operations", tag = "esf",
    responses(
        (status = 200, body = Vec<OperationView>),
        (status = 403, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn list(State(state): State<AppState>, ctx: Ctx) -> Result<Json<Vec<OperationView>>, AppError> {
    let list = service::list(&state, &ctx).await?;
    Ok(Json(list.into_iter().map(OperationView::from).collect()))
}

/// Records an ESF operation (administrators).
#[utoipa::path(post, path = "/api/v1/operations", tag = "esf", request_body = OperationBody,
    responses(
        (status = 201, body = OperationView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, a number taken, an unknown programme or partner", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiJson(body): ApiJson<OperationBody>,
) -> Result<(StatusCode, Json<OperationView>), AppError> {
    crate::service::require(&ctx.actor, onramp_domain::policy::Action::ManageEsfOperations)?;
    let input = OperationInput::parse(&body.into_fields())?;
    Ok((
        StatusCode::CREATED,
        Json(service::create(&state, &ctx, input).await?.into()),
    ))
}

/// One ESF operation (administrators, coordinators, funders).
#[utoipa::path(get, path = "/api/v1/operations/{id}", tag = "esf", params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = OperationView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<OperationView>, AppError> {
    Ok(Json(service::get(&state, &ctx, id).await?.into()))
}

/// Changes an ESF operation: number, title, period, the programmes and partners it covers
/// (administrators). The report counts from the records, so it follows at once.
#[utoipa::path(put, path = "/api/v1/operations/{id}", tag = "esf", request_body = OperationBody, params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = OperationView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, a number taken, an unknown programme or partner", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<OperationBody>,
) -> Result<Json<OperationView>, AppError> {
    crate::service::require(&ctx.actor, onramp_domain::policy::Action::ManageEsfOperations)?;
    let input = OperationInput::parse(&body.into_fields())?;
    Ok(Json(service::update(&state, &ctx, id, input).await?.into()))
}

/// One indicator by gender. A cell is `null` when it is hidden from the reader (fewer people than
/// the small-cell threshold, or a figure that would reveal such a cell).
#[derive(Debug, Serialize, ToSchema)]
pub struct FigureView {
    pub women: Option<i64>,
    pub men: Option<i64>,
    pub non_binary: Option<i64>,
    pub total: Option<i64>,
}

/// A check the managing authority's system makes, failed.
#[derive(Debug, Serialize, ToSchema)]
pub struct IssueView {
    /// exceeds_output, gender_split, missing_data or inconsistent.
    pub kind: String,
    /// The issue's details (code, output, column, value, limit, split, total, participants).
    #[schema(value_type = Object)]
    pub details: serde_json::Value,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct IndicatorsView {
    pub operation: OperationView,
    /// `cumulative` or the year.
    pub period: String,
    /// Results are counted as known on this day.
    pub on: NaiveDate,
    /// Exact figures (administrators, coordinators) or small cells hidden (funders).
    pub exact: bool,
    /// EECO01-EECO17 and EECR01-EECR06, each under its code.
    pub indicators: BTreeMap<String, FigureView>,
    /// Six months after leaving: not reached (counted apart, never as a no).
    pub not_reached: FigureView,
    /// People who preferred not to say, per sensitive output code (exact readers only).
    pub declined: BTreeMap<String, i64>,
    /// People who have not left yet (exact readers only).
    pub still_in: Option<i64>,
    /// People with data missing; pending results (left less than four weeks / six months ago).
    pub missing: Option<usize>,
    pub pending_four_weeks: Option<usize>,
    pub pending_six_months: Option<usize>,
    /// Empty when the figures may be sent.
    pub issues: Vec<IssueView>,
}

impl From<service::Indicators> for IndicatorsView {
    fn from(i: service::Indicators) -> Self {
        let figure = |code: &str| {
            let cell = |column| i.cell(code, column);
            FigureView {
                women: cell(COLUMNS[0]),
                men: cell(COLUMNS[1]),
                non_binary: cell(COLUMNS[2]),
                total: cell(COLUMNS[3]),
            }
        };
        let exact = i.exact;
        IndicatorsView {
            indicators: codes().map(|c| (c.to_owned(), figure(c))).collect(),
            not_reached: figure("not_reached"),
            declined: if exact {
                i.report
                    .declined
                    .iter()
                    .map(|(c, f)| ((*c).to_owned(), f.total))
                    .collect()
            } else {
                BTreeMap::new()
            },
            still_in: exact.then_some(i.report.still_in.total),
            missing: exact.then_some(i.report.people.missing),
            pending_four_weeks: exact.then(|| i.report.pending("four_weeks")),
            pending_six_months: exact.then(|| i.report.pending("six_months")),
            issues: i
                .issues
                .iter()
                .map(|issue| {
                    let mut details = serde_json::to_value(issue).unwrap_or_default();
                    let kind = details["kind"].as_str().unwrap_or_default().to_owned();
                    if let Some(map) = details.as_object_mut() {
                        map.remove("kind");
                    }
                    IssueView { kind, details }
                })
                .collect(),
            period: i.period.as_string(),
            on: i.on,
            exact,
            operation: i.operation.into(),
        }
    }
}

/// The ESF+ common indicators of an operation for a period, counted from the records, by gender,
/// with the authority's checks (docs/esf.md). Funders see small cells hidden.
#[utoipa::path(get, path = "/api/v1/operations/{id}/indicators", tag = "esf", params(("id" = Uuid, Path), PeriodQuery),
    responses(
        (status = 200, body = IndicatorsView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "An invalid period", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn indicators(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(query): ApiQuery<PeriodQuery>,
) -> Result<Json<IndicatorsView>, AppError> {
    let period = query.period()?;
    Ok(Json(
        service::indicators(&state, &ctx, id, period, today()).await?.into(),
    ))
}

/// The indicators as a PDF to print or send (tagged, A4): one row per indicator code with the
/// columns women, men, non-binary and total, the operation, the period and the checks. Funders see
/// the same cells hidden as on the report.
#[utoipa::path(get, path = "/api/v1/operations/{id}/indicators/pdf", tag = "esf", params(("id" = Uuid, Path), PdfQuery),
    responses(
        (status = 200, description = "The PDF (tagged, A4)", content_type = "application/pdf"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "An invalid period or language", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn indicators_pdf(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(query): ApiQuery<PdfQuery>,
) -> Result<axum::response::Response, AppError> {
    let period = query.period()?;
    crate::service::esf_pdf::pdf(&state, &ctx, id, period, query.lang()).await
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StandingView {
    pub participant_id: Uuid,
    pub name: String,
    /// Fields to complete: gender, situation, unemployed_months, education, disability,
    /// third_country_national, foreign_background, minority, homeless, postcode, exit_situation,
    /// six_month_check_in.
    pub missing: Vec<String>,
    /// four_weeks, six_months: left too recently for these results.
    pub pending: Vec<String>,
    /// Records that contradict each other (improved-without-employment).
    pub inconsistent: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StandingsView {
    /// The people with missing, pending or inconsistent data that you may open; each read is
    /// audited on their file.
    pub participants: Vec<StandingView>,
    /// Others behind the counts, outside your caseload.
    pub others: usize,
}

/// The participants behind the report's missing, pending and inconsistent counts, for a coach to
/// complete (administrators and coordinators; each only the people they may open).
#[utoipa::path(get, path = "/api/v1/operations/{id}/missing", tag = "esf", params(("id" = Uuid, Path), PeriodQuery),
    responses(
        (status = 200, body = StandingsView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "An invalid period", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn missing(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(query): ApiQuery<PeriodQuery>,
) -> Result<Json<StandingsView>, AppError> {
    let period = query.period()?;
    let (listed, others) = service::standings(&state, &ctx, id, period, today()).await?;
    let strings = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect();
    Ok(Json(StandingsView {
        participants: listed
            .into_iter()
            .map(|l| StandingView {
                participant_id: l.participant_id,
                name: l.name,
                missing: strings(&l.standing.missing),
                pending: strings(&l.standing.pending),
                inconsistent: strings(&l.standing.inconsistent),
            })
            .collect(),
        others,
    }))
}
