//! "Mark all present": the host of a session marks everyone whose attendance is not recorded yet
//! present at once, after confirming (the page asks first, the API wants `confirm`). A mark
//! already recorded stays as it is; people whose consent to take part lapsed are left out,
//! since nothing new is recorded for them.

use super::group_sessions::visible_session;
use super::require;
use crate::error::AppError;
use crate::identity::Ctx;
use crate::state::AppState;
use onramp_domain::policy::Action;
use onramp_domain::sessions::Attendance;
use onramp_store::audit::{self, Event};
use onramp_store::{consents, group_sessions};
use uuid::Uuid;

/// Marks present every enrolled person of the session without attendance yet (not those who
/// withdrew their consent), in one transaction, each audited. Returns how many were marked.
pub async fn mark_all_present(state: &AppState, ctx: &Ctx, session_id: Uuid) -> Result<usize, AppError> {
    let mut tx = state.db.begin().await?;
    let session = visible_session(&mut tx, ctx, session_id).await?;
    require(&ctx.actor, Action::ManageSession(&session.as_ref()))?;
    // Taking the session's row first: a list saved at the same time waits, and its marks stay.
    group_sessions::lock(&mut tx, session_id).await?;
    let unmarked: Vec<Uuid> = group_sessions::enrolments(&mut tx, session_id)
        .await?
        .into_iter()
        .filter(|e| e.attendance.is_none())
        .map(|e| e.participant_id)
        .collect();
    let withdrawn = consents::participation_lapses(&mut tx, &unmarked).await?;
    let people: Vec<Uuid> = unmarked.into_iter().filter(|p| !withdrawn.contains_key(p)).collect();
    let marked = group_sessions::mark_present_if_unmarked(&mut tx, session_id, &people, ctx.user.id).await?;
    let events = marked
        .iter()
        .map(|participant_id| {
            Event::new("session.attendance", "group_session", session_id)
                .for_participant(*participant_id)
                .after(&Attendance::Present)
        })
        .collect();
    audit::record_many(&mut tx, &ctx.who, events).await?;
    tx.commit().await?;
    Ok(marked.len())
}
