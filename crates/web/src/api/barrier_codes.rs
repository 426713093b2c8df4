//! Barrier codes: the built-in ones and those administrators add.

use super::extract::ApiJson;
use crate::error::{AppError, Problem};
use crate::identity::Ctx;
use crate::service::barrier_codes as service;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct BarrierCodeView {
    pub code: String,
    /// Built-in codes in your language; added ones as the administrator wrote them.
    pub name: String,
    pub built_in: bool,
}

/// Every barrier code a barrier can be noted with.
#[utoipa::path(get, path = "/api/v1/barrier-codes", tag = "trajectories",
    responses((status = 200, body = [BarrierCodeView])))]
pub async fn list(State(state): State<AppState>, ctx: Ctx) -> Result<Json<Vec<BarrierCodeView>>, AppError> {
    let names = service::names(&state).await?;
    Ok(Json(
        names
            .all(ctx.language)
            .into_iter()
            .map(|(code, name, built_in)| BarrierCodeView { code, name, built_in })
            .collect(),
    ))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct BarrierCodeBody {
    /// Lower-case letters, digits and `_`, 2 to 40 characters; not a built-in code.
    pub code: String,
    /// Up to 100 characters.
    pub name: String,
}

/// Adds a barrier code beyond the built-in ones (administrators).
#[utoipa::path(post, path = "/api/v1/barrier-codes", tag = "trajectories", request_body = BarrierCodeBody,
    responses(
        (status = 201, body = BarrierCodeView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn add(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiJson(body): ApiJson<BarrierCodeBody>,
) -> Result<(StatusCode, Json<BarrierCodeView>), AppError> {
    let (code, name) = service::add(&state, &ctx, &body.code, &body.name).await?;
    Ok((
        StatusCode::CREATED,
        Json(BarrierCodeView {
            code,
            name,
            built_in: false,
        }),
    ))
}
