//! Consents: given for a purpose, possibly up to an end date, withdrawn from a date.

use super::participants::{Need, authorise};
use crate::error::AppError;
use crate::identity::Ctx;
use crate::state::AppState;
use chrono::NaiveDate;
use onramp_domain::consents::ConsentInput;
use onramp_domain::outcomes::CheckInClosure;
use onramp_store::Tx;
use onramp_store::audit::{self, Event};
use onramp_store::check_ins::Which;
use onramp_store::consents::{self, Consent};
use uuid::Uuid;

pub async fn add_consent(state: &AppState, ctx: &Ctx, id: Uuid, input: ConsentInput) -> Result<Consent, AppError> {
    let mut tx = state.db.begin().await?;
    let consent = give(&mut tx, ctx, id, &input).await?;
    tx.commit().await?;
    Ok(consent)
}

/// Records a consent in the caller's transaction (also at intake).
pub(super) async fn give(tx: &mut Tx, ctx: &Ctx, id: Uuid, input: &ConsentInput) -> Result<Consent, AppError> {
    authorise(tx, ctx, id, Need::Edit).await?;
    give_unchecked(tx, ctx, id, input).await
}

/// Records a consent whose giver the caller has authorised (staff through the file, the
/// participant through the portal).
pub(super) async fn give_unchecked(
    tx: &mut Tx,
    ctx: &Ctx,
    id: Uuid,
    input: &ConsentInput,
) -> Result<Consent, AppError> {
    let consent = consents::add(tx, id, input, Some(ctx.user.id)).await?;
    let event = Event::new("consent.give", "consent", consent.id)
        .for_participant(id)
        .after(&consent);
    audit::record(tx, &ctx.who, event).await?;
    Ok(consent)
}

pub async fn withdraw_consent(
    state: &AppState,
    ctx: &Ctx,
    id: Uuid,
    consent_id: Uuid,
    on: NaiveDate,
) -> Result<Consent, AppError> {
    let mut tx = state.db.begin().await?;
    authorise(&mut tx, ctx, id, Need::Edit).await?;
    let consent = withdraw_unchecked(&mut tx, ctx, id, consent_id, on).await?;
    tx.commit().await?;
    Ok(consent)
}

/// Withdraws a consent whose holder the caller has authorised, in the caller's transaction.
pub(super) async fn withdraw_unchecked(
    tx: &mut Tx,
    ctx: &Ctx,
    id: Uuid,
    consent_id: Uuid,
    on: NaiveDate,
) -> Result<Consent, AppError> {
    let consent = consents::withdraw(tx, id, consent_id, on).await?;
    let event = Event::new("consent.withdraw", "consent", consent.id)
        .for_participant(id)
        .after(&consent);
    audit::record(tx, &ctx.who, event).await?;
    // No longer taking part: the follow-up after exit stops with the rest (nothing more is recorded).
    if consents::participation_lapse(tx, id).await?.is_some() {
        let all = Which::Participant(id);
        super::check_in_closing::close_open_check_ins(tx, ctx, id, all, on, CheckInClosure::ConsentWithdrawn).await?;
    }
    Ok(consent)
}
