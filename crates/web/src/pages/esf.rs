//! ESF operations and their ESF+ indicator report: the page, the CSV and XLSX downloads (one row
//! per indicator code), and the list of participants to complete.

use super::form::{Form, FormData};
use super::layout::{Page, PageResult, path_id, render, see_other};
use super::options::{Options, programme_list};
use crate::download::download;
use crate::error::AppError;
use crate::exchange::esf_sheet::{self, IndicatorRow};
use crate::identity::{Ctx, PageCtx};
use crate::requests::esf::{PdfQuery, PeriodQuery};
use crate::service::esf::{self as service, Indicators, Listed};
use crate::service::esf_pdf;
use crate::state::AppState;
use crate::time::today;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use onramp_domain::esf_indicators::{COLUMNS, OperationFields, OperationInput, codes};
use onramp_domain::policy::{Action, Decision, decide};
use onramp_store::esf::Operation;

#[derive(Template)]
#[template(path = "esf_operations.html")]
struct OperationsTemplate {
    p: Page,
    operations: Vec<Operation>,
    programmes: Options,
    form: Form,
    can_manage: bool,
}

async fn list_page(state: &AppState, ctx: &Ctx, form: Form) -> PageResult {
    let operations = service::list(state, ctx).await?;
    let can_manage = decide(&ctx.actor, Action::ManageEsfOperations) == Decision::Allow;
    let programmes = if can_manage {
        programme_list(state, ctx)
            .await?
            .into_iter()
            .map(|g| (g.id.to_string(), g.definition.name))
            .collect()
    } else {
        Vec::new()
    };
    let status = if form.has_errors() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let template = OperationsTemplate {
        p: Page::new(ctx, "esf-operations-title", "esf"),
        operations,
        programmes,
        form,
        can_manage,
    };
    Ok((status, render(&template)).into_response())
}

pub async fn list(State(state): State<AppState>, PageCtx(ctx): PageCtx) -> PageResult {
    list_page(&state, &ctx, Form::default()).await
}

pub async fn create(State(state): State<AppState>, PageCtx(ctx): PageCtx, data: FormData) -> PageResult {
    crate::service::require(&ctx.actor, Action::ManageEsfOperations)?;
    let fields = OperationFields {
        number: data.get("number").into(),
        title: data.get("title").into(),
        starts_on: data.get("starts_on").into(),
        ends_on: data.get("ends_on").into(),
        programme_ids: data.all("programme_ids"),
        partner_ids: Vec::new(),
    };
    let result = match OperationInput::parse(&fields) {
        Ok(input) => service::create(&state, &ctx, input).await,
        Err(errors) => Err(AppError::Invalid(errors)),
    };
    match result {
        Ok(operation) => Ok(see_other(&format!("/esf/{}", operation.id), "saved")),
        Err(AppError::Invalid(errors)) => list_page(&state, &ctx, Form::failed(&data, &errors, ctx.language)).await,
        Err(error) => Err(error.into()),
    }
}

/// A row of the report table: code, name, the four cells (`None`: hidden).
pub struct Line {
    pub code: String,
    pub name: String,
    pub cells: Vec<Option<i64>>,
}

fn lines(p: &Page, i: &Indicators) -> Vec<Line> {
    codes()
        .chain(["not_reached"])
        .map(|code| Line {
            code: code.to_owned(),
            name: p.t(&format!("esf-{code}")),
            cells: COLUMNS.iter().map(|column| i.cell(code, column)).collect(),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "esf_report.html")]
struct ReportTemplate {
    p: Page,
    i: Indicators,
    lines: Vec<Line>,
    issues: Vec<String>,
    period: String,
    years: Vec<i32>,
}

pub async fn report(
    State(state): State<AppState>,
    PageCtx(ctx): PageCtx,
    Path(id): Path<String>,
    Query(query): Query<PeriodQuery>,
) -> PageResult {
    let id = path_id(&id)?;
    let period = query.period()?;
    let i = service::indicators(&state, &ctx, id, period, today()).await?;
    let p = Page::new(&ctx, "esf-report-title", "esf");
    let template = ReportTemplate {
        lines: lines(&p, &i),
        issues: i
            .issues
            .iter()
            .map(|issue| esf_pdf::issue_text(p.lang, issue))
            .collect(),
        period: period.as_string(),
        years: i.operation.definition.years(),
        i,
        p,
    };
    Ok(render(&template).into_response())
}

fn sheet_rows(ctx: &Ctx, i: &Indicators) -> Vec<IndicatorRow> {
    codes()
        .chain(["not_reached"])
        .map(|code| IndicatorRow {
            code: code.to_owned(),
            name: crate::i18n::text(ctx.language, &format!("esf-{code}")),
            cells: COLUMNS.map(|column| i.cell(code, column)),
        })
        .collect()
}

pub async fn export_csv(
    State(state): State<AppState>,
    PageCtx(ctx): PageCtx,
    Path(id): Path<String>,
    Query(query): Query<PeriodQuery>,
) -> PageResult {
    let id = path_id(&id)?;
    let period = query.period()?;
    let i = service::indicators(&state, &ctx, id, period, today()).await?;
    let bytes = esf_sheet::write_csv(&sheet_rows(&ctx, &i), ctx.language);
    Ok(download(
        bytes,
        "text/csv; charset=utf-8",
        &service::file_name(&i, "csv"),
    ))
}

pub async fn export_xlsx(
    State(state): State<AppState>,
    PageCtx(ctx): PageCtx,
    Path(id): Path<String>,
    Query(query): Query<PeriodQuery>,
) -> PageResult {
    let id = path_id(&id)?;
    let period = query.period()?;
    let i = service::indicators(&state, &ctx, id, period, today()).await?;
    let bytes = esf_sheet::write_xlsx(&sheet_rows(&ctx, &i), ctx.language).map_err(AppError::internal)?;
    Ok(download(bytes, crate::download::XLSX, &service::file_name(&i, "xlsx")))
}

#[derive(Template)]
#[template(path = "esf_missing.html")]
struct MissingTemplate {
    p: Page,
    operation: Operation,
    listed: Vec<Listed>,
    others: usize,
    period: String,
}

pub async fn missing(
    State(state): State<AppState>,
    PageCtx(ctx): PageCtx,
    Path(id): Path<String>,
    Query(query): Query<PeriodQuery>,
) -> PageResult {
    let id = path_id(&id)?;
    let period = query.period()?;
    let operation = service::get(&state, &ctx, id).await?;
    let (listed, others) = service::standings(&state, &ctx, id, period, today()).await?;
    let template = MissingTemplate {
        p: Page::new(&ctx, "esf-missing-title", "esf"),
        operation,
        listed,
        others,
        period: period.as_string(),
    };
    Ok(render(&template).into_response())
}

pub async fn export_pdf(
    State(state): State<AppState>,
    PageCtx(ctx): PageCtx,
    Path(id): Path<String>,
    Query(query): Query<PdfQuery>,
) -> PageResult {
    let id = path_id(&id)?;
    let period = query.period()?;
    Ok(esf_pdf::pdf(&state, &ctx, id, period, query.lang()).await?)
}
