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
    /// Every bad row, with its line, column and reason. Non-empty means nothing was written.
    pub errors: Vec<RowError>,
    /// True when the rows were written (a real run without errors).
    pub committed: bool,
}
