//! What an import found and did, row by row: the same shape in a dry run, a refused run and a written one.

use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Clone, Serialize, ToSchema, PartialEq)]
pub struct RowError {
    /// The file's kind (in a workbook, the sheet's name): `participants`, `outcomes`, `barriers`
    /// or `contacts`.
    pub kind: String,
    /// The line in the file (the header is line 1).
    pub line: usize,
    pub column: String,
    pub code: String,
    pub message: String,
}

#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct ImportReport {
    pub rows: usize,
    pub participants_created: usize,
    pub participants_updated: usize,
    pub trajectories_created: usize,
    pub trajectories_updated: usize,
    pub outcomes_created: usize,
    pub barriers_created: usize,
    /// Barriers open before the import that a row closes.
    pub barriers_updated: usize,
    pub contacts_created: usize,
    /// The bad rows, with their line, column and reason: the first 1 000 problems found. Non-empty
    /// means nothing was written.
    pub errors: Vec<RowError>,
    /// How many problems were found, listed or not.
    pub error_count: usize,
    /// True when the rows were written (a real run without errors).
    pub committed: bool,
}

impl RowError {
    /// The same problem, in a file of `kind`.
    pub fn of(mut self, kind: super::format::Kind) -> RowError {
        self.kind = kind.as_str().to_owned();
        self
    }
}

/// The most problems a report lists (all are counted).
pub const LISTED_ERRORS: usize = 1_000;

impl ImportReport {
    /// Counts a problem, and lists it among the first [`LISTED_ERRORS`].
    pub fn add_error(&mut self, error: RowError) {
        self.error_count += 1;
        if self.errors.len() < LISTED_ERRORS {
            self.errors.push(error);
        }
    }
}
