//! Tables of figures (the monitoring reports) as CSV and XLSX: headings in the reader's language,
//! then one row per line of the table. Counts and decimals are numbers in XLSX; the CSV is written
//! for Belgian Excel (`;`, UTF-8 with a byte order mark, the reader's decimal mark). Text that a
//! spreadsheet would run as a formula is neutralised.

use super::cells::neutralise;
use onramp_domain::identity::Language;

#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Count(Option<i64>),
    /// Shown with `places` decimals.
    Decimal(Option<f64>, usize),
    /// A small cell hidden from the reader.
    Hidden,
}

impl Cell {
    /// A count, or hidden when `None` (the reports' way of hiding small cells).
    pub fn shown(n: Option<i64>) -> Cell {
        n.map_or(Cell::Hidden, |n| Cell::Count(Some(n)))
    }
}

pub struct Table {
    pub headings: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

fn text(cell: &Cell, language: Language) -> String {
    match cell {
        Cell::Text(t) => neutralise(t).into_owned(),
        Cell::Count(Some(n)) => n.to_string(),
        Cell::Decimal(Some(v), places) => crate::i18n::decimal(language, *v, *places),
        Cell::Count(None) | Cell::Decimal(None, _) => String::new(),
        Cell::Hidden => crate::i18n::text(language, "dashboard-hidden"),
    }
}

pub fn write_csv(table: &Table, language: Language) -> Vec<u8> {
    let mut out = "\u{feff}".as_bytes().to_vec();
    {
        let mut writer = csv::WriterBuilder::new().delimiter(b';').from_writer(&mut out);
        let _ = writer.write_record(&table.headings);
        for row in &table.rows {
            let _ = writer.write_record(row.iter().map(|c| text(c, language)));
        }
        let _ = writer.flush();
    }
    out
}

pub fn write_xlsx(table: &Table, language: Language, sheet_name: &str) -> Result<Vec<u8>, String> {
    let error = |e: rust_xlsxwriter::XlsxError| e.to_string();
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name(sheet_name).map_err(error)?;
    let bold = rust_xlsxwriter::Format::new().set_bold();
    for (col, heading) in table.headings.iter().enumerate() {
        sheet
            .write_string_with_format(0, col as u16, heading, &bold)
            .map_err(error)?;
        sheet.set_column_width(col as u16, 18).map_err(error)?;
    }
    for (r, row) in table.rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, cell) in row.iter().enumerate() {
            let c = c as u16;
            match cell {
                Cell::Count(Some(n)) => sheet.write_number(r, c, *n as f64).map(|_| ()),
                Cell::Decimal(Some(v), places) => {
                    let format = rust_xlsxwriter::Format::new().set_num_format(format!("0.{}", "0".repeat(*places)));
                    sheet.write_number_with_format(r, c, *v, &format).map(|_| ())
                }
                Cell::Count(None) | Cell::Decimal(None, _) => Ok(()),
                other => sheet.write_string(r, c, text(other, language)).map(|_| ()),
            }
            .map_err(error)?;
        }
    }
    workbook.save_to_buffer().map_err(error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells_follow_the_reader_and_formulas_are_neutralised() {
        let table = Table {
            headings: vec!["a".into(), "b".into(), "c".into(), "d".into()],
            rows: vec![vec![
                Cell::Text("=1+1".into()),
                Cell::Count(Some(3)),
                Cell::Decimal(Some(-1.25), 2),
                Cell::Hidden,
            ]],
        };
        let nl = String::from_utf8(write_csv(&table, Language::Nl)).unwrap();
        assert!(nl.starts_with('\u{feff}'));
        assert!(nl.contains(";3;-1,25;"), "{nl}");
        assert!(!nl.contains("\n=1+1"), "{nl}");
    }
}
