//! Barriers to work: noted on a trajectory, closed as resolved or not.

use super::participants::{Need, authorise};
use super::trajectories::check_date;
use crate::error::AppError;
use crate::identity::Ctx;
use crate::state::AppState;
use crate::time::today;
use onramp_domain::FieldErrors;
use onramp_store::audit::{self, Event};
use onramp_store::trajectories;
use uuid::Uuid;

/// Notes a barrier to work on one of the participant's trajectories.
/// The statuses a barrier closes with.
pub const CLOSED: &[&str] = &["resolved", "unresolved"];

pub async fn add_barrier(
    state: &AppState,
    ctx: &Ctx,
    participant_id: Uuid,
    fields: [&str; 4],
) -> Result<onramp_store::outcomes::Barrier, AppError> {
    let [trajectory_id, code, noted_on, note] = fields;
    let mut tx = state.db.begin().await?;
    authorise(&mut tx, ctx, participant_id, Need::Record).await?;
    let added = super::barrier_codes::names_in(&mut tx).await?.added_codes();
    let input = onramp_domain::outcomes::BarrierInput::parse(trajectory_id, code, noted_on, note, today(), &added)?;
    trajectories::get(&mut tx, input.trajectory_id)
        .await?
        .filter(|t| t.participant_id == participant_id)
        .ok_or(AppError::invalid("trajectory_id", "invalid-reference"))?;
    let barrier = onramp_store::outcomes::add_barrier(&mut tx, &input, participant_id, ctx.user.id).await?;
    let event = Event::new("barrier.create", "barrier", barrier.id).for_participant(participant_id);
    audit::record(&mut tx, &ctx.who, event.after(&barrier)).await?;
    tx.commit().await?;
    Ok(barrier)
}

/// Closes an open barrier as resolved or unresolved.
pub async fn close_barrier(
    state: &AppState,
    ctx: &Ctx,
    barrier_id: Uuid,
    status: &str,
    on: &str,
) -> Result<onramp_store::outcomes::Barrier, AppError> {
    use onramp_domain::outcomes::BarrierStatus;
    let mut tx = state.db.begin().await?;
    let before = onramp_store::outcomes::barrier(&mut tx, barrier_id)
        .await?
        .ok_or(AppError::NotFound)?;
    authorise(&mut tx, ctx, before.participant_id, Need::Record).await?;
    let mut errors = FieldErrors::new();
    let status = errors
        .check("status", BarrierStatus::parse(status))
        .filter(|s| *s != BarrierStatus::Open);
    if status.is_none() && errors.is_empty() {
        errors.add_choice("status", CLOSED);
    }
    let on = if on.trim().is_empty() {
        Some(today())
    } else {
        check_date(&mut errors, "on", on, Some(before.noted_on))
    };
    let (Some(status), Some(on)) = (status, on) else {
        return Err(AppError::Invalid(errors));
    };
    let after = onramp_store::outcomes::close_barrier(&mut tx, barrier_id, status.as_str(), on)
        .await
        .map_err(|e| match e {
            onramp_store::StoreError::NotFound => AppError::invalid("status", "already-closed"),
            other => other.into(),
        })?;
    let event = Event::new("barrier.close", "barrier", barrier_id).for_participant(after.participant_id);
    audit::record(&mut tx, &ctx.who, event.before(&before).after(&after)).await?;
    tx.commit().await?;
    Ok(after)
}
