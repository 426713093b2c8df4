//! Field-by-field validation errors, shared by forms and the JSON API.
//!
//! A `FieldError` names the field and a stable code; the web layer turns the
//! code into a message in the user's language (`error-<code>` in the i18n files).

use serde::Serialize;
use std::borrow::Cow;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// A fixed field name, or one made from the input (`ratings.b130`).
    pub field: Cow<'static, str>,
    pub code: &'static str,
    /// What the message names, by the name its text uses (`partner` → the partner's name), for
    /// errors that must say which record they are about. Empty for most.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub args: Vec<(&'static str, String)>,
    /// For `invalid-choice`: the values the field accepts, when the check knows them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub allowed: Vec<&'static str>,
}

impl FieldError {
    /// An error of `field`; a code `invalid-choice:a b c` (as `string_enum!`'s `parse` answers)
    /// becomes `invalid-choice` with the values `a`, `b` and `c`.
    pub fn new(field: impl Into<Cow<'static, str>>, code: &'static str) -> Self {
        let (code, allowed) = split_code(code);
        FieldError {
            field: field.into(),
            code,
            allowed,
            args: Vec::new(),
        }
    }
}

/// A code as parsers answer it, split into the code and the values a choice accepts: parsers
/// return one `&'static str`, so a choice names its values in it (`invalid-choice:a b c`).
pub fn split_code(code: &'static str) -> (&'static str, Vec<&'static str>) {
    match code.split_once(':') {
        Some((code, values)) => (code, values.split(' ').filter(|v| !v.is_empty()).collect()),
        None => (code, Vec::new()),
    }
}

/// All the problems found in one piece of input, so a form can show them all at once.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldErrors(pub Vec<FieldError>);

impl FieldErrors {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, field: &'static str, code: &'static str) {
        self.0.push(FieldError::new(field, code));
    }

    /// Records an error whose message names something (`args`: the names its text uses).
    pub fn add_with(&mut self, field: &'static str, code: &'static str, args: Vec<(&'static str, String)>) {
        self.0.push(FieldError {
            args,
            ..FieldError::new(field, code)
        });
    }

    /// Records an error under a field whose name depends on the input (one entry of a list).
    pub fn add_named(&mut self, field: String, code: &'static str) {
        self.0.push(FieldError::new(field, code));
    }

    /// Records `invalid-choice` for `field`, with the values it accepts.
    pub fn add_choice(&mut self, field: &'static str, allowed: &[&'static str]) {
        self.0.push(FieldError {
            field: Cow::Borrowed(field),
            code: "invalid-choice",
            allowed: allowed.to_vec(),
            args: Vec::new(),
        });
    }

    /// Keeps the value when it parsed, records the error under `field` when it did not.
    pub fn check<T>(&mut self, field: &'static str, parsed: Result<T, &'static str>) -> Option<T> {
        match parsed {
            Ok(value) => Some(value),
            Err(code) => {
                self.add(field, code);
                None
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn single(field: &'static str, code: &'static str) -> Self {
        Self(vec![FieldError::new(field, code)])
    }

    /// One error whose message names something (see [`FieldError::args`]).
    pub fn single_with(field: &'static str, code: &'static str, args: Vec<(&'static str, String)>) -> Self {
        Self(vec![FieldError {
            args,
            ..FieldError::new(field, code)
        }])
    }

    /// `Ok(value)` when no error was recorded.
    pub fn finish<T>(self, value: impl FnOnce() -> T) -> Result<T, FieldErrors> {
        if self.is_empty() { Ok(value()) } else { Err(self) }
    }

    pub fn for_field(&self, field: &str) -> Option<&FieldError> {
        self.0.iter().find(|e| e.field == field)
    }
}

/// A required whole number from `min` to `max`: `required`, `invalid-number` or `out-of-range`.
pub fn whole_number(input: &str, min: i32, max: i32) -> Result<i32, &'static str> {
    let value = input.trim();
    if value.is_empty() {
        return Err("required");
    }
    let number: i32 = value.parse().map_err(|_| "invalid-number")?;
    if (min..=max).contains(&number) {
        Ok(number)
    } else {
        Err("out-of-range")
    }
}

/// As [`whole_number`], but blank is no value.
pub fn optional_whole_number(input: &str, min: i32, max: i32) -> Result<Option<i32>, &'static str> {
    if input.trim().is_empty() {
        Ok(None)
    } else {
        whole_number(input, min, max).map(Some)
    }
}

/// What a line of text may not hold: control characters (NUL, tab, line breaks, escape, the C1
/// controls …). A name, a code or a title is one line.
fn single_line(text: &str) -> Result<(), &'static str> {
    if text.chars().any(char::is_control) {
        Err("control-characters")
    } else {
        Ok(())
    }
}

