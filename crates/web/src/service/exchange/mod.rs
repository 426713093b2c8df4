//! Import and export in the exchange format (`exchange::Kind`, documented in `docs/import.md`):
//! participants with their trajectories, and the outcomes, barriers and coaching contacts of
//! trajectories ([`records`]).
//!
//! An import runs every row of every file (or sheet) inside one transaction. A dry run, or any bad
//! row, rolls it all back: the real run commits all rows or none. Running the whole
//! import even for a dry run means the dry run finds what only the database
//! can (a national register number already taken, say). New people and their
//! new trajectories are checked row by row and written in bulk ([`pending`]);
//! rows about people already registered go one by one.

mod export;
mod known;
mod pending;
mod record_rows;
mod records;
mod rows;
mod trajectory;

pub use export::{Export, export, export_workbook};

use super::participants::{Need, authorise};
use crate::error::AppError;
use crate::exchange::import_report::ImportReport;
use crate::exchange::{DataRow, Header, Kind, Upload, Uploads};
use crate::identity::Ctx;
use crate::state::AppState;
use crate::time::today;
use onramp_domain::participants::{ParticipantFields, ParticipantInput};
use onramp_domain::policy::{self, Action, Decision};
use onramp_store::audit::{self, Event};
use onramp_store::participants::Participant;
use onramp_store::{Tx, participants};
use pending::{Key, Lookups, Pending};
use rows::{Failure, Row, error, row_errors, store_error};
use std::collections::HashMap;
use trajectory::{apply_trajectory, hold_trajectory, trajectory_plan};
use uuid::Uuid;

/// Rows read, checked for duplicates and imported at a time.
const CHUNK: usize = 1_000;
/// New people and trajectories held before they are written.
const HOLD: usize = 2_000;

