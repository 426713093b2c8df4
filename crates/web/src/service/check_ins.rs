//! Check-ins after exit: what falls due, and recording one (with re-entry when more service is needed).

use super::participants::{Need, authorise};
use super::require;
use super::trajectories::{Beginning, begin, check_coach};
use crate::error::AppError;
use crate::identity::Ctx;
use crate::state::AppState;
use chrono::NaiveDate;
use onramp_domain::FieldErrors;
use onramp_domain::identity::Role;
use onramp_domain::outcomes::CheckInClosure::ReEntered;
use onramp_domain::policy::{self, Action};
use onramp_domain::purposes;
use onramp_store::audit::{self, Event};
use onramp_store::check_ins::Which;
use onramp_store::trajectories::{self, Trajectory};
use onramp_store::{organisations, programmes};
use uuid::Uuid;

/// Check-ins after exit that fall due by `until` in the actor's caseload, audited as a list view.
pub async fn due_check_ins(
    state: &AppState,
    ctx: &Ctx,
    until: NaiveDate,
) -> Result<Vec<onramp_store::check_ins::CheckIn>, AppError> {
    let due = due_check_ins_unaudited(state, ctx, until).await?;
    let shown = due.iter().map(|c| c.participant_id);
    super::audit::list_view(state, ctx, "check_in.list", purposes::of_caseload(&ctx.actor), shown).await?;
    Ok(due)
}

/// [`due_check_ins`] without its audit entry: for the caseload page, whose one entry names the
/// people of both lists (`caseload::audit_page`).
pub async fn due_check_ins_unaudited(
    state: &AppState,
    ctx: &Ctx,
    until: NaiveDate,
) -> Result<Vec<onramp_store::check_ins::CheckIn>, AppError> {
    let scope = policy::caseload_scope(&ctx.actor);
    if scope.is_empty() {
        return Err(AppError::Forbidden);
    }
    let mut conn = state.db.conn().await?;
    Ok(onramp_store::check_ins::due(&mut conn, &ctx.actor, until).await?)
}

/// The participant a check-in belongs to, when the actor may see their file.
pub async fn check_in_participant(state: &AppState, ctx: &Ctx, check_in_id: Uuid) -> Result<Uuid, AppError> {
    let mut conn = state.db.conn().await?;
    let check_in = onramp_store::check_ins::get(&mut conn, check_in_id)
        .await?
        .ok_or(AppError::NotFound)?;
    authorise(&mut conn, ctx, check_in.participant_id, Need::View).await?;
    Ok(check_in.participant_id)
}

/// Records a check-in after exit. When more service is needed, the person re-enters at once as a
/// new trajectory of the same programme, partner and coach (unless one is already open).
pub async fn record_check_in(
    state: &AppState,
    ctx: &Ctx,
    check_in_id: Uuid,
    input: Result<onramp_domain::outcomes::CheckInInput, FieldErrors>,
) -> Result<(onramp_store::check_ins::CheckIn, Option<Trajectory>), AppError> {
    let mut tx = state.db.begin().await?;
    let check_in = onramp_store::check_ins::get(&mut tx, check_in_id)
        .await?
        .ok_or(AppError::NotFound)?;
    authorise(&mut tx, ctx, check_in.participant_id, Need::Record).await?;
    let input = input?;
    let done = onramp_store::check_ins::record(&mut tx, check_in_id, &input, ctx.user.id)
        .await
        .map_err(|e| match e {
            onramp_store::StoreError::NotFound => AppError::invalid("done_on", "already-done"),
            other => other.into(),
        })?;
    let event = Event::new("check_in.record", "check_in", check_in_id).for_participant(check_in.participant_id);
    audit::record(&mut tx, &ctx.who, event.after(&done)).await?;
    let mut reentry = None;
    if input.needs_more_service {
        let ended = trajectories::get(&mut tx, check_in.trajectory_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let open = trajectories::list_for(&mut tx, check_in.participant_id).await?;
        let already_open = open
            .iter()
            .any(|t| t.programme_id == ended.programme_id && t.ended_on.is_none());
        if !already_open && let Some(programme) = programmes::get(&mut tx, ended.programme_id).await? {
            // Re-entry starts a trajectory at the same partner: the same right as starting one.
            let organisation = organisations::get(&mut tx, ended.organisation_id)
                .await?
                .ok_or(AppError::NotFound)?;
            require(&ctx.actor, Action::CreateParticipant(&organisation.as_ref()))?;
            // The former coach if still active there, else the coach recording the check-in.
            let former = match ended.coach_id {
                Some(id) => check_coach(&mut tx, id, &organisation).await.is_ok().then_some(id),
                None => None,
            };
            let coach_id = former.or((ctx.actor.role == Role::Coach).then_some(ctx.user.id));
            let beginning = Beginning {
                participant_id: check_in.participant_id,
                programme: &programme,
                organisation_id: ended.organisation_id,
                region_id: ended.region_id,
                location_id: ended.location_id,
                coach_id,
                started_on: input.done_on,
            };
            reentry = Some(begin(&mut tx, ctx, beginning).await?);
        }
        if already_open || reentry.is_some() {
            // The person is back in the programme, where a new trajectory keeps its own schedule:
            // the old one's check-ins still open close as re-entered.
            let old = Which::Trajectory(check_in.trajectory_id);
            super::check_in_closing::close_open_check_ins(
                &mut tx,
                ctx,
                check_in.participant_id,
                old,
                input.done_on,
                ReEntered,
            )
            .await?;
        }
    }
    tx.commit().await?;
    Ok((done, reentry))
}
