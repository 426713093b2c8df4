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

/// A study's pseudonymised export as a ZIP, streamed: decided and audited before the response
/// starts (a refusal gets its status), then written a slice of people at a time by a task that
/// waits for the client (a bounded channel), so the server never holds the file. The headers say
/// what the k-anonymity check released, generalised and withheld.
pub async fn stream_study_export(state: AppState, ctx: Ctx, id: uuid::Uuid) -> Result<Response, AppError> {
    let prepared = crate::service::research::prepare(&state, &ctx, id).await?;
    let filename = prepared.filename();
    let counts = [
        ("x-onramp-released", prepared.released()),
        ("x-onramp-generalised", prepared.summary.generalised),
        ("x-onramp-withheld", prepared.summary.withheld),
    ];
    let (sender, receiver) = tokio::sync::mpsc::channel(4);
    tokio::spawn(async move {
        let created = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let result = crate::service::research::write(&state.db, &prepared, &created, &sender).await;
        if let Err(error) = result {
            tracing::error!(?error, study = %prepared.study.id, "a study export stopped part-way");
            let _ = sender
                .send(Err(std::io::Error::other("the export stopped part-way")))
                .await;
        }
    });
    let body = Body::from_stream(futures_util::stream::unfold(receiver, |mut receiver| async move {
        receiver.recv().await.map(|item| (item.map(Bytes::from), receiver))
    }));
    let mut response = download(body, "application/zip", &filename);
    for (name, count) in counts {
        response.headers_mut().insert(name, count.into());
    }
    Ok(response)
}
