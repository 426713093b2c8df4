//! Reading an uploaded workbook without believing what it says about itself. An XLSX file is a zip
//! of XML parts; a hostile or careless one can claim a sheet of 16 384 columns by 1 048 576 rows
//! (which calamine's ranges allocate whole), a cell reference no sheet can have, or a part that
//! unpacks to gigabytes. Before calamine opens the workbook, every part is checked: its size in
//! the zip's central directory (alone, all together, and against what it takes compressed), then
//! unpacked once, never past the size it claimed, and its XML scanned for the sheet's dimension,
//! row and cell references and the shared-strings count. The sheet is then read a cell at a time
//! (calamine's cell reader), each row handed over as soon as it is complete.

use super::rows::{DataRow, MAX_COLUMNS, MAX_ROWS, Message, ReadError};
use flate2::read::DeflateDecoder;
use quick_xml::events::{BytesStart, Event};
use std::io::{BufReader, Cursor, Read};
use tokio::sync::mpsc::Sender;
use zip::CompressionMethod;

/// The most a part of the workbook may unpack to, and all parts together.
pub const MAX_PART_BYTES: u64 = 512 * 1024 * 1024;
pub const MAX_TOTAL_BYTES: u64 = 1024 * 1024 * 1024;
/// The most bytes a part larger than [`RATIO_FROM`] may unpack to per compressed byte: spreadsheet
/// XML compresses 5 to 30 times, a zip bomb a thousand.
pub const MAX_RATIO: u64 = 200;
const RATIO_FROM: u64 = 1024 * 1024;
/// The most parts (files in the zip) a workbook may have.
const MAX_PARTS: usize = 1_000;
/// The most cells (values or not) a part may hold: a full sheet of the largest file.
const MAX_CELLS: u64 = (MAX_ROWS as u64 + 1) * MAX_COLUMNS as u64;
/// Excel's own bounds: a reference beyond them is not a cell.
const EXCEL_ROWS: u32 = 1_048_576;
const EXCEL_COLUMNS: u32 = 16_384;

/// Checks the workbook (see the module's documentation), then lists its sheets. Runs on a blocking
/// thread.
pub(super) fn sheet_names(bytes: &[u8]) -> Result<Vec<String>, ReadError> {
    use calamine::{Reader, Xlsx};
    check(bytes)?;
    let workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|_| ReadError::Unreadable)?;
    Ok(workbook.sheet_names())
}

/// Reads the sheet `name` of a workbook that passed [`check`], sending its rows (the header first)
/// and then [`Message::End`], or [`Message::Failed`]. Runs on a blocking thread; stops when nobody
/// listens.
pub(super) fn read(bytes: &[u8], name: &str, rows: &Sender<Message>) {
    let result = read_sheet(bytes, name, rows);
    let last = match result {
        Ok(()) => Message::End,
        Err(error) => Message::Failed(error),
    };
    let _ = rows.blocking_send(last);
}

/// Checks every part of the workbook (see the module's documentation).
pub(super) fn check(bytes: &[u8]) -> Result<(), ReadError> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| ReadError::Unreadable)?;
    if zip.len() > MAX_PARTS {
        return Err(ReadError::TooLarge);
    }
    let mut total = 0u64;
    for index in 0..zip.len() {
        let part = zip.by_index_raw(index).map_err(|_| ReadError::Unreadable)?;
        let claimed = part.size();
        total = total.saturating_add(claimed);
        let ratio = claimed / part.compressed_size().max(1);
        if claimed > MAX_PART_BYTES || total > MAX_TOTAL_BYTES || (claimed > RATIO_FROM && ratio > MAX_RATIO) {
            return Err(ReadError::TooLarge);
        }
        if part.encrypted() {
            return Err(ReadError::Unreadable);
        }
        // Unpacked here, not by the zip library: at most one byte more than the part claims.
        let unpacked: Box<dyn Read + '_> = match part.compression() {
            CompressionMethod::Stored => Box::new(part),
            CompressionMethod::Deflated => Box::new(DeflateDecoder::new(part)),
            _ => return Err(ReadError::Unreadable),
        };
        let mut counted = Counted {
            inner: unpacked.take(claimed.saturating_add(1)),
            bytes: 0,
        };
        scan(&mut counted)?;
        std::io::copy(&mut counted, &mut std::io::sink()).map_err(|_| ReadError::Unreadable)?;
        if counted.bytes > claimed {
            return Err(ReadError::TooLarge);
        }
    }
    Ok(())
}

