//! Import and export of participants and trajectories in the exchange format
//! (`exchange::COLUMNS`, documented in `docs/import.md`).
//!
//! An import runs every row inside one transaction. A dry run, or any bad row,
//! rolls it all back: the real run commits all rows or none. Running the whole
//! import even for a dry run means the dry run finds what only the database
//! can (a national register number already taken, say). New people and their
//! new trajectories are checked row by row and written in bulk ([`pending`]);
//! rows about people already registered go one by one.

mod export;
mod pending;

pub use export::{Export, export};

use super::participants::{Need, authorise};
use crate::error::AppError;
use crate::exchange::Table;
use crate::exchange::import_report::{ImportReport, RowError};
use crate::identity::Ctx;
use crate::state::AppState;
use crate::time::today;
use chrono::NaiveDate;
use onramp_domain::FieldErrors;
use onramp_domain::identity::Role;
use onramp_domain::participants::{ParticipantFields, ParticipantInput, parse_date, parse_optional_date};
use onramp_domain::policy::{self, Action, Decision};
use onramp_domain::trajectories::{ExitReason, ends_by};
use onramp_store::audit::{self, Event};
use onramp_store::trajectories::NewTrajectory;
use onramp_store::{Tx, participants, trajectories};
use pending::{Lookups, Pending};
use std::collections::HashMap;
use uuid::Uuid;

struct Row<'a> {
    line: usize,
    table: &'a Table,
    cells: &'a [String],
}

impl Row<'_> {
    fn get(&self, column: &str) -> &str {
        self.table.cell(self.cells, column)
    }
}

/// Turns field errors into row errors: field names are column names, but for the organisation.
fn row_errors(line: usize, errors: &FieldErrors, ctx: &Ctx) -> Vec<RowError> {
    errors
        .0
        .iter()
        .map(|e| RowError {
            line,
            column: if e.field == "organisation_id" {
                "reached_at".into()
            } else {
                e.field.to_string()
            },
            code: e.code.into(),
            message: crate::i18n::error_text(ctx.language, e.code),
        })
        .collect()
}

fn error(line: usize, column: &str, code: &str, ctx: &Ctx) -> RowError {
    RowError {
        line,
        column: column.into(),
        code: code.into(),
        message: crate::i18n::error_text(ctx.language, code),
    }
}

pub async fn import(state: &AppState, ctx: &Ctx, table: &Table, dry_run: bool) -> Result<ImportReport, AppError> {
    if policy::decide(&ctx.actor, Action::ImportParticipants) != Decision::Allow {
        return Err(AppError::Forbidden);
    }
    let mut report = ImportReport {
        rows: table.rows.len(),
        ..Default::default()
    };
    for column in table.unknown_columns() {
        report.errors.push(error(1, &column, "unknown-column", ctx));
    }
    for required in [
        "first_name",
        "last_name",
        "birth_date",
        "health_category",
        "situation",
        "reached_at",
    ] {
        if !table.header.iter().any(|h| h == required) {
            report.errors.push(error(1, required, "missing-column", ctx));
        }
    }
    if !report.errors.is_empty() {
        return Ok(report);
    }
    // A bulk load: SQLite keeps the journals of its many-row statements in memory.
    let mut tx = state.db.begin_bulk().await?;
    let mut run = Run::new(&mut tx, table).await?;
    for (index, cells) in table.rows.iter().enumerate() {
        let row = Row {
            line: index + 2,
            table,
            cells,
        };
        if let Err(mut errors) = import_row(&mut tx, ctx, &row, &mut run, &mut report).await {
            report.errors.append(&mut errors);
        }
    }
    if report.errors.is_empty()
        && let Err(e) = run.pending.flush(&mut tx, ctx, &run.lookups.names).await
    {
        report.errors.append(&mut store_error(1, e, ctx));
    }
    if report.errors.is_empty() && !dry_run {
        let event = Event::new("import.run", "import", report.rows).after(&report);
        audit::record(&mut tx, &ctx.who, event).await?;
        tx.commit().await?;
        report.committed = true;
    }
    Ok(report)
}

