//! The programme dashboard: live figures for a period and a scope (a partner, a region, a
//! programme, or everything), with the definitions written in docs/dashboard.md.

use super::require;
use crate::AppState;
use crate::error::AppError;
use crate::identity::Ctx;
use chrono::NaiveDate;
use onramp_domain::participants::sickness_at;
use onramp_domain::policy::Action;
use onramp_domain::presence::REACH_PER_FTE_NORM;
use onramp_store::dashboard::{self, Scope};
use onramp_store::{organisations, programmes};
use serde::Serialize;
use uuid::Uuid;

/// The requested period and scope, checked.
#[derive(Debug, Clone, Copy)]
pub struct Request {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub organisation_id: Option<Uuid>,
    pub region_id: Option<Uuid>,
    pub programme_id: Option<Uuid>,
}

/// A share as a percentage with one decimal, of a count over a base; `None` over nothing.
pub fn percent(count: i64, base: i64) -> Option<f64> {
    (base > 0).then(|| (count as f64 * 1000.0 / base as f64).round() / 10.0)
}

#[derive(Debug, Clone, Serialize)]
pub struct Dashboard {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub organisation_id: Option<Uuid>,
    pub region_id: Option<Uuid>,
    pub programme_id: Option<Uuid>,
    /// People reached by presence actions in the period.
    pub reached_by_presence: i64,
    /// People reached: by presence actions, plus those who started without coming through one.
    pub contacted: i64,
    /// Trajectories started in the period (the cohort the next figures count).
    pub started: i64,
    /// Of those started: attended at least one group session.
    pub engaged_in_modules: i64,
    /// Of those started: took at least one step towards work.
    pub took_step: i64,
    /// `took_step` as a share of those started (Boost2work's figure).
    pub took_step_percent: Option<f64>,
    /// `took_step` as a share of those contacted (GTB's figure, against the target).
    pub took_step_percent_of_contacted: Option<f64>,
    /// The agreements' target share taking steps (15% by default).
    pub steps_target_percent: Option<f64>,
    /// Of those started: in paid work.
    pub paid_work: i64,
    /// `paid_work` as a share of those who took a step.
    pub paid_work_percent_of_steps: Option<f64>,
    /// Trajectories ended in the period, by the ESF+ situation upon leaving ("not_recorded" when missing).
    pub exits: Vec<(String, i64)>,
    /// Median length in months (days ÷ 30.44, one decimal) of the trajectories that ended in the period.
    pub median_duration_months: Option<f64>,
    /// The barriers noted most often on the cohort's trajectories (at most five).
    pub top_barriers: Vec<(String, i64)>,
    /// Months of sickness when the trajectory started, in bands.
    pub sickness_bands: Vec<(String, i64)>,
    pub fte: f64,
    pub reached_per_fte: Option<f64>,
    pub reach_per_fte_norm: i64,
    pub reach_target: i64,
}

const BANDS: &[(&str, i32, i32)] = &[
    ("0-3", 0, 3),
    ("4-6", 4, 6),
    ("7-12", 7, 12),
    ("13-24", 13, 24),
    ("25+", 25, i32::MAX),
];

