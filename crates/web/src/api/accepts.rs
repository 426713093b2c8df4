//! What a field or query parameter accepts, as the OpenAPI document states it.

/// What a field accepts.
#[derive(Debug, Clone, Copy)]
pub enum Accepts {
    /// One line of text that must be given: not blank, no control characters.
    Line,
    /// Text of this form (a JSON-schema pattern; a query parameter, which is never null).
    Pattern(&'static str),
    /// One line of text that must be given, at most so many characters (after trimming).
    LineUpTo(usize),
    /// Text of several lines that must be given, at most so many characters.
    TextUpTo(usize),
    /// One line of text that may be left empty: at most so many characters, no control characters.
    OptionalLine(usize),
    /// Text of several lines that may be left empty: line breaks and tabs, no other control
    /// characters, at most so many characters.
    OptionalText(usize),
    /// One line of text, without control characters (its length and form checked by the parser).
    NoControl,
    /// A decimal number that must be given: from 0 to the largest, in steps (the decimals kept).
    Decimal(f64, f64),
    /// An amount in euros that may be left out: from 0, in cents.
    OptionalEuros,
    /// A whole number in a range.
    Range(i64, i64, Need),
    /// A list with at least one item.
    NotEmptyList,
    /// A list of ids, at least one.
    Ids,
    /// A list of these values, possibly `null` for none.
    Choices(&'static [&'static str]),
    /// A code of ASCII letters, digits and these other characters, at most so many.
    Code(usize, &'static str),
    /// A phone number: digits, spaces and `+-./()`, 8 to 15 digits; may be left empty.
    Phone,
    /// A Belgian postcode, four digits; may be left empty.
    Postcode,
    /// Months after an exit, 1 to 120 each.
    Months,
    /// A birth date: a day since 1900.
    BirthDate,
    /// A new password that may be left out (`null`): 12 to 256 characters when given.
    OptionalPassword,
    /// A calendar year, 2000 to 2100; this year when left empty.
    Year,
    /// A day, `YYYY-MM-DD`.
    Date(Need),
    /// An id of a record.
    Id(Need),
    /// One of these values.
    Choice(&'static [&'static str], Need),
    /// A time of day, `HH:MM`.
    Time,
    /// An e-mail address as onramp reads it.
    Email(Need),
    /// A new password: 12 to 256 characters.
    NewPassword,
    /// Any text that must not be empty (a password being checked).
    NotEmpty,
    /// A name to search by, which may be left out: at least two characters once trimmed.
    SearchName,
}

/// Whether a field must be given; an optional one also takes `""` and `null` for "none".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    Required,
    Optional,
}
