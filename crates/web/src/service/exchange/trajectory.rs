//! The trajectory columns of a row: read into a [`Plan`], then held to be written in bulk with a
//! new person, or applied at once to someone registered before (a phase, a hand-over, an exit).

use super::pending::{Ended, Lookups, Pending};
use super::rows::{Failure, Row, error, error_with, service_error, store_error};
use crate::exchange::import_report::ImportReport;
use crate::exchange::import_report::RowError;
use crate::identity::Ctx;
use crate::service::participants::takes_part;
use crate::service::trajectories::{change_phase_in, close_left_behind, exit_in, hand_over_in};
use crate::time::today;
use chrono::NaiveDate;
use onramp_domain::identity::Role;
use onramp_domain::outcomes::ExitSituation;
use onramp_domain::participants::{ParticipantInput, parse_date, parse_optional_date};
use onramp_domain::trajectories::{ExitReason, ends_by, parse_mediation_service};
use onramp_store::audit::{self, Event};
use onramp_store::trajectories::NewTrajectory;
use onramp_store::{Tx, trajectories};
use uuid::Uuid;

/// A trajectory as a row describes it.
pub(super) struct Plan {
    programme_id: Uuid,
    organisation_id: Uuid,
    region_id: Option<Uuid>,
    coach_id: Option<Uuid>,
    started_on: NaiveDate,
    ends_by: NaiveDate,
    phase: String,
    ended: Option<Ended>,
}

impl Plan {
    fn start(&self, ctx: &Ctx, participant_id: Uuid, input: &ParticipantInput) -> NewTrajectory {
        NewTrajectory {
            participant_id,
            participant_name: input.name_search(),
            programme_id: self.programme_id,
            organisation_id: self.organisation_id,
            region_id: self.region_id,
            location_id: None,
            coach_id: self.coach_id.or((ctx.actor.role == Role::Coach).then_some(ctx.user.id)),
            started_on: self.started_on,
            ends_by: self.ends_by,
            first_phase: self.phase.clone(),
        }
    }
}

/// Reads the trajectory columns; `None` when the row has no programme.
pub(super) async fn trajectory_plan(
    tx: &mut Tx,
    ctx: &Ctx,
    row: &Row<'_>,
    lookups: &mut Lookups,
) -> Result<Option<Plan>, Failure> {
    let line = row.line;
    let code = row.get("programme");
    if code.is_empty() {
        return Ok(None);
    }
    let failed = |e| store_error(line, e, ctx);
    let mut errors = Vec::new();
    let programme = lookups.programme(tx, code).await.map_err(failed)?;
    if programme.is_none() {
        errors.push(error(line, "programme", "invalid-reference", ctx));
    }
    let partner = match row.get("partner") {
        "" => {
            errors.push(error(line, "partner", "required", ctx));
            None
        }
        name => {
            let found = lookups.organisation(tx, name).await.map_err(failed)?;
            if found.is_none() {
                errors.push(error(line, "partner", "invalid-reference", ctx));
            }
            found
        }
    };
    let coach_id = match row.get("coach") {
        "" => None,
        email => match lookups.user(tx, email).await.map_err(failed)? {
            // As on the page: the coach must work at the trajectory's partner.
            Some(u) if u.role == Role::Coach && u.active => match &partner {
                Some(p) if !u.organisations.contains(&p.id) => {
                    let named = [("partner", p.name.as_str())];
                    errors.push(error_with(line, "coach", "coach-not-at-partner", &named, ctx));
                    None
                }
                _ => Some(u.id),
            },
            _ => {
                errors.push(error(line, "coach", "not-a-coach", ctx));
                None
            }
        },
    };
    let started_on = parse_date(row.get("started_on"))
        .map_err(|c| errors.push(error(line, "started_on", c, ctx)))
        .ok();
    let ended_on = parse_optional_date(row.get("ended_on"))
        .map_err(|c| errors.push(error(line, "ended_on", c, ctx)))
        .ok()
        .flatten();
    let reason = match (ended_on, row.get("exit_reason")) {
        (None, _) => None,
        (Some(_), "") => {
            errors.push(error(line, "exit_reason", "required", ctx));
            None
        }
        (Some(_), reason) => ExitReason::parse(reason)
            .map_err(|c| errors.push(error(line, "exit_reason", c, ctx)))
            .ok(),
    };
    let situation = match (ended_on, row.get("exit_situation")) {
        (_, "") => None,
        (None, _) => {
            errors.push(error(line, "exit_situation", "needs-exit", ctx));
            None
        }
        (Some(_), situation) => ExitSituation::parse(situation)
            .map_err(|c| errors.push(error(line, "exit_situation", c, ctx)))
            .ok(),
    };
    let mediation = mediation(tx, ctx, row, reason, lookups, &mut errors).await?;
    if let (Some(start), Some(end)) = (started_on, ended_on)
        && end < start
    {
        errors.push(error(line, "ended_on", "before-start", ctx));
    }
    let phase = match (&programme, row.get("phase")) {
        (Some(g), "") => g.definition.phases.first().map(|p| p.code.clone()),
        (Some(g), phase) if g.has_phase(phase) => Some(phase.to_owned()),
        (Some(_), _) => {
            errors.push(error(line, "phase", "unknown-phase", ctx));
            None
        }
        (None, _) => None,
    };
    let (Some(programme), Some(partner), Some(started_on), Some(phase)) = (programme, partner, started_on, phase)
    else {
        return Err(Failure::Row(errors));
    };
    if !errors.is_empty() {
        return Err(Failure::Row(errors));
    }
    Ok(Some(Plan {
        programme_id: programme.id,
        organisation_id: partner.id,
        region_id: partner.region_id,
        coach_id,
        started_on,
        ends_by: ends_by(started_on, programme.definition.max_duration_months),
        phase,
        ended: ended_on.zip(reason).map(|(on, reason)| Ended {
            on,
            reason,
            situation,
            mediation,
        }),
    }))
}

