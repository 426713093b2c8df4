//! A trajectory's forms on the participant file: start, change phase, hand over, exit.

use super::form::FormData;
use super::layout::{PageResult, path_id};
use super::participant_file::{ActionForm, page_action};
use crate::identity::PageCtx;
use crate::service::trajectories::{self as trajectory_service, StartFields};
use crate::state::AppState;
use axum::extract::{Path, State};

pub async fn start_trajectory(
    State(state): State<AppState>,
    PageCtx(ctx): PageCtx,
    Path(id): Path<String>,
    data: FormData,
) -> PageResult {
    let id = path_id(&id)?;
    let fields = StartFields {
        programme_id: data.get("programme_id").into(),
        organisation_id: data.get("organisation_id").into(),
        location_id: data.get("location_id").into(),
        coach_id: data.get("coach_id").into(),
        started_on: data.get("started_on").into(),
    };
    let result = trajectory_service::start(&state, &ctx, id, &fields).await;
    page_action(
        &state,
        &ctx,
        ActionForm {
            participant: id,
            trajectory: None,
            name: "start",
        },
        &data,
        result,
        "created",
    )
    .await
}

pub async fn change_phase(
    State(state): State<AppState>,
    PageCtx(ctx): PageCtx,
    Path(id): Path<String>,
    data: FormData,
) -> PageResult {
    let id = path_id(&id)?;
    let participant = trajectory_service::participant_of(&state, &ctx, id).await?;
    let result =
        trajectory_service::change_phase(&state, &ctx, id, data.get("phase"), data.get("on"), data.get("note")).await;
    let form = ActionForm {
        participant,
        trajectory: Some(id),
        name: "phase",
    };
    page_action(&state, &ctx, form, &data, result, "phase-changed").await
}

pub async fn hand_over(
    State(state): State<AppState>,
    PageCtx(ctx): PageCtx,
    Path(id): Path<String>,
    data: FormData,
) -> PageResult {
    let id = path_id(&id)?;
    let participant = trajectory_service::participant_of(&state, &ctx, id).await?;
    let result =
        trajectory_service::hand_over(&state, &ctx, id, data.get("coach_id"), data.get("on"), data.get("note")).await;
    let form = ActionForm {
        participant,
        trajectory: Some(id),
        name: "handover",
    };
    page_action(&state, &ctx, form, &data, result, "handed-over").await
}

pub async fn exit(
    State(state): State<AppState>,
    PageCtx(ctx): PageCtx,
    Path(id): Path<String>,
    data: FormData,
) -> PageResult {
    let id = path_id(&id)?;
    let participant = trajectory_service::participant_of(&state, &ctx, id).await?;
    let fields = trajectory_service::ExitFields {
        on: data.get("on").into(),
        reason: data.get("reason").into(),
        situation: data.get("situation").into(),
        mediation_organisation_id: data.get("mediation_organisation_id").into(),
        mediation_service: data.get("mediation_service").into(),
        note: data.get("note").into(),
    };
    let result = trajectory_service::exit(&state, &ctx, id, &fields).await;
    page_action(
        &state,
        &ctx,
        ActionForm {
            participant,
            trajectory: Some(id),
            name: "exit",
        },
        &data,
        result,
        "exited",
    )
    .await
}

pub async fn leaving_situation(
    State(state): State<AppState>,
    PageCtx(ctx): PageCtx,
    Path(id): Path<String>,
    data: FormData,
) -> PageResult {
    let id = path_id(&id)?;
    let participant = trajectory_service::participant_of(&state, &ctx, id).await?;
    let result = trajectory_service::record_leaving_situation(&state, &ctx, id, data.get("situation")).await;
    let form = ActionForm {
        participant,
        trajectory: Some(id),
        name: "leaving_situation",
    };
    page_action(&state, &ctx, form, &data, result, "leaving-situation-saved").await
}
