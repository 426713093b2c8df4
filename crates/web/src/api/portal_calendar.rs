//! The participant's personal calendar feed as JSON (docs/portal.md): make one (its address is
//! returned this once), list those still working, stop one.

use super::calendars::{CreatedFeed, FeedView};
use super::extract::ApiPath;
use crate::error::{AppError, Problem};
use crate::ical::feed_url;
use crate::identity::Ctx;
use crate::service::portal_calendar as service;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use uuid::Uuid;

/// Makes a private iCalendar feed of the person's own group sessions (upcoming and of the last
/// 90 days): the time, the place and the online room, never anyone else.
#[utoipa::path(post, path = "/api/v1/portal/calendar-feeds", tag = "portal",
    responses(
        (status = 201, body = CreatedFeed),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
) -> Result<(StatusCode, Json<CreatedFeed>), AppError> {
    let (feed, secret) = service::create(&state, &ctx).await?;
    let url = feed_url(&state, &headers, &secret);
    Ok((StatusCode::CREATED, Json(CreatedFeed { feed: feed.into(), url })))
}

/// The person's feeds still working (their addresses are not kept and cannot be shown again).
#[utoipa::path(get, path = "/api/v1/portal/calendar-feeds", tag = "portal",
    responses(
        (status = 200, body = Vec<FeedView>),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn list(State(state): State<AppState>, ctx: Ctx) -> Result<Json<Vec<FeedView>>, AppError> {
    Ok(Json(
        service::live(&state, &ctx).await?.into_iter().map(Into::into).collect(),
    ))
}

/// Stops one of the person's feeds: its address answers 404 from now on.
#[utoipa::path(post, path = "/api/v1/portal/calendar-feeds/{id}/revoke", tag = "portal", params(("id" = Uuid, Path)),
    responses(
        (status = 204, description = "Stopped"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such working feed of yours", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn revoke(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<StatusCode, AppError> {
    service::revoke(&state, &ctx, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
