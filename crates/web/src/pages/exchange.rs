//! The import page (with a dry run) and the export downloads.

use super::layout::{Page, PageResult, render};
use crate::download::{XLSX, download, stream_export_csv};
use crate::error::AppError;
use crate::exchange::import_report::ImportReport;
use crate::exchange::{Kind, read_uploads, write_xlsx};
use crate::identity::{Ctx, PageCtx};
use crate::service::exchange as service;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;

#[derive(Template)]
#[template(path = "import.html")]
struct ImportTemplate {
    p: Page,
    /// Each kind of file with its columns.
    kinds: Vec<(&'static str, &'static [&'static str])>,
    /// The kind the last upload was sent as.
    kind: &'static str,
    report: Option<ImportReport>,
    dry_run: bool,
    /// A problem with the file as a whole.
    file_error: Option<String>,
}

fn page(ctx: &Ctx, kind: Kind, report: Option<ImportReport>, dry_run: bool, file_error: Option<String>) -> PageResult {
    let failed = file_error.is_some() || report.as_ref().is_some_and(|r| !r.errors.is_empty());
    let status = if failed {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let template = ImportTemplate {
        p: Page::new(ctx, "import-title", "caseload"),
        kinds: Kind::ALL.iter().map(|k| (k.as_str(), k.columns())).collect(),
        kind: kind.as_str(),
        report,
        dry_run,
        file_error,
    };
    Ok((status, render(&template)).into_response())
}

pub async fn show(PageCtx(ctx): PageCtx) -> PageResult {
    service::may_import(&ctx)?;
    page(&ctx, Kind::Participants, None, true, None)
}

pub async fn upload(State(state): State<AppState>, PageCtx(ctx): PageCtx, mut multipart: Multipart) -> PageResult {
    let lang = ctx.language;
    service::may_import(&ctx)?;
    let mut file: Option<(String, axum::body::Bytes)> = None;
    let mut dry_run = false;
    let mut kind = Kind::Participants;
    while let Some(field) = multipart.next_field().await.map_err(unreadable)? {
        match field.name() {
            Some("file") => {
                let content_type = field.content_type().unwrap_or("").to_owned();
                let bytes = field.bytes().await.map_err(unreadable)?;
                file = Some((content_type, bytes));
            }
            Some("dry_run") => dry_run = true,
            Some("kind") => {
                let value = field.text().await.map_err(unreadable)?;
                kind = Kind::parse(&value).ok_or(AppError::BadRequest("malformed-body"))?;
            }
            _ => {}
        }
    }
    let Some((content_type, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return page(
            &ctx,
            kind,
            None,
            dry_run,
            Some(crate::i18n::error_text(lang, "empty-file")),
        );
    };
    let uploads = match read_uploads(&content_type, bytes, kind).await {
        Ok(uploads) => uploads,
        Err(AppError::Invalid(errors)) => {
            let code = errors.0.first().map(|e| e.code).unwrap_or("unreadable-file");
            return page(&ctx, kind, None, dry_run, Some(crate::i18n::error_text(lang, code)));
        }
        Err(error) => return Err(error.into()),
    };
    let report = match service::import(&state, &ctx, uploads, dry_run).await {
        Ok(report) => report,
        // The file turned out unreadable part-way.
        Err(AppError::Invalid(errors)) => {
            let code = errors.0.first().map(|e| e.code).unwrap_or("unreadable-file");
            return page(&ctx, kind, None, dry_run, Some(crate::i18n::error_text(lang, code)));
        }
        Err(error) => return Err(error.into()),
    };
    page(&ctx, kind, Some(report), dry_run, None)
}

/// An export as CSV: `/export/{kind}.csv`.
pub async fn export_csv(State(state): State<AppState>, PageCtx(ctx): PageCtx, Path(file): Path<String>) -> PageResult {
    let kind = file
        .strip_suffix(".csv")
        .and_then(Kind::parse)
        .ok_or(AppError::NotFound)?;
    Ok(stream_export_csv(state, ctx, kind).await?)
}

/// Every kind in one workbook, a sheet each.
pub async fn export_xlsx(State(state): State<AppState>, PageCtx(ctx): PageCtx) -> PageResult {
    let sheets = service::export_workbook(&state, &ctx).await?;
    let bytes = write_xlsx(&sheets).map_err(AppError::internal)?;
    Ok(download(bytes, XLSX, "onramp-participants.xlsx"))
}

/// A form that cannot be read: too large (413, naming the limit), or malformed.
fn unreadable(error: axum::extract::multipart::MultipartError) -> AppError {
    match error.status() {
        StatusCode::PAYLOAD_TOO_LARGE => AppError::TooLarge,
        _ => AppError::BadRequest("malformed-body"),
    }
}
