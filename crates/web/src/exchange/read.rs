//! Reading an uploaded file a row at a time, within limits checked before anything is built: the
//! upload's bytes stay in memory (the request body holds them already), never a table of all its
//! cells. A first pass checks the file (its size as it claims it and as it is, its rows and
//! columns); the rows are then read again, one by one, as the import asks for them.

use super::cells::unneutralise;
use super::format::{Kind, XLSX};
use super::rows::{DataRow, MAX_COLUMNS, MAX_ROWS, Message, ReadError};
use super::xlsx;
use crate::error::AppError;
use axum::body::Bytes;
use std::collections::VecDeque;
use std::io::Cursor;
use tokio::sync::mpsc;

/// The header row: column names (trimmed, lower case) and where each column of the kind's format is.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Header {
    names: Vec<String>,
    columns: &'static [&'static str],
    positions: Vec<Option<usize>>,
}

impl Header {
    pub fn new(cells: Vec<String>, kind: Kind) -> Header {
        let names: Vec<String> = cells.into_iter().map(|h| h.trim().to_lowercase()).collect();
        let columns = kind.columns();
        let positions = columns
            .iter()
            .map(|column| names.iter().position(|h| h == column))
            .collect();
        Header {
            names,
            columns,
            positions,
        }
    }

    pub fn names(&self) -> &[String] {
        &self.names
    }

    pub fn has(&self, column: &str) -> bool {
        self.names.iter().any(|h| h == column)
    }

    /// The cell of `column` in `cells`, trimmed; empty when the column is absent.
    pub fn cell<'a>(&self, cells: &'a [String], column: &str) -> &'a str {
        self.columns
            .iter()
            .position(|c| *c == column)
            .and_then(|i| self.positions[i])
            .and_then(|i| cells.get(i))
            .map(|s| s.trim())
            .unwrap_or("")
    }

    /// Header names that are not part of the format.
    pub fn unknown_columns(&self) -> Vec<String> {
        self.names
            .iter()
            .filter(|h| !h.is_empty() && !self.columns.contains(&h.as_str()))
            .cloned()
            .collect()
    }
}

/// An upload that passed the checks, read a row at a time: a CSV file, or a sheet of a workbook.
pub struct Upload {
    pub kind: Kind,
    pub header: Header,
    source: Source,
}

enum Source {
    Csv(csv::Reader<Cursor<Bytes>>),
    /// Rows from a blocking thread that reads the workbook; the channel holds a few of them.
    Xlsx(mpsc::Receiver<Message>),
    /// Every row was read.
    Done,
}

/// Rows the workbook's reading thread may have read ahead.
const READ_AHEAD: usize = 256;

impl Upload {
    /// The next data row (blank rows are skipped); `None` after the last.
    pub async fn next_row(&mut self) -> Result<Option<DataRow>, ReadError> {
        let next = match &mut self.source {
            Source::Csv(reader) => next_csv_row(reader),
            Source::Xlsx(rows) => match rows.recv().await {
                Some(Message::Row(row)) => Ok(Some(row)),
                Some(Message::End) => Ok(None),
                Some(Message::Failed(error)) => Err(error),
                // The thread ended without saying it was done: it failed (a panic in the reader).
                None => Err(ReadError::Unreadable),
            },
            Source::Done => Ok(None),
        };
        if !matches!(next, Ok(Some(_))) {
            self.source = Source::Done;
        }
        next
    }

    /// Up to `count` data rows.
    pub async fn next_rows(&mut self, count: usize) -> Result<Vec<DataRow>, ReadError> {
        let mut rows = Vec::with_capacity(count.min(READ_AHEAD));
        while rows.len() < count {
            match self.next_row().await? {
                Some(row) => rows.push(row),
                None => break,
            }
        }
        Ok(rows)
    }
}

/// The files of an upload, a kind at a time. A CSV file holds one kind, the one the upload was
/// sent as. A workbook holds a sheet per kind, named after it (`participants`, `outcomes`,
/// `barriers`, `contacts`), read in that order; a workbook without such a sheet is read as its
/// first sheet, of the kind it was sent as. Each sheet is opened when the one before was read.
pub struct Uploads {
    files: Files,
}

enum Files {
    Csv(Option<Upload>),
    Workbook {
        bytes: Bytes,
        sheets: VecDeque<(Kind, String)>,
    },
}

impl Uploads {
    /// The next file (or sheet) to import; `None` after the last.
    pub async fn next(&mut self) -> Result<Option<Upload>, AppError> {
        match &mut self.files {
            Files::Csv(upload) => Ok(upload.take()),
            Files::Workbook { bytes, sheets } => match sheets.pop_front() {
                Some((kind, name)) => Ok(Some(open_sheet(bytes.clone(), name, kind).await?)),
                None => Ok(None),
            },
        }
    }
}

