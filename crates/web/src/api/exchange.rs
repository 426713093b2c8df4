use super::ApiQuery;
use crate::AppState;
use crate::error::{AppError, Problem};
use crate::exchange::{ReadError, Table, csv_header, csv_rows, read_csv, read_xlsx, write_xlsx};
use crate::identity::Ctx;
use crate::service::exchange::{self as service, ImportReport};
use axum::Json;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use utoipa::IntoParams;

pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct ImportQuery {
    /// Check every row and report, writing nothing.
    pub dry_run: Option<bool>,
}

/// Reads an uploaded spreadsheet by its content type (or its first bytes: XLSX is a zip).
pub fn read_upload(content_type: &str, bytes: &[u8]) -> Result<Table, AppError> {
    let xlsx = content_type.starts_with(XLSX) || bytes.starts_with(b"PK\x03\x04");
    let table = if xlsx { read_xlsx(bytes) } else { read_csv(bytes) };
    table.map_err(|e| match e {
        ReadError::Empty => AppError::invalid("file", "empty-file"),
        ReadError::Unreadable => AppError::invalid("file", "unreadable-file"),
    })
}

/// Imports participants and trajectories from CSV (`text/csv`) or XLSX. With `dry_run`
/// every row is checked and reported and nothing is written; otherwise all rows are
/// written, or none when any row is bad (422 with the report).
#[utoipa::path(post, path = "/api/v1/imports/participants", tag = "participants", params(ImportQuery),
    request_body(content = String, description = "The file, in the exchange format (docs/import.md)", content_type = "text/csv"),
    responses(
        (status = 200, description = "Dry run: the report", body = ImportReport),
        (status = 201, description = "Written", body = ImportReport),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad rows (nothing written) or an unreadable file", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn import(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiQuery(query): ApiQuery<ImportQuery>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let table = read_upload(content_type, &body)?;
    let dry_run = query.dry_run.unwrap_or(false);
    let report = service::import(&state, &ctx, &table, dry_run).await?;
    if dry_run {
        Ok((StatusCode::OK, Json(report)).into_response())
    } else if report.committed {
        Ok((StatusCode::CREATED, Json(report)).into_response())
    } else {
        Err(AppError::ImportFailed(Box::new(report)))
    }
}

/// A spreadsheet response with a file name.
pub fn download(bytes: impl Into<Body>, content_type: &str, filename: &str) -> Response {
    let disposition = format!("attachment; filename=\"{filename}\"");
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes.into(),
    )
        .into_response()
}

/// Exports every trajectory you may see in the exchange format, as CSV for Belgian Excel.
#[utoipa::path(get, path = "/api/v1/exports/participants.csv", tag = "participants",
    responses((status = 200, description = "CSV, `;`-separated, UTF-8 with BOM", content_type = "text/csv"), (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn export_csv(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    stream_export_csv(state, ctx).await
}

/// The participants export as CSV, streamed a page at a time: a region's caseload at national size
/// would be a few hundred megabytes if built whole. The first page is read before the response
/// starts, so a refusal or a failing database still gets its status; a failure later can only cut
/// the download short, and is logged.
pub async fn stream_export_csv(state: AppState, ctx: Ctx) -> Result<Response, AppError> {
    let mut export = service::Export::start(&state, &ctx).await?;
    let mut first = csv_header();
    first.extend(csv_rows(&export.next_page(&state, &ctx).await?.unwrap_or_default()));
    let rest = futures_util::stream::try_unfold((state, ctx, export), |(state, ctx, mut export)| async move {
        match export.next_page(&state, &ctx).await {
            Ok(Some(rows)) => Ok(Some((Bytes::from(csv_rows(&rows)), (state, ctx, export)))),
            Ok(None) => Ok(None),
            Err(error) => {
                tracing::error!(?error, "the participants export stopped part-way");
                Err(std::io::Error::other("the participants export stopped part-way"))
            }
        }
    });
    let first = futures_util::stream::once(async move { Ok(Bytes::from(first)) });
    let body = Body::from_stream(futures_util::StreamExt::chain(first, rest));
    Ok(download(body, "text/csv; charset=utf-8", "onramp-participants.csv"))
}

/// The same export as XLSX.
#[utoipa::path(get, path = "/api/v1/exports/participants.xlsx", tag = "participants",
    responses((status = 200, description = "XLSX workbook", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn export_xlsx(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    let rows = service::export(&state, &ctx).await?;
    let bytes = write_xlsx(&rows).map_err(AppError::Internal)?;
    Ok(download(bytes, XLSX, "onramp-participants.xlsx"))
}
