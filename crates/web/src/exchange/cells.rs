//! Cells a spreadsheet program would run as a formula: in an exported CSV file, a value that starts
//! with `=`, `+`, `-`, `@`, a tab or a carriage return gets a single quote in front (OWASP's advice
//! against CSV injection), which the CSV import takes off again, so an export imports to the same
//! data. A value that already starts with a quote gets one more, so that the import gives back
//! exactly what was exported. Plain numbers (`-2`, `+32 475 12 34 56`) are left as they are: with
//! no letters they cannot call a function or another program.

/// What makes a spreadsheet program read a cell as a formula.
const TRIGGERS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];
const QUOTE: char = '\'';

/// A number or a telephone number: a sign, then digits with spaces, dots, commas, slashes,
/// brackets or dashes, and nothing else.
fn plain_number(value: &str) -> bool {
    let Some(rest) = value.strip_prefix(['+', '-']) else {
        return false;
    };
    rest.chars().any(|c| c.is_ascii_digit())
        && rest
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '.' | ',' | '/' | '(' | ')' | '-'))
}

/// Whether the CSV export writes `value` with a quote in front.
fn needs_quote(value: &str) -> bool {
    match value.chars().next() {
        Some(QUOTE) => true,
        Some(c) if TRIGGERS.contains(&c) => !plain_number(value),
        _ => false,
    }
}

/// The cell as the CSV export writes it.
pub fn neutralise(value: &str) -> std::borrow::Cow<'_, str> {
    if needs_quote(value) {
        format!("{QUOTE}{value}").into()
    } else {
        value.into()
    }
}

/// The cell as the CSV import reads it: without the quote [`neutralise`] put in front.
pub fn unneutralise(cell: &str) -> &str {
    match cell.strip_prefix(QUOTE) {
        Some(rest) if needs_quote(rest) => rest,
        _ => cell,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_get_a_quote_and_lose_it_on_the_way_back() {
        for (value, written) in [
            ("=HYPERLINK(\"http://x\",\"y\")", "'=HYPERLINK(\"http://x\",\"y\")"),
            ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
            ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
            ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("'=x", "''=x"),
            ("'quoted", "''quoted"),
            ("''", "'''"),
            ("'", "''"),
            ("-", "'-"),
            ("+", "'+"),
        ] {
            assert_eq!(neutralise(value), written, "{value:?}");
            assert_eq!(unneutralise(written), value, "{written:?}");
        }
    }

    #[test]
    fn plain_values_and_numbers_stay_as_they_are() {
        for value in [
            "",
            "Peeters",
            "D'Haese",
            "-2",
            "-2.5",
            "+32 475 12 34 56",
            "+32 (0)475/12.34.56",
            "2026-01-31",
            "a=b",
        ] {
            assert_eq!(neutralise(value), value);
            assert_eq!(
                unneutralise(value),
                value,
                "a value the export did not quote is read as it is"
            );
        }
        // A quote the export did not add stays: only the export's own is taken off.
        assert_eq!(unneutralise("'Peeters"), "'Peeters");
        assert_eq!(unneutralise("'-2"), "'-2");
    }

    /// Every value of up to four of these characters comes back from the export as it was.
    #[test]
    fn every_short_value_round_trips() {
        let alphabet = ['\'', '=', '+', '-', '@', '\t', '\r', '2', 'a', ' '];
        let mut values = vec![String::new()];
        for _ in 0..4 {
            let longer: Vec<String> = values
                .iter()
                .filter(|v| v.chars().count() == values.last().map_or(0, |l| l.chars().count()))
                .flat_map(|v| alphabet.iter().map(move |c| format!("{v}{c}")))
                .collect();
            values.extend(longer);
        }
        assert!(values.len() > 10_000);
        for value in &values {
            assert_eq!(unneutralise(&neutralise(value)), value, "{value:?}");
            let written = neutralise(value);
            if let Some(first) = written.chars().next() {
                assert!(
                    !TRIGGERS.contains(&first) || plain_number(&written),
                    "{written:?} would run as a formula"
                );
            }
        }
    }
}
