//! The caseload: the trajectories one may see, a page at a time, with what falls due.

use crate::error::AppError;
use crate::identity::Ctx;
use crate::state::AppState;
use crate::time::today;
use chrono::NaiveDate;
use onramp_domain::{policy, purposes};
use onramp_store::caseload::{self, Filter, Row};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

/// One page of the actor's caseload: `limit` rows and one more when there is a next page (see
/// `keep_page`). The rows shown are audited as a list view; the one more is not shown.
pub async fn page(state: &AppState, ctx: &Ctx, filter: &Filter, limit: i64) -> Result<Vec<caseload::Row>, AppError> {
    let rows = page_unaudited(state, ctx, filter, limit).await?;
    audit_page(state, ctx, &rows, limit, std::iter::empty()).await?;
    Ok(rows)
}

/// [`page`] without its audit entry, for a page that shows more people (the due check-ins above
/// the caseload) and audits them all in one entry with [`audit_page`].
pub async fn page_unaudited(
    state: &AppState,
    ctx: &Ctx,
    filter: &Filter,
    limit: i64,
) -> Result<Vec<caseload::Row>, AppError> {
    let scope = policy::caseload_scope(&ctx.actor);
    if scope.is_empty() {
        return Err(AppError::Forbidden);
    }
    let mut conn = state.db.conn().await?;
    Ok(caseload::page(&mut conn, &ctx.actor, filter, limit + 1).await?)
}

/// The one audit entry (`caseload.list`) of a caseload page: the first `limit` of `rows` (the one
/// more is not shown) and the other people the page shows with them.
pub async fn audit_page(
    state: &AppState,
    ctx: &Ctx,
    rows: &[caseload::Row],
    limit: i64,
    also: impl IntoIterator<Item = Uuid>,
) -> Result<(), AppError> {
    let purpose = purposes::of_caseload(&ctx.actor);
    super::audit::list_view(state, ctx, "caseload.list", purpose, shown(rows, limit, also)).await
}

/// [`audit_page`] written beside the rest of the page (`audit::list_view_beside`).
pub fn audit_page_beside(
    state: &AppState,
    ctx: &Ctx,
    rows: &[caseload::Row],
    limit: i64,
    also: impl IntoIterator<Item = Uuid>,
) -> super::audit::PendingEntry {
    let purpose = purposes::of_caseload(&ctx.actor);
    super::audit::list_view_beside(state, ctx, "caseload.list", purpose, shown(rows, limit, also))
}

/// The people a caseload page shows: its first `limit` rows, then the others it shows, each once.
fn shown(rows: &[caseload::Row], limit: i64, also: impl IntoIterator<Item = Uuid>) -> Vec<Uuid> {
    let mut shown: Vec<Uuid> = rows
        .iter()
        .take(usize::try_from(limit).unwrap_or(0))
        .map(|r| r.participant_id)
        .collect();
    for person in also {
        if !shown.contains(&person) {
            shown.push(person);
        }
    }
    shown
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CaseloadRow {
    pub trajectory_id: Uuid,
    pub participant_id: Uuid,
    pub first_name: String,
    pub last_name: String,
    pub programme_id: Uuid,
    pub programme_name: String,
    /// The phase's code in its programme (stable).
    pub phase: String,
    /// The phase's name, in your language.
    pub phase_name: String,
    pub phase_since: NaiveDate,
    pub started_on: NaiveDate,
    /// Whole days in the trajectory so far (to its end when ended).
    pub days_in_trajectory: i64,
    /// The next thing that falls due: for now the programme's maximum end date.
    pub ends_by: NaiveDate,
    pub duration_status: Option<String>,
    pub ended_on: Option<NaiveDate>,
    pub last_contact_on: Option<NaiveDate>,
    pub coach_name: Option<String>,
    pub organisation_name: String,
    pub location_name: Option<String>,
    /// Action-plan steps still to do that fall due within 7 days or are overdue.
    pub steps_due: i64,
    /// Of those, the ones whose due date has passed.
    pub steps_overdue: i64,
}

impl CaseloadRow {
    /// The row, its phase named in the reader's language.
    pub fn new(r: Row, names: &crate::builtin_names::StepNames) -> Self {
        let until = r.ended_on.unwrap_or_else(today);
        CaseloadRow {
            phase_name: names.phase(r.programme_id, &r.phase),
            days_in_trajectory: (until - r.started_on).num_days().max(0),
            duration_status: super::trajectories::status_text(r.started_on, r.ends_by, r.ended_on.is_some()),
            trajectory_id: r.trajectory_id,
            participant_id: r.participant_id,
            first_name: r.first_name,
            last_name: r.last_name,
            programme_id: r.programme_id,
            programme_name: r.programme_name,
            phase: r.phase,
            phase_since: r.phase_since,
            started_on: r.started_on,
            ends_by: r.ends_by,
            ended_on: r.ended_on,
            last_contact_on: r.last_contact_on,
            coach_name: r.coach_name,
            organisation_name: r.organisation_name,
            location_name: r.location_name,
            steps_due: r.steps_due,
            steps_overdue: r.steps_overdue,
        }
    }
}
