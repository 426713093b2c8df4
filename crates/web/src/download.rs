//! Responses that download a file: spreadsheets, calendars, PDFs.

use crate::error::AppError;
use crate::exchange::{Kind, csv_header, csv_rows};
use crate::identity::Ctx;
use crate::service::exchange as service;
use crate::state::AppState;
use axum::body::{Body, Bytes};
use axum::http::header;
use axum::response::{IntoResponse, Response};

pub use crate::exchange::XLSX;
pub const CSV: &str = "text/csv; charset=utf-8";

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

/// An export as CSV (participants, outcomes, barriers or contacts), streamed a page at a time: a region's caseload at national size
/// would be a few hundred megabytes if built whole. The first page is read before the response
/// starts, so a refusal or a failing database still gets its status; a failure later can only cut
/// the download short, and is logged.
pub async fn stream_export_csv(state: AppState, ctx: Ctx, kind: Kind) -> Result<Response, AppError> {
    let mut export = service::Export::start(&state, &ctx, kind).await?;
    let mut first = csv_header(kind);
    first.extend(csv_rows(&export.next_page(&state, &ctx).await?.unwrap_or_default()));
    let rest = futures_util::stream::try_unfold((state, ctx, export), move |(state, ctx, mut export)| async move {
        match export.next_page(&state, &ctx).await {
            Ok(Some(rows)) => Ok(Some((Bytes::from(csv_rows(&rows)), (state, ctx, export)))),
            Ok(None) => Ok(None),
            Err(error) => {
                tracing::error!(?error, kind = kind.as_str(), "an export stopped part-way");
                Err(std::io::Error::other("the export stopped part-way"))
            }
        }
    });
    let first = futures_util::stream::once(async move { Ok(Bytes::from(first)) });
    let body = Body::from_stream(futures_util::StreamExt::chain(first, rest));
    let filename = format!("onramp-{}.csv", kind.as_str());
    Ok(download(body, "text/csv; charset=utf-8", &filename))
}