/// What free text of several lines (notes, a plan's sections) may not hold: control characters
/// other than a line break (`\n`, or `\r\n` as browsers send it) and a tab.
fn multi_line(text: &str) -> Result<(), &'static str> {
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let allowed = match c {
            '\n' | '\t' => true,
            '\r' => chars.peek() == Some(&'\n'),
            c => !c.is_control(),
        };
        if !allowed {
            return Err("control-characters");
        }
    }
    Ok(())
}

/// Trims and checks a required value of one line, at most `max` characters: `required`,
/// `too-long` or `control-characters`.
pub fn required_text(input: &str, max: usize) -> Result<String, &'static str> {
    let trimmed = input.trim();
    if trimmed.is_empty() {
        Err("required")
    } else if trimmed.chars().count() > max {
        Err("too-long")
    } else {
        single_line(trimmed).map(|()| trimmed.to_owned())
    }
}

/// Trims an optional value of one line; empty becomes `None`.
pub fn optional_text(input: &str, max: usize) -> Result<Option<String>, &'static str> {
    let trimmed = input.trim();
    if trimmed.is_empty() {
        Ok(None)
    } else if trimmed.chars().count() > max {
        Err("too-long")
    } else {
        single_line(trimmed).map(|()| Some(trimmed.to_owned()))
    }
}

/// As [`required_text`], for text of several lines (line breaks and tabs allowed).
pub fn required_multiline(input: &str, max: usize) -> Result<String, &'static str> {
    let trimmed = input.trim();
    if trimmed.is_empty() {
        Err("required")
    } else if trimmed.chars().count() > max {
        Err("too-long")
    } else {
        multi_line(trimmed).map(|()| trimmed.to_owned())
    }
}

/// As [`optional_text`], for text of several lines (line breaks and tabs allowed).
pub fn optional_multiline(input: &str, max: usize) -> Result<Option<String>, &'static str> {
    let trimmed = input.trim();
    if trimmed.is_empty() {
        Ok(None)
    } else if trimmed.chars().count() > max {
        Err("too-long")
    } else {
        multi_line(trimmed).map(|()| Some(trimmed.to_owned()))
    }
}

/// A line of a text of several lines that is one name each (a programme's steps): no control
/// characters.
pub fn check_line(line: &str) -> Result<(), &'static str> {
    single_line(line)
}

/// Folds a name for search: lower case, accents removed, spaces collapsed.
/// SQLite's LOWER() only knows ASCII, so names are searched on this folded form.
pub fn fold_for_search(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    for c in input.chars().flat_map(char::to_lowercase) {
        let base = match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => 'a',
            'ç' => 'c',
            'è' | 'é' | 'ê' | 'ë' => 'e',
            'ì' | 'í' | 'î' | 'ï' => 'i',
            'ñ' => 'n',
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' => 'o',
            'ù' | 'ú' | 'û' | 'ü' => 'u',
            'ý' | 'ÿ' => 'y',
            c if c.is_whitespace() => ' ',
            c => c,
        };
        if base == ' ' && (out.is_empty() || out.ends_with(' ')) {
            continue;
        }
        out.push(base);
    }
    out.trim_end().to_owned()
}

/// What separates the words of a folded name: a space, a hyphen or an apostrophe
/// ("dupre-lefevre", "d'hondt"). The SQL that searches names uses the same three.
pub const NAME_SEPARATORS: [char; 3] = [' ', '-', '\''];

