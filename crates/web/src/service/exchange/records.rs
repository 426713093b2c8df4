//! Importing what is recorded on trajectories: outcomes, barriers and coaching contacts, a row each,
//! keyed by `trajectory_id` (a trajectory registered before, or by the participants sheet of the
//! same workbook). Each row is read as the participant file's forms read it, by the same domain
//! rules, and written with the same audit entry; a row is refused when its trajectory is unknown
//! or not the importer's to change. A row whose id was recorded before changes nothing, but for a
//! barrier that the row closes.

use super::known::{Known, Trajectories};
use super::rows::{Failure, Row, error, row_errors, store_error};
use crate::error::AppError;
use crate::exchange::import_report::{ImportReport, RowError};
use crate::exchange::{Kind, Upload};
use crate::identity::Ctx;
use crate::time::today;
use onramp_domain::activities::{CoachingContactInput, ContactFields, parse_past_date};
use onramp_domain::identity::Role;
use onramp_domain::organisations::parse_optional_id;
use onramp_domain::outcomes::{BarrierInput, BarrierStatus, OutcomeFields, OutcomeInput};
use onramp_store::audit::{self, Event};
use onramp_store::coaching::{self, ContactPlace};
use onramp_store::{Tx, outcomes, users};
use std::collections::HashMap;
use uuid::Uuid;

/// Rows read at a time.
const CHUNK: usize = 1_000;

/// Imports the rows of an upload of `kind`. Returns false when the database refused a row: the
/// import cannot go on.
pub(super) async fn import(
    tx: &mut Tx,
    ctx: &Ctx,
    kind: Kind,
    upload: &mut Upload,
    report: &mut ImportReport,
) -> Result<bool, AppError> {
    let header = upload.header.clone();
    let mut run = Run {
        trajectories: Trajectories::default(),
        coaches: HashMap::new(),
        barrier_codes: super::super::barrier_codes::names_in(tx).await?.added_codes(),
    };
    loop {
        let chunk = upload.next_rows(CHUNK).await?;
        if chunk.is_empty() {
            return Ok(true);
        }
        report.rows += chunk.len();
        for data in &chunk {
            let row = Row {
                line: data.line,
                index: 0,
                header: &header,
                cells: &data.cells,
            };
            let result = match kind {
                Kind::Outcomes => outcome(tx, ctx, &row, &mut run, report).await,
                Kind::Barriers => barrier(tx, ctx, &row, &mut run, report).await,
                Kind::Contacts => contact(tx, ctx, &row, &mut run, report).await,
                Kind::Participants => Ok(()),
            };
            let mark = |errors: Vec<RowError>| errors.into_iter().map(move |e| e.of(kind));
            match result {
                Ok(()) => {}
                Err(Failure::Row(errors)) => mark(errors).for_each(|e| report.add_error(e)),
                Err(Failure::Refused(errors)) => {
                    mark(errors).for_each(|e| report.add_error(e));
                    return Ok(false);
                }
                Err(Failure::Internal(e)) => return Err(e),
            }
        }
    }
}

/// What the rows of one file share: their trajectories and coaches, looked up once each.
struct Run {
    trajectories: Trajectories,
    coaches: HashMap<String, Option<users::User>>,
    barrier_codes: Vec<String>,
}

/// The row's own id (`outcome_id`, …): given, an import of an export keeps it.
fn own_id(row: &Row<'_>, column: &str, ctx: &Ctx, errors: &mut Vec<RowError>) -> Option<Uuid> {
    parse_optional_id(row.get(column))
        .map_err(|code| errors.push(error(row.line, column, code, ctx)))
        .ok()
        .flatten()
}

/// A record with this id exists: it must be on the row's trajectory.
fn same_trajectory(row: &Row<'_>, column: &str, ctx: &Ctx, found: Uuid, given: Uuid) -> Result<(), Failure> {
    if found == given {
        Ok(())
    } else {
        Err(Failure::Row(vec![error(row.line, column, "invalid-reference", ctx)]))
    }
}

