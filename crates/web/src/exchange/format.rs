//! The exchange format's kinds of rows, their columns, and the workbook's content type.

/// The content type of an XLSX workbook.
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// The columns of the participant and trajectory rows, in order. See `docs/import.md`.
/// The ESF characteristics close the row (`onramp_domain::esf::FIELDS`): files without them still read.
pub const COLUMNS: [&str; 33] = [
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
    "exit_situation",
    "mediation_organisation",
    "mediation_service",
    "unemployed_months",
    "disability",
    "third_country_national",
    "foreign_background",
    "minority",
    "homeless",
    "postcode",
];

/// Steps to work and other outcomes on a trajectory.
pub const OUTCOME_COLUMNS: [&str; 8] = [
    "outcome_id",
    "trajectory_id",
    "kind",
    "on",
    "hours_per_week",
    "contract",
    "place",
    "with_support",
];

/// Barriers to work noted on a trajectory.
pub const BARRIER_COLUMNS: [&str; 7] = [
    "barrier_id",
    "trajectory_id",
    "code",
    "noted_on",
    "description",
    "status",
    "closed_on",
];

/// Individual coaching contacts on a trajectory.
pub const CONTACT_COLUMNS: [&str; 8] = [
    "contact_id",
    "trajectory_id",
    "on",
    "minutes",
    "mode",
    "place",
    "topic",
    "coach",
];

/// What the rows of a file (or a sheet of a workbook) are: people with their trajectories, or the
/// outcomes, barriers or coaching contacts of trajectories, keyed by `trajectory_id`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Participants,
    Outcomes,
    Barriers,
    Contacts,
}

impl Kind {
    /// In the order an import reads them: the trajectories before what is recorded on them.
    pub const ALL: [Kind; 4] = [Kind::Participants, Kind::Outcomes, Kind::Barriers, Kind::Contacts];

    /// The name of the kind in URLs, file names and a workbook's sheet names.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Participants => "participants",
            Kind::Outcomes => "outcomes",
            Kind::Barriers => "barriers",
            Kind::Contacts => "contacts",
        }
    }

    pub fn parse(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == name.trim().to_lowercase())
    }

    pub fn columns(self) -> &'static [&'static str] {
        match self {
            Kind::Participants => &COLUMNS,
            Kind::Outcomes => &OUTCOME_COLUMNS,
            Kind::Barriers => &BARRIER_COLUMNS,
            Kind::Contacts => &CONTACT_COLUMNS,
        }
    }

    /// The columns a file of this kind must have.
    pub fn required(self) -> &'static [&'static str] {
        match self {
            Kind::Participants => &[
                "first_name",
                "last_name",
                "birth_date",
                "health_category",
                "situation",
                "reached_at",
            ],
            Kind::Outcomes => &["trajectory_id", "kind", "on"],
            Kind::Barriers => &["trajectory_id", "code", "noted_on"],
            Kind::Contacts => &["trajectory_id", "on", "minutes", "mode", "topic"],
        }
    }
}
