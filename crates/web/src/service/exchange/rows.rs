//! A row of the file as the import reads it, and why a row is not imported.

use crate::error::AppError;
use crate::exchange::import_report::RowError;
use crate::exchange::{Header, Kind};
use crate::identity::Ctx;
use onramp_domain::FieldErrors;

/// A row of the file, with its line and its place in the chunk being imported.
pub(super) struct Row<'a> {
    pub line: usize,
    pub index: usize,
    pub header: &'a Header,
    pub cells: &'a [String],
}

impl Row<'_> {
    pub fn get(&self, column: &str) -> &str {
        self.header.cell(self.cells, column)
    }
}

/// Why a row was not imported.
pub(super) enum Failure {
    /// What is wrong with the row: reported, and the next row is read.
    Row(Vec<RowError>),
    /// The database refused the row (a value taken meanwhile): reported, and the import stops
    /// there, as PostgreSQL ends a transaction at its first failed statement.
    Refused(Vec<RowError>),
    /// The database failed: the import stops with an internal error, nothing written.
    Internal(AppError),
}

/// Turns field errors into row errors: field names are column names, but for the organisation.
pub(super) fn row_errors(line: usize, errors: &FieldErrors, ctx: &Ctx) -> Vec<RowError> {
    errors
        .0
        .iter()
        .map(|e| RowError {
            kind: Kind::Participants.as_str().into(),
            line,
            column: if e.field == "organisation_id" {
                "reached_at".into()
            } else {
                e.field.to_string()
            },
            code: e.code.into(),
            message: crate::i18n::field_error_text(ctx.language, e),
        })
        .collect()
}

pub(super) fn error(line: usize, column: &str, code: &str, ctx: &Ctx) -> RowError {
    RowError {
        kind: Kind::Participants.as_str().into(),
        line,
        column: column.into(),
        code: code.split(':').next().unwrap_or(code).into(),
        message: crate::i18n::error_text(ctx.language, code),
    }
}

/// An error whose message names what it is about (the partner a coach must work at, a date, …).
pub(super) fn error_with(
    line: usize,
    column: &str,
    code: &'static str,
    args: &[(&'static str, &str)],
    ctx: &Ctx,
) -> RowError {
    let mut field = onramp_domain::FieldError::new("", code);
    field.args = args.iter().map(|(k, v)| (*k, (*v).to_owned())).collect();
    RowError {
        message: crate::i18n::field_error_text(ctx.language, &field),
        ..error(line, column, code, ctx)
    }
}

/// An error of a service the import shares with the pages (a phase, a handover, an exit): field
/// errors become errors of the columns that gave the fields; a trajectory the importer may not
/// change is reported as unknown, as elsewhere in the import.
pub(super) fn service_error(line: usize, e: AppError, ctx: &Ctx) -> Failure {
    match e {
        AppError::Invalid(errors) => Failure::Row(
            row_errors(line, &errors, ctx)
                .into_iter()
                .map(|mut e| {
                    e.column = column_of(&e.column).into();
                    e
                })
                .collect(),
        ),
        AppError::NotFound | AppError::Forbidden | AppError::Refused(_) => {
            Failure::Row(vec![error(line, "trajectory_id", "invalid-reference", ctx)])
        }
        other => Failure::Internal(other),
    }
}

/// The column of a trajectory field as the pages name it.
fn column_of(field: &str) -> &str {
    match field {
        "coach_id" => "coach",
        "on" => "ended_on",
        "reason" => "exit_reason",
        "situation" => "exit_situation",
        "mediation_organisation_id" => "mediation_organisation",
        // The consent to take part is the person's.
        "consent" => "participant_id",
        other => other,
    }
}

/// A store error: a refused value (taken, a reference gone) is the row's; anything else is a
/// failure of the database, never reported as a problem of the file.
pub(super) fn store_error(line: usize, e: onramp_store::StoreError, ctx: &Ctx) -> Failure {
    match AppError::from(e) {
        AppError::Invalid(errors) => Failure::Refused(row_errors(line, &errors, ctx)),
        AppError::NotFound => Failure::Refused(vec![error(line, "", "invalid-reference", ctx)]),
        other => Failure::Internal(other),
    }
}
