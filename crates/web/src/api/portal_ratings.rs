//! The participant's self-ratings as JSON (docs/portal.md): the competences to score with their
//! names, their own scores over time, and recording today's.

use super::extract::ApiJson;
use super::icf::as_text;
use crate::error::{AppError, Problem};
use crate::identity::Ctx;
use crate::service::portal_ratings::{self as service, Recorded, SelfRatings};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// The competences of the person's programme to score (with their names in the person's
/// language), and the person's own self-ratings, oldest first. Never a coach's or care
/// partner's rating.
#[utoipa::path(get, path = "/api/v1/portal/self-ratings", tag = "portal",
    responses(
        (status = 200, body = SelfRatings),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not a participant's portal account", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn self_ratings(State(state): State<AppState>, ctx: Ctx) -> Result<Json<SelfRatings>, AppError> {
    Ok(Json(service::self_ratings(&state, &ctx).await?))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct SelfRatingBody {
    /// Competence code (one the programme asks) → a whole number from 0 to 10; a competence left
    /// out or blank is not scored, but at least one must be.
    #[schema(value_type = Object)]
    pub competences: BTreeMap<String, serde_json::Value>,
}

/// Records today's self-rating (rater `participant`, moment `during`, or `follow_up` once every
/// programme has ended). A bad score is named `competences.<code>` (`score-out-of-range`,
/// `invalid-choice`); nothing scored is `competences` (`nothing-scored`). Nothing is written
/// unless all of it is valid.
#[utoipa::path(post, path = "/api/v1/portal/self-ratings", tag = "portal", request_body = SelfRatingBody,
    responses(
        (status = 201, body = Recorded),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn fill_in(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiJson(body): ApiJson<SelfRatingBody>,
) -> Result<(StatusCode, Json<Recorded>), AppError> {
    let scores: BTreeMap<String, String> = body.competences.iter().map(|(k, v)| (k.clone(), as_text(v))).collect();
    Ok((
        StatusCode::CREATED,
        Json(service::fill_in(&state, &ctx, &scores).await?),
    ))
}
