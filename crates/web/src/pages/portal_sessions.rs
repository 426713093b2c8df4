//! `/portal/sessions`: the person's group sessions, upcoming then past, and their personal
//! calendar feed: made here (its address shown once), stopped here.

use super::layout::{Page, PageResult, path_id, render, see_other};
use crate::ical::feed_url;
use crate::identity::{Ctx, PortalCtx};
use crate::service::portal::{self as service, OwnSession};
use crate::service::portal_calendar;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use onramp_store::calendar_feeds::CalendarFeed;
use serde::Deserialize;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NoticeQuery {
    notice: Option<String>,
}

#[derive(Template)]
#[template(path = "portal_sessions.html")]
struct SessionsTemplate {
    p: Page,
    sessions: Vec<OwnSession>,
    /// The person's feeds still working.
    feeds: Vec<CalendarFeed>,
    /// The address of the feed just made: shown this once.
    new_url: Option<String>,
}

async fn page(state: &AppState, ctx: &Ctx, new_url: Option<String>, notice: Option<&str>) -> PageResult {
    let sessions = service::sessions(state, ctx).await?;
    let feeds = portal_calendar::live(state, ctx).await?;
    Ok(render(&SessionsTemplate {
        p: Page::new(ctx, "portal-sessions-title", "portal-sessions").with_notice(notice),
        sessions,
        feeds,
        new_url,
    }))
}

/// `GET /portal/sessions`.
pub async fn show(
    State(state): State<AppState>,
    PortalCtx(ctx): PortalCtx,
    Query(q): Query<NoticeQuery>,
) -> PageResult {
    page(&state, &ctx, None, q.notice.as_deref()).await
}

/// `POST /portal/sessions/feeds`: makes a feed and shows its address once.
pub async fn create_feed(State(state): State<AppState>, PortalCtx(ctx): PortalCtx, headers: HeaderMap) -> PageResult {
    let (_, secret) = portal_calendar::create(&state, &ctx).await?;
    let url = feed_url(&state, &headers, &secret);
    page(&state, &ctx, Some(url), Some("portal-feed-made")).await
}

/// `POST /portal/sessions/feeds/{id}/revoke`: the address stops working at once.
pub async fn revoke_feed(
    State(state): State<AppState>,
    PortalCtx(ctx): PortalCtx,
    Path(id): Path<String>,
) -> PageResult {
    portal_calendar::revoke(&state, &ctx, path_id(&id)?).await?;
    Ok(see_other("/portal/sessions", "portal-feed-revoked"))
}
