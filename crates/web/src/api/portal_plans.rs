//! The participant's plans as JSON (docs/portal.md), for a signed-in participant: the plans their
//! coach shared with them, one plan with the conversation about it, a comment, a step of theirs
//! ticked off, a step proposed. Every other account gets 404 here.

use super::extract::{ApiJson, ApiPath};
use super::plan_steps::StepSavedView;
use super::plans::CommentView;
use crate::error::{AppError, Problem};
use crate::identity::Ctx;
use crate::requests::plans::parse_kind;
use crate::service::portal_plans::{self as service, OwnPlanLine, Proposal};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// The plans your coach shared with you, newest programme first.
#[utoipa::path(get, path = "/api/v1/portal/plans", tag = "portal",
    responses(
        (status = 200, body = Vec<OwnPlanLine>),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn list(State(state): State<AppState>, ctx: Ctx) -> Result<Json<Vec<OwnPlanLine>>, AppError> {
    Ok(Json(service::list(&state, &ctx).await?))
}

/// A plan as shared with you: the document, and the messages about it between you and your coach.
#[derive(Debug, Serialize, ToSchema)]
pub struct OwnPlanView {
    pub trajectory_id: Uuid,
    pub programme: String,
    pub coach: Option<String>,
    /// action, recovery or canvas
    pub kind: String,
    /// The version you read; send it back as `base_version`.
    pub version: i32,
    pub shared_on: DateTime<Utc>,
    /// You may tick off your steps and propose steps: the version you read is the latest, and the
    /// programme runs.
    pub may_change: bool,
    #[schema(value_type = super::plans::PlanContentView)]
    pub content: serde_json::Value,
    pub comments: Vec<CommentView>,
}

/// One of your plans, as your coach shared it with you (404 when it is not shared with you).
#[utoipa::path(get, path = "/api/v1/portal/plans/{trajectory_id}/{kind}", tag = "portal",
    params(("trajectory_id" = Uuid, Path), ("kind" = String, Path, description = "action, recovery or canvas")),
    responses(
        (status = 200, body = OwnPlanView),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn get(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath((id, kind)): ApiPath<(Uuid, String)>,
) -> Result<Json<OwnPlanView>, AppError> {
    let plan = service::open(&state, &ctx, id, parse_kind(&kind)?).await?;
    Ok(Json(OwnPlanView {
        trajectory_id: plan.trajectory_id,
        programme: plan.programme,
        coach: plan.coach,
        kind: plan.kind.as_str().to_owned(),
        version: plan.version,
        shared_on: plan.shared_on,
        may_change: plan.may_change,
        content: serde_json::to_value(&plan.content).expect("a plan serialises"),
        comments: plan.comments.into_iter().map(Into::into).collect(),
    }))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct PortalCommentBody {
    pub body: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CommentCreated {
    pub id: Uuid,
}

/// A message to your coach about the plan; your coach answers it in the plan.
#[utoipa::path(post, path = "/api/v1/portal/plans/{trajectory_id}/{kind}/comments", tag = "portal",
    request_body = PortalCommentBody,
    params(("trajectory_id" = Uuid, Path), ("kind" = String, Path, description = "action, recovery or canvas")),
    responses(
        (status = 201, body = CommentCreated),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn comment(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath((id, kind)): ApiPath<(Uuid, String)>,
    ApiJson(body): ApiJson<PortalCommentBody>,
) -> Result<(StatusCode, Json<CommentCreated>), AppError> {
    let comment = service::comment(&state, &ctx, id, parse_kind(&kind)?, &body.body).await?;
    Ok((StatusCode::CREATED, Json(CommentCreated { id: comment })))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct DoneBody {
    /// The version you read (`version`). When your coach saved a version since, nothing is
    /// written: 409 with `base_version`: `plan-changed`.
    #[schema(value_type = i64, required = true, minimum = 0)]
    pub base_version: Option<i64>,
}

/// Ticks off one of your own steps (who does it: you) as done.
#[utoipa::path(post, path = "/api/v1/portal/plans/{trajectory_id}/action/steps/{step_id}/done", tag = "portal",
    request_body = DoneBody,
    params(("trajectory_id" = Uuid, Path), ("step_id" = String, Path)),
    responses(
        (status = 200, body = StepSavedView),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not one of your steps still to do, or the plan is not shared with you", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Your coach saved a version since `base_version`, or the programme has ended", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn mark_done(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath((id, step)): ApiPath<(Uuid, String)>,
    ApiJson(body): ApiJson<DoneBody>,
) -> Result<Json<StepSavedView>, AppError> {
    let base = super::extract::number_text(body.base_version);
    let saved = service::mark_done(&state, &ctx, id, &base, &step).await?;
    Ok(Json(saved.into()))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct ProposalBody {
    /// The version you read (`version`). When your coach saved a version since, nothing is
    /// written: 409 with `base_version`: `plan-changed`.
    #[schema(value_type = i64, required = true, minimum = 0)]
    pub base_version: Option<i64>,
    /// The goal the step is for (a goal's `id` in the plan); leave it out for a new goal named
    /// `goal_title` (then required).
    pub goal_id: String,
    pub goal_title: String,
    /// What you want to do.
    pub description: String,
    /// YYYY-MM-DD (optional): by when.
    pub due_on: String,
}

/// Proposes a step for you to do; it waits for your coach to accept or decline it.
#[utoipa::path(post, path = "/api/v1/portal/plans/{trajectory_id}/action/steps", tag = "portal",
    request_body = ProposalBody,
    params(("trajectory_id" = Uuid, Path)),
    responses(
        (status = 201, body = StepSavedView),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No action plan shared with you", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Your coach saved a version since `base_version`, or the programme has ended", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn propose(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<ProposalBody>,
) -> Result<(StatusCode, Json<StepSavedView>), AppError> {
    let base = super::extract::number_text(body.base_version);
    let proposal = Proposal {
        goal_id: body.goal_id,
        goal_title: body.goal_title,
        description: body.description,
        due_on: body.due_on,
    };
    let saved = service::propose(&state, &ctx, id, &base, &proposal).await?;
    Ok((StatusCode::CREATED, Json(saved.into())))
}
