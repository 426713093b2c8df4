//! The records behind the dashboard's figures of activity: the presence actions behind its reach,
//! the agreements behind its coach FTE and the hours they commit. Staff see them for the scopes
//! they see (`Action::ViewDashboardActivities`); funders see the figures only.

use super::dashboard::{Request, checked_scope};
use crate::error::AppError;
use crate::identity::Ctx;
use crate::state::AppState;
use onramp_store::dashboard::lists::{self, AgreementAfter, AgreementRow, PresenceAfter, PresenceRow};

/// A page of the presence actions in the scope and period, newest first, with the people they
/// reached in all (the dashboard's figure).
pub async fn presence_actions(
    state: &AppState,
    ctx: &Ctx,
    request: Request,
    after: Option<PresenceAfter>,
    limit: i64,
) -> Result<(Vec<PresenceRow>, i64), AppError> {
    let mut conn = state.db.conn().await?;
    let scope = checked_scope(&mut conn, ctx, request, true).await?.scope;
    let rows = lists::presence_actions(&mut conn, scope, after, limit).await?;
    let reached = onramp_store::dashboard::reached(&mut conn, scope).await?;
    Ok((rows, reached))
}

/// The partner's hours page (hours used against its agreements) for the year the period ends in,
/// for the scope's coach when it has one, at the scope's location.
pub fn hours_link(request: &Request, organisation_id: uuid::Uuid) -> String {
    use chrono::Datelike;
    let mut link = format!("/hours?organisation_id={organisation_id}&year={}", request.to.year());
    if let Some(coach) = request.coach_id {
        link.push_str(&format!("&coach_id={coach}"));
    }
    if let Some(location) = request.location_id {
        link.push_str(&format!("#location-{location}"));
    }
    link
}

/// A page of the agreements running in the scope's period, by partner.
pub async fn agreements(
    state: &AppState,
    ctx: &Ctx,
    request: Request,
    after: Option<AgreementAfter>,
    limit: i64,
) -> Result<Vec<AgreementRow>, AppError> {
    let mut conn = state.db.conn().await?;
    let scope = checked_scope(&mut conn, ctx, request, true).await?.scope;
    Ok(lists::agreements(&mut conn, scope, after, limit).await?)
}
