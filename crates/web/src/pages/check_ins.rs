//! Recording a check-in after exit from the participant file.

use super::form::FormData;
use super::layout::{PageResult, path_id};
use super::participant_file::{ActionForm, page_action};
use crate::identity::PageCtx;
use crate::service::check_ins as trajectory_service;
use crate::state::AppState;
use crate::time::today;
use axum::extract::{Path, State};

pub async fn record_check_in(
    State(state): State<AppState>,
    PageCtx(ctx): PageCtx,
    Path(id): Path<String>,
    data: FormData,
) -> PageResult {
    let id = path_id(&id)?;
    let input = onramp_domain::outcomes::CheckInInput::parse(
        data.get("done_on"),
        data.checked("contact_made"),
        data.get("situation"),
        data.checked("needs_more_service"),
        data.get("note"),
        today(),
    );
    let participant = trajectory_service::check_in_participant(&state, &ctx, id).await?;
    let result = trajectory_service::record_check_in(&state, &ctx, id, input).await;
    let form = ActionForm {
        participant,
        trajectory: Some(id),
        name: "check-in",
    };
    page_action(&state, &ctx, form, &data, result, "saved").await
}