async fn outcome(
    tx: &mut Tx,
    ctx: &Ctx,
    row: &Row<'_>,
    run: &mut Run,
    report: &mut ImportReport,
) -> Result<(), Failure> {
    let line = row.line;
    let mut errors = Vec::new();
    let id = own_id(row, "outcome_id", ctx, &mut errors);
    let with_support = match row.get("with_support") {
        "" | "no" => false,
        "yes" => true,
        _ => {
            errors.push(error(line, "with_support", "invalid-choice", ctx));
            false
        }
    };
    let fields = OutcomeFields {
        trajectory_id: row.get("trajectory_id").into(),
        kind: row.get("kind").into(),
        on: row.get("on").into(),
        hours_per_week: row.get("hours_per_week").into(),
        contract: row.get("contract").into(),
        place: row.get("place").into(),
        with_support,
        note: String::new(),
    };
    let input = OutcomeInput::parse(&fields, today())
        .map_err(|e| errors.extend(row_errors(line, &e, ctx)))
        .ok();
    let trajectory = run.trajectories.find(tx, ctx, row, &mut errors).await?;
    if let (Some(input), Some(t)) = (&input, trajectory)
        && input.on < t.started_on
    {
        errors.push(error(line, "on", "before-start", ctx));
    }
    let (Some(input), Some(t), true) = (input, trajectory, errors.is_empty()) else {
        return Err(Failure::Row(errors));
    };
    let failed = |e| store_error(line, e, ctx);
    if let Some(id) = id
        && let Some(found) = outcomes::get(tx, id).await.map_err(failed)?
    {
        return same_trajectory(row, "outcome_id", ctx, found.trajectory_id, input.trajectory_id);
    }
    t.takes_part(line, ctx)?;
    t.before_exit(line, input.on, ctx)?;
    let id = id.unwrap_or_else(Uuid::now_v7);
    let outcome = outcomes::add_with_id(tx, id, &input, t.participant_id, ctx.user.id)
        .await
        .map_err(failed)?;
    let event = Event::new("outcome.create", "outcome", outcome.id).for_participant(t.participant_id);
    audit::record(tx, &ctx.who, event.after(&outcome))
        .await
        .map_err(failed)?;
    report.outcomes_created += 1;
    Ok(())
}

async fn barrier(
    tx: &mut Tx,
    ctx: &Ctx,
    row: &Row<'_>,
    run: &mut Run,
    report: &mut ImportReport,
) -> Result<(), Failure> {
    let line = row.line;
    let mut errors = Vec::new();
    let id = own_id(row, "barrier_id", ctx, &mut errors);
    let input = BarrierInput::parse(
        row.get("trajectory_id"),
        row.get("code"),
        row.get("noted_on"),
        row.get("description"),
        today(),
        &run.barrier_codes,
    )
    .map_err(|e| {
        // The form's `note` is the file's `description`.
        errors.extend(row_errors(line, &e, ctx).into_iter().map(|mut e| {
            if e.column == "note" {
                e.column = "description".into();
            }
            e
        }))
    })
    .ok();
    let status = match row.get("status") {
        "" => Some(BarrierStatus::Open),
        status => BarrierStatus::parse(status)
            .map_err(|c| errors.push(error(line, "status", c, ctx)))
            .ok(),
    };
    let closed_on = match (status, row.get("closed_on")) {
        (Some(BarrierStatus::Open), "") | (None, _) => None,
        (Some(BarrierStatus::Open), _) => {
            errors.push(error(line, "closed_on", "closed-needs-status", ctx));
            None
        }
        (Some(_), on) => parse_past_date(on, today())
            .map_err(|c| errors.push(error(line, "closed_on", c, ctx)))
            .ok(),
    };
    if let (Some(input), Some(on)) = (&input, closed_on)
        && on < input.noted_on
    {
        errors.push(error(line, "closed_on", "before-start", ctx));
    }
    let trajectory = run.trajectories.find(tx, ctx, row, &mut errors).await?;
    let (Some(input), Some(t), Some(status), true) = (input, trajectory, status, errors.is_empty()) else {
        return Err(Failure::Row(errors));
    };
    let failed = |e| store_error(line, e, ctx);
    let closing = closed_on.map(|on| (status.as_str(), on));
    if let Some(id) = id
        && let Some(found) = outcomes::barrier(tx, id).await.map_err(failed)?
    {
        same_trajectory(row, "barrier_id", ctx, found.trajectory_id, input.trajectory_id)?;
        if let (Some((status, on)), "open") = (closing, found.status.as_str()) {
            t.takes_part(line, ctx)?;
            let closed = outcomes::close_barrier(tx, id, status, on).await.map_err(failed)?;
            let event = Event::new("barrier.close", "barrier", id).for_participant(t.participant_id);
            audit::record(tx, &ctx.who, event.before(&found).after(&closed))
                .await
                .map_err(failed)?;
            report.barriers_updated += 1;
        }
        return Ok(());
    }
    t.takes_part(line, ctx)?;
    let id = id.unwrap_or_else(Uuid::now_v7);
    let mut barrier = outcomes::add_barrier_with_id(tx, id, &input, t.participant_id, ctx.user.id)
        .await
        .map_err(failed)?;
    if let Some((status, on)) = closing {
        barrier = outcomes::close_barrier(tx, id, status, on).await.map_err(failed)?;
    }
    let event = Event::new("barrier.create", "barrier", id).for_participant(t.participant_id);
    audit::record(tx, &ctx.who, event.after(&barrier))
        .await
        .map_err(failed)?;
    report.barriers_created += 1;
    Ok(())
}

