//! The participant's personal calendar feed (docs/portal.md): their own group sessions, upcoming
//! and of the last 90 days, at a secret address their calendar app subscribes to. It is the
//! staff's private feed (service::calendars) owned by the portal account: made and revoked from
//! the portal, and it stops as soon as the portal access ends.

use super::calendars;
use super::portal::{own, own_of};
use crate::error::AppError;
use crate::identity::Ctx;
use crate::state::AppState;
use chrono::Days;
use onramp_domain::purposes::Purpose;
use onramp_store::audit::{self, Event, Who};
use onramp_store::calendar_feeds::CalendarFeed;
use onramp_store::group_sessions;
use onramp_store::users::User;
use uuid::Uuid;

/// How far back the feed reaches, as the staff's feeds do.
const RECENT_DAYS: u64 = 90;

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

/// The feed of a participant's portal account, as iCalendar text; `None` once the access has
/// ended. Each reading is audited as the person reading their own file (their calendar app
/// reads it for them).
pub async fn render(state: &AppState, owner: &User) -> Result<Option<String>, AppError> {
    let mut conn = state.db.conn().await?;
    let id = match own_of(&mut conn, &owner.actor()).await {
        Ok(id) => id,
        Err(AppError::NotFound) => return Ok(None),
        Err(other) => return Err(other),
    };
    let from = crate::time::today() - Days::new(RECENT_DAYS);
    let mut sessions = Vec::new();
    for enrolled in group_sessions::for_participant(&mut conn, id).await? {
        if enrolled.on_date < from {
            continue;
        }
        if let Some(session) = group_sessions::get(&mut conn, enrolled.session_id).await? {
            sessions.push(session);
        }
    }
    drop(conn);
    sessions.sort_by_key(|s| (s.starts_at, s.id));
    let who = Who {
        user_id: Some(owner.id),
        label: owner.email.clone(),
        role: Some(owner.role),
        ..Who::default()
    };
    let mut tx = state.db.begin().await?;
    let read = Event::read("portal.calendar_feed", "participant", id, Purpose::OwnFile).for_participant(id);
    audit::record(&mut tx, &who, read).await?;
    tx.commit().await?;
    let base = &state.config.meeting_base_url;
    Ok(Some(crate::ical::feed(base, "onramp", owner.language, &sessions)))
}
