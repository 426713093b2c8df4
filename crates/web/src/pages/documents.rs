//! Plans and the ICF profile printed as PDF, for the participant or the physician.

use super::layout::PageResult;
use super::plans::version_param;
use crate::identity::PageCtx;
use crate::requests::plans::parse_kind as plan_kind;
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use serde::Deserialize;
use uuid::Uuid;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PdfParams {
    audience: String,
    lang: String,
    version: String,
}

pub async fn pdf(
    State(state): State<AppState>,
    PageCtx(ctx): PageCtx,
    Path((id, kind)): Path<(Uuid, String)>,
    Query(params): Query<PdfParams>,
) -> PageResult {
    let kind = plan_kind(&kind)?;
    let version = version_param(&params.version)?;
    Ok(crate::service::documents::plan_pdf(&state, &ctx, id, kind, &params.audience, &params.lang, version).await?)
}

pub async fn icf_pdf(
    State(state): State<AppState>,
    PageCtx(ctx): PageCtx,
    Path(id): Path<Uuid>,
    Query(params): Query<PdfParams>,
) -> PageResult {
    Ok(crate::service::documents::icf_pdf(&state, &ctx, id, &params.audience, &params.lang).await?)
}
