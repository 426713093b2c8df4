//! The participant's personal calendar feed (docs/portal.md): their own group sessions, upcoming
//! and of the last 90 days, at a secret address their calendar app subscribes to. It is the
//! staff's private feed (service::calendars, which also renders it) owned by the portal account:
//! made and revoked from the portal, and it stops as soon as the portal access ends.

use super::calendars;
use super::portal::own;
use crate::error::AppError;
use crate::identity::Ctx;
use crate::state::AppState;
use onramp_store::calendar_feeds::CalendarFeed;
use uuid::Uuid;

/// Makes a feed of the person's sessions; returns it with its secret (shown once).
pub async fn create(state: &AppState, ctx: &Ctx) -> Result<(CalendarFeed, String), AppError> {
    own(state, ctx).await?;
    calendars::create(state, ctx, None).await
}

/// The person's feeds still working, newest first.
pub async fn live(state: &AppState, ctx: &Ctx) -> Result<Vec<CalendarFeed>, AppError> {
    own(state, ctx).await?;
    let mut feeds = calendars::list(state, ctx).await?;
    feeds.retain(|f| f.revoked_at.is_none());
    Ok(feeds)
}

/// Stops one of the person's feeds; 404 for any other.
pub async fn revoke(state: &AppState, ctx: &Ctx, id: Uuid) -> Result<(), AppError> {
    own(state, ctx).await?;
    calendars::revoke(state, ctx, id).await
}