/// Whether the actor may import: asked before a file is read, so that nobody else makes the server
/// check one.
pub fn may_import(ctx: &Ctx) -> Result<(), AppError> {
    if policy::decide(&ctx.actor, Action::ImportParticipants) == Decision::Allow {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// Imports the files (or sheets) of an upload, participants first, in one transaction.
pub async fn import(
    state: &AppState,
    ctx: &Ctx,
    mut uploads: Uploads,
    dry_run: bool,
) -> Result<ImportReport, AppError> {
    may_import(ctx)?;
    let mut report = ImportReport::default();
    // A bulk load: SQLite keeps the journals of its many-row statements in memory.
    let mut tx = state.db.begin_bulk().await?;
    let mut going_on = true;
    while let Some(mut upload) = uploads.next().await? {
        if !going_on || !header_is_complete(ctx, &upload, &mut report) {
            // Counted, not checked: the database refused an earlier row, or the header is wrong.
            while upload.next_row().await?.is_some() {
                report.rows += 1;
            }
            continue;
        }
        going_on = match upload.kind {
            Kind::Participants => import_participants(&mut tx, ctx, &mut upload, &mut report).await?,
            kind => records::import(&mut tx, ctx, kind, &mut upload, &mut report).await?,
        };
    }
    if report.errors.is_empty() && !dry_run {
        let event = Event::new("import.run", "import", report.rows).after(&report);
        audit::record(&mut tx, &ctx.who, event).await?;
        tx.commit().await?;
        report.committed = true;
    }
    Ok(report)
}

/// Reports the header's unknown and missing columns; true when there are none.
fn header_is_complete(ctx: &Ctx, upload: &Upload, report: &mut ImportReport) -> bool {
    let kind = upload.kind;
    let before = report.error_count;
    for column in upload.header.unknown_columns() {
        report.add_error(error(1, &column, "unknown-column", ctx).of(kind));
    }
    for required in kind.required() {
        if !upload.header.has(required) {
            report.add_error(error(1, required, "missing-column", ctx).of(kind));
        }
    }
    report.error_count == before
}

/// Imports the participant rows of an upload, a chunk at a time. Memory holds the rows of one
/// chunk, the new people and trajectories not written yet (at most a few thousand) and, for the
/// whole file, a key per person (to find their later rows) and the problems found (the first
/// thousand listed). Returns false when the database refused a row: the import cannot go on.
async fn import_participants(
    tx: &mut Tx,
    ctx: &Ctx,
    upload: &mut Upload,
    report: &mut ImportReport,
) -> Result<bool, AppError> {
    let header = upload.header.clone();
    let mut run = Run::default();
    let mut going_on = true;
    'file: loop {
        let chunk = upload.next_rows(CHUNK).await?;
        if chunk.is_empty() {
            break;
        }
        report.rows += chunk.len();
        run.look_for_duplicates(tx, &header, &chunk).await?;
        for (index, data) in chunk.iter().enumerate() {
            let row = Row {
                line: data.line,
                index,
                header: &header,
                cells: &data.cells,
            };
            match import_row(tx, ctx, &row, &mut run, report).await {
                Ok(()) => {}
                Err(Failure::Row(errors)) => errors.into_iter().for_each(|e| report.add_error(e)),
                Err(Failure::Refused(errors)) => {
                    errors.into_iter().for_each(|e| report.add_error(e));
                    going_on = false;
                    break 'file;
                }
                Err(Failure::Internal(e)) => return Err(e),
            }
        }
        if run.pending.held() >= HOLD
            && let Err(failure) = run.flush(tx, ctx, chunk.last().map_or(1, |r| r.line)).await
        {
            match failure {
                Failure::Internal(e) => return Err(e),
                Failure::Row(errors) | Failure::Refused(errors) => {
                    errors.into_iter().for_each(|e| report.add_error(e));
                    return Ok(false);
                }
            }
        }
    }
    if going_on && report.errors.is_empty() {
        match run.flush(tx, ctx, 1).await {
            Ok(()) => {}
            Err(Failure::Internal(e)) => return Err(e),
            Err(Failure::Row(errors) | Failure::Refused(errors)) => {
                errors.into_iter().for_each(|e| report.add_error(e));
                return Ok(false);
            }
        }
    }
    Ok(going_on)
}

/// What an import keeps from row to row.
#[derive(Default)]
struct Run {
    /// People met earlier in this file, by id or by name and birth date: their later rows add trajectories.
    seen: HashMap<Key, Uuid>,
    lookups: Lookups,
    pending: Pending,
    /// The possible duplicates of each row of the chunk among the people registered before the import.
    duplicates: Vec<Vec<participants::Candidate>>,
    /// Set once a row changed someone registered before: the duplicates above may be out of date.
    changed_registered: bool,
}

impl Run {
    /// Looks for the chunk's people among those registered, in a few statements.
    async fn look_for_duplicates(&mut self, tx: &mut Tx, header: &Header, chunk: &[DataRow]) -> Result<(), AppError> {
        if self.changed_registered {
            // Each new person is then looked for on their own (`register`).
            self.duplicates = vec![Vec::new(); chunk.len()];
            return Ok(());
        }
        let inputs: Vec<Option<ParticipantInput>> = chunk
            .iter()
            .map(|data| {
                let row = Row {
                    line: data.line,
                    index: 0,
                    header,
                    cells: &data.cells,
                };
                ParticipantInput::parse(&participant_fields(&row), today()).ok()
            })
            .collect();
        self.duplicates = pending::duplicates(tx, &inputs, &self.pending.people_ids).await?;
        Ok(())
    }

    /// Writes what is held, before a row that reads or changes what is registered.
    async fn flush(&mut self, tx: &mut Tx, ctx: &Ctx, line: usize) -> Result<(), Failure> {
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
        esf: onramp_domain::esf::EsfFields::read(|name| row.get(name)),
    }
}

async fn import_row(
    tx: &mut Tx,
    ctx: &Ctx,
    row: &Row<'_>,
    run: &mut Run,
    report: &mut ImportReport,
) -> Result<(), Failure> {
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
    let reached_at = match row.get("reached_at") {
        "" => {
            errors.push(error(line, "reached_at", "required", ctx));
            None
        }
        name => {
            let found = run
                .lookups
                .organisation(tx, name)
                .await
                .map_err(|e| store_error(line, e, ctx))?;
            if found.is_none() {
                errors.push(error(line, "reached_at", "invalid-reference", ctx));
            }
            found.map(|o| o.id)
        }
    };
    let plan = match trajectory_plan(tx, ctx, row, &mut run.lookups).await {
        Ok(plan) => plan,
        Err(Failure::Row(more)) => {
            errors.extend(more);
            None
        }
        Err(failure) => return Err(failure),
    };
    let (Some(input), Some(reached_at)) = (input, reached_at) else {
        return Err(Failure::Row(errors));
    };
    if !errors.is_empty() {
        return Err(Failure::Row(errors));
    }
    let key = match participant_id {
        Some(id) => Key::of(&[&id.to_string()]),
        None => Key::person(&input),
    };
    let participant = match (run.seen.get(&key), participant_id) {
        // Registered by an earlier row of this file: nothing to check or change.
        (Some(id), _) if run.pending.people_ids.contains(id) => *id,
        // Someone registered before, met on an earlier row: their record was dealt with there.
        (Some(id), _) => {
            let id = *id;
            run.flush(tx, ctx, line).await?;
            authorised(tx, ctx, line, id).await?;
            id
        }
        (None, Some(id)) => match participants::get(tx, id).await.map_err(|e| store_error(line, e, ctx))? {
            Some(registered) => {
                run.flush(tx, ctx, line).await?;
                authorised(tx, ctx, line, id).await?;
                let has_esf = onramp_domain::esf::FIELDS.iter().any(|c| row.header.has(c));
                update_registered(tx, ctx, line, registered, &input, has_esf, report).await?;
                run.changed_registered = true;
                id
            }
            None => register(tx, ctx, row, run, reached_at, participant_id, &input, report).await?,
        },
        (None, None) => register(tx, ctx, row, run, reached_at, None, &input, report).await?,
    };
    run.seen.insert(key, participant);
    if let Some(plan) = plan {
        let new_person = run.pending.people_ids.contains(&participant);
        let repeated = trajectory_id.is_some_and(|id| run.pending.trajectory_ids.contains(&id));
        if new_person && !repeated {
            let (lookups, pending) = (&mut run.lookups, &mut run.pending);
            hold_trajectory(
                tx,
                ctx,
                row,
                (participant, &input),
                trajectory_id,
                plan,
                lookups,
                pending,
            )
            .await?;
            report.trajectories_created += 1;
        } else {
            run.flush(tx, ctx, line).await?;
            apply_trajectory(tx, ctx, row, (participant, &input), trajectory_id, plan, report).await?;
        }
    }
    Ok(())
}

/// The actor may change this person's file; a failing database is not a refusal.
async fn authorised(tx: &mut Tx, ctx: &Ctx, line: usize, id: Uuid) -> Result<(), Failure> {
    match authorise(tx, ctx, id, Need::Edit).await {
        Ok(_) => Ok(()),
        Err(AppError::Internal(e)) => Err(Failure::Internal(AppError::Internal(e))),
        Err(_) => Err(Failure::Row(vec![error(
            line,
            "participant_id",
            "invalid-reference",
            ctx,
        )])),
    }
}

/// The first row about someone registered before the import: their record updated when it
/// changed, from the record read once (`registered`), keeping its notes.
async fn update_registered(
    tx: &mut Tx,
    ctx: &Ctx,
    line: usize,
    registered: Participant,
    input: &ParticipantInput,
    has_esf: bool,
    report: &mut ImportReport,
) -> Result<(), Failure> {
    let id = registered.id;
    let mut keep = input.clone();
    // Notes are not in the exchange format: an import never erases them.
    keep.notes = registered.record.notes.clone();
    // A file written before the ESF+ columns existed does not erase what was recorded since.
    if !has_esf {
        keep.esf = registered.record.esf.clone();
    }
    if registered.record != keep {
        let failed = |e| store_error(line, e, ctx);
        let after = participants::update(tx, id, &keep).await.map_err(failed)?;
        let event = Event::new("participant.update", "participant", id)
            .for_participant(id)
            .after(&after);
        audit::record(tx, &ctx.who, event).await.map_err(failed)?;
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
) -> Result<Uuid, Failure> {
    let line = row.line;
    let failed = |e| store_error(line, e, ctx);
    let organisation = run
        .lookups
        .organisation(tx, row.get("reached_at"))
        .await
        .map_err(failed)?;
    let allowed = organisation
        .as_ref()
        .is_some_and(|o| policy::decide(&ctx.actor, Action::CreateParticipant(&o.as_ref())) == Decision::Allow);
    let Some(organisation) = organisation.filter(|_| allowed) else {
        return Err(Failure::Row(vec![error(
            line,
            "reached_at",
            "not-your-organisation",
            ctx,
        )]));
    };
    let duplicate = if run.changed_registered {
        // An earlier row changed someone registered: ask the database, holding nothing back.
        run.flush(tx, ctx, line).await?;
        !participants::find_duplicates(tx, input)
            .await
            .map_err(failed)?
            .is_empty()
    } else {
        !run.duplicates[row.index].is_empty() || run.pending.holds_someone_like(input)
    };
    if duplicate {
        return Err(Failure::Row(vec![error(
            line,
            "participant_id",
            "possible-duplicate",
            ctx,
        )]));
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
