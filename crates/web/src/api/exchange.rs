use super::extract::ApiQuery;
use crate::download::{XLSX, download, stream_export_csv};
use crate::error::{AppError, Problem};
use crate::exchange::import_report::ImportReport;
use crate::exchange::{read_upload, write_xlsx};
use crate::identity::Ctx;
use crate::service::exchange as service;
use crate::state::AppState;
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use utoipa::IntoParams;

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct ImportQuery {
    /// Check every row and report, writing nothing.
    pub dry_run: Option<bool>,
}

/// Imports participants and trajectories from CSV (`text/csv`) or XLSX. With `dry_run`
/// every row is checked and reported and nothing is written; otherwise all rows are
/// written, or none when any row is bad (422 with the report). A file of more than
/// 200 000 rows or 64 columns, or a workbook that unpacks to more than 512 MiB a part,
/// is refused whole (422 with `file`: `too-many-rows`, `too-many-columns`, `file-too-large`);
/// a body over 64 MiB is refused before it is read (413, `body-too-large`).
#[utoipa::path(post, path = "/api/v1/imports/participants", tag = "participants", params(ImportQuery),
    request_body(content = String, description = "The file, in the exchange format (docs/import.md)", content_type = "text/csv"),
    responses(
        (status = 200, description = "Dry run: the report", body = ImportReport),
        (status = 201, description = "Written", body = ImportReport),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "A body over 64 MiB, refused before it is read", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad rows (nothing written), or a file unreadable or too large", body = Problem, content_type = "application/problem+json"),
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
    service::may_import(&ctx)?;
    let upload = read_upload(content_type, body).await?;
    let dry_run = query.dry_run.unwrap_or(false);
    let report = service::import(&state, &ctx, upload, dry_run).await?;
    if dry_run {
        Ok((StatusCode::OK, Json(report)).into_response())
    } else if report.committed {
        Ok((StatusCode::CREATED, Json(report)).into_response())
    } else {
        Err(AppError::ImportFailed(Box::new(report)))
    }
}

/// Exports every trajectory you may see in the exchange format, as CSV for Belgian Excel.
#[utoipa::path(get, path = "/api/v1/exports/participants.csv", tag = "participants",
    responses((status = 200, description = "CSV, `;`-separated, UTF-8 with BOM", content_type = "text/csv"), (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn export_csv(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    stream_export_csv(state, ctx).await
}

/// The same export as XLSX.
#[utoipa::path(get, path = "/api/v1/exports/participants.xlsx", tag = "participants",
    responses((status = 200, description = "XLSX workbook", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn export_xlsx(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    let rows = service::export(&state, &ctx).await?;
    let bytes = write_xlsx(&rows).map_err(AppError::internal)?;
    Ok(download(bytes, XLSX, "onramp-participants.xlsx"))
}
