//! The caseload, a page at a time.

use super::extract::ApiQuery;
use crate::error::{AppError, Problem};
use crate::identity::Ctx;
use crate::requests::caseload::CaseloadQuery;
use crate::service::caseload::{self as service, CaseloadRow};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct CaseloadPage {
    pub rows: Vec<CaseloadRow>,
    /// Pass as `after`, with the same filters, for the next page; absent on the last page.
    pub next: Option<String>,
}

/// The caseload: trajectories you may see (coaches: theirs and their organisations';
/// coordinators: their regions'; care teams: their organisation's, with consent to share).
#[utoipa::path(get, path = "/api/v1/caseload", tag = "participants", params(CaseloadQuery),
    responses(
        (status = 200, body = CaseloadPage),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn caseload(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiQuery(query): ApiQuery<CaseloadQuery>,
) -> Result<Json<CaseloadPage>, AppError> {
    let filter = query.filter(crate::time::today())?;
    let limit = query.limit.unwrap_or(50);
    if !(1..=200).contains(&limit) {
        return Err(AppError::invalid("limit", "out-of-range"));
    }
    let mut rows = service::page_unaudited(&state, &ctx, &filter, limit).await?;
    // The page's entry is made durable while the step names are read; answered only after.
    let entry = service::audit_page_beside(&state, &ctx, &rows, limit, std::iter::empty());
    let next = crate::service::keep_page(&mut rows, limit)
        .map(|r| crate::requests::caseload::encode_cursor(&r.cursor(filter.sort)));
    let names = crate::service::programmes::step_names(&state, &ctx).await?;
    entry.written().await?;
    Ok(Json(CaseloadPage {
        rows: rows.into_iter().map(|r| CaseloadRow::new(r, &names)).collect(),
        next,
    }))
}
