//! The worklist: what falls due for the signed-in person, by kind, each with the page where it is done.

use super::extract::ApiQuery;
use crate::error::{AppError, Problem};
use crate::identity::Ctx;
use crate::service::worklist::{self as service, Worklist};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use onramp_domain::worklist::Kind;
use serde::Deserialize;
use utoipa::IntoParams;

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct WorklistQuery {
    /// Only this kind: session, attendance, step, check_in, no_contact, ending, comment.
    pub kind: Option<String>,
    /// Items of each kind at most (1-200, 50 by default).
    pub limit: Option<i64>,
}

/// Your worklist: counts of every kind in your scope and the items, soonest first. Coaches: their
/// own people and the sessions they lead; care-team members: the people who share their file
/// with the partner (steps due without their text, trajectories near their end); peer experts:
/// the sessions they lead; coordinators: their regions. Administrators, funders and researchers
/// have none (403).
#[utoipa::path(get, path = "/api/v1/worklist", tag = "participants", params(WorklistQuery),
    responses(
        (status = 200, body = Worklist),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn worklist(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiQuery(query): ApiQuery<WorklistQuery>,
) -> Result<Json<Worklist>, AppError> {
    let kind = match query.kind.as_deref().map(str::trim).filter(|k| !k.is_empty()) {
        Some(kind) => Some(Kind::parse(kind).map_err(|code| AppError::invalid("kind", code))?),
        None => None,
    };
    let limit = query.limit.unwrap_or(50);
    if !(1..=200).contains(&limit) {
        return Err(AppError::invalid("limit", "out-of-range"));
    }
    Ok(Json(service::worklist(&state, &ctx, kind, false, limit).await?))
}
