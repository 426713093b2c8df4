//! Barriers to work: note one, close one.

use super::extract::{ApiJson, ApiPath};
use crate::error::{AppError, Problem};
use crate::identity::Ctx;
use crate::service::barriers as trajectory_service;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct BarrierBody {
    pub trajectory_id: String,
    /// pain, fatigue, concentration_memory, fear_of_returning, stress, financial_benefits, transport,
    /// care_duties, employer_attitude, no_adjusted_jobs, e310_family, e330_people_in_authority,
    /// e580_health_services, e590_labour_services, other (describe it in `note`), or a code an
    /// administrator added (GET /api/v1/barrier-codes)
    pub code: String,
    /// YYYY-MM-DD, not in the future.
    pub noted_on: String,
    pub note: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BarrierView {
    pub id: Uuid,
    pub trajectory_id: Uuid,
    pub code: String,
    pub noted_on: NaiveDate,
    /// open, resolved or unresolved
    pub status: String,
    pub closed_on: Option<NaiveDate>,
    pub note: Option<String>,
}

impl From<onramp_store::outcomes::Barrier> for BarrierView {
    fn from(b: onramp_store::outcomes::Barrier) -> Self {
        BarrierView {
            id: b.id,
            trajectory_id: b.trajectory_id,
            code: b.code,
            noted_on: b.noted_on,
            status: b.status,
            closed_on: b.closed_on,
            note: b.note,
        }
    }
}

/// Notes a barrier to work on one of the participant's trajectories.
#[utoipa::path(post, path = "/api/v1/participants/{id}/barriers", tag = "trajectories", request_body = BarrierBody,
    params(("id" = Uuid, Path)),
    responses(
        (status = 201, body = BarrierView),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn add_barrier(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<BarrierBody>,
) -> Result<(StatusCode, Json<BarrierView>), AppError> {
    let note = body.note.unwrap_or_default();
    let fields = [
        body.trajectory_id.as_str(),
        body.code.as_str(),
        body.noted_on.as_str(),
        note.as_str(),
    ];
    let barrier = trajectory_service::add_barrier(&state, &ctx, id, fields).await?;
    Ok((StatusCode::CREATED, Json(barrier.into())))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct CloseBarrierBody {
    /// resolved or unresolved
    pub status: String,
    /// YYYY-MM-DD; today when absent.
    pub on: Option<String>,
}

/// Closes an open barrier as resolved or unresolved.
#[utoipa::path(post, path = "/api/v1/barriers/{id}/close", tag = "trajectories", request_body = CloseBarrierBody,
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = BarrierView),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn close_barrier(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<CloseBarrierBody>,
) -> Result<Json<BarrierView>, AppError> {
    let on = body.on.unwrap_or_default();
    Ok(Json(
        trajectory_service::close_barrier(&state, &ctx, id, &body.status, &on)
            .await?
            .into(),
    ))
}
