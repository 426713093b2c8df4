//! Reports of figures (the dashboard) as CSV and XLSX: one row per figure with a stable id, the
//! label and definition in the reader's language, and the value. In XLSX the values are numbers,
//! so a funder can compute with them; in CSV they are written as Belgian Excel reads them
//! (a decimal comma in Dutch and French).

use onramp_domain::identity::Language;

/// A figure's value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Count(i64),
    /// A share in percent, months, or a ratio: one decimal.
    Decimal(Option<f64>),
    Text(String),
    /// A small cell hidden from the reader (`onramp_domain::disclosure`).
    Hidden,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ReportRow {
    /// Stable across languages: `took_step`, `exits:in_employment`.
    pub figure: String,
    pub label: String,
    pub value: Value,
    pub definition: String,
}

/// The column headings, in the reader's language (keys of the locale files).
pub const HEADINGS: [&str; 4] = [
    "report-figure-id",
    "dashboard-figure",
    "dashboard-value",
    "dashboard-definition",
];

fn headings(language: Language) -> Vec<String> {
    HEADINGS.iter().map(|key| crate::i18n::text(language, key)).collect()
}

fn decimal_text(value: f64, language: Language) -> String {
    crate::i18n::decimal(language, value, 1)
}

pub fn write_csv(rows: &[ReportRow], language: Language) -> Vec<u8> {
    let mut out = "\u{feff}".as_bytes().to_vec();
    {
        let mut writer = csv::WriterBuilder::new().delimiter(b';').from_writer(&mut out);
        let _ = writer.write_record(headings(language));
        for row in rows {
            let value = match &row.value {
                Value::Count(n) => n.to_string(),
                Value::Decimal(Some(v)) => decimal_text(*v, language),
                Value::Decimal(None) => String::new(),
                Value::Text(text) => text.clone(),
                Value::Hidden => crate::i18n::text(language, "dashboard-hidden"),
            };
            let _ = writer.write_record([&row.figure, &row.label, &value, &row.definition]);
        }
        let _ = writer.flush();
    }
    out
}

pub fn write_xlsx(rows: &[ReportRow], language: Language, sheet_name: &str) -> Result<Vec<u8>, String> {
    let error = |e: rust_xlsxwriter::XlsxError| e.to_string();
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name(sheet_name).map_err(error)?;
    let bold = rust_xlsxwriter::Format::new().set_bold();
    let one_decimal = rust_xlsxwriter::Format::new().set_num_format("0.0");
    for (col, heading) in headings(language).iter().enumerate() {
        sheet
            .write_string_with_format(0, col as u16, heading, &bold)
            .map_err(error)?;
    }
    for (r, row) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        sheet.write_string(r, 0, &row.figure).map_err(error)?;
        sheet.write_string(r, 1, &row.label).map_err(error)?;
        match &row.value {
            Value::Count(n) => sheet.write_number(r, 2, *n as f64).map(|_| ()),
            Value::Decimal(Some(v)) => sheet.write_number_with_format(r, 2, *v, &one_decimal).map(|_| ()),
            Value::Decimal(None) => Ok(()),
            Value::Text(text) => sheet.write_string(r, 2, text).map(|_| ()),
            Value::Hidden => sheet
                .write_string(r, 2, crate::i18n::text(language, "dashboard-hidden"))
                .map(|_| ()),
        }
        .map_err(error)?;
        sheet.write_string(r, 3, &row.definition).map_err(error)?;
    }
    sheet.set_column_width(0, 28).map_err(error)?;
    sheet.set_column_width(1, 48).map_err(error)?;
    sheet.set_column_width(3, 80).map_err(error)?;
    workbook.save_to_buffer().map_err(error)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows() -> Vec<ReportRow> {
        vec![
            ReportRow {
                figure: "took_step".into(),
                label: "Took a step".into(),
                value: Value::Count(19),
                definition: "At least one step".into(),
            },
            ReportRow {
                figure: "took_step_percent".into(),
                label: "Share".into(),
                value: Value::Decimal(Some(79.2)),
                definition: "19 of 24".into(),
            },
            ReportRow {
                figure: "paid_work_percent_of_steps".into(),
                label: "Paid; share".into(),
                value: Value::Decimal(None),
                definition: "none".into(),
            },
        ]
    }

    #[test]
    fn csv_uses_the_readers_decimal_mark_and_quotes_separators() {
        let nl = String::from_utf8(write_csv(&rows(), Language::Nl)).unwrap();
        assert!(nl.contains("took_step_percent;Share;79,2;19 of 24"), "{nl}");
        assert!(nl.contains("\"Paid; share\";;none"), "{nl}");
        let en = String::from_utf8(write_csv(&rows(), Language::En)).unwrap();
        assert!(en.contains(";79.2;"), "{en}");
    }
}
