//! The plan page's one-step forms: add a step, change one, or tick one off (done, dropped). Each
//! makes one new version of the action plan (`service::plan_steps`); a stale page is told so.

use super::form::{Form, FormData};
use super::layout::PageResult;
use super::plan_step_forms::AddStep;
use super::plans::show_failed;
use crate::error::AppError;
use crate::identity::PageCtx;
use crate::service::plan_steps::{Sharing, StepSaved, change_step};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use onramp_domain::plan_steps::{StepEdit, StepTarget};
use uuid::Uuid;

/// A field the form sent (the "done" and "dropped" buttons send the status alone).
fn sent(data: &FormData, name: &str) -> Option<String> {
    data.pairs()
        .iter()
        .any(|(k, _)| k == name)
        .then(|| data.get(name).to_owned())
}

/// The add and change forms carry `share_box`, their share checkbox; the buttons leave the
/// sharing as the current version has it.
fn edit_of(data: &FormData) -> (StepEdit, Sharing) {
    let full = data.get("share_box") == "1";
    let edit = StepEdit {
        description: sent(data, "description"),
        owner: sent(data, "owner"),
        due_on: sent(data, "due_on"),
        status: sent(data, "status"),
        levers: full.then(|| data.all("levers")),
    };
    let sharing = Sharing {
        care_team: full.then(|| data.checked("shared")),
        participant: None,
    };
    (edit, sharing)
}

async fn done(
    state: &AppState,
    ctx: &crate::identity::Ctx,
    id: Uuid,
    key: String,
    data: &FormData,
    result: Result<StepSaved, AppError>,
) -> PageResult {
    let (errors, status) = match result {
        Ok(saved) => {
            let to = format!(
                "/trajectories/{id}/plans/action?notice=step-saved#step-{}",
                saved.step_id
            );
            return Ok(Redirect::to(&to).into_response());
        }
        Err(AppError::Invalid(errors)) => (errors, StatusCode::UNPROCESSABLE_ENTITY),
        Err(AppError::Conflict(errors)) => (errors, StatusCode::CONFLICT),
        Err(error) => return Err(error.into()),
    };
    let form = Form::failed(data, &errors, ctx.language);
    show_failed(state, ctx, id, key, form, status).await
}

pub async fn add(
    State(state): State<AppState>,
    PageCtx(ctx): PageCtx,
    Path(id): Path<Uuid>,
    data: FormData,
) -> PageResult {
    let target = StepTarget::New {
        goal_id: data.get("goal_id").to_owned(),
        goal_title: data.get("goal_title").to_owned(),
    };
    let (edit, shared) = edit_of(&data);
    let result = change_step(&state, &ctx, id, data.get("base_version"), &target, &edit, shared).await;
    done(&state, &ctx, id, AddStep::KEY.to_owned(), &data, result).await
}

pub async fn change(
    State(state): State<AppState>,
    PageCtx(ctx): PageCtx,
    Path((id, step)): Path<(Uuid, String)>,
    data: FormData,
) -> PageResult {
    let target = StepTarget::Existing(step.clone());
    let (edit, shared) = edit_of(&data);
    let result = change_step(&state, &ctx, id, data.get("base_version"), &target, &edit, shared).await;
    done(&state, &ctx, id, step, &data, result).await
}
