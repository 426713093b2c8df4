//! The participants and hours behind the cost-benefit's figures, and its tables as downloads
//! (docs/cost-benefit.md).

use super::dashboard::FigurePeople;
use super::extract::ApiQuery;
use crate::error::{AppError, Problem};
use crate::identity::Ctx;
use crate::requests::cost_benefit::{
    CostBenefitQuery, DownloadQuery, PeopleQuery, csv_download, pdf_download, people_page, xlsx_download,
};
use crate::service::cost_benefit_records as service;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::response::Response;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

/// The participants behind one figure of the cost-benefit (the cohort, steps, paid work, in
/// work at a check-in), by name, as far as your caseload reaches; funders see figures only (403).
/// Each list is written to the audit log.
#[utoipa::path(get, path = "/api/v1/cost-benefit/participants", tag = "outcomes", params(PeopleQuery),
    responses(
        (status = 200, body = FigurePeople),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn people(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiQuery(query): ApiQuery<PeopleQuery>,
) -> Result<Json<FigurePeople>, AppError> {
    let page = people_page(&state, &ctx, &query).await?;
    let names = crate::service::programmes::step_names(&state, &ctx).await?;
    Ok(Json(FigurePeople::page(page, &names)))
}

/// One partner's coach hours behind the costs.
#[derive(Debug, Serialize, ToSchema)]
pub struct PartnerHoursView {
    pub organisation_id: Uuid,
    pub organisation_name: String,
    /// Two decimals: `programme_hours` plus `shared_hours`.
    pub hours: f64,
    /// Hours of records tied to the programme (contacts of its trajectories, its group sessions).
    pub programme_hours: f64,
    /// The programme's share of the partner's hours serving all its programmes (presence actions,
    /// consultations, hours registered by hand), in proportion to its tied hours.
    pub shared_hours: f64,
    /// The hourly cost the model valued them at, in cents.
    pub hourly_cost: i64,
    /// round(minutes × hourly cost / 60), in cents.
    pub staff_cost: i64,
    /// The partner's hours pages (the records), one per calendar year of the period.
    pub hours_links: Vec<String>,
}

/// The coach hours per partner behind the cost-benefit's costs, with the hourly cost each was
/// valued at; funders see figures only (403).
#[utoipa::path(get, path = "/api/v1/cost-benefit/hours", tag = "outcomes", params(CostBenefitQuery),
    responses(
        (status = 200, body = Vec<PartnerHoursView>),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn hours(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiQuery(query): ApiQuery<CostBenefitQuery>,
) -> Result<Json<Vec<PartnerHoursView>>, AppError> {
    let rows = service::hours(&state, &ctx, query.request()?).await?;
    Ok(Json(
        rows.into_iter()
            .map(|r| PartnerHoursView {
                organisation_id: r.organisation_id,
                organisation_name: r.organisation_name,
                hours: r.hours as f64 / 100.0,
                programme_hours: r.programme_hours as f64 / 100.0,
                shared_hours: r.shared_hours as f64 / 100.0,
                hourly_cost: r.hourly_cost,
                staff_cost: r.staff_cost,
                hours_links: r.links.into_iter().map(|(_, link)| link).collect(),
            })
            .collect(),
    ))
}

/// One table of the cost-benefit as CSV for Belgian Excel (`;`, UTF-8 with BOM, decimal comma
/// in Dutch and French): results, years, scenarios, tornado or assumptions (with the sources).
/// Withheld figures read as hidden for funders.
#[utoipa::path(get, path = "/api/v1/exports/cost-benefit.csv", tag = "outcomes", params(DownloadQuery),
    responses(
        (status = 200, description = "CSV, `;`-separated, UTF-8 with BOM", content_type = "text/csv"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn export_csv(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiQuery(query): ApiQuery<DownloadQuery>,
) -> Result<Response, AppError> {
    csv_download(&state, &ctx, &query).await
}

/// Every table of the cost-benefit as an XLSX workbook, a sheet each (results, years,
/// scenarios, tornado, assumptions), amounts as numbers in euros.
#[utoipa::path(get, path = "/api/v1/exports/cost-benefit.xlsx", tag = "outcomes", params(DownloadQuery),
    responses(
        (status = 200, description = "XLSX workbook", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn export_xlsx(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiQuery(query): ApiQuery<DownloadQuery>,
) -> Result<Response, AppError> {
    xlsx_download(&state, &ctx, &query).await
}

/// The funding case as a PDF (tagged, A4) for a payer or a minister: the programme, its reach and
/// results, the cost-benefit with its assumptions and sources, the sensitivity as a chart and a
/// table, the three scenarios and what the figures cannot claim; in `lang` (nl, fr, en). Funders
/// get a small cohort's money withheld, as on the page.
#[utoipa::path(get, path = "/api/v1/cost-benefit/funding-case.pdf", tag = "outcomes", params(DownloadQuery),
    responses(
        (status = 200, description = "The PDF (tagged, A4)", content_type = "application/pdf"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "An invalid scope, period or language", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn funding_case(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiQuery(query): ApiQuery<DownloadQuery>,
) -> Result<Response, AppError> {
    pdf_download(&state, &ctx, &query).await
}
