//! The participants and hours behind the cost-benefit's figures (docs/cost-benefit.md): the
//! cohort, its steps, paid work and people in work at each check-in, and each partner's coach
//! hours with their cost. Staff who see the scope with exact figures open them
//! (`Action::ViewCostBenefitRecords`); funders see figures only. Each list of people is audited.

use super::cost_benefit::{Request, checked};
use crate::error::AppError;
use crate::identity::Ctx;
use crate::state::AppState;
use chrono::Datelike;
use onramp_domain::cost_benefit::{self as model, CHECK_IN_MONTHS};
use onramp_domain::purposes::Purpose;
use onramp_store::audit::{self, Event};
use onramp_store::cost_benefit as store;
use onramp_store::dashboard::{After, Figure, Person};
use serde::Serialize;
use uuid::Uuid;

/// The figures whose people can be opened.
pub const FIGURES: &[&str] = &["started", "took_step", "paid_work", "in_work"];

/// Parses which figure's people are asked for: `value` is the check-in's months for `in_work`.
pub fn parse_figure(figure: &str, value: &str) -> Result<Figure, AppError> {
    match figure.trim() {
        "started" => Ok(Figure::Started),
        "took_step" => Ok(Figure::TookStep),
        "paid_work" => Ok(Figure::PaidWork),
        "in_work" => value
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|m| CHECK_IN_MONTHS.contains(m))
            .map(Figure::InWork)
            .ok_or(AppError::invalid("value", "invalid-choice")),
        _ => Err(AppError::invalid_choice("figure", FIGURES)),
    }
}

/// The trajectories behind one figure that the reader may open, by name; written to the audit
/// log with the people shown.
pub async fn people(
    state: &AppState,
    ctx: &Ctx,
    request: Request,
    figure: &Figure,
    after: Option<After>,
    limit: i64,
) -> Result<Vec<Person>, AppError> {
    let mut conn = state.db.conn().await?;
    let (scope, _) = checked(&mut conn, ctx, &request, true).await?;
    let rows = super::dashboard::people_in(&mut conn, ctx, scope, figure, after, limit).await?;
    drop(conn);
    // One entry with the people shown: each person's log of consultations finds it.
    let what = serde_json::json!({
        "figure": figure.key(), "from": request.from, "to": request.to,
        "organisation_id": request.organisation_id, "region_id": request.region_id,
    });
    let mut event = Event::list(
        "cost_benefit.people",
        Purpose::Report,
        rows.iter().map(|r| r.participant_id).collect(),
    )
    .after(&what);
    (event.entity_type, event.entity_id) = ("programme", Some(request.programme_id.to_string()));
    let mut tx = state.db.begin().await?;
    audit::record(&mut tx, &ctx.who, event).await?;
    tx.commit().await?;
    Ok(rows)
}

/// One partner's hours behind the costs.
#[derive(Debug, Clone, Serialize)]
pub struct PartnerHours {
    pub organisation_id: Uuid,
    pub organisation_name: String,
    /// In hundredths of an hour: `programme_hours` plus `shared_hours`.
    pub hours: i64,
    /// The hours of records tied to the programme (contacts of its trajectories, its sessions).
    pub programme_hours: i64,
    /// The programme's share of the partner's hours that serve all its programmes (presence,
    /// consultations, hours registered by hand), in proportion to the programme's tied hours.
    pub shared_hours: i64,
    /// The hourly cost the model used, in cents.
    pub hourly_cost: i64,
    /// round(minutes × hourly cost / 60), in cents.
    pub staff_cost: i64,
    /// The partner's hours page, one per calendar year of the period: the records themselves.
    pub links: Vec<(i32, String)>,
}

/// The coach hours per partner behind the costs, with the hourly cost each was valued at.
pub async fn hours(state: &AppState, ctx: &Ctx, request: Request) -> Result<Vec<PartnerHours>, AppError> {
    let mut conn = state.db.conn().await?;
    let (scope, _) = checked(&mut conn, ctx, &request, true).await?;
    let parameters = store::parameters(&mut conn, request.programme_id).await?;
    let rows = store::partner_minutes(&mut conn, &scope).await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let hourly_cost = parameters.hourly_cost(row.organisation_id);
            PartnerHours {
                hours: model::hours_hundredths(row.minutes),
                programme_hours: model::hours_hundredths(row.programme),
                shared_hours: model::hours_hundredths(row.shared_share),
                staff_cost: model::staff_cost(row.minutes, hourly_cost),
                hourly_cost,
                links: (request.from.year()..=request.to.year())
                    .map(|year| {
                        let link = format!("/hours?organisation_id={}&year={year}", row.organisation_id);
                        (year, link)
                    })
                    .collect(),
                organisation_id: row.organisation_id,
                organisation_name: row.organisation_name,
            }
        })
        .collect())
}