/// A reader that counts what passes.
struct Counted<R> {
    inner: R,
    bytes: u64,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.bytes += n as u64;
        Ok(n)
    }
}

/// Where calamine's cell reader would put a cell without a reference.
#[derive(Default)]
struct Position {
    row: u32,
    column: u32,
    cells: u64,
}

/// Scans a part's XML (any part: which one is the sheet is the workbook's to say) for the
/// references calamine reads. A part that is not XML ends the scan: calamine will say so.
fn scan(part: impl Read) -> Result<(), ReadError> {
    let mut xml = quick_xml::Reader::from_reader(BufReader::new(part));
    xml.config_mut().check_end_names = false;
    let mut buf = Vec::new();
    let mut at = Position::default();
    let (mut claimed_strings, mut strings) = (0u64, 0u64);
    loop {
        buf.clear();
        let Ok(event) = xml.read_event_into(&mut buf) else {
            break;
        };
        let (element, has_content) = match &event {
            Event::Start(e) => (e, true),
            Event::Empty(e) => (e, false),
            Event::End(e) if e.local_name().as_ref() == "row" => {
                at.row = at.row.saturating_add(1);
                at.column = 0;
                continue;
            }
            Event::Eof => break,
            _ => continue,
        };
        match element.local_name().as_ref() {
            "dimension" => {
                if let Some(range) = attribute(element, "ref")? {
                    check_dimension(&range)?;
                }
            }
            "row" => {
                if let Some(r) = attribute(element, "r")? {
                    at.row = row_number(&r)? - 1;
                }
                if !has_content {
                    at.row = at.row.saturating_add(1);
                    at.column = 0;
                }
            }
            "c" => {
                let (row, column) = match attribute(element, "r")? {
                    Some(r) => cell_reference(&r)?,
                    None => (at.row, at.column),
                };
                at.column = column.saturating_add(1);
                at.cells += 1;
                if at.cells > MAX_CELLS {
                    return Err(ReadError::TooLarge);
                }
                if has_content {
                    within_limits(row, column)?;
                }
            }
            "sst" => {
                if let Some(count) = attribute(element, "uniqueCount")?.and_then(|c| c.parse::<u64>().ok()) {
                    claimed_strings = count;
                }
            }
            "si" => strings += 1,
            _ => {}
        }
    }
    // calamine reserves room for as many strings as the table claims before reading them.
    if claimed_strings > strings * 2 + 1_000 {
        return Err(ReadError::Unreadable);
    }
    Ok(())
}

fn attribute(element: &BytesStart<'_>, name: &str) -> Result<Option<String>, ReadError> {
    match element.try_get_attribute(name) {
        Ok(Some(a)) => Ok(Some(a.value.into_owned())),
        Ok(None) => Ok(None),
        Err(_) => Err(ReadError::Unreadable),
    }
}

/// A cell of the data: within the rows and columns onramp reads (0-based).
fn within_limits(row: u32, column: u32) -> Result<(), ReadError> {
    if row as usize > MAX_ROWS {
        Err(ReadError::TooManyRows)
    } else if column as usize >= MAX_COLUMNS {
        Err(ReadError::TooManyColumns)
    } else {
        Ok(())
    }
}

/// `A1:W201` (or one cell): what the sheet claims to span.
fn check_dimension(range: &str) -> Result<(), ReadError> {
    let (start, end) = range.split_once(':').unwrap_or((range, range));
    let (start, end) = (cell_reference(start)?, cell_reference(end)?);
    if end.0 < start.0 || end.1 < start.1 {
        return Err(ReadError::Unreadable);
    }
    within_limits(end.0, end.1)
}

