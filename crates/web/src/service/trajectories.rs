//! Starting a trajectory, moving it through its phases, handing it over, ending it.

use super::participants::{Need, authorise};
use super::require;
use crate::error::AppError;
use crate::identity::Ctx;
use crate::state::AppState;
use crate::time::today;
use chrono::NaiveDate;
use onramp_domain::FieldErrors;
use onramp_domain::identity::Role;
use onramp_domain::organisations::{parse_id, parse_optional_id};
use onramp_domain::participants::parse_date;
use onramp_domain::policy::Action;
use onramp_domain::trajectories::{ExitReason, duration_status, ends_by};
use onramp_domain::validation::optional_multiline;
use onramp_store::audit::{self, Event};
use onramp_store::trajectories::{self, NewTrajectory, Trajectory};
use onramp_store::{Access, Tx, organisations, participants, programmes, users};
use uuid::Uuid;

/// The raw fields of "start a trajectory".
#[derive(Debug, Clone, Default)]
pub struct StartFields {
    pub programme_id: String,
    pub organisation_id: String,
    pub location_id: String,
    pub coach_id: String,
    pub started_on: String,
}

/// A person who comes back to a programme they left is followed up in the new trajectory, with
/// its own schedule: the check-ins still open after their earlier exits close as re-entered.
pub(super) async fn close_left_behind(
    tx: &mut Tx,
    ctx: &Ctx,
    earlier: &[Trajectory],
    programme_id: Uuid,
    on: NaiveDate,
) -> Result<(), AppError> {
    use onramp_domain::outcomes::CheckInClosure::ReEntered;
    for left in earlier
        .iter()
        .filter(|t| t.programme_id == programme_id && t.ended_on.is_some())
    {
        let which = onramp_store::check_ins::Which::Trajectory(left.id);
        super::check_in_closing::close_open_check_ins(tx, ctx, left.participant_id, which, on, ReEntered).await?;
    }
    Ok(())
}

/// A responsible person must be an active coach (or job mediator, who works as a coach in onramp)
/// who works at the trajectory's partner: only there may they open the file, record its contacts
/// and check-ins, and start a re-entry. The refusal names the partner.
pub(super) async fn check_coach(
    conn: &mut impl Access,
    coach_id: Uuid,
    partner: &onramp_store::organisations::Organisation,
) -> Result<(), AppError> {
    match users::get(conn, coach_id).await? {
        Some(user) if user.active && user.role == Role::Coach => {
            if user.organisations.contains(&partner.id) {
                Ok(())
            } else {
                let named = vec![("partner", partner.name.clone())];
                Err(FieldErrors::single_with("coach_id", "coach-not-at-partner", named).into())
            }
        }
        _ => Err(AppError::invalid("coach_id", "not-a-coach")),
    }
}

pub(super) fn check_date(
    errors: &mut FieldErrors,
    field: &'static str,
    value: &str,
    not_before: Option<NaiveDate>,
) -> Option<NaiveDate> {
    let date = errors.check(field, parse_date(value))?;
    if date > today() {
        errors.add(field, "date-in-future");
        None
    } else if not_before.is_some_and(|start| date < start) {
        errors.add(field, "before-start");
        None
    } else {
        Some(date)
    }
}

pub async fn start(
    state: &AppState,
    ctx: &Ctx,
    participant_id: Uuid,
    fields: &StartFields,
) -> Result<Trajectory, AppError> {
    let mut tx = state.db.begin().await?;
    let trajectory = start_in(&mut tx, ctx, participant_id, fields).await?;
    tx.commit().await?;
    Ok(trajectory)
}