/// Where a handover to job mediation took the person: an organisation that mediates jobs, named
/// in `mediation_organisation`, and its service, both required with the reason `job_mediation`
/// and refused with any other.
async fn mediation(
    tx: &mut Tx,
    ctx: &Ctx,
    row: &Row<'_>,
    reason: Option<ExitReason>,
    lookups: &mut Lookups,
    errors: &mut Vec<RowError>,
) -> Result<Option<(Uuid, String)>, Failure> {
    let line = row.line;
    let (name, service) = (row.get("mediation_organisation"), row.get("mediation_service"));
    if reason != Some(ExitReason::JobMediation) {
        for (column, value) in [("mediation_organisation", name), ("mediation_service", service)] {
            if !value.is_empty() {
                errors.push(error(line, column, "needs-job-mediation", ctx));
            }
        }
        return Ok(None);
    }
    let service = parse_mediation_service(service)
        .map_err(|c| errors.push(error(line, "mediation_service", c, ctx)))
        .ok();
    let organisation = match name {
        "" => {
            errors.push(error(line, "mediation_organisation", "required", ctx));
            None
        }
        name => match lookups
            .organisation(tx, name)
            .await
            .map_err(|e| store_error(line, e, ctx))?
        {
            Some(o) if o.kind.mediates_jobs() => Some(o.id),
            Some(_) => {
                errors.push(error(line, "mediation_organisation", "not-job-mediation", ctx));
                None
            }
            None => {
                errors.push(error(line, "mediation_organisation", "invalid-reference", ctx));
                None
            }
        },
    };
    Ok(organisation.zip(service))
}

