//! The reference table of Belgian postcodes and the degree of urbanisation (Eurostat DEGURBA) of
//! their municipality, as an administrator loads it: one row per postcode, checked row by row
//! before the whole table replaces the one in use (docs/esf.md says where the data comes from).

use crate::esf::{Degurba, parse_postcode};
use crate::validation::{FieldErrors, required_text};
use serde::Serialize;
use std::collections::HashSet;

/// The most rows a table may hold: Belgium has about 1 150 postcodes.
pub const MAX_ROWS: usize = 5_000;

/// One postcode and its municipality's degree of urbanisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PostcodeArea {
    pub postcode: String,
    pub municipality: String,
    pub degurba: Degurba,
}

/// A row as read from the file: postcode, municipality, DEGURBA class (1, 2 or 3).
pub type RawRow = (String, String, String);

/// Checks every row; errors name the row (`rows.3.degurba`, counting the data rows from 1).
pub fn parse_table(rows: &[RawRow]) -> Result<Vec<PostcodeArea>, FieldErrors> {
    let mut errors = FieldErrors::new();
    if rows.is_empty() {
        errors.add("file", "empty-file");
    }
    if rows.len() > MAX_ROWS {
        errors.add("file", "too-many-postcodes");
        return Err(errors);
    }
    let mut seen = HashSet::new();
    let mut areas = Vec::with_capacity(rows.len());
    for (n, (postcode, municipality, class)) in rows.iter().enumerate() {
        let field = |name: &str| format!("rows.{}.{name}", n + 1);
        let postcode = match parse_postcode(postcode) {
            Ok(Some(p)) if seen.insert(p.clone()) => Some(p),
            Ok(Some(_)) => {
                errors.add_named(field("postcode"), "duplicate-postcode");
                None
            }
            Ok(None) => {
                errors.add_named(field("postcode"), "required");
                None
            }
            Err(code) => {
                errors.add_named(field("postcode"), code);
                None
            }
        };
        let municipality = required_text(municipality, 100)
            .map_err(|code| errors.add_named(field("municipality"), code))
            .ok();
        let degurba = class
            .trim()
            .parse::<i32>()
            .ok()
            .and_then(Degurba::from_class)
            .ok_or_else(|| errors.add_named(field("degurba"), "invalid-degurba"))
            .ok();
        if let (Some(postcode), Some(municipality), Some(degurba)) = (postcode, municipality, degurba) {
            areas.push(PostcodeArea {
                postcode,
                municipality,
                degurba,
            });
        }
    }
    errors.finish(|| areas)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(p: &str, m: &str, d: &str) -> RawRow {
        (p.into(), m.into(), d.into())
    }

    #[test]
    fn a_table_is_read_row_by_row() {
        let table = parse_table(&[row("9000", "Gent", "1"), row(" 3790 ", "Voeren", "3")]).unwrap();
        assert_eq!(table[1].postcode, "3790");
        assert_eq!(table[1].degurba, Degurba::Rural);
    }

    #[test]
    fn bad_rows_are_named_by_row_and_column() {
        let rows = [row("9000", "Gent", "1"), row("900", "", "4"), row("9000", "Gent", "1")];
        let errors = parse_table(&rows).unwrap_err();
        let code = |f: &str| errors.for_field(f).map(|e| e.code);
        assert_eq!(code("rows.2.postcode"), Some("invalid-postcode"));
        assert_eq!(code("rows.2.municipality"), Some("required"));
        assert_eq!(code("rows.2.degurba"), Some("invalid-degurba"));
        assert_eq!(code("rows.3.postcode"), Some("duplicate-postcode"));
        assert_eq!(code("rows.1.postcode"), None);
        assert_eq!(
            parse_table(&[]).unwrap_err().for_field("file").map(|e| e.code),
            Some("empty-file")
        );
    }
}
