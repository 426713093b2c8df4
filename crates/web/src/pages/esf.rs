//! ESF operations and their ESF+ indicator report: the page, the CSV and XLSX downloads (one row
//! per indicator code), and the list of participants to complete.

use super::form::{Form, FormData};
use super::layout::{Page, PageError, PageResult, path_id, render, see_other};
use super::options::{Options, organisation_options, programme_list};
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
use uuid::Uuid;

#[derive(Template)]
#[template(path = "esf_operations.html")]
struct OperationsTemplate {
    p: Page,
    operations: Vec<Operation>,
    choices: Choices,
    form: Form,
    can_manage: bool,
}

/// What an operation may cover: the programmes, and the partners whose trajectories count.
struct Choices {
    programmes: Options,
    partners: Options,
}

async fn choices(state: &AppState, ctx: &Ctx) -> Result<Choices, PageError> {
    let programmes = programme_list(state, ctx)
        .await?
        .into_iter()
        .map(|g| (g.id.to_string(), g.definition.name))
        .collect();
    Ok(Choices {
        programmes,
        partners: organisation_options(state, ctx).await?,
    })
}

fn status_of(form: &Form) -> StatusCode {
    if form.has_errors() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    }
}

async fn list_page(state: &AppState, ctx: &Ctx, form: Form) -> PageResult {
    let operations = service::list(state, ctx).await?;
    let can_manage = decide(&ctx.actor, Action::ManageEsfOperations) == Decision::Allow;
    let choices = if can_manage {
        choices(state, ctx).await?
    } else {
        Choices {
            programmes: Vec::new(),
            partners: Vec::new(),
        }
    };
    let template = OperationsTemplate {
        p: Page::new(ctx, "esf-operations-title", "esf"),
        operations,
        choices,
        can_manage,
        form,
    };
    Ok((status_of(&template.form), render(&template)).into_response())
}

pub async fn list(State(state): State<AppState>, PageCtx(ctx): PageCtx) -> PageResult {
    list_page(&state, &ctx, Form::default()).await
}

fn fields_of(data: &FormData) -> OperationFields {
    OperationFields {
        number: data.get("number").into(),
        title: data.get("title").into(),
        starts_on: data.get("starts_on").into(),
        ends_on: data.get("ends_on").into(),
        programme_ids: data.all("programme_ids"),
        partner_ids: data.all("partner_ids"),
        last_payment_on: data.get("last_payment_on").into(),
    }
}

pub async fn create(State(state): State<AppState>, PageCtx(ctx): PageCtx, data: FormData) -> PageResult {
    crate::service::require(&ctx.actor, Action::ManageEsfOperations)?;
    let result = match OperationInput::parse(&fields_of(&data)) {
        Ok(input) => service::create(&state, &ctx, input).await,
        Err(errors) => Err(AppError::Invalid(errors)),
    };
    match result {
        Ok(operation) => Ok(see_other(&format!("/esf/{}", operation.id), "saved")),
        Err(AppError::Invalid(errors)) => list_page(&state, &ctx, Form::failed(&data, &errors, ctx.language)).await,
        Err(error) => Err(error.into()),
    }
}

#[derive(Template)]
#[template(path = "esf_operation_edit.html")]
struct EditTemplate {
    p: Page,
    operation: Operation,
    choices: Choices,
    form: Form,
}

async fn edit_page(state: &AppState, ctx: &Ctx, id: Uuid, form: Option<Form>) -> PageResult {
    crate::service::require(&ctx.actor, Action::ManageEsfOperations)?;
    let operation = service::get(state, ctx, id).await?;
    let d = &operation.definition;
    let form = form.unwrap_or_else(|| {
        let mut values = vec![
            ("number".to_owned(), d.number.clone()),
            ("title".to_owned(), d.title.clone()),
            ("starts_on".to_owned(), d.starts_on.to_string()),
            ("ends_on".to_owned(), d.ends_on.to_string()),
            (
                "last_payment_on".to_owned(),
                d.last_payment_on.map(|d| d.to_string()).unwrap_or_default(),
            ),
        ];
        values.extend(
            d.programme_ids
                .iter()
                .map(|g| ("programme_ids".to_owned(), g.to_string())),
        );
        values.extend(d.partner_ids.iter().map(|o| ("partner_ids".to_owned(), o.to_string())));
        Form::with_values(values)
    });
    let template = EditTemplate {
        p: Page::new(ctx, "esf-operation-edit", "esf"),
        choices: choices(state, ctx).await?,
        operation,
        form,
    };
    Ok((status_of(&template.form), render(&template)).into_response())
}

pub async fn edit(State(state): State<AppState>, PageCtx(ctx): PageCtx, Path(id): Path<String>) -> PageResult {
    edit_page(&state, &ctx, path_id(&id)?, None).await
}

pub async fn update(
    State(state): State<AppState>,
    PageCtx(ctx): PageCtx,
    Path(id): Path<String>,
    data: FormData,
) -> PageResult {
    let id = path_id(&id)?;
    crate::service::require(&ctx.actor, Action::ManageEsfOperations)?;
    let result = match OperationInput::parse(&fields_of(&data)) {
        Ok(input) => service::update(&state, &ctx, id, input).await,
        Err(errors) => Err(AppError::Invalid(errors)),
    };
    match result {
        Ok(operation) => Ok(see_other(&format!("/esf/{}", operation.id), "saved")),
        Err(AppError::Invalid(errors)) => {
            let form = Form::failed(&data, &errors, ctx.language);
            edit_page(&state, &ctx, id, Some(form)).await
        }
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
    can_manage: bool,
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
        can_manage: decide(&ctx.actor, Action::ManageEsfOperations) == Decision::Allow,
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