/// A row number (1 to 1 048 576), 1-based.
fn row_number(text: &str) -> Result<u32, ReadError> {
    if text.is_empty() || text.len() > 7 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ReadError::Unreadable);
    }
    match text.parse::<u32>() {
        Ok(n) if (1..=EXCEL_ROWS).contains(&n) => Ok(n),
        _ => Err(ReadError::Unreadable),
    }
}

/// `XFD1048576` as a 0-based (row, column), within Excel's bounds.
fn cell_reference(text: &str) -> Result<(u32, u32), ReadError> {
    let letters = text.bytes().take_while(u8::is_ascii_alphabetic).count();
    if !(1..=3).contains(&letters) {
        return Err(ReadError::Unreadable);
    }
    let column = text[..letters]
        .bytes()
        .fold(0u32, |n, b| n * 26 + u32::from(b.to_ascii_uppercase() - b'A') + 1);
    if column > EXCEL_COLUMNS {
        return Err(ReadError::Unreadable);
    }
    Ok((row_number(&text[letters..])? - 1, column - 1))
}

/// Reads a sheet a cell at a time, sending each row once complete.
fn read_sheet(bytes: &[u8], name: &str, rows: &Sender<Message>) -> Result<(), ReadError> {
    use calamine::{Data, Reader, Xlsx};
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|_| ReadError::Unreadable)?;
    let mut cells = workbook
        .worksheet_cells_reader(name)
        .map_err(|_| ReadError::Unreadable)?;
    let mut row: Option<(u32, Vec<String>)> = None;
    while let Some(cell) = cells.next_cell().map_err(|_| ReadError::Unreadable)? {
        let text = match Data::from(cell.get_value().clone()) {
            Data::Empty => continue,
            Data::String(s) => s,
            Data::Float(f) if f.fract() == 0.0 => format!("{}", f as i64),
            Data::DateTime(d) => d.as_datetime().map(|dt| dt.date().to_string()).unwrap_or_default(),
            other => other.to_string(),
        };
        let (r, c) = cell.get_position();
        // Checked before, and again here: what is built is never larger than the limits.
        within_limits(r, c)?;
        if row.as_ref().is_some_and(|(at, _)| *at != r)
            && let Some((at, done)) = row.take()
            && !send(rows, at, done)
        {
            return Ok(());
        }
        let (_, values) = row.get_or_insert_with(|| (r, Vec::new()));
        if values.len() <= c as usize {
            values.resize(c as usize + 1, String::new());
        }
        values[c as usize] = text;
    }
    if let Some((at, done)) = row {
        send(rows, at, done);
    }
    Ok(())
}

/// Sends a row unless it is blank; false when nobody listens any more.
fn send(rows: &Sender<Message>, at: u32, cells: Vec<String>) -> bool {
    if cells.iter().all(|c| c.trim().is_empty()) {
        return true;
    }
    let line = at as usize + 1;
    rows.blocking_send(Message::Row(DataRow { line, cells })).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_read_within_excels_bounds() {
        assert_eq!(cell_reference("A1"), Ok((0, 0)));
        assert_eq!(cell_reference("xfd1048576"), Ok((1_048_575, 16_383)));
        for bad in [
            "ZZZZZZZ99999999999",
            "XFE1",
            "A0",
            "A1048577",
            "1",
            "A",
            "",
            "A1B",
            "A-1",
        ] {
            assert_eq!(cell_reference(bad), Err(ReadError::Unreadable), "{bad}");
        }
        assert_eq!(check_dimension("A1:W201"), Ok(()));
        assert_eq!(check_dimension("A1:XFD1048576"), Err(ReadError::TooManyRows));
        assert_eq!(check_dimension("A1:ZZ2"), Err(ReadError::TooManyColumns));
        assert_eq!(check_dimension("B2:A1"), Err(ReadError::Unreadable));
    }

    #[test]
    fn a_workbook_written_by_the_export_passes() {
        let rows = vec![vec!["".to_owned(), "An".into(), "Peeters".into()]];
        let bytes = super::super::write_xlsx(&[(super::super::Kind::Participants, rows)]).unwrap();
        assert_eq!(check(&bytes), Ok(()));
        assert_eq!(check(b"PK\x03\x04 not really"), Err(ReadError::Unreadable));
    }
}