/// Starts a trajectory in the caller's transaction (also at intake).
pub(super) async fn start_in(
    tx: &mut Tx,
    ctx: &Ctx,
    participant_id: Uuid,
    fields: &StartFields,
) -> Result<Trajectory, AppError> {
    let mut errors = FieldErrors::new();
    let programme_id = errors.check("programme_id", parse_id(&fields.programme_id));
    let organisation_id = errors.check("organisation_id", parse_id(&fields.organisation_id));
    let location_id = errors
        .check("location_id", parse_optional_id(&fields.location_id))
        .flatten();
    let coach_id = errors.check("coach_id", parse_optional_id(&fields.coach_id)).flatten();
    let started_on = check_date(&mut errors, "started_on", &fields.started_on, None);
    authorise(tx, ctx, participant_id, Need::Record).await?;
    let (Some(programme_id), Some(organisation_id), Some(started_on)) = (programme_id, organisation_id, started_on)
    else {
        return Err(AppError::Invalid(errors));
    };
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let programme = programmes::get(tx, programme_id)
        .await?
        .ok_or(AppError::invalid("programme_id", "invalid-reference"))?;
    let organisation = organisations::get(tx, organisation_id)
        .await?
        .ok_or(AppError::invalid("organisation_id", "invalid-reference"))?;
    require(&ctx.actor, Action::CreateParticipant(&organisation.as_ref()))?;
    super::check_location(tx, organisation_id, location_id).await?;
    let coach_id = coach_id.or((ctx.actor.role == Role::Coach).then_some(ctx.user.id));
    if let Some(coach_id) = coach_id {
        check_coach(tx, coach_id, &organisation).await?;
    }
    let earlier = trajectories::list_for(tx, participant_id).await?;
    if earlier
        .iter()
        .any(|t| t.programme_id == programme_id && t.ended_on.is_none())
    {
        return Err(AppError::invalid("programme_id", "open-trajectory"));
    }
    close_left_behind(tx, ctx, &earlier, programme_id, started_on).await?;
    begin(
        tx,
        ctx,
        Beginning {
            participant_id,
            programme: &programme,
            organisation_id,
            region_id: organisation.region_id,
            location_id,
            coach_id,
            started_on,
        },
    )
    .await
}

/// What a new trajectory starts with, checked by the caller.
pub(super) struct Beginning<'a> {
    pub(super) participant_id: Uuid,
    pub(super) programme: &'a onramp_store::programmes::Programme,
    pub(super) organisation_id: Uuid,
    pub(super) region_id: Option<Uuid>,
    pub(super) location_id: Option<Uuid>,
    pub(super) coach_id: Option<Uuid>,
    pub(super) started_on: NaiveDate,
}

