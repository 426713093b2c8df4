//! Private iCalendar feeds of one's own sessions or of a location's, which Outlook or Google
//! Calendar subscribe to. The feed holds when and where, never who takes part.

use super::require;
use crate::error::AppError;
use crate::identity::Ctx;
use crate::state::AppState;
use chrono::Days;
use onramp_domain::policy::{self, Action, Decision};
use onramp_store::audit::{self, Event};
use onramp_store::calendar_feeds::{self, CalendarFeed};
use onramp_store::group_sessions;
use onramp_store::{locations, organisations, users};
use uuid::Uuid;

/// Creates a feed of the actor's own sessions, or of a location's. Returns it with its secret.
pub async fn create(
    state: &AppState,
    ctx: &Ctx,
    location_id: Option<Uuid>,
) -> Result<(CalendarFeed, String), AppError> {
    let mut tx = state.db.begin().await?;
    if let Some(location_id) = location_id {
        let location = locations::get(&mut tx, location_id)
            .await?
            .ok_or(AppError::invalid("location_id", "invalid-reference"))?;
        let organisation = organisations::get(&mut tx, location.organisation_id)
            .await?
            .ok_or(AppError::invalid("location_id", "invalid-reference"))?;
        require(&ctx.actor, Action::SubscribeLocation(&organisation.as_ref()))
            .map_err(|_| AppError::invalid("location_id", "invalid-reference"))?;
    }
    let (feed, secret) = calendar_feeds::create(&mut tx, ctx.user.id, location_id).await?;
    audit::record(
        &mut tx,
        &ctx.who,
        Event::new("calendar_feed.create", "calendar_feed", feed.id).after(&feed),
    )
    .await?;
    tx.commit().await?;
    Ok((feed, secret))
}

pub async fn list(state: &AppState, ctx: &Ctx) -> Result<Vec<CalendarFeed>, AppError> {
    let mut conn = state.db.conn().await?;
    Ok(calendar_feeds::list_for_owner(&mut conn, ctx.user.id).await?)
}

pub async fn revoke(state: &AppState, ctx: &Ctx, id: Uuid) -> Result<(), AppError> {
    let mut tx = state.db.begin().await?;
    calendar_feeds::revoke(&mut tx, ctx.user.id, id).await?;
    audit::record(
        &mut tx,
        &ctx.who,
        Event::new("calendar_feed.revoke", "calendar_feed", id),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The feed a secret opens, as iCalendar text; `None` for a revoked or unknown secret, or when
/// its owner may no longer see what it shows (deactivated, or moved away from the location).
pub async fn render(state: &AppState, secret: &str) -> Result<Option<String>, AppError> {
    let mut conn = state.db.conn().await?;
    let Some(feed) = calendar_feeds::by_secret(&mut conn, secret).await? else {
        return Ok(None);
    };
    let Some(owner) = users::get(&mut conn, feed.owner_id).await?.filter(|u| u.active) else {
        return Ok(None);
    };
    // A participant's feed holds their own sessions (the portal's), not the ones they lead.
    if owner.role == onramp_domain::identity::Role::Participant {
        drop(conn);
        return own_sessions(state, &owner).await;
    }
    let actor = owner.actor();
    if let Some(location_id) = feed.location_id {
        let location = locations::get(&mut conn, location_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let organisation = organisations::get(&mut conn, location.organisation_id)
            .await?
            .ok_or(AppError::NotFound)?;
        if policy::decide(&actor, Action::SubscribeLocation(&organisation.as_ref())) != Decision::Allow {
            return Ok(None);
        }
    }
    let from = crate::time::today() - Days::new(90);
    let user = feed.location_id.is_none().then_some(owner.id);
    let sessions = group_sessions::for_calendar(&mut conn, user, feed.location_id, from).await?;
    let name = match &feed.location_name {
        Some(name) => format!("onramp · {name}"),
        None => format!("onramp · {}", owner.display_name),
    };
    let base = &state.config.meeting_base_url;
    Ok(Some(crate::ical::feed(base, &name, owner.language, &sessions)))
}

/// The feed of a participant's portal account (docs/portal.md): their own sessions, upcoming and
/// of the last 90 days, as iCalendar text; `None` once the portal access has ended. Each reading
/// is audited as the person reading their own file (their calendar app reads it for them).
async fn own_sessions(state: &AppState, owner: &users::User) -> Result<Option<String>, AppError> {
    let mut conn = state.db.conn().await?;
    let id = match super::portal::own_of(&mut conn, &owner.actor()).await {
        Ok(id) => id,
        Err(AppError::NotFound) => return Ok(None),
        Err(other) => return Err(other),
    };
    let from = crate::time::today() - Days::new(90);
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
    let who = audit::Who {
        user_id: Some(owner.id),
        label: owner.email.clone(),
        role: Some(owner.role),
        ..audit::Who::default()
    };
    let mut tx = state.db.begin().await?;
    let read = Event::read(
        "portal.calendar_feed",
        "participant",
        id,
        onramp_domain::purposes::Purpose::OwnFile,
    )
    .for_participant(id);
    audit::record(&mut tx, &who, read).await?;
    tx.commit().await?;
    let base = &state.config.meeting_base_url;
    Ok(Some(crate::ical::feed(base, "onramp", owner.language, &sessions)))
}
