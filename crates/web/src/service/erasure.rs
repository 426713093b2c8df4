//! Anonymising a participant and erasing a file registered by mistake (administrators and the
//! data protection officer): one transaction each, with the redaction of the audit log's images
//! of the person and an entry that says it happened (docs/retention.md).

use super::require;
use crate::error::AppError;
use crate::identity::Ctx;
use crate::state::AppState;
use onramp_domain::FieldErrors;
use onramp_domain::erasure::Treatment;
use onramp_domain::policy::Action;
use onramp_store::audit::{self, Event, Who};
use onramp_store::erasure::{self, Done};
use onramp_store::{Access, Tx};
use serde::Serialize;
use uuid::Uuid;

/// What the audit entry keeps: the reason and counts, nothing that identifies the person.
#[derive(Serialize)]
struct Entry<'a> {
    reason: &'a str,
    #[serde(flatten)]
    done: &'a Done,
}

/// Checks that the actor handles data rights and that the file exists: refused roles learn
/// nothing of which files exist.
pub async fn authorise(conn: &mut impl Access, ctx: &Ctx, id: Uuid) -> Result<erasure::Standing, AppError> {
    require(&ctx.actor, Action::HandleDataRights)?;
    erasure::standing(conn, id).await?.ok_or(AppError::NotFound)
}

/// Anonymises or erases the file, as `treatment` says.
pub async fn treat(
    state: &AppState,
    ctx: &Ctx,
    id: Uuid,
    treatment: Treatment,
    reason: &str,
) -> Result<Done, AppError> {
    let mut tx = state.db.begin().await?;
    let standing = authorise(&mut tx, ctx, id).await?;
    if standing.legal_hold_reason.is_some() {
        return Err(AppError::Conflict(FieldErrors::single("reason", "legal-hold")));
    }
    if treatment == Treatment::Anonymise && standing.anonymised_at.is_some() {
        return Err(AppError::Conflict(FieldErrors::single("reason", "already-anonymised")));
    }
    let done = apply(&mut tx, &ctx.who, id, treatment, reason).await?;
    tx.commit().await?;
    Ok(done)
}

/// Does it in the caller's transaction (the retention run's too), then records it: after the
/// redaction, so that this entry keeps its reason.
pub async fn apply(tx: &mut Tx, who: &Who, id: Uuid, treatment: Treatment, reason: &str) -> Result<Done, AppError> {
    let (done, action) = match treatment {
        Treatment::Anonymise => (erasure::anonymise(tx, id, reason).await?, "participant.anonymise"),
        Treatment::Erase => (erasure::erase(tx, id).await?, "participant.erase"),
    };
    let entry = Entry { reason, done: &done };
    let event = Event::new(action, "participant", id).for_participant(id).after(&entry);
    audit::record(tx, who, event).await?;
    Ok(done)
}