/// Starts a trajectory in its programme's first phase, and audits it.
pub(super) async fn begin(tx: &mut impl Access, ctx: &Ctx, b: Beginning<'_>) -> Result<Trajectory, AppError> {
    let participant = participants::get(tx, b.participant_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let definition = &b.programme.definition;
    let new = NewTrajectory {
        participant_id: b.participant_id,
        participant_name: participant.record.name_search(),
        programme_id: b.programme.id,
        organisation_id: b.organisation_id,
        region_id: b.region_id,
        location_id: b.location_id,
        coach_id: b.coach_id,
        started_on: b.started_on,
        ends_by: ends_by(b.started_on, definition.max_duration_months),
        first_phase: definition.phases.first().map(|p| p.code.clone()).unwrap_or_default(),
    };
    let trajectory = trajectories::start(tx, &new, Some(ctx.user.id)).await?;
    record(tx, ctx, "trajectory.start", &trajectory, None).await?;
    Ok(trajectory)
}

async fn record(
    tx: &mut impl Access,
    ctx: &Ctx,
    action: &str,
    after: &Trajectory,
    before: Option<&Trajectory>,
) -> Result<(), AppError> {
    let mut event = Event::new(action, "trajectory", after.id)
        .for_participant(after.participant_id)
        .after(after);
    if let Some(before) = before {
        event = event.before(before);
    }
    audit::record(tx, &ctx.who, event).await?;
    Ok(())
}

/// The participant a trajectory belongs to, when the actor may see their file.
pub async fn participant_of(state: &AppState, ctx: &Ctx, id: Uuid) -> Result<Uuid, AppError> {
    let mut conn = state.db.conn().await?;
    let trajectory = trajectories::get(&mut conn, id).await?.ok_or(AppError::NotFound)?;
    authorise(&mut conn, ctx, trajectory.participant_id, Need::View).await?;
    Ok(trajectory.participant_id)
}

/// Loads an open trajectory the actor may change as `need` says.
async fn editable(tx: &mut impl Access, ctx: &Ctx, id: Uuid, need: Need) -> Result<Trajectory, AppError> {
    let trajectory = trajectories::get(tx, id).await?.ok_or(AppError::NotFound)?;
    authorise(tx, ctx, trajectory.participant_id, need).await?;
    if trajectory.ended_on.is_some() {
        return Err(AppError::invalid("trajectory", "trajectory-ended"));
    }
    Ok(trajectory)
}

pub async fn change_phase(
    state: &AppState,
    ctx: &Ctx,
    id: Uuid,
    phase: &str,
    on: &str,
    note: &str,
) -> Result<Trajectory, AppError> {
    let mut tx = state.db.begin().await?;
    let after = change_phase_in(&mut tx, ctx, id, phase, on, note).await?;
    tx.commit().await?;
    Ok(after)
}

/// Moves a trajectory to another phase in the caller's transaction (also from an import).
pub(super) async fn change_phase_in(
    tx: &mut Tx,
    ctx: &Ctx,
    id: Uuid,
    phase: &str,
    on: &str,
    note: &str,
) -> Result<Trajectory, AppError> {
    let before = editable(tx, ctx, id, Need::Record).await?;
    let programme = programmes::get(tx, before.programme_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut errors = FieldErrors::new();
    if phase.trim().is_empty() {
        errors.add("phase", "required");
    } else if !programme.has_phase(phase.trim()) {
        errors.add("phase", "unknown-phase");
    }
    let on = check_date(&mut errors, "on", on, Some(before.phase_since));
    let note = errors.check("note", optional_multiline(note, 2000)).flatten();
    let Some(on) = on.filter(|_| errors.is_empty()) else {
        return Err(AppError::Invalid(errors));
    };
    let after = trajectories::change_phase(tx, id, phase.trim(), on, note.as_deref(), Some(ctx.user.id)).await?;
    record(tx, ctx, "trajectory.phase", &after, Some(&before)).await?;
    Ok(after)
}

pub async fn hand_over(
    state: &AppState,
    ctx: &Ctx,
    id: Uuid,
    coach_id: &str,
    on: &str,
    note: &str,
) -> Result<Trajectory, AppError> {
    let mut tx = state.db.begin().await?;
    let after = hand_over_in(&mut tx, ctx, id, coach_id, on, note).await?;
    tx.commit().await?;
    Ok(after)
}

/// Hands a trajectory over to another coach of its partner, in the caller's transaction.
pub(super) async fn hand_over_in(
    tx: &mut Tx,
    ctx: &Ctx,
    id: Uuid,
    coach_id: &str,
    on: &str,
    note: &str,
) -> Result<Trajectory, AppError> {
    let before = editable(tx, ctx, id, Need::Record).await?;
    let mut errors = FieldErrors::new();
    let coach_id = errors.check("coach_id", parse_id(coach_id));
    let on = check_date(&mut errors, "on", on, Some(before.started_on));
    let note = errors.check("note", optional_multiline(note, 2000)).flatten();
    let (Some(coach_id), Some(on)) = (coach_id, on) else {
        return Err(AppError::Invalid(errors));
    };
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let partner = organisations::get(tx, before.organisation_id)
        .await?
        .ok_or(AppError::NotFound)?;
    check_coach(tx, coach_id, &partner).await?;
    let after = trajectories::hand_over(tx, id, coach_id, on, note.as_deref(), Some(ctx.user.id)).await?;
    record(tx, ctx, "trajectory.handover", &after, Some(&before)).await?;
    Ok(after)
}

/// What leaving a trajectory records.
#[derive(Debug, Clone, Default)]
pub struct ExitFields {
    pub on: String,
    pub reason: String,
    /// The ESF+ situation upon leaving; may be left empty (not recorded).
    pub situation: String,
    /// For a handover to job mediation (reason `job_mediation`): the receiving organisation and
    /// its service, both required then; left aside for any other reason.
    pub mediation_organisation_id: String,
    pub mediation_service: String,
    pub note: String,
}

/// Where a handover to job mediation goes: an organisation that mediates jobs (the public
/// employment service, or a provider with its own job mediation) and the service there.
async fn mediation(
    tx: &mut impl Access,
    errors: &mut FieldErrors,
    fields: &ExitFields,
) -> Result<Option<(Uuid, String)>, AppError> {
    let organisation_id = errors.check("mediation_organisation_id", parse_id(&fields.mediation_organisation_id));
    let service = errors.check(
        "mediation_service",
        onramp_domain::trajectories::parse_mediation_service(&fields.mediation_service),
    );
    let Some(organisation_id) = organisation_id else {
        return Ok(None);
    };
    let receives = organisations::get(tx, organisation_id)
        .await?
        .is_some_and(|o| o.kind.mediates_jobs());
    if !receives {
        errors.add("mediation_organisation_id", "not-job-mediation");
        return Ok(None);
    }
    Ok(service.map(|service| (organisation_id, service)))
}

/// Ends a trajectory. Its outcomes must fall on or before the exit (later ones belong to the
/// check-ins after exit); a handover to job mediation records where the person went.
pub async fn exit(state: &AppState, ctx: &Ctx, id: Uuid, fields: &ExitFields) -> Result<Trajectory, AppError> {
    let mut tx = state.db.begin().await?;
    let after = exit_in(&mut tx, ctx, id, fields).await?;
    tx.commit().await?;
    Ok(after)
}

/// Ends a trajectory in the caller's transaction (also from an import).
pub(super) async fn exit_in(tx: &mut Tx, ctx: &Ctx, id: Uuid, fields: &ExitFields) -> Result<Trajectory, AppError> {
    // Withdrawing the consent to take part leaves the exit open: `Need::Edit`, not `Record`.
    let before = editable(tx, ctx, id, Need::Edit).await?;
    let mut errors = FieldErrors::new();
    let on = check_date(&mut errors, "on", &fields.on, Some(before.started_on));
    let reason = errors.check("reason", ExitReason::parse(&fields.reason));
    let situation = if fields.situation.trim().is_empty() {
        None
    } else {
        errors.check(
            "situation",
            onramp_domain::outcomes::ExitSituation::parse(&fields.situation),
        )
    };
    let note = &fields.note;
    let note = errors.check("note", optional_multiline(note, 2000)).flatten();
    let mediation = if reason == Some(ExitReason::JobMediation) {
        mediation(tx, &mut errors, fields).await?
    } else {
        None
    };
    if let Some(on) = on
        && let Some(last) = onramp_store::outcomes::last_on(tx, id).await?
        && last > on
    {
        errors.add_with("on", "outcome-after-exit", vec![("date", crate::i18n::date(&last))]);
    }
    let (Some(on), Some(reason)) = (on, reason) else {
        return Err(AppError::Invalid(errors));
    };
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let exit = trajectories::Exit {
        on,
        reason: reason.as_str(),
        situation: situation.map(|s| s.as_str()),
        note: note.as_deref(),
    };
    // Monitoring and aftercare: the exit schedules the programme's check-ins.
    let mut after = trajectories::exit(tx, id, &exit, Some(ctx.user.id)).await?;
    if let Some((organisation_id, service)) = &mediation {
        trajectories::record_mediation(tx, id, *organisation_id, service).await?;
        after = trajectories::get(tx, id).await?.ok_or(AppError::NotFound)?;
    }
    // Someone who withdrew their consent to take part (or whose consent ended) is not followed up
    // after the exit either.
    if onramp_store::consents::participation_lapse(tx, before.participant_id)
        .await?
        .is_some()
    {
        use onramp_domain::outcomes::CheckInClosure::ConsentWithdrawn;
        let which = onramp_store::check_ins::Which::Trajectory(id);
        super::check_in_closing::close_open_check_ins(tx, ctx, before.participant_id, which, on, ConsentWithdrawn)
            .await?;
    }
    record(tx, ctx, "trajectory.exit", &after, Some(&before)).await?;
    Ok(after)
}

/// Records or corrects the situation upon leaving (ESF+ EECR01-EECR04) of an ended trajectory,
/// up to four weeks after its exit: a result known a few days after leaving still counts, while
/// outcomes after the exit stay refused.
pub async fn record_leaving_situation(
    state: &AppState,
    ctx: &Ctx,
    id: Uuid,
    situation: &str,
) -> Result<Trajectory, AppError> {
    let mut tx = state.db.begin().await?;
    let before = trajectories::get(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    authorise(&mut tx, ctx, before.participant_id, Need::Edit).await?;
    let Some(left_on) = before.ended_on else {
        return Err(AppError::invalid("situation", "trajectory-not-ended"));
    };
    let mut errors = FieldErrors::new();
    let parsed = if situation.trim().is_empty() {
        errors.add("situation", "required");
        None
    } else {
        errors.check("situation", onramp_domain::outcomes::ExitSituation::parse(situation))
    };
    let until = onramp_domain::esf_indicators::leaving_situation_until(left_on);
    let on = today();
    if on > until {
        errors.add_with(
            "situation",
            "leaving-situation-closed",
            vec![("date", crate::i18n::date(&until))],
        );
    }
    let Some(parsed) = parsed.filter(|_| errors.is_empty()) else {
        return Err(AppError::Invalid(errors));
    };
    let after = trajectories::record_leaving_situation(&mut tx, id, parsed.as_str(), on, Some(ctx.user.id)).await?;
    record(&mut tx, ctx, "trajectory.leaving_situation", &after, Some(&before)).await?;
    tx.commit().await?;
    Ok(after)
}

pub fn status_text(started_on: NaiveDate, ends_by: NaiveDate, ended: bool) -> Option<String> {
    if ended {
        return None;
    }
    let status = duration_status(started_on, ends_by, today());
    serde_json::to_value(status)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
}
