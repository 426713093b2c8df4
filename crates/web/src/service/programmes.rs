//! Programme templates: read by the people who run programmes, managed by administrators.

use super::require;
use crate::error::AppError;
use crate::identity::Ctx;
use crate::state::AppState;
use onramp_domain::policy::Action;
use onramp_domain::programmes::ProgrammeInput;
use onramp_store::audit::{self, Event};
use onramp_store::programmes::{self, Programme};
use uuid::Uuid;

fn require_read(ctx: &Ctx) -> Result<(), AppError> {
    require(&ctx.actor, Action::ViewProgrammes)
}

pub async fn list(state: &AppState, ctx: &Ctx) -> Result<Vec<Programme>, AppError> {
    require_read(ctx)?;
    let mut conn = state.db.conn().await?;
    Ok(programmes::list(&mut conn).await?)
}

pub async fn get(state: &AppState, ctx: &Ctx, id: Uuid) -> Result<Programme, AppError> {
    require_read(ctx)?;
    let mut conn = state.db.conn().await?;
    programmes::get(&mut conn, id).await?.ok_or(AppError::NotFound)
}

pub async fn create(state: &AppState, ctx: &Ctx, input: ProgrammeInput) -> Result<Programme, AppError> {
    require(&ctx.actor, Action::ManageProgrammes)?;
    let mut tx = state.db.begin().await?;
    let programme = programmes::create(&mut tx, &input, false).await?;
    audit::record(
        &mut tx,
        &ctx.who,
        Event::new("programme.create", "programme", programme.id).after(&programme),
    )
    .await?;
    tx.commit().await?;
    Ok(programme)
}

/// Changes a programme. Phases that open trajectories are in cannot be removed.
pub async fn update(state: &AppState, ctx: &Ctx, id: Uuid, input: ProgrammeInput) -> Result<Programme, AppError> {
    require(&ctx.actor, Action::ManageProgrammes)?;
    let mut tx = state.db.begin().await?;
    let before = programmes::get(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    let in_use = programmes::phases_in_use(&mut tx, id).await?;
    if in_use
        .iter()
        .any(|phase| !input.phases.iter().any(|p| &p.code == phase))
    {
        return Err(AppError::invalid("phases", "phase-in-use"));
    }
    let after = programmes::update(&mut tx, id, &input).await?;
    let event = Event::new("programme.update", "programme", id)
        .before(&before)
        .after(&after);
    audit::record(&mut tx, &ctx.who, event).await?;
    tx.commit().await?;
    Ok(after)
}

/// The names of every programme's phases and modules in the reader's language, for answers that
/// carry their codes. Programme templates are not personal data: whoever may see a trajectory or
/// a session may see what its codes are called, so this asks no further permission.
pub async fn step_names(state: &AppState, ctx: &Ctx) -> Result<crate::builtin_names::StepNames, AppError> {
    let mut conn = state.db.conn().await?;
    let programmes = programmes::list(&mut conn).await?;
    Ok(crate::builtin_names::StepNames::new(ctx.language, &programmes))
}