/// The words of a folded name after its first piece, each once: the names a search finds in
/// the middle of a name ("marie" in "peeters marie", "lefevre" in "dupre-lefevre"). Names that
/// start with a searched word are found on the name's own index, in order.
pub fn later_name_words(name_search: &str) -> Vec<&str> {
    let mut words: Vec<&str> = name_search
        .split(NAME_SEPARATORS)
        .skip(1)
        .filter(|w| !w.is_empty())
        .collect();
    words.sort_unstable();
    words.dedup();
    words
}

/// What someone typed in a name search, as words to find at the start of a name's words:
/// folded like names, LIKE wildcards dropped, at most four words, each once.
pub fn name_search_words(input: &str) -> Vec<String> {
    let folded = fold_for_search(input).replace(['%', '_', '\\'], "");
    let mut words: Vec<String> = Vec::new();
    for word in folded.split(NAME_SEPARATORS).filter(|w| !w.is_empty()) {
        if !words.iter().any(|w| w == word) && words.len() < 4 {
            words.push(word.to_owned());
        }
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn required_text_trims_and_limits() {
        assert_eq!(required_text("  GTB ", 10), Ok("GTB".into()));
        assert_eq!(required_text("   ", 10), Err("required"));
        assert_eq!(required_text("abcdef", 5), Err("too-long"));
    }

    #[test]
    fn a_line_refuses_control_characters_and_text_keeps_its_lines() {
        for bad in [
            "Jan\u{0}",
            "\u{0}",
            "\u{1}\u{2}",
            "a\tb",
            "a\nb",
            "a\rb",
            "a\u{1b}[31m",
            "a\u{7f}",
            "a\u{85}b",
        ] {
            assert_eq!(required_text(bad, 100), Err("control-characters"), "{bad:?}");
            assert_eq!(optional_text(bad, 100), Err("control-characters"), "{bad:?}");
        }
        // Made only of whitespace controls, a value is blank, never stored empty.
        assert_eq!(required_text("\t\r\n", 100), Err("required"));
        assert_eq!(
            required_text(" Jan\n", 100),
            Ok("Jan".into()),
            "a line break at the end is trimmed"
        );
        assert_eq!(
            optional_multiline("one\r\ntwo\n\tthree", 100),
            Ok(Some("one\r\ntwo\n\tthree".into()))
        );
        for bad in ["a\u{0}b", "a\rb", "a\u{b}b", "a\u{c}b", "\u{1b}[2J", "a\u{9b}b"] {
            assert_eq!(optional_multiline(bad, 100), Err("control-characters"), "{bad:?}");
            assert_eq!(required_multiline(bad, 100), Err("control-characters"), "{bad:?}");
        }
        assert_eq!(required_multiline("\u{0}", 100), Err("control-characters"));
        assert_eq!(required_multiline(" \n ", 100), Err("required"));
        assert_eq!(check_line("Intake"), Ok(()));
        assert_eq!(check_line("In\u{0}take"), Err("control-characters"));
    }

    #[test]
    fn folding_removes_accents_and_extra_spaces() {
        assert_eq!(fold_for_search("  Hélène   Dupré-Lefèvre "), "helene dupre-lefevre");
        assert_eq!(fold_for_search("ÇA VA"), "ca va");
    }

    #[test]
    fn later_words_leave_out_the_first_piece_of_a_name() {
        assert_eq!(later_name_words("dupre-lefevre helene"), ["helene", "lefevre"]);
        assert_eq!(later_name_words("d'hondt marie"), ["hondt", "marie"]);
        assert_eq!(later_name_words("van de velde an"), ["an", "de", "velde"]);
        assert_eq!(later_name_words("maes an an"), ["an"]);
        assert!(later_name_words("solo").is_empty());
    }

    #[test]
    fn search_words_are_folded_and_free_of_wildcards() {
        assert_eq!(name_search_words("  Hélène  DUPRÉ-"), ["helene", "dupre"]);
        assert_eq!(name_search_words("50%_ an an"), ["50", "an"]);
        assert!(name_search_words(" % ").is_empty());
        assert_eq!(name_search_words("a b c d e").len(), 4);
    }
}
