//! Steps to work and other outcomes on a trajectory.

use super::participants::{Need, authorise};
use crate::error::AppError;
use crate::identity::Ctx;
use crate::state::AppState;
use crate::time::today;
use onramp_store::audit::{self, Event};
use onramp_store::trajectories;
use uuid::Uuid;

/// Records a step to work or another outcome on one of the participant's trajectories.
pub async fn add_outcome(
    state: &AppState,
    ctx: &Ctx,
    participant_id: Uuid,
    fields: &onramp_domain::outcomes::OutcomeFields,
) -> Result<onramp_store::outcomes::Outcome, AppError> {
    let parsed = onramp_domain::outcomes::OutcomeInput::parse(fields, today());
    let mut tx = state.db.begin().await?;
    authorise(&mut tx, ctx, participant_id, Need::Record).await?;
    let input = parsed?;
    let trajectory = trajectories::get(&mut tx, input.trajectory_id)
        .await?
        .filter(|t| t.participant_id == participant_id)
        .ok_or(AppError::invalid("trajectory_id", "invalid-reference"))?;
    if input.on < trajectory.started_on {
        return Err(AppError::invalid("on", "before-start"));
    }
    // What happened after the exit is found at a check-in, not added to the trajectory.
    if let Some(ended) = trajectory.ended_on
        && input.on > ended
    {
        let named = vec![("date", crate::i18n::date(&ended))];
        return Err(onramp_domain::FieldErrors::single_with("on", "after-exit", named).into());
    }
    let outcome = onramp_store::outcomes::add(&mut tx, &input, participant_id, ctx.user.id).await?;
    let event = Event::new("outcome.create", "outcome", outcome.id).for_participant(participant_id);
    audit::record(&mut tx, &ctx.who, event.after(&outcome)).await?;
    tx.commit().await?;
    Ok(outcome)
}
