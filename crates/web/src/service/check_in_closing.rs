//! Closing the check-ins still open when they can no longer be recorded: after a re-entry, or
//! when the consent to take part is withdrawn. Apart from `check_ins` and `trajectories`, which
//! both close them, so that neither imports the other.

use crate::error::AppError;
use crate::identity::Ctx;
use chrono::NaiveDate;
use onramp_domain::outcomes::CheckInClosure;
use onramp_store::audit::{self, Event};
use onramp_store::check_ins::Which;
use uuid::Uuid;

/// Closes the open check-ins `which` names, as `closure` says, and audits what it closed.
pub(super) async fn close_open_check_ins(
    tx: &mut impl onramp_store::Access,
    ctx: &Ctx,
    participant_id: Uuid,
    which: Which,
    on: NaiveDate,
    closure: CheckInClosure,
) -> Result<(), AppError> {
    let closed = onramp_store::check_ins::close_open(tx, which, on, closure, ctx.user.id).await?;
    if !closed.is_empty() {
        let event = Event::new("check_in.close", "participant", participant_id)
            .for_participant(participant_id)
            .after(&serde_json::json!({ "closed_as": closure, "check_ins": closed }));
        audit::record(tx, &ctx.who, event).await?;
    }
    Ok(())
}
