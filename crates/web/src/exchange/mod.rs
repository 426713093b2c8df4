//! Spreadsheets in and out: CSV (as Belgian Excel writes it: `;` and a UTF-8
//! byte order mark; `,` is read too) and XLSX. Cells are text; the import
//! service parses them into domain types.

pub mod import_report;
pub mod report;

use crate::error::AppError;
use std::io::Cursor;

/// The content type of an XLSX workbook.
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// The columns of the participant and trajectory exchange format, in order.
/// See `docs/import.md`.
pub const COLUMNS: [&str; 23] = [
    "participant_id",
    "first_name",
    "last_name",
    "birth_date",
    "national_register",
    "email",
    "phone",
    "language",
    "gender",
    "education",
    "health_category",
    "incapacity_since",
    "situation",
    "referrer",
    "reached_at",
    "trajectory_id",
    "programme",
    "partner",
    "coach",
    "started_on",
    "phase",
    "ended_on",
    "exit_reason",
];

/// A sheet as read: its header and its data rows, every cell as text.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Table {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl Table {
    /// The cell of `column` in `row`, empty when the column is absent.
    pub fn cell<'a>(&'a self, row: &'a [String], column: &str) -> &'a str {
        self.header
            .iter()
            .position(|h| h == column)
            .and_then(|i| row.get(i))
            .map(|s| s.trim())
            .unwrap_or("")
    }

    /// Header names that are not part of the format.
    pub fn unknown_columns(&self) -> Vec<String> {
        self.header
            .iter()
            .filter(|h| !h.is_empty() && !COLUMNS.contains(&h.as_str()))
            .cloned()
            .collect()
    }
}

/// Why a file could not be read at all (as opposed to a bad row).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadError {
    Empty,
    Unreadable,
}

pub fn read_csv(bytes: &[u8]) -> Result<Table, ReadError> {
    let bytes = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes);
    let first_line = bytes.split(|b| *b == b'\n').next().unwrap_or(&[]);
    let semicolons = first_line.iter().filter(|b| **b == b';').count();
    let commas = first_line.iter().filter(|b| **b == b',').count();
    let delimiter = if commas > semicolons { b',' } else { b';' };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut records = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|_| ReadError::Unreadable)?;
        records.push(record.iter().map(str::to_owned).collect::<Vec<_>>());
    }
    into_table(records)
}

pub fn read_xlsx(bytes: &[u8]) -> Result<Table, ReadError> {
    use calamine::{Data, Reader, Xlsx};
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes.to_vec())).map_err(|_| ReadError::Unreadable)?;
    let range = workbook
        .worksheet_range_at(0)
        .ok_or(ReadError::Empty)?
        .map_err(|_| ReadError::Unreadable)?;
    let records = range
        .rows()
        .map(|row| {
            row.iter()
                .map(|cell| match cell {
                    Data::Empty => String::new(),
                    Data::String(s) => s.clone(),
                    Data::Float(f) if f.fract() == 0.0 => format!("{}", *f as i64),
                    Data::DateTime(d) => d.as_datetime().map(|dt| dt.date().to_string()).unwrap_or_default(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect();
    into_table(records)
}

fn into_table(mut records: Vec<Vec<String>>) -> Result<Table, ReadError> {
    if records.is_empty() {
        return Err(ReadError::Empty);
    }
    let header = records.remove(0).into_iter().map(|h| h.trim().to_lowercase()).collect();
    let rows = records
        .into_iter()
        .filter(|r| r.iter().any(|c| !c.trim().is_empty()))
        .collect();
    Ok(Table { header, rows })
}

/// CSV for Belgian Excel: `;`-separated with a UTF-8 byte order mark.
pub fn write_csv(rows: &[Vec<String>]) -> Vec<u8> {
    let mut out = csv_header();
    out.extend(csv_rows(rows));
    out
}

/// The start of an exchange CSV file: the byte-order mark Excel needs to read UTF-8, and the header.
pub fn csv_header() -> Vec<u8> {
    let mut out = "\u{feff}".as_bytes().to_vec();
    append_csv(&mut out, [COLUMNS]);
    out
}

/// Rows of an exchange CSV file, to follow [`csv_header`] (a streamed export writes them a page at a time).
pub fn csv_rows(rows: &[Vec<String>]) -> Vec<u8> {
    let mut out = Vec::new();
    append_csv(&mut out, rows);
    out
}

fn append_csv<R>(out: &mut Vec<u8>, rows: impl IntoIterator<Item = R>)
where
    R: IntoIterator,
    R::Item: AsRef<[u8]>,
{
    let mut writer = csv::WriterBuilder::new().delimiter(b';').from_writer(out);
    for row in rows {
        let _ = writer.write_record(row);
    }
    let _ = writer.flush();
}

pub fn write_xlsx(rows: &[Vec<String>]) -> Result<Vec<u8>, String> {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("participants").map_err(|e| e.to_string())?;
    let bold = rust_xlsxwriter::Format::new().set_bold();
    for (col, name) in COLUMNS.iter().enumerate() {
        sheet
            .write_string_with_format(0, col as u16, *name, &bold)
            .map_err(|e| e.to_string())?;
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, value) in row.iter().enumerate() {
            if !value.is_empty() {
                // Text cells keep leading zeros (national register numbers) and dates as written.
                sheet
                    .write_string(r as u32 + 1, c as u16, value)
                    .map_err(|e| e.to_string())?;
            }
        }
    }
    workbook.save_to_buffer().map_err(|e| e.to_string())
}

/// Reads an uploaded spreadsheet by its content type (or its first bytes: XLSX is a zip).
pub fn read_upload(content_type: &str, bytes: &[u8]) -> Result<Table, AppError> {
    let xlsx = content_type.starts_with(XLSX) || bytes.starts_with(b"PK\x03\x04");
    let table = if xlsx { read_xlsx(bytes) } else { read_csv(bytes) };
    table.map_err(|e| match e {
        ReadError::Empty => AppError::invalid("file", "empty-file"),
        ReadError::Unreadable => AppError::invalid("file", "unreadable-file"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_round_trips_with_bom_and_semicolons() {
        let rows = vec![vec!["".to_owned(), "Hélène".into(), "D'Haese; jr".into()]];
        let bytes = write_csv(&rows);
        assert!(bytes.starts_with("\u{feff}".as_bytes()));
        let table = read_csv(&bytes).unwrap();
        assert_eq!(table.header[1], "first_name");
        assert_eq!(table.cell(&table.rows[0], "last_name"), "D'Haese; jr");
        assert_eq!(table.cell(&table.rows[0], "phase"), "", "absent cells are empty");
    }

    #[test]
    fn comma_separated_files_are_read_too() {
        let table = read_csv(b"first_name,last_name\nAn,Peeters\n\n").unwrap();
        assert_eq!(table.rows.len(), 1, "blank lines are skipped");
        assert_eq!(table.cell(&table.rows[0], "last_name"), "Peeters");
        assert_eq!(read_csv(b""), Err(ReadError::Empty));
    }

    #[test]
    fn xlsx_round_trips() {
        let rows = vec![vec![
            "".to_owned(),
            "An".into(),
            "Peeters".into(),
            "1980-01-02".into(),
            "85073003328".into(),
        ]];
        let bytes = write_xlsx(&rows).unwrap();
        let table = read_xlsx(&bytes).unwrap();
        assert_eq!(table.cell(&table.rows[0], "birth_date"), "1980-01-02");
        assert_eq!(table.cell(&table.rows[0], "national_register"), "85073003328");
        assert_eq!(read_xlsx(b"not a zip"), Err(ReadError::Unreadable));
    }
}
