//! Private calendar feeds of group sessions.

use super::extract::{ApiJson, ApiPath};
use crate::error::{AppError, Problem};
use crate::ical::feed_url;
use crate::identity::Ctx;
use crate::service::calendars as service;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use chrono::{DateTime, Utc};
use onramp_domain::organisations::parse_optional_id;
use onramp_store::calendar_feeds::CalendarFeed;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct FeedBody {
    /// A location whose sessions the feed shows; absent for your own sessions.
    pub location_id: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FeedView {
    pub id: Uuid,
    pub location_id: Option<Uuid>,
    pub location_name: Option<String>,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl From<CalendarFeed> for FeedView {
    fn from(f: CalendarFeed) -> Self {
        FeedView {
            id: f.id,
            location_id: f.location_id,
            location_name: f.location_name,
            created_at: f.created_at,
            revoked_at: f.revoked_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedFeed {
    pub feed: FeedView,
    /// The private address to subscribe to. Shown only now; anyone who has it sees the sessions.
    pub url: String,
}

/// Creates a private iCalendar feed of your sessions (or of a location's) for Outlook or Google Calendar.
#[utoipa::path(post, path = "/api/v1/calendar-feeds", tag = "activities", request_body = FeedBody,
    responses(
        (status = 201, body = CreatedFeed),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    ApiJson(body): ApiJson<FeedBody>,
) -> Result<(StatusCode, Json<CreatedFeed>), AppError> {
    let location_id = parse_optional_id(body.location_id.as_deref().unwrap_or_default())
        .map_err(|code| AppError::invalid("location_id", code))?;
    let (feed, secret) = service::create(&state, &ctx, location_id).await?;
    let url = feed_url(&state, &headers, &secret);
    Ok((StatusCode::CREATED, Json(CreatedFeed { feed: feed.into(), url })))
}

/// Your calendar feeds (their addresses are not kept and cannot be shown again).
#[utoipa::path(get, path = "/api/v1/calendar-feeds", tag = "activities", responses((status = 200, body = Vec<FeedView>)))]
pub async fn list(State(state): State<AppState>, ctx: Ctx) -> Result<Json<Vec<FeedView>>, AppError> {
    Ok(Json(
        service::list(&state, &ctx).await?.into_iter().map(Into::into).collect(),
    ))
}

/// Revokes one of your feeds: its address answers 404 from now on.
#[utoipa::path(post, path = "/api/v1/calendar-feeds/{id}/revoke", tag = "activities", params(("id" = Uuid, Path)),
    responses((status = 204, description = "Revoked"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn revoke(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<StatusCode, AppError> {
    service::revoke(&state, &ctx, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
