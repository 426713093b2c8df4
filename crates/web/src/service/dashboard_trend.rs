//! The dashboard's main figures beside the previous period's, each flagged when below its target
//! or norm; and the regions side by side for those who may see more than one (docs/dashboard.md).

use super::dashboard::{Dashboard, Request, exact_figures, figures};
use crate::error::AppError;
use crate::identity::Ctx;
use crate::state::AppState;
use chrono::{Days, Months, NaiveDate};
use onramp_domain::disclosure::across_parts;
use onramp_domain::policy::{self, Action, DashboardScope, Decision};
use onramp_store::regions::Region;
use serde::Serialize;

/// How a figure is written: a count, a percentage or a number with one decimal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    Count,
    Percent,
    Decimal,
}

/// One main figure of the period, the previous period's value, and its target when it has one.
#[derive(Debug, Clone, Serialize)]
pub struct Trend {
    pub key: &'static str,
    pub unit: Unit,
    /// `None` when there is nothing to divide, or the figure is hidden as a small cell.
    pub value: Option<f64>,
    pub previous: Option<f64>,
    pub target: Option<f64>,
    pub below_target: bool,
}

/// The period a dashboard is compared with, in the same scope: the same days a year earlier
/// when the period is a year or shorter (so a year to date meets last year to the same date, with
/// its seasons), else the period of the same length that ends the day before it starts.
pub fn previous_request(request: &Request) -> (Request, bool) {
    let year = Months::new(12);
    let year_earlier = request
        .from
        .checked_add_months(year)
        .is_some_and(|end| request.to < end);
    if year_earlier
        && let (Some(from), Some(to)) = (
            request.from.checked_sub_months(year),
            request.to.checked_sub_months(year),
        )
    {
        return (Request { from, to, ..*request }, true);
    }
    let days = (request.to - request.from).num_days().max(0) as u64;
    let to = request.from.pred_opt().unwrap_or(NaiveDate::MIN);
    let from = to.checked_sub_days(Days::new(days)).unwrap_or(NaiveDate::MIN);
    (Request { from, to, ..*request }, false)
}

/// The period compared with: its days, and whether it is the same days a year earlier.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Previous {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub year_earlier: bool,
}

/// The share of a year a period is (its days over 365), for a yearly norm.
fn year_share(request: &Request) -> f64 {
    ((request.to - request.from).num_days() + 1) as f64 / 365.0
}

/// A count of a dashboard, and a share (or another value that may be missing).
type CountOf = fn(&Dashboard) -> i64;
type ShareOf = fn(&Dashboard) -> Option<f64>;

