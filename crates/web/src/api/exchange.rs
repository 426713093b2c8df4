use super::extract::ApiQuery;
use crate::download::{XLSX, download, stream_export_csv};
use crate::error::{AppError, Problem};
use crate::exchange::import_report::ImportReport;
use crate::exchange::{Kind, read_uploads, write_xlsx};
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
/// written, or none when any row is bad (422 with the report). A workbook's sheets named
/// `participants`, `outcomes`, `barriers` and `contacts` are all imported, in that order, in one
/// run (docs/import.md). A file (or sheet) of more than
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
    import_kind(state, ctx, query, headers, body, Kind::Participants).await
}

/// Imports outcomes (steps to work) of trajectories from CSV or XLSX, keyed by `trajectory_id`;
/// as the participants import (dry run, all rows or none, the same limits).
#[utoipa::path(post, path = "/api/v1/imports/outcomes", tag = "trajectories", params(ImportQuery),
    request_body(content = String, description = "The file, in the exchange format (docs/import.md)", content_type = "text/csv"),
    responses(
        (status = 200, description = "Dry run: the report", body = ImportReport),
        (status = 201, description = "Written", body = ImportReport),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "A body over 64 MiB, refused before it is read", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad rows (nothing written), or a file unreadable or too large", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn import_outcomes(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiQuery(query): ApiQuery<ImportQuery>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    import_kind(state, ctx, query, headers, body, Kind::Outcomes).await
}

/// Imports barriers to work of trajectories from CSV or XLSX, keyed by `trajectory_id`; as the
/// participants import.
#[utoipa::path(post, path = "/api/v1/imports/barriers", tag = "trajectories", params(ImportQuery),
    request_body(content = String, description = "The file, in the exchange format (docs/import.md)", content_type = "text/csv"),
    responses(
        (status = 200, description = "Dry run: the report", body = ImportReport),
        (status = 201, description = "Written", body = ImportReport),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "A body over 64 MiB, refused before it is read", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad rows (nothing written), or a file unreadable or too large", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn import_barriers(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiQuery(query): ApiQuery<ImportQuery>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    import_kind(state, ctx, query, headers, body, Kind::Barriers).await
}

/// Imports coaching contacts of trajectories from CSV or XLSX, keyed by `trajectory_id`; as the
/// participants import.
#[utoipa::path(post, path = "/api/v1/imports/contacts", tag = "activities", params(ImportQuery),
    request_body(content = String, description = "The file, in the exchange format (docs/import.md)", content_type = "text/csv"),
    responses(
        (status = 200, description = "Dry run: the report", body = ImportReport),
        (status = 201, description = "Written", body = ImportReport),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "A body over 64 MiB, refused before it is read", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad rows (nothing written), or a file unreadable or too large", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn import_contacts(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiQuery(query): ApiQuery<ImportQuery>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    import_kind(state, ctx, query, headers, body, Kind::Contacts).await
}

/// An import of a file sent as `kind` (a workbook says its kinds with its sheets' names).
async fn import_kind(
    state: AppState,
    ctx: Ctx,
    query: ImportQuery,
    headers: HeaderMap,
    body: Bytes,
    kind: Kind,
) -> Result<Response, AppError> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    service::may_import(&ctx)?;
    let uploads = read_uploads(content_type, body, kind).await?;
    let dry_run = query.dry_run.unwrap_or(false);
    let report = service::import(&state, &ctx, uploads, dry_run).await?;
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
    stream_export_csv(state, ctx, Kind::Participants).await
}

/// The outcomes of every trajectory you may see, as CSV, keyed by `trajectory_id`.
#[utoipa::path(get, path = "/api/v1/exports/outcomes.csv", tag = "trajectories",
    responses((status = 200, description = "CSV, `;`-separated, UTF-8 with BOM", content_type = "text/csv"), (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn export_outcomes_csv(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    stream_export_csv(state, ctx, Kind::Outcomes).await
}

/// The barriers of every trajectory you may see, as CSV, keyed by `trajectory_id`.
#[utoipa::path(get, path = "/api/v1/exports/barriers.csv", tag = "trajectories",
    responses((status = 200, description = "CSV, `;`-separated, UTF-8 with BOM", content_type = "text/csv"), (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn export_barriers_csv(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    stream_export_csv(state, ctx, Kind::Barriers).await
}

/// The coaching contacts of every trajectory you may see, as CSV, keyed by `trajectory_id`.
#[utoipa::path(get, path = "/api/v1/exports/contacts.csv", tag = "activities",
    responses((status = 200, description = "CSV, `;`-separated, UTF-8 with BOM", content_type = "text/csv"), (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn export_contacts_csv(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    stream_export_csv(state, ctx, Kind::Contacts).await
}

/// The same exports as one XLSX workbook: a sheet each for participants, outcomes, barriers and
/// contacts.
#[utoipa::path(get, path = "/api/v1/exports/participants.xlsx", tag = "participants",
    responses((status = 200, description = "XLSX workbook", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn export_xlsx(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    let sheets = service::export_workbook(&state, &ctx).await?;
    let bytes = write_xlsx(&sheets).map_err(AppError::internal)?;
    Ok(download(bytes, XLSX, "onramp-participants.xlsx"))
}
