//! What users can do, each operation once, for both the pages and the API:
//! ask the policy, run the change in one transaction, write the audit entry.

pub mod access_export;
pub mod account;
pub mod agreements;
pub mod all_present;
pub mod audit;
pub mod auth;
pub mod barrier_codes;
pub mod barriers;
pub mod calendars;
pub mod canvas_steps;
pub mod caseload;
mod check_in_closing;
pub mod check_ins;
pub mod coaching;
pub mod consents;
pub mod cost_benefit;
pub mod cost_benefit_records;
pub mod cost_benefit_tables;
pub mod dashboard;
pub mod dashboard_activities;
pub mod dashboard_report;
pub mod dashboard_trend;
mod decisions;
pub mod digest;
pub mod documents;
pub mod erasure;
pub mod esf;
pub mod esf_pdf;
pub mod exchange;
pub mod funding_case;
pub mod group_sessions;
pub mod icf;
pub mod intake;
pub mod monitoring;
pub mod monitoring_tables;
pub mod organisations;
pub mod outcomes;
pub mod participants;
pub mod password_reset;
pub mod plan_steps;
pub mod plans;
pub mod portal;
pub mod portal_access;
pub mod portal_calendar;
pub mod portal_plans;
pub mod portal_ratings;
pub mod postcodes;
pub mod presence;
pub mod privacy;
pub mod programmes;
pub mod regions;
pub mod research;
pub mod retention;
pub mod sso;
pub mod studies;
pub mod trajectories;
pub mod two_factor;
pub mod users;
pub mod worklist;

use crate::error::AppError;
use onramp_domain::policy::{self, Action, Actor, Decision};

/// Keeps the first `limit` of rows read as `limit + 1` (the one more tells whether a next page
/// exists) and returns the last row kept when it does: the next page starts after it.
pub fn keep_page<T>(rows: &mut Vec<T>, limit: i64) -> Option<&T> {
    let limit = usize::try_from(limit).unwrap_or(0);
    if rows.len() <= limit {
        return None;
    }
    rows.truncate(limit);
    rows.last()
}

/// Asks the policy; a refusal becomes 403, or 404 where existence must not leak.
pub fn require(actor: &Actor, action: Action<'_>) -> Result<(), AppError> {
    match policy::decide(actor, action) {
        Decision::Allow => Ok(()),
        Decision::Forbidden => Err(AppError::Refused(onramp_domain::refusal::refusal(actor, action))),
        Decision::Hidden => Err(AppError::NotFound),
    }
}

/// Runs password hashing off the async threads.
pub async fn hash_password(password: String) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || onramp_store::passwords::hash(&password))
        .await
        .map_err(AppError::internal)?
        .map_err(AppError::from)
}

pub async fn verify_password(password: String, hash: String) -> Result<bool, AppError> {
    tokio::task::spawn_blocking(move || onramp_store::passwords::verify(&password, &hash))
        .await
        .map_err(AppError::internal)
}

/// A location given with an organisation must be one of that organisation's.
pub async fn check_location(
    conn: &mut impl onramp_store::Access,
    organisation_id: uuid::Uuid,
    location_id: Option<uuid::Uuid>,
) -> Result<(), AppError> {
    let Some(location_id) = location_id else {
        return Ok(());
    };
    match onramp_store::locations::get(conn, location_id).await? {
        Some(location) if location.organisation_id == organisation_id => Ok(()),
        _ => Err(AppError::invalid("location_id", "invalid-reference")),
    }
}

#[cfg(test)]
mod tests {
    use super::keep_page;

    #[test]
    fn a_page_keeps_its_limit_and_names_its_last_row_only_when_more_follow() {
        let mut more = vec![1, 2, 3, 4];
        assert_eq!(keep_page(&mut more, 3), Some(&3));
        assert_eq!(more, [1, 2, 3]);
        let mut last = vec![1, 2, 3];
        assert_eq!(keep_page(&mut last, 3), None);
        assert_eq!(last, [1, 2, 3]);
    }
}