async fn contact(
    tx: &mut Tx,
    ctx: &Ctx,
    row: &Row<'_>,
    run: &mut Run,
    report: &mut ImportReport,
) -> Result<(), Failure> {
    let line = row.line;
    let failed = |e| store_error(line, e, ctx);
    let mut errors = Vec::new();
    let id = own_id(row, "contact_id", ctx, &mut errors);
    let fields = ContactFields {
        trajectory_id: row.get("trajectory_id").into(),
        on: row.get("on").into(),
        minutes: row.get("minutes").into(),
        mode: row.get("mode").into(),
        place: row.get("place").into(),
        topic: row.get("topic").into(),
        notes: String::new(),
        next_step: String::new(),
    };
    let input = CoachingContactInput::parse(&fields, today())
        .map_err(|e| errors.extend(row_errors(line, &e, ctx)))
        .ok();
    let named = match row.get("coach") {
        "" => None,
        email => {
            if !run.coaches.contains_key(email) {
                let found = users::find_by_email(tx, email).await.map_err(failed)?;
                run.coaches.insert(email.to_owned(), found);
            }
            match &run.coaches[email] {
                Some(u) if u.role == Role::Coach && u.active => Some(u.id),
                _ => {
                    errors.push(error(line, "coach", "not-a-coach", ctx));
                    None
                }
            }
        }
    };
    let trajectory = run.trajectories.find(tx, ctx, row, &mut errors).await?;
    // As on the participant file: the coach who records it, or the trajectory's coach.
    let coach = named.or_else(|| {
        let own = (ctx.actor.role == Role::Coach).then_some(ctx.user.id);
        own.or(trajectory.and_then(|t: Known| t.coach_id))
    });
    if coach.is_none() && trajectory.is_some() && row.get("coach").is_empty() {
        errors.push(error(line, "coach", "no-coach", ctx));
    }
    let (Some(input), Some(t), Some(coach_id), true) = (input, trajectory, coach, errors.is_empty()) else {
        return Err(Failure::Row(errors));
    };
    if let Some(id) = id
        && let Some(found) = coaching::get_contact(tx, id).await.map_err(failed)?
    {
        return same_trajectory(row, "contact_id", ctx, found.trajectory_id, input.trajectory_id);
    }
    t.takes_part(line, ctx)?;
    let place = ContactPlace {
        participant_id: t.participant_id,
        organisation_id: t.organisation_id,
        location_id: t.location_id,
        coach_id,
    };
    let id = id.unwrap_or_else(Uuid::now_v7);
    coaching::record_contact_with_id(tx, id, &input, place, ctx.user.id)
        .await
        .map_err(failed)?;
    let contact = coaching::get_contact(tx, id).await.map_err(failed)?;
    let event = Event::new("contact.create", "coaching_contact", id).for_participant(t.participant_id);
    audit::record(tx, &ctx.who, event.after(&contact))
        .await
        .map_err(failed)?;
    report.contacts_created += 1;
    Ok(())
}