/// Checks an uploaded spreadsheet (XLSX by its content type or its first bytes, a zip; CSV
/// otherwise) and gets ready to read it, as `kind` when it does not say (a CSV file, a workbook
/// without named sheets). The checks run on a blocking thread.
pub async fn read_uploads(content_type: &str, bytes: Bytes, kind: Kind) -> Result<Uploads, AppError> {
    let xlsx = content_type.starts_with(XLSX) || bytes.starts_with(b"PK\x03\x04");
    let files = if xlsx {
        let checked = bytes.clone();
        let names = tokio::task::spawn_blocking(move || xlsx::sheet_names(&checked))
            .await
            .map_err(|_| ReadError::Unreadable)??;
        let sheets = sheets_for(kind, &names);
        if sheets.is_empty() {
            return Err(ReadError::Empty.into());
        }
        Files::Workbook { bytes, sheets }
    } else {
        Files::Csv(Some(open_csv(bytes, kind).await?))
    };
    Ok(Uploads { files })
}

/// The sheets to read: those named after a kind, in the kinds' order; else the first, as `kind`.
fn sheets_for(kind: Kind, names: &[String]) -> VecDeque<(Kind, String)> {
    let named: VecDeque<(Kind, String)> = Kind::ALL
        .into_iter()
        .filter_map(|k| names.iter().find(|n| Kind::parse(n) == Some(k)).map(|n| (k, n.clone())))
        .collect();
    if named.is_empty() {
        names.first().map(|n| (kind, n.clone())).into_iter().collect()
    } else {
        named
    }
}

/// The first file of an upload (in a workbook, its participants sheet): for tests and tools.
pub async fn read_upload(content_type: &str, bytes: Bytes) -> Result<Upload, AppError> {
    let mut uploads = read_uploads(content_type, bytes, Kind::Participants).await?;
    uploads.next().await?.ok_or(ReadError::Empty.into())
}

/// Reads a whole (small) file into its header and rows: for tests and tools, never for imports.
pub async fn read_all(content_type: &str, bytes: Bytes) -> Result<(Header, Vec<DataRow>), AppError> {
    let mut upload = read_upload(content_type, bytes).await?;
    let mut rows = Vec::new();
    while let Some(row) = upload.next_row().await? {
        rows.push(row);
    }
    Ok((upload.header, rows))
}

/// Starts reading a sheet of a workbook that passed the checks.
async fn open_sheet(bytes: Bytes, name: String, kind: Kind) -> Result<Upload, ReadError> {
    let (sender, mut receiver) = mpsc::channel(READ_AHEAD);
    tokio::task::spawn_blocking(move || xlsx::read(&bytes, &name, &sender));
    let header = match receiver.recv().await {
        Some(Message::Row(row)) => Header::new(row.cells, kind),
        Some(Message::End) => return Err(ReadError::Empty),
        Some(Message::Failed(error)) => return Err(error),
        None => return Err(ReadError::Unreadable),
    };
    Ok(Upload {
        kind,
        header,
        source: Source::Xlsx(receiver),
    })
}

async fn open_csv(bytes: Bytes, kind: Kind) -> Result<Upload, ReadError> {
    let checked = bytes.clone();
    let delimiter = tokio::task::spawn_blocking(move || check_csv(&checked))
        .await
        .map_err(|_| ReadError::Unreadable)??;
    let mut reader = csv_reader(bytes, delimiter);
    let mut header = csv::StringRecord::new();
    if !reader.read_record(&mut header).map_err(|_| ReadError::Unreadable)? {
        return Err(ReadError::Empty);
    }
    Ok(Upload {
        kind,
        header: Header::new(header.iter().map(str::to_owned).collect(), kind),
        source: Source::Csv(reader),
    })
}

/// The byte order mark Excel writes before UTF-8.
const BOM: &[u8] = "\u{feff}".as_bytes();

fn csv_reader(bytes: Bytes, delimiter: u8) -> csv::Reader<Cursor<Bytes>> {
    let mut cursor = Cursor::new(bytes);
    if cursor.get_ref().starts_with(BOM) {
        cursor.set_position(BOM.len() as u64);
    }
    csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(cursor)
}

/// The cell separator: `;` or `,`, whichever the first line has more of.
fn delimiter(bytes: &[u8]) -> u8 {
    let bytes = bytes.strip_prefix(BOM).unwrap_or(bytes);
    let first_line = bytes.split(|b| *b == b'\n').next().unwrap_or(&[]);
    let semicolons = first_line.iter().filter(|b| **b == b';').count();
    let commas = first_line.iter().filter(|b| **b == b',').count();
    if commas > semicolons { b',' } else { b';' }
}

