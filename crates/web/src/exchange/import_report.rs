//! What an import found and did, row by row: the same shape in a dry run, a refused run and a written one.

use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Clone, Serialize, ToSchema, PartialEq)]
pub struct RowError {
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
    /// The bad rows, with their line, column and reason: the first 1 000 problems found. Non-empty
    /// means nothing was written.
    pub errors: Vec<RowError>,
    /// How many problems were found, listed or not.
    pub error_count: usize,
    /// True when the rows were written (a real run without errors).
    pub committed: bool,
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