/// A new trajectory of a person this import registers, held to be written in bulk: with the id the
/// row gives unless another participant's trajectory has it.
#[allow(clippy::too_many_arguments)]
pub(super) async fn hold_trajectory(
    tx: &mut Tx,
    ctx: &Ctx,
    row: &Row<'_>,
    (participant_id, input): (Uuid, &ParticipantInput),
    trajectory_id: Option<Uuid>,
    plan: Plan,
    lookups: &mut Lookups,
    pending: &mut Pending,
) -> Result<(), Failure> {
    let line = row.line;
    if let Some(id) = trajectory_id {
        let taken = trajectories::get(tx, id).await.map_err(|e| store_error(line, e, ctx))?;
        if taken.is_some() {
            return Err(Failure::Row(vec![error(
                line,
                "trajectory_id",
                "invalid-reference",
                ctx,
            )]));
        }
    }
    let new = plan.start(ctx, participant_id, input);
    if let Some(coach) = new.coach_id
        && coach == ctx.user.id
    {
        lookups.names.coaches.insert(coach, ctx.user.display_name.clone());
    }
    pending.add_trajectory(trajectory_id.unwrap_or_else(Uuid::now_v7), new, plan.ended);
    Ok(())
}

/// A trajectory of someone registered before the import (or given twice in the file): started, or
/// moved on (phase, coach, exit) when it changed.
pub(super) async fn apply_trajectory(
    tx: &mut Tx,
    ctx: &Ctx,
    row: &Row<'_>,
    (participant_id, input): (Uuid, &ParticipantInput),
    trajectory_id: Option<Uuid>,
    plan: Plan,
    report: &mut ImportReport,
) -> Result<(), Failure> {
    let line = row.line;
    let failed = |e| store_error(line, e, ctx);
    let existing = match trajectory_id {
        Some(id) => trajectories::get(tx, id).await.map_err(failed)?,
        None => None,
    };
    let by = Some(ctx.user.id);
    match existing {
        Some(t) if t.participant_id != participant_id => Err(Failure::Row(vec![error(
            line,
            "trajectory_id",
            "invalid-reference",
            ctx,
        )])),
        Some(t) => {
            // Moved on through the services the pages use, with their rules: the coach must work
            // at the partner, nothing new after the consent to take part was withdrawn, no exit
            // before the trajectory's outcomes, a handover to job mediation says where to.
            let failed = |e| service_error(line, e, ctx);
            let today = today().to_string();
            let mut changed = false;
            if t.ended_on.is_none() {
                if t.phase != plan.phase {
                    change_phase_in(tx, ctx, t.id, &plan.phase, &today, "")
                        .await
                        .map_err(failed)?;
                    changed = true;
                }
                if let Some(coach) = plan.coach_id.filter(|c| Some(*c) != t.coach_id) {
                    hand_over_in(tx, ctx, t.id, &coach.to_string(), &today, "")
                        .await
                        .map_err(failed)?;
                    changed = true;
                }
                if let Some(ended) = &plan.ended {
                    exit_in(tx, ctx, t.id, &ended.fields()).await.map_err(failed)?;
                    changed = true;
                }
            }
            if changed {
                report.trajectories_updated += 1;
            }
            Ok(())
        }
        None => {
            // A new trajectory of someone registered before: only while they take part, and a
            // return to a programme they left closes the earlier trajectory's open check-ins.
            takes_part(tx, participant_id)
                .await
                .map_err(|e| service_error(line, e, ctx))?;
            let earlier = trajectories::list_for(tx, participant_id).await.map_err(failed)?;
            close_left_behind(tx, ctx, &earlier, plan.programme_id, plan.started_on)
                .await
                .map_err(|e| service_error(line, e, ctx))?;
            let new = plan.start(ctx, participant_id, input);
            let id = trajectory_id.unwrap_or_else(Uuid::now_v7);
            let t = trajectories::start_with_id(tx, id, &new, by).await.map_err(failed)?;
            if let Some(ended) = &plan.ended {
                trajectories::exit(tx, t.id, &ended.exit(), by).await.map_err(failed)?;
                if let Some((organisation_id, service)) = &ended.mediation {
                    trajectories::record_mediation(tx, t.id, *organisation_id, service)
                        .await
                        .map_err(failed)?;
                }
            }
            let event = Event::new("trajectory.start", "trajectory", t.id)
                .for_participant(participant_id)
                .after(&t);
            audit::record(tx, &ctx.who, event).await.map_err(failed)?;
            report.trajectories_created += 1;
            Ok(())
        }
    }
}