pub async fn figures(state: &AppState, ctx: &Ctx, request: Request) -> Result<Dashboard, AppError> {
    if request.to < request.from {
        return Err(AppError::invalid("to", "before-start"));
    }
    let mut conn = state.db.conn().await?;
    let organisation = match request.organisation_id {
        Some(id) => Some(
            organisations::get(&mut conn, id)
                .await?
                .ok_or(AppError::invalid("organisation_id", "invalid-reference"))?,
        ),
        None => None,
    };
    require(
        &ctx.actor,
        Action::ViewDashboard(organisation.as_ref().map(|o| o.as_ref()).as_ref(), request.region_id),
    )?;
    if let Some(programme) = request.programme_id
        && programmes::get(&mut conn, programme).await?.is_none()
    {
        return Err(AppError::invalid("programme_id", "invalid-reference"));
    }
    let scope = Scope {
        from: request.from,
        to: request.to,
        organisation_id: request.organisation_id,
        region_id: request.region_id,
        programme_id: request.programme_id,
    };
    let cohort = dashboard::cohort(&mut conn, scope).await?;
    let reached = dashboard::reached(&mut conn, scope).await?;
    let (fte_hundredths, reach_target, steps_permille) = dashboard::agreements(&mut conn, scope).await?;
    let exits = dashboard::exits(&mut conn, scope)
        .await?
        .into_iter()
        .map(|(situation, n)| (situation.unwrap_or_else(|| "not_recorded".into()), n))
        .collect();
    let mut bands: Vec<(String, i64)> = BANDS.iter().map(|(name, _, _)| (name.to_string(), 0)).collect();
    bands.push(("unknown".into(), 0));
    for (since, started) in dashboard::sickness_at_start(&mut conn, scope).await? {
        let index = match since {
            Some(since) => {
                let months = sickness_at(since, started).months;
                BANDS
                    .iter()
                    .position(|(_, low, high)| (*low..=*high).contains(&months))
                    .unwrap_or(0)
            }
            None => BANDS.len(),
        };
        bands[index].1 += 1;
    }
    let fte = fte_hundredths as f64 / 100.0;
    Ok(Dashboard {
        from: request.from,
        to: request.to,
        organisation_id: request.organisation_id,
        region_id: request.region_id,
        programme_id: request.programme_id,
        reached_by_presence: reached,
        contacted: reached + cohort.reached_individually,
        took_step_percent_of_contacted: percent(cohort.took_step, reached + cohort.reached_individually),
        started: cohort.started,
        engaged_in_modules: cohort.engaged,
        took_step: cohort.took_step,
        took_step_percent: percent(cohort.took_step, cohort.started),
        steps_target_percent: steps_permille.map(|p| f64::from(p) / 10.0),
        paid_work: cohort.paid_work,
        paid_work_percent_of_steps: percent(cohort.paid_work, cohort.took_step),
        exits,
        sickness_bands: bands,
        top_barriers: dashboard::top_barriers(&mut conn, scope, 5).await?,
        median_duration_months: median_months(&dashboard::ended_spans(&mut conn, scope).await?),
        fte,
        reached_per_fte: (fte > 0.0).then(|| (reached as f64 / fte * 10.0).round() / 10.0),
        reach_per_fte_norm: REACH_PER_FTE_NORM,
        reach_target,
    })
}

/// The median of the spans' lengths, in months of 30.44 days with one decimal.
pub fn median_months(spans: &[(NaiveDate, NaiveDate)]) -> Option<f64> {
    let mut days: Vec<i64> = spans.iter().map(|(start, end)| (*end - *start).num_days()).collect();
    if days.is_empty() {
        return None;
    }
    days.sort_unstable();
    let middle = days.len() / 2;
    let median = if days.len().is_multiple_of(2) {
        (days[middle - 1] + days[middle]) as f64 / 2.0
    } else {
        days[middle] as f64
    };
    Some((median / 30.44 * 10.0).round() / 10.0)
}

#[cfg(test)]
mod tests {
    use super::{median_months, percent};
    use chrono::NaiveDate;

    #[test]
    fn the_median_duration_is_in_months() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(median_months(&[]), None);
        let spans = [
            (d("2020-01-01"), d("2020-07-01")),
            (d("2020-01-01"), d("2021-01-01")),
            (d("2020-01-01"), d("2020-04-01")),
        ];
        assert_eq!(median_months(&spans), Some(6.0));
    }

    #[test]
    fn shares_have_one_decimal_and_none_over_nothing() {
        assert_eq!(percent(19, 24), Some(79.2));
        assert_eq!(percent(30, 50), Some(60.0));
        assert_eq!(percent(30, 200), Some(15.0));
        assert_eq!(percent(0, 0), None);
    }
}
