//! "Mark all present" for a session: everyone enrolled whose attendance is not recorded yet,
//! once the client confirms.

use super::extract::{ApiJson, ApiPath};
use super::group_sessions::SessionDetailView;
use crate::error::{AppError, Problem};
use crate::identity::Ctx;
use crate::service::all_present::mark_all_present;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct AllPresentBody {
    /// Must be `true`: marking everyone at once is confirmed. Anything else writes nothing (422
    /// `not-confirmed`).
    pub confirm: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AllPresentView {
    /// How many people were marked present.
    pub marked: usize,
    pub session: SessionDetailView,
}

/// Marks present every enrolled person whose attendance is not recorded yet (those already marked
/// keep their mark; those who withdrew their consent to take part are left out). Asks for
/// `confirm: true`. Audited per person like any attendance.
#[utoipa::path(post, path = "/api/v1/sessions/{id}/attendance/all-present", tag = "activities",
    request_body = AllPresentBody, params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = AllPresentView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn all_present(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<AllPresentBody>,
) -> Result<Json<AllPresentView>, AppError> {
    if !body.confirm {
        return Err(AppError::invalid("confirm", "not-confirmed"));
    }
    let marked = mark_all_present(&state, &ctx, id).await?;
    let session = SessionDetailView::open(&state, &ctx, id).await?;
    Ok(Json(AllPresentView { marked, session }))
}