/// What an import keeps from row to row.
struct Run {
    /// People met earlier in this file, by id or by name and birth date: their later rows add trajectories.
    seen: HashMap<String, Uuid>,
    lookups: Lookups,
    pending: Pending,
    /// Each row's possible duplicates among the people registered before the import.
    duplicates: Vec<Vec<participants::Candidate>>,
    /// Set once a row changed someone registered before: the duplicates above may be out of date.
    changed_registered: bool,
}

impl Run {
    async fn new(tx: &mut Tx, table: &Table) -> Result<Run, AppError> {
        let inputs: Vec<Option<ParticipantInput>> = table
            .rows
            .iter()
            .map(|cells| {
                let row = Row { line: 0, table, cells };
                ParticipantInput::parse(&participant_fields(&row), today()).ok()
            })
            .collect();
        Ok(Run {
            seen: HashMap::new(),
            lookups: Lookups::default(),
            pending: Pending::default(),
            duplicates: pending::duplicates(tx, &inputs).await?,
            changed_registered: false,
        })
    }

    /// Writes what is held, before a row that reads or changes what is registered.
    async fn flush(&mut self, tx: &mut Tx, ctx: &Ctx, line: usize) -> Result<(), Vec<RowError>> {
        self.pending
            .flush(tx, ctx, &self.lookups.names)
            .await
            .map_err(|e| store_error(line, e, ctx))
    }
}

fn participant_fields(row: &Row<'_>) -> ParticipantFields {
    ParticipantFields {
        first_name: row.get("first_name").into(),
        last_name: row.get("last_name").into(),
        birth_date: row.get("birth_date").into(),
        national_register: row.get("national_register").into(),
        email: row.get("email").into(),
        phone: row.get("phone").into(),
        language: row.get("language").into(),
        gender: row.get("gender").into(),
        education: row.get("education").into(),
        health_category: row.get("health_category").into(),
        incapacity_since: row.get("incapacity_since").into(),
        situation: row.get("situation").into(),
        referrer: row.get("referrer").into(),
        notes: String::new(),
    }
}