/// Reads every record once, keeping none: UTF-8, at most [`MAX_COLUMNS`] used cells a row and
/// [`MAX_ROWS`] rows below the header. Returns the separator.
fn check_csv(bytes: &Bytes) -> Result<u8, ReadError> {
    let delimiter = delimiter(bytes);
    let mut reader = csv_reader(bytes.clone(), delimiter);
    let mut record = csv::StringRecord::new();
    let mut rows = 0usize;
    let mut header = true;
    while reader.read_record(&mut record).map_err(|_| ReadError::Unreadable)? {
        let used = used_cells(&record);
        if used > MAX_COLUMNS {
            return Err(ReadError::TooManyColumns);
        }
        if header {
            header = false;
        } else if used > 0 {
            rows += 1;
            if rows > MAX_ROWS {
                return Err(ReadError::TooManyRows);
            }
        }
    }
    if header {
        return Err(ReadError::Empty);
    }
    Ok(delimiter)
}

/// The line a record starts on. The reader gives the line where it began to look for the record,
/// before the blank lines it skipped: these are counted here.
fn record_line(reader: &csv::Reader<Cursor<Bytes>>, position: &csv::Position) -> usize {
    let bytes = reader.get_ref().get_ref();
    let start = if bytes.starts_with(BOM) { BOM.len() } else { 0 };
    let skipped = bytes
        .get(start + position.byte() as usize..)
        .unwrap_or_default()
        .iter()
        .take_while(|b| matches!(b, b'\n' | b'\r'))
        .filter(|b| **b == b'\n')
        .count();
    position.line() as usize + skipped
}

/// How many cells of the record count: up to the last that is not blank.
fn used_cells(record: &csv::StringRecord) -> usize {
    record
        .iter()
        .enumerate()
        .filter(|(_, c)| !c.trim().is_empty())
        .last()
        .map_or(0, |(i, _)| i + 1)
}

fn next_csv_row(reader: &mut csv::Reader<Cursor<Bytes>>) -> Result<Option<DataRow>, ReadError> {
    let mut record = csv::StringRecord::new();
    loop {
        if !reader.read_record(&mut record).map_err(|_| ReadError::Unreadable)? {
            return Ok(None);
        }
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let line = record.position().map_or(0, |p| record_line(reader, p));
        let used = used_cells(&record);
        let cells = record.iter().take(used).map(|c| unneutralise(c).to_owned()).collect();
        return Ok(Some(DataRow { line, cells }));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn read(bytes: &[u8]) -> Result<(Header, Vec<DataRow>), ReadError> {
        let mut upload = open_csv(Bytes::copy_from_slice(bytes), Kind::Participants).await?;
        let mut rows = Vec::new();
        while let Some(row) = upload.next_row().await? {
            rows.push(row);
        }
        Ok((upload.header, rows))
    }

    #[tokio::test]
    async fn comma_separated_files_are_read_too() {
        let (header, rows) = read(b"first_name,last_name\nAn,Peeters\n\n").await.unwrap();
        assert_eq!(rows.len(), 1, "blank lines are skipped");
        assert_eq!(header.cell(&rows[0].cells, "last_name"), "Peeters");
        assert_eq!(header.cell(&rows[0].cells, "phase"), "", "absent cells are empty");
        assert_eq!(rows[0].line, 2);
        assert_eq!(read(b"").await.unwrap_err(), ReadError::Empty);
    }

    #[tokio::test]
    async fn lines_are_the_files_lines() {
        let (_, rows) =
            read("\u{feff}first_name;last_name\n\nAn;Peeters\n;\n\"Bea\nBeatrix\";Maes\nCor;Aerts\n".as_bytes())
                .await
                .unwrap();
        let lines: Vec<usize> = rows.iter().map(|r| r.line).collect();
        assert_eq!(lines, [3, 5, 7], "blank rows skipped, a quoted line break counted");
        let (_, rows) = read(b"first_name;last_name\r\nAn;Peeters\r\n\r\nBea;Maes\r\nCor;Aerts")
            .await
            .unwrap();
        let lines: Vec<usize> = rows.iter().map(|r| r.line).collect();
        assert_eq!(lines, [2, 4, 5], "as Excel writes them");
    }

    #[tokio::test]
    async fn limits_are_checked_before_reading() {
        let wide = format!("first_name{}\n", ";x".repeat(MAX_COLUMNS));
        assert_eq!(read(wide.as_bytes()).await.unwrap_err(), ReadError::TooManyColumns);
        let trailing = format!("first_name{}\nAn\n", ";".repeat(MAX_COLUMNS * 2));
        assert!(
            read(trailing.as_bytes()).await.is_ok(),
            "empty cells at the end do not count"
        );
        let mut long = String::from("first_name\n");
        for n in 0..=MAX_ROWS {
            long.push_str(&format!("n{n}\n"));
        }
        assert_eq!(read(long.as_bytes()).await.unwrap_err(), ReadError::TooManyRows);
        assert_eq!(
            read(b"first_name\n\xff\xfe\n").await.unwrap_err(),
            ReadError::Unreadable
        );
    }
}
