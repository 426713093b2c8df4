//! One-step changes to an action plan: add a step, change a step or tick one off, without sending
//! the whole plan (the server makes the new version from the current one).

use super::extract::{ApiJson, ApiPath};
use crate::error::{AppError, Problem};
use crate::identity::Ctx;
use crate::service::plan_steps::{self as service, Sharing, StepSaved};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use onramp_domain::plan_steps::{StepEdit, StepTarget};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// A new step of the action plan.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct NewStepBody {
    /// The version of the plan you saw (`latest_version`; 0 before anything is written). When
    /// someone saved a version since, nothing is written: 409 with `base_version`: `plan-changed`.
    #[schema(value_type = i64, required = true, minimum = 0)]
    pub base_version: Option<i64>,
    /// The goal the step goes under (a goal's `id` in the plan); leave it out to start a new goal
    /// titled `goal_title` (then required).
    pub goal_id: String,
    pub goal_title: String,
    pub description: String,
    /// participant, coach, care_partner or employer
    pub owner: String,
    /// YYYY-MM-DD (optional)
    pub due_on: Option<String>,
    /// planned (when left out), in_progress, done or dropped (or proposed: the portal's word for a
    /// participant's proposal, which the coach answers by planning or dropping the step)
    pub status: Option<String>,
    /// reasonable_adjustment, learning_opportunity, growth_job, job_crafting
    pub levers: Option<Vec<String>>,
    /// Share the new version with the care team; when left out, it is shared exactly when the
    /// current version is.
    pub shared: Option<bool>,
    /// Share the new version with the participant (their portal); when left out, it is shared
    /// with them exactly when the current version is.
    pub shared_with_participant: Option<bool>,
}

/// A change to one step: what you leave out (or send as `null`) stays as it is.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct StepChangeBody {
    /// The version of the plan you saw (`latest_version`). When someone saved a version since,
    /// nothing is written: 409 with `base_version`: `plan-changed`.
    #[schema(value_type = i64, required = true, minimum = 0)]
    pub base_version: Option<i64>,
    /// The step's text; blank leaves it as it is.
    pub description: Option<String>,
    /// participant, coach, care_partner or employer; blank leaves it as it is.
    pub owner: Option<String>,
    /// YYYY-MM-DD; `""` for no date, `null` (or left out) to leave it as it is.
    pub due_on: Option<String>,
    /// planned, in_progress, done or dropped: `done` or `dropped` ticks the step off; a `proposed`
    /// step (from the participant's portal) is accepted with `planned` and declined with `dropped`.
    pub status: Option<String>,
    /// The levers the step uses (all of them: `[]` for none).
    pub levers: Option<Vec<String>>,
    /// Share the new version with the care team; when left out, it is shared exactly when the
    /// current version is.
    pub shared: Option<bool>,
    /// Share the new version with the participant (their portal); when left out, it is shared
    /// with them exactly when the current version is.
    pub shared_with_participant: Option<bool>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StepSavedView {
    /// The plan's latest version now (unchanged when the change changed nothing).
    pub version: i32,
    pub step_id: String,
}

impl From<StepSaved> for StepSavedView {
    fn from(saved: StepSaved) -> Self {
        StepSavedView {
            version: saved.version,
            step_id: saved.step_id,
        }
    }
}

/// Adds one step to the action plan: a new version made from the latest, with this step added
/// (under a goal of the plan or a new goal). Audited as a save of the plan.
#[utoipa::path(post, path = "/api/v1/trajectories/{id}/plans/action/steps", tag = "plans",
    request_body = NewStepBody, params(("id" = Uuid, Path)),
    responses(
        (status = 201, body = StepSavedView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Someone saved the plan since `base_version`", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn add(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<NewStepBody>,
) -> Result<(StatusCode, Json<StepSavedView>), AppError> {
    let target = StepTarget::New {
        goal_id: body.goal_id,
        goal_title: body.goal_title,
    };
    let edit = StepEdit {
        description: Some(body.description),
        owner: Some(body.owner),
        due_on: body.due_on,
        status: body.status,
        levers: body.levers,
    };
    let base = super::extract::number_text(body.base_version);
    let sharing = Sharing {
        care_team: body.shared,
        participant: body.shared_with_participant,
    };
    let saved = service::change_step(&state, &ctx, id, &base, &target, &edit, sharing).await?;
    Ok((StatusCode::CREATED, Json(saved.into())))
}

/// Changes one step of the action plan, or ticks it off (`"status": "done"` or `"dropped"`): a new
/// version made from the latest with this change alone. A change that changes nothing writes no
/// version. Audited as a save of the plan.
#[utoipa::path(patch, path = "/api/v1/trajectories/{id}/plans/action/steps/{step}", tag = "plans",
    request_body = StepChangeBody, params(("id" = Uuid, Path), ("step" = String, Path, description = "The step's id in the plan")),
    responses(
        (status = 200, body = StepSavedView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such trajectory, or no such step in its latest action plan", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Someone saved the plan since `base_version`", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn change(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath((id, step)): ApiPath<(Uuid, String)>,
    ApiJson(body): ApiJson<StepChangeBody>,
) -> Result<Json<StepSavedView>, AppError> {
    let edit = StepEdit {
        description: body.description,
        owner: body.owner,
        due_on: body.due_on,
        status: body.status,
        levers: body.levers,
    };
    let base = super::extract::number_text(body.base_version);
    let target = StepTarget::Existing(step);
    let sharing = Sharing {
        care_team: body.shared,
        participant: body.shared_with_participant,
    };
    let saved = service::change_step(&state, &ctx, id, &base, &target, &edit, sharing).await?;
    Ok(Json(saved.into()))
}
