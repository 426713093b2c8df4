//! What reading an upload gives, row by row, and why it can fail: shared by the CSV and the
//! workbook readers.

use crate::error::AppError;

/// The most data rows (below the header) one file may hold.
pub const MAX_ROWS: usize = 200_000;
/// The most columns a row may use (the participant rows have 24; others are reported as unknown).
pub const MAX_COLUMNS: usize = 64;

/// Why a file could not be read at all (as opposed to a bad row). Each is a field error on
/// `file` with the code [`ReadError::code`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadError {
    Empty,
    Unreadable,
    /// A workbook that unpacks (or says it unpacks) to more than onramp reads.
    TooLarge,
    TooManyRows,
    TooManyColumns,
}

impl ReadError {
    pub fn code(self) -> &'static str {
        match self {
            ReadError::Empty => "empty-file",
            ReadError::Unreadable => "unreadable-file",
            ReadError::TooLarge => "file-too-large",
            ReadError::TooManyRows => "too-many-rows",
            ReadError::TooManyColumns => "too-many-columns",
        }
    }
}

impl From<ReadError> for AppError {
    fn from(error: ReadError) -> Self {
        AppError::invalid("file", error.code())
    }
}

/// A data row and its line in the file (the header is line 1 of a CSV file; in a workbook, the
/// sheet's row number).
#[derive(Debug, Clone, PartialEq)]
pub struct DataRow {
    pub line: usize,
    pub cells: Vec<String>,
}

/// What the reading thread of a workbook hands over, a row at a time.
pub(super) enum Message {
    Row(DataRow),
    Failed(ReadError),
    End,
}
