//! The monitoring reports (docs/monitoring.md): barriers over time, the ICF change of a cohort,
//! trends by month, per coach and per location, the people behind each figure, and the
//! recommendations kept beside them.

use super::dashboard::FigurePeople;
use super::extract::{ApiJson, ApiPath, ApiQuery};
use crate::download::{XLSX, download};
use crate::error::{AppError, Problem};
use crate::exchange::table;
use crate::identity::Ctx;
use crate::requests::monitoring::{
    EditedRecommendation, MonitoringPeopleQuery, MonitoringQuery, NewRecommendation, people_page,
};
use crate::service::monitoring::{self as service, BarrierRow, IcfRow, MonthRow, Report, UnitRow};
use crate::service::monitoring_tables::{Names, TABLES, table as report_table};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// The period and scope a report is for.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportScope {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub organisation_id: Option<Uuid>,
    pub region_id: Option<Uuid>,
    pub programme_id: Option<Uuid>,
    pub location_id: Option<Uuid>,
    pub coach_id: Option<Uuid>,
    pub health_category: Option<String>,
    /// The threshold applied when small cells are hidden from you (funders): hidden counts and
    /// the shares, medians and means built on them read `null`.
    pub small_cell_threshold: Option<i64>,
}

fn scope(r: &Report) -> ReportScope {
    let s = r.request.scope;
    ReportScope {
        from: s.from,
        to: s.to,
        organisation_id: s.organisation_id,
        region_id: s.region_id,
        programme_id: s.programme_id,
        location_id: s.location_id,
        coach_id: s.coach_id,
        health_category: r.request.health.map(|h| h.as_str().to_owned()),
        small_cell_threshold: r.small_cell_threshold,
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BarriersView {
    #[serde(flatten)]
    pub scope: ReportScope,
    /// The quarters of the period (`2026-Q1`), oldest first.
    pub quarters: Vec<String>,
    /// Per quarter and code (quarters in order, codes most noted first), then per code over the
    /// whole period (`quarter` null).
    pub rows: Vec<BarrierRow>,
}

/// Barriers over time: per quarter and barrier code, how many were noted, how many of them are
/// resolved (and the share), the median days from noted to resolved, and how many were noted on
/// trajectories that took no step to work. Administrators anything; coordinators their region
/// (or a partner, location or coach in it); funders anything but one coach's work, with small
/// cells hidden; coaches and care teams are refused. The period is whole months (422 otherwise).
#[utoipa::path(get, path = "/api/v1/monitoring/barriers", tag = "monitoring", params(MonitoringQuery),
    responses(
        (status = 200, body = BarriersView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn barriers(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiQuery(query): ApiQuery<MonitoringQuery>,
) -> Result<Json<BarriersView>, AppError> {
    let r = service::report(&state, &ctx, query.request()?).await?;
    Ok(Json(BarriersView {
        scope: scope(&r),
        quarters: r.quarters,
        rows: r.barriers,
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct IcfView {
    #[serde(flatten)]
    pub scope: ReportScope,
    /// Per rater and ICF category or competence: the trajectories of the cohort (started in the
    /// period) with a change, the mean change (last score minus first, each rater's series apart;
    /// for ICF categories negative is better) and its 95% confidence interval (Student's t).
    pub rows: Vec<IcfRow>,
}

/// The ICF distance travelled of the cohort started in the period, per category and competence,
/// coach ratings, care partners' and self-ratings apart. Who may ask: as for the barriers.
#[utoipa::path(get, path = "/api/v1/monitoring/icf", tag = "monitoring", params(MonitoringQuery),
    responses(
        (status = 200, body = IcfView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn icf(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiQuery(query): ApiQuery<MonitoringQuery>,
) -> Result<Json<IcfView>, AppError> {
    let r = service::report(&state, &ctx, query.request()?).await?;
    Ok(Json(IcfView {
        scope: scope(&r),
        rows: r.icf,
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TrendsView {
    #[serde(flatten)]
    pub scope: ReportScope,
    /// Each month of the period: people reached by presence actions, trajectories started, and
    /// trajectories whose first step to work (first paid work) fell in the month.
    pub months: Vec<MonthRow>,
    /// Per coach (a region's or everything's report; not for funders): `null` where it does not apply.
    pub per_coach: Option<Vec<UnitRow>>,
    /// Per location (not for a location's or a coach's own report).
    pub per_location: Option<Vec<UnitRow>>,
}

/// Steps to work and reach by month, and the report's figures per coach and per location.
/// Who may ask: as for the barriers.
#[utoipa::path(get, path = "/api/v1/monitoring/trends", tag = "monitoring", params(MonitoringQuery),
    responses(
        (status = 200, body = TrendsView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn trends(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiQuery(query): ApiQuery<MonitoringQuery>,
) -> Result<Json<TrendsView>, AppError> {
    let r = service::report(&state, &ctx, query.request()?).await?;
    Ok(Json(TrendsView {
        scope: scope(&r),
        months: r.months,
        per_coach: r.per_coach,
        per_location: r.per_location,
    }))
}

/// The participants behind one figure of a monitoring report (`figure` barrier, icf,
/// first_step or first_paid; `within` a quarter or month), by name, as far as your caseload
/// reaches; funders see figures only (403). Each list is written to the audit log.
#[utoipa::path(get, path = "/api/v1/monitoring/participants", tag = "monitoring", params(MonitoringPeopleQuery),
    responses(
        (status = 200, body = FigurePeople),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn people(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiQuery(query): ApiQuery<MonitoringPeopleQuery>,
) -> Result<Json<FigurePeople>, AppError> {
    let page = people_page(&state, &ctx, &query).await?;
    let names = crate::service::programmes::step_names(&state, &ctx).await?;
    Ok(Json(FigurePeople::page(page, &names)))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// barriers, icf, trends, coaches or locations
    pub table: Option<String>,
    /// The report's period, scope and health category, as for the report.
    pub from: Option<String>,
    pub to: Option<String>,
    pub organisation_id: Option<String>,
    pub region_id: Option<String>,
    pub programme_id: Option<String>,
    pub location_id: Option<String>,
    pub coach_id: Option<String>,
    pub health_category: Option<String>,
}

impl ExportQuery {
    fn report(&self) -> MonitoringQuery {
        MonitoringQuery {
            from: self.from.clone(),
            to: self.to.clone(),
            organisation_id: self.organisation_id.clone(),
            region_id: self.region_id.clone(),
            programme_id: self.programme_id.clone(),
            location_id: self.location_id.clone(),
            coach_id: self.coach_id.clone(),
            health_category: self.health_category.clone(),
        }
    }
}

async fn export_table(state: &AppState, ctx: &Ctx, query: &ExportQuery) -> Result<(String, table::Table), AppError> {
    let which = query
        .table
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .unwrap_or("barriers")
        .to_owned();
    if !TABLES.contains(&which.as_str()) {
        return Err(AppError::invalid_choice("table", TABLES));
    }
    let r = service::report(state, ctx, query.report().request()?).await?;
    let mut conn = state.db.conn().await?;
    let names = Names::load(&mut conn, ctx.language).await?;
    let t = report_table(&r, &which, &names, ctx.language).ok_or(AppError::invalid("table", "not-in-report"))?;
    Ok((which, t))
}

/// One table of a monitoring report as CSV for Belgian Excel (`;`, UTF-8 with BOM, the reader's
/// decimal mark), headings in your language; hidden small cells read as such.
#[utoipa::path(get, path = "/api/v1/exports/monitoring.csv", tag = "monitoring", params(ExportQuery),
    responses(
        (status = 200, description = "CSV, `;`-separated, UTF-8 with BOM", content_type = "text/csv"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn export_csv(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiQuery(query): ApiQuery<ExportQuery>,
) -> Result<Response, AppError> {
    let (which, t) = export_table(&state, &ctx, &query).await?;
    Ok(download(
        table::write_csv(&t, ctx.language),
        "text/csv; charset=utf-8",
        &format!("onramp-monitoring-{which}.csv"),
    ))
}

/// One table of a monitoring report as an XLSX workbook, the figures as numbers.
#[utoipa::path(get, path = "/api/v1/exports/monitoring.xlsx", tag = "monitoring", params(ExportQuery),
    responses(
        (status = 200, description = "XLSX workbook", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn export_xlsx(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiQuery(query): ApiQuery<ExportQuery>,
) -> Result<Response, AppError> {
    let (which, t) = export_table(&state, &ctx, &query).await?;
    let bytes = table::write_xlsx(&t, ctx.language, &which).map_err(AppError::internal)?;
    Ok(download(bytes, XLSX, &format!("onramp-monitoring-{which}.xlsx")))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RecommendationView {
    pub id: Uuid,
    /// The report's period and scope it is kept with.
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub organisation_id: Option<Uuid>,
    pub region_id: Option<Uuid>,
    pub programme_id: Option<Uuid>,
    /// The current version (1 for a new one); pass it back to edit.
    pub version: i32,
    pub barrier_code: Option<String>,
    pub body: String,
    pub written_by: Uuid,
    pub written_by_name: String,
    pub written_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
}

impl From<onramp_store::monitoring::recommendations::Recommendation> for RecommendationView {
    fn from(r: onramp_store::monitoring::recommendations::Recommendation) -> Self {
        RecommendationView {
            id: r.id,
            from: r.from_on,
            to: r.to_on,
            organisation_id: r.organisation_id,
            region_id: r.region_id,
            programme_id: r.programme_id,
            version: r.version,
            barrier_code: r.barrier_code,
            body: r.body,
            written_by: r.written_by,
            written_by_name: r.written_by_name,
            written_at: r.written_at,
            created_at: r.created_at,
        }
    }
}

/// The recommendations kept with the report's scope and a period within its own, oldest first.
/// Who may read them: whoever may see the report.
#[utoipa::path(get, path = "/api/v1/monitoring/recommendations", tag = "monitoring", params(MonitoringQuery),
    responses(
        (status = 200, body = Vec<RecommendationView>),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn recommendations(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiQuery(query): ApiQuery<MonitoringQuery>,
) -> Result<Json<Vec<RecommendationView>>, AppError> {
    let kept = service::kept_with(&state, &ctx, query.request()?).await?;
    Ok(Json(kept.into_iter().map(Into::into).collect()))
}

/// Writes a recommendation beside a report (a region, a programme or everything, for whole
/// months): administrators, and coordinators for their region. Audited.
#[utoipa::path(post, path = "/api/v1/monitoring/recommendations", tag = "monitoring", request_body = NewRecommendation,
    responses(
        (status = 201, body = RecommendationView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn add_recommendation(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiJson(body): ApiJson<NewRecommendation>,
) -> Result<(StatusCode, Json<RecommendationView>), AppError> {
    let request = body.request()?;
    let code = body.barrier_code.clone().unwrap_or_default();
    let added = service::add_recommendation(&state, &ctx, request, &body.body, &code).await?;
    Ok((StatusCode::CREATED, Json(added.into())))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct VersionView {
    pub version: i32,
    pub barrier_code: Option<String>,
    pub body: String,
    pub written_by: Uuid,
    pub written_by_name: String,
    pub written_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RecommendationHistory {
    pub recommendation: RecommendationView,
    /// Every version, oldest first.
    pub versions: Vec<VersionView>,
}

/// A recommendation with every version (who wrote what, when).
#[utoipa::path(get, path = "/api/v1/monitoring/recommendations/{id}", tag = "monitoring",
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = RecommendationHistory),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn recommendation(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<RecommendationHistory>, AppError> {
    let (r, versions) = service::recommendation(&state, &ctx, id).await?;
    Ok(Json(RecommendationHistory {
        recommendation: r.into(),
        versions: versions
            .into_iter()
            .map(|v| VersionView {
                version: v.version,
                barrier_code: v.barrier_code,
                body: v.body,
                written_by: v.written_by,
                written_by_name: v.written_by_name,
                written_at: v.written_at,
            })
            .collect(),
    }))
}

/// Writes a new version of a recommendation. `version` must be the current one: when someone
/// changed it meanwhile, 422 (`version`: `edited-meanwhile`) and nothing is written.
#[utoipa::path(put, path = "/api/v1/monitoring/recommendations/{id}", tag = "monitoring",
    request_body = EditedRecommendation, params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = RecommendationView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn edit_recommendation(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<EditedRecommendation>,
) -> Result<Json<RecommendationView>, AppError> {
    let code = body.barrier_code.clone().unwrap_or_default();
    let after = service::edit_recommendation(&state, &ctx, id, body.version, &body.body, &code).await?;
    Ok(Json(after.into()))
}
