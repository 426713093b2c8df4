//! Browsing the audit log (administrators and the data protection officer), and auditing the
//! list views that show participants.

use super::require;
use crate::error::AppError;
use crate::identity::Ctx;
use crate::state::AppState;
use onramp_domain::policy::Action;
use onramp_domain::purposes::Purpose;
use onramp_store::audit::{self, Entry, Event, Filter};
use uuid::Uuid;

pub const PAGE_SIZE: i64 = 50;

pub async fn list(state: &AppState, ctx: &Ctx, filter: &Filter) -> Result<Vec<Entry>, AppError> {
    require(&ctx.actor, Action::ViewAudit)?;
    let mut conn = state.db.conn().await?;
    Ok(audit::list(&mut conn, filter, PAGE_SIZE).await?)
}

/// Audits a list view that showed participants (by name, at least): one entry for the page with
/// the people it showed, found per person through `audit_subjects`. Nothing when it showed nobody.
pub async fn list_view(
    state: &AppState,
    ctx: &Ctx,
    action: &str,
    purpose: Purpose,
    shown: impl IntoIterator<Item = Uuid>,
) -> Result<(), AppError> {
    let subjects: Vec<Uuid> = shown.into_iter().collect();
    if subjects.is_empty() {
        return Ok(());
    }
    // A list view changes nothing else to go with its entry.
    audit::record_alone(&state.db, &ctx.who, Event::list(action, purpose, subjects)).await?;
    Ok(())
}

/// A list view's entry being written on a task of its own (see [`list_view_beside`]).
pub struct PendingEntry(tokio::task::JoinHandle<Result<(), AppError>>);

impl PendingEntry {
    /// Waits until the entry is durable; a page answers only after this succeeded.
    pub async fn written(self) -> Result<(), AppError> {
        self.0.await.map_err(|e| AppError::Internal(Box::new(e)))?
    }
}

/// [`list_view`] started beside the rest of a page: the entry is written and made durable
/// while the page reads and renders what else it shows, so its sync costs the reader only
/// what the rest does not already take. The entry is written even if the reader goes away.
pub fn list_view_beside(
    state: &AppState,
    ctx: &Ctx,
    action: &'static str,
    purpose: Purpose,
    shown: Vec<Uuid>,
) -> PendingEntry {
    let (state, ctx) = (state.clone(), ctx.clone());
    PendingEntry(tokio::spawn(async move {
        list_view(&state, &ctx, action, purpose, shown).await
    }))
}

/// A read's entry (`Event::read`) started beside the reading, as [`list_view_beside`] does for a
/// list: begun once the read is allowed, it is made durable while the record is read, and the
/// reader is answered only after [`PendingEntry::written`]. Should the reading then fail, the entry
/// stays: it records an access that was granted, never less than what was shown.
pub fn read_beside(state: &AppState, ctx: &Ctx, event: Event<'static>) -> PendingEntry {
    let (db, who) = (state.db.clone(), ctx.who.clone());
    PendingEntry(tokio::spawn(async move {
        audit::record_alone(&db, &who, event).await?;
        Ok(())
    }))
}
