//! Group sessions: whose sessions the list shows, the list's page cursor and the attendance marks.

use crate::error::AppError;
use chrono::{DateTime, SecondsFormat, Utc};
use onramp_domain::identity::Role;
use onramp_domain::organisations::parse_id;
use onramp_domain::sessions::Attendance;
use onramp_store::group_sessions::SessionCursor;
use uuid::Uuid;

/// Whose sessions the list shows: `mine`, the sessions the user leads (as coach or peer expert),
/// or `all` the user may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Whose {
    Mine,
    All,
}

/// The values of `whose`.
pub const WHOSE: &[&str] = &["mine", "all"];

impl Whose {
    /// Reads `whose`; left out, those who lead sessions (coaches, peer experts) get their own
    /// and the others (who lead none) everything they may see.
    pub fn parse(input: Option<&str>, role: Role) -> Result<Self, AppError> {
        match input.map(str::trim).unwrap_or("") {
            "mine" => Ok(Whose::Mine),
            "all" => Ok(Whose::All),
            "" if matches!(role, Role::Coach | Role::PeerExpert) => Ok(Whose::Mine),
            "" => Ok(Whose::All),
            _ => Err(AppError::invalid_choice("whose", WHOSE)),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Whose::Mine => "mine",
            Whose::All => "all",
        }
    }
}

/// A page's last session as the next page's `after`: its start and id.
pub fn encode_session_cursor(cursor: &SessionCursor) -> String {
    // `Z` rather than `+00:00`: a '+' pasted into a query string unencoded would read as a space.
    format!(
        "{}~{}",
        cursor.starts_at.to_rfc3339_opts(SecondsFormat::AutoSi, true),
        cursor.id
    )
}

/// Reads an `after` value; absent or empty is the first page.
pub fn session_cursor(after: Option<&str>) -> Result<Option<SessionCursor>, AppError> {
    let Some(after) = after.filter(|a| !a.is_empty()) else {
        return Ok(None);
    };
    let decoded = after.split_once('~').and_then(|(starts_at, id)| {
        Some(SessionCursor {
            starts_at: DateTime::parse_from_rfc3339(starts_at).ok()?.with_timezone(&Utc),
            id: Uuid::parse_str(id).ok()?,
        })
    });
    decoded.map(Some).ok_or(AppError::invalid("after", "invalid-reference"))
}

/// Parses (participant, attendance) pairs; the first bad one names its field.
/// Parses attendance marks; every bad one is named by its place in the list
/// (`marks[2].attendance`), all at once.
pub fn parse_marks<'a>(pairs: impl Iterator<Item = (&'a str, &'a str)>) -> Result<Vec<(Uuid, Attendance)>, AppError> {
    let mut errors = onramp_domain::FieldErrors::new();
    let mut marks = Vec::new();
    for (n, (participant, attendance)) in pairs.enumerate() {
        let id = parse_id(participant).map_err(|code| errors.add_named(format!("marks[{n}].participant_id"), code));
        let attendance =
            Attendance::parse(attendance).map_err(|code| errors.add_named(format!("marks[{n}].attendance"), code));
        if let (Ok(id), Ok(attendance)) = (id, attendance) {
            marks.push((id, attendance));
        }
    }
    errors.finish(|| marks).map_err(AppError::Invalid)
}
