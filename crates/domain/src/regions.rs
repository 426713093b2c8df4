//! Regional partnerships: one per Flemish province, each with a steering committee.

use crate::validation::{FieldErrors, required_text};

/// The five regional partnerships of "We go to work", by code and Dutch name.
pub const FLEMISH_PROVINCES: [(&str, &str); 5] = [
    ("antwerpen", "Antwerpen"),
    ("limburg", "Limburg"),
    ("oost-vlaanderen", "Oost-Vlaanderen"),
    ("vlaams-brabant", "Vlaams-Brabant"),
    ("west-vlaanderen", "West-Vlaanderen"),
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegionInput {
    pub code: String,
    pub name: String,
}

impl RegionInput {
    pub fn parse(code: &str, name: &str) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let code = errors.check("code", parse_code(code));
        let name = errors.check("name", required_text(name, 100));
        errors.finish(|| RegionInput {
            code: code.unwrap(),
            name: name.unwrap(),
        })
    }
}

/// A short code used in CLI commands and imports: lower-case letters, digits and dashes.
fn parse_code(input: &str) -> Result<String, &'static str> {
    let value = input.trim().to_lowercase();
    if value.is_empty() {
        return Err("required");
    }
    if value.len() > 40 {
        return Err("too-long");
    }
    let valid = value
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if valid { Ok(value) } else { Err("invalid-code") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_lowercase_slugs() {
        assert_eq!(RegionInput::parse("Limburg", "Limburg").unwrap().code, "limburg");
        let errors = RegionInput::parse("west vlaanderen", "").unwrap_err();
        assert_eq!(errors.for_field("code").unwrap().code, "invalid-code");
        assert_eq!(errors.for_field("name").unwrap().code, "required");
    }
}
