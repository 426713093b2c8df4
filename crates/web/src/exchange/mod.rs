//! Spreadsheets in and out: CSV (as Belgian Excel writes it: `;` and a UTF-8
//! byte order mark; `,` is read too) and XLSX. Cells are text; the import
//! service parses them into domain types. Uploads are read a row at a time ([`read`]),
//! workbooks checked before they are opened ([`xlsx`]); exported CSV cells never run as
//! formulas ([`cells`]).

pub mod cells;
pub mod esf_sheet;
mod format;
pub mod import_report;
pub mod read;
pub mod report;
mod rows;
pub mod table;
pub mod tables;
mod xlsx;

pub use format::{BARRIER_COLUMNS, COLUMNS, CONTACT_COLUMNS, Kind, OUTCOME_COLUMNS, XLSX};
pub use read::{Header, Upload, Uploads, read_all, read_upload, read_uploads};
pub use rows::{DataRow, MAX_COLUMNS, MAX_ROWS, ReadError};
pub use xlsx::{MAX_PART_BYTES, MAX_RATIO, MAX_TOTAL_BYTES};

/// CSV for Belgian Excel: `;`-separated with a UTF-8 byte order mark.
pub fn write_csv(kind: Kind, rows: &[Vec<String>]) -> Vec<u8> {
    let mut out = csv_header(kind);
    out.extend(csv_rows(rows));
    out
}

/// The start of an exchange CSV file: the byte-order mark Excel needs to read UTF-8, and the header.
pub fn csv_header(kind: Kind) -> Vec<u8> {
    let mut out = "\u{feff}".as_bytes().to_vec();
    append_csv(&mut out, [kind.columns()]);
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
    R::Item: AsRef<str>,
{
    let mut writer = csv::WriterBuilder::new().delimiter(b';').from_writer(out);
    for row in rows {
        let _ = writer.write_record(
            row.into_iter()
                .map(|cell| cells::neutralise(cell.as_ref()).into_owned()),
        );
    }
    let _ = writer.flush();
}

/// A workbook with a sheet per kind, named after it, in the order given.
pub fn write_xlsx(sheets: &[(Kind, Vec<Vec<String>>)]) -> Result<Vec<u8>, String> {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let bold = rust_xlsxwriter::Format::new().set_bold();
    for (kind, rows) in sheets {
        let sheet = workbook.add_worksheet();
        sheet.set_name(kind.as_str()).map_err(|e| e.to_string())?;
        for (col, name) in kind.columns().iter().enumerate() {
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
    }
    workbook.save_to_buffer().map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Bytes;

    #[tokio::test]
    async fn csv_round_trips_with_bom_and_semicolons() {
        let rows = vec![vec![
            "".to_owned(),
            "Hélène".into(),
            "D'Haese; jr".into(),
            "=1+1".into(),
            "-2".into(),
        ]];
        let bytes = write_csv(Kind::Participants, &rows);
        assert!(bytes.starts_with("\u{feff}".as_bytes()));
        assert!(
            String::from_utf8_lossy(&bytes).contains(";'=1+1;-2"),
            "a formula is written as text"
        );
        let (header, read) = read_all("text/csv", Bytes::from(bytes)).await.unwrap();
        assert_eq!(header.names()[1], "first_name");
        assert_eq!(header.cell(&read[0].cells, "last_name"), "D'Haese; jr");
        assert_eq!(read[0].cells, rows[0][..5], "the import reads what was exported");
    }

    #[tokio::test]
    async fn xlsx_round_trips() {
        let rows = vec![vec![
            "".to_owned(),
            "An".into(),
            "Peeters".into(),
            "1980-01-02".into(),
            "85073003328".into(),
        ]];
        let outcome = vec!["".to_owned(), "0190".into(), "new_employer".into()];
        let sheets = [
            (Kind::Participants, rows.clone()),
            (Kind::Outcomes, vec![outcome.clone()]),
        ];
        let bytes = write_xlsx(&sheets).unwrap();
        let (header, read) = read_all(XLSX, Bytes::from(bytes)).await.unwrap();
        assert_eq!(header.cell(&read[0].cells, "birth_date"), "1980-01-02");
        assert_eq!(header.cell(&read[0].cells, "national_register"), "85073003328");
        assert_eq!(read[0].line, 2);
        let mut uploads = read_uploads(XLSX, Bytes::from(write_xlsx(&sheets).unwrap()), Kind::Contacts)
            .await
            .unwrap();
        let mut upload = uploads.next().await.unwrap().unwrap();
        assert_eq!(upload.kind, Kind::Participants, "the sheets say their kind");
        assert!(upload.next_rows(1_000).await.unwrap().len() == 1);
        for _ in 0..2 {
            assert_eq!(upload.next_rows(1_000).await.unwrap(), [], "after the last row, none");
        }
        let mut outcomes = uploads.next().await.unwrap().unwrap();
        assert_eq!(outcomes.kind, Kind::Outcomes);
        let read = outcomes.next_rows(10).await.unwrap();
        assert_eq!(outcomes.header.cell(&read[0].cells, "kind"), "new_employer");
        assert!(uploads.next().await.unwrap().is_none(), "two sheets, two uploads");
        let error = read_all(XLSX, Bytes::from_static(b"not a zip")).await.unwrap_err();
        assert!(matches!(error, crate::error::AppError::Invalid(e) if e.0[0].code == "unreadable-file"));
    }
}
