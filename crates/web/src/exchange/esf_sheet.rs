//! The ESF+ indicators as the managing authority's system takes them: one row per indicator code,
//! a column per gender and the total. CSV for Belgian Excel (`;`, UTF-8 with a byte order mark);
//! XLSX with numbers as numbers. A hidden small cell is written as the reader's "hidden" text.

use onramp_domain::identity::Language;

/// One indicator's row: code, name in the reader's language, women, men, non-binary, total.
pub struct IndicatorRow {
    pub code: String,
    pub name: String,
    pub cells: [Option<i64>; 4],
}

/// The column headings (keys of the locale files).
const HEADINGS: [&str; 6] = [
    "esf-code",
    "esf-indicator",
    "esf-women",
    "esf-men",
    "esf-non-binary",
    "esf-total",
];

/// The column headings in `language` (the PDF has the same).
pub fn headings(language: Language) -> Vec<String> {
    HEADINGS.iter().map(|key| crate::i18n::text(language, key)).collect()
}

pub fn write_csv(rows: &[IndicatorRow], language: Language) -> Vec<u8> {
    let hidden = crate::i18n::text(language, "dashboard-hidden");
    let mut out = "\u{feff}".as_bytes().to_vec();
    {
        let mut writer = csv::WriterBuilder::new().delimiter(b';').from_writer(&mut out);
        let _ = writer.write_record(headings(language));
        for row in rows {
            let mut record = vec![row.code.clone(), row.name.clone()];
            record.extend(row.cells.iter().map(|c| c.map_or(hidden.clone(), |n| n.to_string())));
            let _ = writer.write_record(&record);
        }
        let _ = writer.flush();
    }
    out
}

pub fn write_xlsx(rows: &[IndicatorRow], language: Language) -> Result<Vec<u8>, String> {
    let error = |e: rust_xlsxwriter::XlsxError| e.to_string();
    let hidden = crate::i18n::text(language, "dashboard-hidden");
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("indicators").map_err(error)?;
    let bold = rust_xlsxwriter::Format::new().set_bold();
    for (col, heading) in headings(language).iter().enumerate() {
        sheet
            .write_string_with_format(0, col as u16, heading, &bold)
            .map_err(error)?;
    }
    for (r, row) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        sheet.write_string(r, 0, &row.code).map_err(error)?;
        sheet.write_string(r, 1, &row.name).map_err(error)?;
        for (c, cell) in row.cells.iter().enumerate() {
            let col = c as u16 + 2;
            match cell {
                Some(n) => sheet.write_number(r, col, *n as f64).map(|_| ()),
                None => sheet.write_string(r, col, &hidden).map(|_| ()),
            }
            .map_err(error)?;
        }
    }
    sheet.set_column_width(1, 60).map_err(error)?;
    workbook.save_to_buffer().map_err(error)
}
