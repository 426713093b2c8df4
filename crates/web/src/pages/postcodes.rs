//! The reference table of postcodes and their degree of urbanisation (administrators): what it
//! lists, the participants' postcodes it lacks, and a CSV upload that replaces it.

use super::layout::{Page, PageResult, render};
use crate::error::AppError;
use crate::identity::{Ctx, PageCtx};
use crate::service::postcodes as service;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use onramp_store::esf::PostcodeTable;

#[derive(Template)]
#[template(path = "esf_postcodes.html")]
struct PostcodesTemplate {
    p: Page,
    table: PostcodeTable,
    /// After an upload: the table was replaced.
    replaced: bool,
    /// After a refused upload: each error as "where: what".
    errors: Vec<String>,
}

/// The page with `table` as it stands (read here unless the upload just returned it).
async fn page(
    state: &AppState,
    ctx: &Ctx,
    table: Option<PostcodeTable>,
    replaced: bool,
    errors: Vec<String>,
) -> PageResult {
    let table = match table {
        Some(table) => table,
        None => service::table(state, ctx).await?,
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let template = PostcodesTemplate {
        p: Page::new(ctx, "postcodes-title", "esf"),
        table,
        replaced,
        errors,
    };
    Ok((status, render(&template)).into_response())
}

pub async fn show(State(state): State<AppState>, PageCtx(ctx): PageCtx) -> PageResult {
    page(&state, &ctx, None, false, Vec::new()).await
}

pub async fn upload(State(state): State<AppState>, PageCtx(ctx): PageCtx, mut multipart: Multipart) -> PageResult {
    let mut file = Vec::new();
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|_| AppError::BadRequest("malformed-body"))?
    {
        if field.name() == Some("file") {
            file = field
                .bytes()
                .await
                .map_err(|_| AppError::BadRequest("malformed-body"))?
                .to_vec();
        }
    }
    match service::replace(&state, &ctx, &file).await {
        Ok(table) => page(&state, &ctx, Some(table), true, Vec::new()).await,
        Err(AppError::Invalid(errors)) => {
            let lang = ctx.language;
            let lines = errors
                .0
                .iter()
                .map(|e| format!("{}: {}", place(&ctx, &e.field), crate::i18n::field_error_text(lang, e)))
                .collect();
            page(&state, &ctx, None, false, lines).await
        }
        Err(error) => Err(error.into()),
    }
}

/// Where an error is, in words: "Row 3, degurba", "Column postcode", "File".
fn place(ctx: &Ctx, field: &str) -> String {
    let t = |key: &str, name: &'static str, value: &str| crate::i18n::text_with(ctx.language, key, &[(name, value)]);
    match field.split('.').collect::<Vec<_>>().as_slice() {
        ["rows", n, column] => format!("{}, {column}", t("postcodes-row", "row", n)),
        ["columns", column] => t("postcodes-column", "column", column),
        _ => crate::i18n::text(ctx.language, "postcodes-file"),
    }
}
