//! Barriers to work on the participant file: note one, close one.

use super::form::FormData;
use super::layout::{PageResult, path_id, see_other};
use super::participant_file::{ActionForm, page_action};
use crate::identity::PageCtx;
use crate::service::barriers as trajectory_service;
use crate::state::AppState;
use axum::extract::{Path, State};

pub async fn add_barrier(
    State(state): State<AppState>,
    PageCtx(ctx): PageCtx,
    Path(id): Path<String>,
    data: FormData,
) -> PageResult {
    let id = path_id(&id)?;
    let fields = [
        data.get("trajectory_id"),
        data.get("code"),
        data.get("noted_on"),
        data.get("note"),
    ];
    let result = trajectory_service::add_barrier(&state, &ctx, id, fields).await;
    let form = ActionForm {
        participant: id,
        trajectory: None,
        name: "barrier",
    };
    page_action(&state, &ctx, form, &data, result, "saved").await
}

pub async fn close_barrier(
    State(state): State<AppState>,
    PageCtx(ctx): PageCtx,
    Path(id): Path<String>,
    data: FormData,
) -> PageResult {
    let id = path_id(&id)?;
    let barrier = trajectory_service::close_barrier(&state, &ctx, id, data.get("status"), "").await?;
    Ok(see_other(&format!("/participants/{}", barrier.participant_id), "saved"))
}
