//! Browsing the audit log (administrators).

use super::require;
use crate::error::AppError;
use crate::identity::Ctx;
use crate::state::AppState;
use onramp_domain::policy::Action;
use onramp_store::audit::{self, Entry, Filter};

pub const PAGE_SIZE: i64 = 50;

pub async fn list(state: &AppState, ctx: &Ctx, filter: &Filter) -> Result<Vec<Entry>, AppError> {
    require(&ctx.actor, Action::ViewAudit)?;
    let mut conn = state.db.conn().await?;
    Ok(audit::list(&mut conn, filter, PAGE_SIZE).await?)
}
