//! Tables of a report (the cost-benefit's results, years, scenarios, tornado and assumptions) as
//! CSV for Belgian Excel (`;`, UTF-8 with a byte order mark, a decimal comma in Dutch and French)
//! and as XLSX with one sheet per table, numbers as numbers so a payer can compute with them.

use onramp_domain::identity::Language;

/// One cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Count(i64),
    /// An amount in cents, written in euros with two decimals.
    Euros(i64),
    /// A number with so many decimals.
    Decimal(f64, usize),
    /// Withheld from the reader as a small cell.
    Hidden,
    Empty,
}

/// One table: its sheet name (stable: `results`, `years`), column headings and rows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Table {
    pub name: &'static str,
    pub headings: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

/// A cell as text in `language` (amounts in euros without the sign).
pub fn text(cell: &Cell, language: Language) -> String {
    match cell {
        Cell::Text(text) => text.clone(),
        Cell::Count(n) => n.to_string(),
        Cell::Euros(cents) => crate::i18n::decimal(language, *cents as f64 / 100.0, 2),
        Cell::Decimal(value, places) => crate::i18n::decimal(language, *value, *places),
        Cell::Hidden => crate::i18n::text(language, "dashboard-hidden"),
        Cell::Empty => String::new(),
    }
}

/// One table as CSV.
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

/// Every table as a sheet of one workbook.
pub fn write_xlsx(tables: &[Table], language: Language) -> Result<Vec<u8>, String> {
    let error = |e: rust_xlsxwriter::XlsxError| e.to_string();
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let bold = rust_xlsxwriter::Format::new().set_bold();
    let euros = rust_xlsxwriter::Format::new().set_num_format("#,##0.00");
    for table in tables {
        let sheet = workbook.add_worksheet();
        sheet.set_name(table.name).map_err(error)?;
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
                    Cell::Count(n) => sheet.write_number(r, c, *n as f64).map(|_| ()),
                    Cell::Euros(cents) => sheet
                        .write_number_with_format(r, c, *cents as f64 / 100.0, &euros)
                        .map(|_| ()),
                    Cell::Decimal(value, _) => sheet.write_number(r, c, *value).map(|_| ()),
                    Cell::Empty => Ok(()),
                    other => sheet.write_string(r, c, text(other, language)).map(|_| ()),
                }
                .map_err(error)?;
            }
        }
    }
    workbook.save_to_buffer().map_err(error)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Table {
        Table {
            name: "results",
            headings: vec!["figure".into(), "value".into()],
            rows: vec![
                vec![Cell::Text("net_present_value".into()), Cell::Euros(1_234_567)],
                vec![Cell::Text("ratio".into()), Cell::Decimal(4.21, 2)],
                vec![Cell::Text("withheld".into()), Cell::Hidden],
            ],
        }
    }

    #[test]
    fn csv_is_for_belgian_excel() {
        let csv = String::from_utf8(write_csv(&table(), Language::Nl)).unwrap();
        assert!(csv.starts_with('\u{feff}'));
        assert!(csv.contains("net_present_value;12345,67\n"), "{csv}");
        assert!(csv.contains("ratio;4,21\n"));
        let english = String::from_utf8(write_csv(&table(), Language::En)).unwrap();
        assert!(english.contains("net_present_value;12345.67\n"), "{english}");
    }
}