/// The main figures of `d` with `previous`'s beside them, in the order of the page.
pub fn trends(d: &Dashboard, previous: &Dashboard) -> Vec<Trend> {
    let count = |d: &Dashboard, key: &str, n: i64| (!d.is_hidden(key)).then_some(n as f64);
    let counts: [(&'static str, CountOf); 6] = [
        ("reached_by_presence", |d| d.reached_by_presence),
        ("contacted", |d| d.contacted),
        ("started", |d| d.started),
        ("engaged_in_modules", |d| d.engaged_in_modules),
        ("took_step", |d| d.took_step),
        ("paid_work", |d| d.paid_work),
    ];
    let shares: [(&'static str, Unit, ShareOf); 6] = [
        ("took_step_percent", Unit::Percent, |d| d.took_step_percent),
        ("took_step_percent_of_contacted", Unit::Percent, |d| {
            d.took_step_percent_of_contacted
        }),
        ("paid_work_percent_of_steps", Unit::Percent, |d| {
            d.paid_work_percent_of_steps
        }),
        ("paid_work_percent_of_started", Unit::Percent, |d| {
            d.paid_work_percent_of_started
        }),
        ("median_duration_months", Unit::Decimal, |d| d.median_duration_months),
        ("reached_per_fte", Unit::Decimal, |d| d.reached_per_fte),
    ];
    let mut list: Vec<Trend> = counts
        .iter()
        .map(|(key, get)| Trend {
            key,
            unit: Unit::Count,
            value: count(d, key, get(d)),
            previous: count(previous, key, get(previous)),
            target: target(d, key),
            below_target: false,
        })
        .collect();
    list.extend(shares.iter().map(|(key, unit, get)| Trend {
        key,
        unit: *unit,
        value: get(d),
        previous: get(previous),
        target: target(d, key),
        below_target: false,
    }));
    for trend in &mut list {
        trend.below_target = matches!((trend.value, trend.target), (Some(v), Some(t)) if v < t);
    }
    list
}

/// A figure's target: the agreements' people to reach for those contacted and the seeds' yearly
/// reach per coach FTE, each for the period's share of a year (as the coordinator's home counts
/// them), and the agreements' steps target for the share of those contacted. Agreements are made with
/// partners: none for a location or a coach.
pub fn target(d: &Dashboard, key: &str) -> Option<f64> {
    if !d.agreements_apply {
        return None;
    }
    match key {
        "contacted" if d.reach_target > 0 => Some((d.reach_target as f64 * year_share(&d.request)).round()),
        "took_step_percent_of_contacted" => d.steps_target_percent,
        "reached_per_fte" if d.fte > 0.0 => {
            Some((d.reach_per_fte_norm as f64 * year_share(&d.request) * 10.0).round() / 10.0)
        }
        _ => None,
    }
}

/// The dashboard of a request with the previous period's figures beside its main ones.
pub async fn with_previous(
    state: &AppState,
    ctx: &Ctx,
    request: Request,
) -> Result<(Dashboard, Previous, Vec<Trend>), AppError> {
    let d = figures(state, ctx, request).await?;
    let (before, year_earlier) = previous_request(&request);
    let previous = figures(state, ctx, before).await?;
    let list = trends(&d, &previous);
    let period = Previous {
        from: before.from,
        to: before.to,
        year_earlier,
    };
    Ok((d, period, list))
}

/// The regions whose dashboard the actor may see, by name. Region names are no secret to those
/// who may see a region's figures (funders too, who may not manage or list regions otherwise).
pub async fn visible_regions(state: &AppState, ctx: &Ctx) -> Result<Vec<Region>, AppError> {
    let mut conn = state.db.conn().await?;
    Ok(onramp_store::regions::list(&mut conn)
        .await?
        .into_iter()
        .filter(|r| policy::decide(&ctx.actor, Action::ViewDashboard(DashboardScope::region(r.id))) == Decision::Allow)
        .collect())
}

/// The figures of each region whose dashboard the actor may see, for the period and programme of
/// `request`, with the small cells hidden as each region's own dashboard hides them; empty unless
/// there are two or more to compare, `None` when the actor may see no region's.
pub async fn regions(
    state: &AppState,
    ctx: &Ctx,
    request: Request,
) -> Result<Option<Vec<(String, Dashboard)>>, AppError> {
    let visible = visible_regions(state, ctx).await?;
    if visible.is_empty() {
        return Ok(None);
    }
    let mut rows = Vec::new();
    if visible.len() < 2 {
        return Ok(Some(rows));
    }
    for region in visible {
        let scoped = Request {
            region_id: Some(region.id),
            organisation_id: None,
            location_id: None,
            coach_id: None,
            ..request
        };
        rows.push((region.name, exact_figures(state, ctx, scoped).await?));
    }
    // Side by side with the programme's total, a region's hidden figure could be worked out from
    // the others: they hide across one another (`disclosure::across_parts`).
    if !policy::sees_exact_figures(&ctx.actor) {
        let threshold = state.config.small_cell_threshold;
        let parts: Vec<_> = rows.iter().map(|(_, d)| d.cells()).collect();
        for ((_, d), also) in rows.iter_mut().zip(across_parts(&parts, threshold)) {
            d.hide_cells(threshold, &also);
        }
    }
    Ok(Some(rows))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(from: &str, to: &str) -> Request {
        Request {
            from: from.parse().unwrap(),
            to: to.parse().unwrap(),
            organisation_id: None,
            region_id: None,
            programme_id: None,
            location_id: None,
            coach_id: None,
        }
    }

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn a_year_or_less_meets_the_same_days_a_year_earlier() {
        let (previous, year) = previous_request(&request("2026-01-01", "2026-12-06"));
        assert!(year);
        assert_eq!((previous.from, previous.to), (day("2025-01-01"), day("2025-12-06")));
        let (previous, year) = previous_request(&request("2024-02-29", "2024-03-31"));
        assert!(year);
        assert_eq!((previous.from, previous.to), (day("2023-02-28"), day("2023-03-31")));
    }

    #[test]
    fn a_longer_period_meets_the_one_of_the_same_length_before_it() {
        let (previous, year) = previous_request(&request("2024-01-01", "2025-12-31"));
        assert!(!year);
        assert_eq!((previous.from, previous.to), (day("2021-12-31"), day("2023-12-31")));
    }
}
