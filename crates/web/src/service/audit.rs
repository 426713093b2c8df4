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
