//! The cost-benefit's programme, period and scope, for the page, the downloads and the API.

use crate::download::{CSV, XLSX, download};
use crate::error::AppError;
use crate::exchange::tables;
use crate::identity::Ctx;
use crate::requests::dashboard::{DashboardQuery, next_cursor, page_of};
use crate::service::cost_benefit::Request;
use crate::service::cost_benefit_records as records;
use crate::service::cost_benefit_tables::TABLES;
use crate::state::AppState;
use axum::response::Response;
use onramp_store::dashboard::Person;
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

/// The cost-benefit's scope and period, and which figure's people to list.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct PeopleQuery {
    /// started (the cohort), took_step, paid_work or in_work (with `value`).
    pub figure: Option<String>,
    /// For `in_work`: the check-in's months after exit, 6, 12, 18 or 24.
    pub value: Option<String>,
    /// The programme, period and scope, as for the cost-benefit.
    pub programme_id: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub organisation_id: Option<String>,
    pub region_id: Option<String>,
    /// The `next` value of the previous page.
    pub after: Option<String>,
    /// 1 to 500; 100 by default.
    pub limit: Option<i64>,
}

impl PeopleQuery {
    /// The cost-benefit's own part of the query.
    pub fn scope(&self) -> CostBenefitQuery {
        CostBenefitQuery {
            programme_id: self.programme_id.clone(),
            from: self.from.clone(),
            to: self.to.clone(),
            organisation_id: self.organisation_id.clone(),
            region_id: self.region_id.clone(),
        }
    }
}

/// Reads one page of the people behind a figure, and the cursor of the next.
pub async fn people_page(
    state: &AppState,
    ctx: &Ctx,
    query: &PeopleQuery,
) -> Result<(Vec<Person>, Option<String>), AppError> {
    let request = query.scope().request()?;
    let figure = records::parse_figure(
        query.figure.as_deref().unwrap_or(""),
        query.value.as_deref().unwrap_or(""),
    )?;
    let (after, limit) = page_of(query.after.as_deref(), query.limit)?;
    let mut rows = records::people(state, ctx, request, &figure, after, limit + 1).await?;
    let next = next_cursor(&mut rows, limit);
    Ok((rows, next))
}

/// The cost-benefit's scope and period, for the CSV which of its tables, for the PDF its language.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct DownloadQuery {
    /// For the CSV: results (the default), years, scenarios, tornado or assumptions; the XLSX
    /// holds them all, a sheet each.
    pub table: Option<String>,
    /// For the funding case PDF: nl, fr or en; your own language when absent.
    pub lang: Option<String>,
    /// The programme, period and scope, as for the cost-benefit.
    pub programme_id: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub organisation_id: Option<String>,
    pub region_id: Option<String>,
}

impl DownloadQuery {
    pub fn scope(&self) -> CostBenefitQuery {
        CostBenefitQuery {
            programme_id: self.programme_id.clone(),
            from: self.from.clone(),
            to: self.to.clone(),
            organisation_id: self.organisation_id.clone(),
            region_id: self.region_id.clone(),
        }
    }

    async fn tables(&self, state: &AppState, ctx: &Ctx) -> Result<Vec<tables::Table>, AppError> {
        let report = crate::service::cost_benefit::report(state, ctx, self.scope().request()?).await?;
        Ok(crate::service::cost_benefit_tables::tables(&report, ctx.language))
    }
}

/// One table of the cost-benefit as CSV for Belgian Excel (the page's and the API's download).
pub async fn csv_download(state: &AppState, ctx: &Ctx, query: &DownloadQuery) -> Result<Response, AppError> {
    let name = query.table.as_deref().filter(|t| !t.is_empty()).unwrap_or("results");
    if !TABLES.contains(&name) {
        return Err(AppError::invalid_choice("table", TABLES));
    }
    let all = query.tables(state, ctx).await?;
    let table = all.iter().find(|t| t.name == name).ok_or(AppError::NotFound)?;
    let file = format!("onramp-cost-benefit-{name}.csv");
    Ok(download(tables::write_csv(table, ctx.language), CSV, &file))
}

/// Every table of the cost-benefit as an XLSX workbook, a sheet each.
pub async fn xlsx_download(state: &AppState, ctx: &Ctx, query: &DownloadQuery) -> Result<Response, AppError> {
    let all = query.tables(state, ctx).await?;
    let bytes = tables::write_xlsx(&all, ctx.language).map_err(AppError::internal)?;
    Ok(download(bytes, XLSX, "onramp-cost-benefit.xlsx"))
}

/// The printed funding case (the page's and the API's download).
pub async fn pdf_download(state: &AppState, ctx: &Ctx, query: &DownloadQuery) -> Result<Response, AppError> {
    let request = query.scope().request()?;
    crate::service::funding_case::pdf(state, ctx, request, query.lang.as_deref().unwrap_or("")).await
}
