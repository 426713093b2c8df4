//! Recording a step to work or another outcome from the participant file.

use super::form::FormData;
use super::layout::{PageResult, path_id};
use super::participant_file::{ActionForm, page_action};
use crate::identity::PageCtx;
use crate::service::outcomes as trajectory_service;
use crate::state::AppState;
use axum::extract::{Path, State};

pub async fn add_outcome(
    State(state): State<AppState>,
    PageCtx(ctx): PageCtx,
    Path(id): Path<String>,
    data: FormData,
) -> PageResult {
    let id = path_id(&id)?;
    let fields = onramp_domain::outcomes::OutcomeFields {
        trajectory_id: data.get("trajectory_id").into(),
        kind: data.get("kind").into(),
        on: data.get("on").into(),
        hours_per_week: data.get("hours_per_week").into(),
        contract: data.get("contract").into(),
        place: data.get("place").into(),
        with_support: data.checked("with_support"),
        note: data.get("note").into(),
    };
    let result = trajectory_service::add_outcome(&state, &ctx, id, &fields).await;
    let form = ActionForm {
        participant: id,
        trajectory: None,
        name: "outcome",
    };
    page_action(&state, &ctx, form, &data, result, "outcome-recorded").await
}
