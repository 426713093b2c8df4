//! The top of a participant file: where the person stands and what comes next, at a glance, so a
//! coach need not read the whole file to prepare a meeting.

use crate::service::participants::ParticipantFile;
use chrono::{DateTime, NaiveDate, Utc};
use onramp_domain::consents::{Lapse, lapse};

/// A running trajectory, as the summary shows it.
pub struct Running {
    pub programme: String,
    pub phase: String,
    pub next_step_due_on: Option<NaiveDate>,
    pub step_overdue: bool,
    pub last_contact_on: Option<NaiveDate>,
    /// `approaching` or `exceeded` the maximum duration; `None` while well within it.
    pub ending: Option<String>,
}

/// A consent purpose (with its partner, for sharing) and where it stands now.
pub struct ConsentGlance {
    pub purpose: String,
    pub organisation: Option<String>,
    pub given_on: NaiveDate,
    pub withdrawn_on: Option<NaiveDate>,
    /// Its last day, when that has passed (and it was not withdrawn): it counts as withdrawn.
    pub expired_on: Option<NaiveDate>,
    /// Its last day, when given for a limited time.
    pub ends_on: Option<NaiveDate>,
}

pub struct Summary {
    pub running: Vec<Running>,
    pub next_session: Option<(String, DateTime<Utc>)>,
    pub next_check_in: Option<NaiveDate>,
    pub open_barriers: usize,
    pub consents: Vec<ConsentGlance>,
}

/// `phases`: each running trajectory's phase name and duration status, as the cards show them.
pub fn summarise(
    file: &ParticipantFile,
    phases: &[(uuid::Uuid, String, Option<String>)],
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Summary {
    let running = file
        .trajectories
        .iter()
        .filter(|t| t.ended_on.is_none())
        .map(|t| {
            let (phase, status) = phases
                .iter()
                .find(|(id, _, _)| *id == t.id)
                .map(|(_, name, status)| (name.clone(), status.clone()))
                .unwrap_or_else(|| (t.phase.clone(), None));
            Running {
                programme: t.programme_name.clone(),
                phase,
                next_step_due_on: t.next_step_due_on,
                step_overdue: t.next_step_due_on.is_some_and(|due| due < today),
                last_contact_on: t.last_contact_on,
                ending: status.filter(|s| s != "within"),
            }
        })
        .collect();
    let next_session = file
        .sessions
        .iter()
        .filter(|s| s.starts_at >= now)
        .min_by_key(|s| s.starts_at)
        .map(|s| (s.title.clone(), s.starts_at));
    let next_check_in = file
        .check_ins
        .iter()
        .filter(|c| c.done_on.is_none())
        .map(|c| c.due_on)
        .min();
    Summary {
        running,
        next_session,
        next_check_in,
        open_barriers: file.barriers.iter().filter(|b| b.status == "open").count(),
        consents: latest_consents(file, today),
    }
}

/// The newest consent of each purpose and partner: what holds today.
fn latest_consents(file: &ParticipantFile, today: NaiveDate) -> Vec<ConsentGlance> {
    let mut latest: Vec<ConsentGlance> = Vec::new();
    for c in &file.consents {
        let same = latest
            .iter_mut()
            .find(|g| g.purpose == c.purpose && g.organisation == c.organisation_name);
        let glance = ConsentGlance {
            purpose: c.purpose.clone(),
            organisation: c.organisation_name.clone(),
            given_on: c.given_on,
            withdrawn_on: c.withdrawn_on,
            expired_on: match lapse(c.withdrawn_on, c.ends_on, today) {
                Some(Lapse::Expired(on)) => Some(on),
                _ => None,
            },
            ends_on: c.ends_on,
        };
        match same {
            Some(g) if g.given_on <= c.given_on => *g = glance,
            Some(_) => {}
            None => latest.push(glance),
        }
    }
    latest
}