async fn import_row(
    tx: &mut Tx,
    ctx: &Ctx,
    row: &Row<'_>,
    run: &mut Run,
    report: &mut ImportReport,
) -> Result<(), Vec<RowError>> {
    let line = row.line;
    let mut errors = Vec::new();
    let input = ParticipantInput::parse(&participant_fields(row), today())
        .map_err(|e| errors.extend(row_errors(line, &e, ctx)))
        .ok();
    let participant_id = optional_id(row.get("participant_id"))
        .map_err(|c| errors.push(error(line, "participant_id", c, ctx)))
        .ok()
        .flatten();
    let trajectory_id = optional_id(row.get("trajectory_id"))
        .map_err(|c| errors.push(error(line, "trajectory_id", c, ctx)))
        .ok()
        .flatten();
    let reached_at = organisation_named(tx, &mut run.lookups, row.get("reached_at"))
        .await
        .map_err(|c| errors.push(error(line, "reached_at", c, ctx)))
        .ok();
    let plan = trajectory_plan(tx, ctx, row, &mut run.lookups)
        .await
        .map_err(|e| errors.extend(e))
        .ok()
        .flatten();
    let (Some(input), Some(reached_at)) = (input, reached_at) else {
        return Err(errors);
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    let key = participant_id
        .map(|id| id.to_string())
        .unwrap_or_else(|| format!("{}|{}", input.name_search(), input.birth_date));
    let existing = match run.seen.get(&key) {
        Some(id) => Some(*id),
        None => match participant_id {
            Some(id) => participants::get(tx, id)
                .await
                .map_err(|_| vec![error(line, "participant_id", "invalid-reference", ctx)])?
                .map(|p| p.id),
            None => None,
        },
    };
    let participant = match existing {
        // Registered by an earlier row of this file: nothing to check or change.
        Some(id) if run.pending.people_ids.contains(&id) => id,
        Some(id) => {
            run.flush(tx, ctx, line).await?;
            update_registered(tx, ctx, line, id, &input, !run.seen.contains_key(&key), report).await?;
            run.changed_registered = true;
            id
        }
        None => register(tx, ctx, row, run, reached_at, participant_id, &input, report).await?,
    };
    run.seen.insert(key, participant);
    if let Some(plan) = plan {
        let new_person = run.pending.people_ids.contains(&participant);
        let repeated = trajectory_id.is_some_and(|id| run.pending.trajectory_ids.contains(&id));
        if new_person && !repeated {
            hold_trajectory(tx, ctx, line, participant, &input, trajectory_id, plan, run).await?;
            report.trajectories_created += 1;
        } else {
            run.flush(tx, ctx, line).await?;
            apply_trajectory(tx, ctx, line, participant, &input, trajectory_id, plan, report).await?;
        }
    }
    Ok(())
}

/// A row about someone registered before the import: authorised, and their record updated when
/// it changed (only on their first row in the file).
async fn update_registered(
    tx: &mut Tx,
    ctx: &Ctx,
    line: usize,
    id: Uuid,
    input: &ParticipantInput,
    first_row: bool,
    report: &mut ImportReport,
) -> Result<(), Vec<RowError>> {
    authorise(tx, ctx, id, Need::Edit)
        .await
        .map_err(|_| vec![error(line, "participant_id", "invalid-reference", ctx)])?;
    if !first_row {
        return Ok(());
    }
    let before = participants::get(tx, id).await.ok().flatten();
    let mut keep = input.clone();
    // Notes are not in the exchange format: an import never erases them.
    keep.notes = before.as_ref().and_then(|b| b.record.notes.clone());
    if before.as_ref().map(|b| &b.record) != Some(&keep) {
        let after = participants::update(tx, id, &keep)
            .await
            .map_err(|e| store_error(line, e, ctx))?;
        let event = Event::new("participant.update", "participant", id)
            .for_participant(id)
            .after(&after);
        audit::record(tx, &ctx.who, event)
            .await
            .map_err(|e| store_error(line, e, ctx))?;
        report.participants_updated += 1;
    }
    Ok(())
}

/// A new person: allowed at the partner where they were reached, not registered already (before
/// the import or by an earlier row), held to be written in bulk. Returns their id.
#[allow(clippy::too_many_arguments)]
async fn register(
    tx: &mut Tx,
    ctx: &Ctx,
    row: &Row<'_>,
    run: &mut Run,
    reached_at: Uuid,
    participant_id: Option<Uuid>,
    input: &ParticipantInput,
    report: &mut ImportReport,
) -> Result<Uuid, Vec<RowError>> {
    let line = row.line;
    let organisation = run.lookups.organisation(tx, row.get("reached_at")).await;
    let allowed = organisation
        .as_ref()
        .is_some_and(|o| policy::decide(&ctx.actor, Action::CreateParticipant(&o.as_ref())) == Decision::Allow);
    let Some(organisation) = organisation.filter(|_| allowed) else {
        return Err(vec![error(line, "reached_at", "not-your-organisation", ctx)]);
    };
    let duplicate = if run.changed_registered {
        // An earlier row changed someone registered: ask the database, holding nothing back.
        run.flush(tx, ctx, line).await?;
        !participants::find_duplicates(tx, input)
            .await
            .map_err(|e| store_error(line, e, ctx))?
            .is_empty()
    } else {
        !run.duplicates[line - 2].is_empty() || run.pending.holds_someone_like(input)
    };
    if duplicate {
        return Err(vec![error(line, "participant_id", "possible-duplicate", ctx)]);
    }
    let id = participant_id.unwrap_or_else(Uuid::now_v7);
    debug_assert_eq!(organisation.id, reached_at);
    run.pending.add_person(participants::NewParticipant {
        id,
        input: input.clone(),
        organisation_id: organisation.id,
        organisation_name: organisation.name,
    });
    report.participants_created += 1;
    Ok(id)
}

fn optional_id(value: &str) -> Result<Option<Uuid>, &'static str> {
    onramp_domain::organisations::parse_optional_id(value)
}

