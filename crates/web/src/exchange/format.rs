//! The exchange format's columns and the workbook's content type.

/// The content type of an XLSX workbook.
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// The columns of the participant and trajectory exchange format, in order.
/// See `docs/import.md`.
pub const COLUMNS: [&str; 23] = [
    "participant_id",
    "first_name",
    "last_name",
    "birth_date",
    "national_register",
    "email",
    "phone",
    "language",
    "gender",
    "education",
    "health_category",
    "incapacity_since",
    "situation",
    "referrer",
    "reached_at",
    "trajectory_id",
    "programme",
    "partner",
    "coach",
    "started_on",
    "phase",
    "ended_on",
    "exit_reason",
];