fn store_error(line: usize, e: onramp_store::StoreError, ctx: &Ctx) -> Vec<RowError> {
    match AppError::from(e) {
        AppError::Invalid(errors) => row_errors(line, &errors, ctx),
        other => vec![error(line, "", other.code(), ctx)],
    }
}

async fn organisation_named(tx: &mut Tx, lookups: &mut Lookups, name: &str) -> Result<Uuid, &'static str> {
    if name.is_empty() {
        return Err("required");
    }
    lookups
        .organisation(tx, name)
        .await
        .map(|o| o.id)
        .ok_or("invalid-reference")
}

/// A trajectory as a row describes it.
struct Plan {
    programme_id: Uuid,
    organisation_id: Uuid,
    region_id: Option<Uuid>,
    coach_id: Option<Uuid>,
    started_on: NaiveDate,
    ends_by: NaiveDate,
    phase: String,
    ended: Option<(NaiveDate, ExitReason)>,
}

/// Reads the trajectory columns; `None` when the row has no programme.
async fn trajectory_plan(
    tx: &mut Tx,
    ctx: &Ctx,
    row: &Row<'_>,
    lookups: &mut Lookups,
) -> Result<Option<Plan>, Vec<RowError>> {
    let line = row.line;
    let code = row.get("programme");
    if code.is_empty() {
        return Ok(None);
    }
    let mut errors = Vec::new();
    let programme = lookups.programme(tx, code).await;
    if programme.is_none() {
        errors.push(error(line, "programme", "invalid-reference", ctx));
    }
    let partner = match lookups.organisation(tx, row.get("partner")).await {
        Some(o) if !row.get("partner").is_empty() => Some(o),
        _ => {
            errors.push(error(
                line,
                "partner",
                if row.get("partner").is_empty() {
                    "required"
                } else {
                    "invalid-reference"
                },
                ctx,
            ));
            None
        }
    };
    let coach_id = match row.get("coach") {
        "" => None,
        email => match lookups.user(tx, email).await {
            Some(u) if u.role == Role::Coach && u.active => Some(u.id),
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
        return Err(errors);
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Some(Plan {
        programme_id: programme.id,
        organisation_id: partner.id,
        region_id: partner.region_id,
        coach_id,
        started_on,
        ends_by: ends_by(started_on, programme.definition.max_duration_months),
        phase,
        ended: ended_on.zip(reason),
    }))
}

/// A new trajectory of a person this import registers, held to be written in bulk: with the id the
/// row gives unless another participant's trajectory has it.
#[allow(clippy::too_many_arguments)]
async fn hold_trajectory(
    tx: &mut Tx,
    ctx: &Ctx,
    line: usize,
    participant_id: Uuid,
    input: &ParticipantInput,
    trajectory_id: Option<Uuid>,
    plan: Plan,
    run: &mut Run,
) -> Result<(), Vec<RowError>> {
    if let Some(id) = trajectory_id {
        let taken = trajectories::get(tx, id).await.map_err(|e| store_error(line, e, ctx))?;
        if taken.is_some() {
            return Err(vec![error(line, "trajectory_id", "invalid-reference", ctx)]);
        }
    }
    let new = NewTrajectory {
        participant_id,
        participant_name: input.name_search(),
        programme_id: plan.programme_id,
        organisation_id: plan.organisation_id,
        region_id: plan.region_id,
        location_id: None,
        coach_id: plan.coach_id.or((ctx.actor.role == Role::Coach).then_some(ctx.user.id)),
        started_on: plan.started_on,
        ends_by: plan.ends_by,
        first_phase: plan.phase,
    };
    if let Some(coach) = new.coach_id
        && coach == ctx.user.id
    {
        run.lookups.names.coaches.insert(coach, ctx.user.display_name.clone());
    }
    let exit = plan.ended.map(|(on, reason)| (on, reason.as_str().to_owned()));
    run.pending
        .add_trajectory(trajectory_id.unwrap_or_else(Uuid::now_v7), new, exit);
    Ok(())
}

#[allow(clippy::too_many_arguments)]
async fn apply_trajectory(
    tx: &mut Tx,
    ctx: &Ctx,
    line: usize,
    participant_id: Uuid,
    input: &ParticipantInput,
    trajectory_id: Option<Uuid>,
    plan: Plan,
    report: &mut ImportReport,
) -> Result<(), Vec<RowError>> {
    let existing = match trajectory_id {
        Some(id) => trajectories::get(tx, id).await.map_err(|e| store_error(line, e, ctx))?,
        None => None,
    };
    let by = Some(ctx.user.id);
    match existing {
        Some(t) if t.participant_id != participant_id => {
            Err(vec![error(line, "trajectory_id", "invalid-reference", ctx)])
        }
        Some(t) => {
            let on = today();
            let mut changed = false;
            if t.phase != plan.phase && t.ended_on.is_none() {
                trajectories::change_phase(tx, t.id, &plan.phase, on.max(t.phase_since), None, by)
                    .await
                    .map_err(|e| store_error(line, e, ctx))?;
                changed = true;
            }
            if let Some(coach) = plan.coach_id.filter(|c| Some(*c) != t.coach_id && t.ended_on.is_none()) {
                trajectories::hand_over(tx, t.id, coach, on, None, by)
                    .await
                    .map_err(|e| store_error(line, e, ctx))?;
                changed = true;
            }
            if let (Some((ended_on, reason)), None) = (plan.ended, t.ended_on) {
                trajectories::exit(tx, t.id, &exit_on(ended_on, reason.as_str()), by)
                    .await
                    .map_err(|e| store_error(line, e, ctx))?;
                changed = true;
            }
            if changed {
                report.trajectories_updated += 1;
            }
            Ok(())
        }
        None => {
            let new = NewTrajectory {
                participant_id,
                participant_name: input.name_search(),
                programme_id: plan.programme_id,
                organisation_id: plan.organisation_id,
                region_id: plan.region_id,
                location_id: None,
                coach_id: plan.coach_id.or((ctx.actor.role == Role::Coach).then_some(ctx.user.id)),
                started_on: plan.started_on,
                ends_by: plan.ends_by,
                first_phase: plan.phase.clone(),
            };
            let id = trajectory_id.unwrap_or_else(Uuid::now_v7);
            let t = trajectories::start_with_id(tx, id, &new, by)
                .await
                .map_err(|e| store_error(line, e, ctx))?;
            if let Some((ended_on, reason)) = plan.ended {
                trajectories::exit(tx, t.id, &exit_on(ended_on, reason.as_str()), by)
                    .await
                    .map_err(|e| store_error(line, e, ctx))?;
            }
            let event = Event::new("trajectory.start", "trajectory", t.id)
                .for_participant(participant_id)
                .after(&t);
            audit::record(tx, &ctx.who, event)
                .await
                .map_err(|e| store_error(line, e, ctx))?;
            report.trajectories_created += 1;
            Ok(())
        }
    }
}

/// An exit as the exchange format records it: a date and a reason.
fn exit_on(on: chrono::NaiveDate, reason: &str) -> trajectories::Exit<'_> {
    trajectories::Exit {
        on,
        reason,
        situation: None,
        note: None,
    }
}
