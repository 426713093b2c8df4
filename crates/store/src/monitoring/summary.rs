//! The kept monitoring counts turned into a report's cells: barriers by quarter and code, ICF
//! changes by rater and item, figures by month; and [`funding_evidence`], the top barriers with
//! their trend and the recommendations, for the printed funding case.

use super::Row;
use super::facts::PREFIX;
use super::recommendations::{self, Kept, Recommendation};
use crate::dashboard::Scope;
use crate::dashboard::counts::unit_of;
use crate::{Access, Result};
use chrono::NaiveDate;
use onramp_domain::monitoring::{BarrierCell, quarter};
use serde::Serialize;
use std::collections::BTreeMap;

/// A figure `m.<name>:<rest>` split as (name, rest).
fn split(figure: &str) -> Option<(&str, &str)> {
    figure.strip_prefix(PREFIX)?.split_once(':')
}

/// Adds one barrier figure (`bn`, `br`, `bd`, `bx` with `<health>:<code>[:<days>]`) to the cells,
/// keyed by `key` and the code; `health` keeps only one health category.
fn add_barrier<K: Ord + Clone>(
    cells: &mut BTreeMap<(K, String), BarrierCell>,
    key: &K,
    figure: &str,
    n: i64,
    health: Option<&str>,
) {
    let Some((name, rest)) = split(figure) else { return };
    if !matches!(name, "bn" | "br" | "bd" | "bx") {
        return;
    }
    let mut parts = rest.splitn(2, ':');
    let (Some(h), Some(rest)) = (parts.next(), parts.next()) else {
        return;
    };
    if health.is_some_and(|wanted| wanted != h) {
        return;
    }
    let (code, days) = match name {
        "bd" => match rest.rsplit_once(':') {
            Some((code, days)) => (code, days.parse::<i64>().ok()),
            None => return,
        },
        _ => (rest, None),
    };
    let cell = cells.entry((key.clone(), code.to_owned())).or_default();
    match (name, days) {
        ("bn", _) => cell.noted += n,
        ("br", _) => cell.resolved += n,
        ("bx", _) => cell.no_step += n,
        ("bd", Some(days)) => *cell.days.entry(days).or_default() += n,
        _ => {}
    }
}

/// Barrier cells by (quarter, code) from month rows.
pub fn barriers_by_quarter(rows: &[Row<NaiveDate>], health: Option<&str>) -> BTreeMap<(String, String), BarrierCell> {
    let mut cells = BTreeMap::new();
    for (month, figure, n) in rows {
        add_barrier(&mut cells, &quarter(*month), figure, *n, health);
    }
    cells
}

/// Barrier cells by (unit, code) from per-unit rows.
pub fn barriers_by_unit<K: Ord + Clone>(rows: &[Row<K>], health: Option<&str>) -> BTreeMap<(K, String), BarrierCell> {
    let mut cells = BTreeMap::new();
    for (unit, figure, n) in rows {
        add_barrier(&mut cells, unit, figure, *n, health);
    }
    cells
}

/// The ICF changes of the cohort: per (rater, item), the changes as (change, how many).
pub fn icf_changes(rows: &[Row<NaiveDate>]) -> BTreeMap<(String, String), BTreeMap<i64, i64>> {
    let mut changes: BTreeMap<(String, String), BTreeMap<i64, i64>> = BTreeMap::new();
    for (_, figure, n) in rows {
        let Some(("icf", rest)) = split(figure) else { continue };
        let mut parts = rest.splitn(3, ':');
        let (Some(rater), Some(item), Some(change)) = (parts.next(), parts.next(), parts.next()) else {
            continue;
        };
        let Ok(change) = change.parse::<i64>() else { continue };
        *changes
            .entry((rater.to_owned(), item.to_owned()))
            .or_default()
            .entry(change)
            .or_default() += n;
    }
    changes.retain(|_, c| {
        c.retain(|_, n| *n != 0);
        !c.is_empty()
    });
    changes
}

/// How many of a plain figure (`m.start`, `m.step`, `m.paid`) each month.
pub fn by_month(rows: &[Row<NaiveDate>], name: &str) -> BTreeMap<NaiveDate, i64> {
    let figure = format!("{PREFIX}{name}");
    let mut months = BTreeMap::new();
    for (month, f, n) in rows {
        if *f == figure {
            *months.entry(*month).or_default() += n;
        }
    }
    months
}

/// The sum of a plain figure over every key.
pub fn total<K>(rows: &[Row<K>], name: &str) -> i64 {
    let figure = format!("{PREFIX}{name}");
    rows.iter().filter(|(_, f, _)| *f == figure).map(|(_, _, n)| n).sum()
}

/// One barrier code over a period: its whole and each quarter's count of barriers noted (`None`:
/// hidden as a small cell).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BarrierTrend {
    pub code: String,
    pub noted: i64,
    pub resolved_percent: Option<f64>,
    pub median_days_to_resolve: Option<f64>,
    pub no_step_percent: Option<f64>,
    /// (`2026-Q1`, barriers noted), oldest first.
    pub quarters: Vec<(String, Option<i64>)>,
}

/// The evidence the funding case prints beside its figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FundingEvidence {
    pub top_barriers: Vec<BarrierTrend>,
    pub recommendations: Vec<Recommendation>,
}

/// For the printed funding case (issue 25): the `limit` barriers noted most often in the scope and
/// period, each with its quarters, and the recommendations kept with that scope within the period.
/// The caller has checked the reader's right to the scope (`Action::ViewMonitoring`); with a
/// `small_cells` threshold (for readers who see figures only), a barrier noted fewer times is left
/// out and a quarter's count below it reads `None`, its shares and median with it. A scope of a
/// coach at one partner is not kept: its barriers are empty.
pub async fn funding_evidence(
    conn: &mut impl Access,
    scope: Scope,
    limit: usize,
    small_cells: Option<i64>,
) -> Result<FundingEvidence> {
    let rows = match unit_of(&scope) {
        Some(unit) => super::months(conn, unit, &scope).await?,
        None => Vec::new(),
    };
    let small = |n: i64| small_cells.is_some_and(|t| n > 0 && n < t);
    let cells = barriers_by_quarter(&rows, None);
    let mut totals: BTreeMap<String, BarrierCell> = BTreeMap::new();
    for ((_, code), cell) in &cells {
        totals.entry(code.clone()).or_default().add(cell);
    }
    let mut top: Vec<(String, BarrierCell)> = totals
        .into_iter()
        .filter(|(_, c)| c.noted > 0 && !small(c.noted))
        .collect();
    top.sort_by(|a, b| b.1.noted.cmp(&a.1.noted).then_with(|| a.0.cmp(&b.0)));
    top.truncate(limit);
    let quarters: Vec<String> = quarters_of(scope.from, scope.to);
    let top_barriers = top
        .into_iter()
        .map(|(code, total)| {
            let hide_parts = small(total.resolved) || small(total.no_step) || small(total.noted - total.resolved);
            BarrierTrend {
                quarters: quarters
                    .iter()
                    .map(|q| {
                        let n = cells.get(&(q.clone(), code.clone())).map_or(0, |c| c.noted);
                        (q.clone(), (!small(n)).then_some(n))
                    })
                    .collect(),
                resolved_percent: if hide_parts { None } else { total.resolved_percent() },
                median_days_to_resolve: if hide_parts { None } else { total.median_days() },
                no_step_percent: if hide_parts { None } else { total.no_step_percent() },
                noted: total.noted,
                code,
            }
        })
        .collect();
    let kept = Kept {
        from: scope.from,
        to: scope.to,
        organisation_id: scope.organisation_id,
        region_id: scope.region_id,
        programme_id: scope.programme_id,
        location_id: scope.location_id,
    };
    Ok(FundingEvidence {
        top_barriers,
        recommendations: recommendations::within(conn, &kept).await?,
    })
}

/// The quarters a period touches, oldest first.
pub fn quarters_of(from: NaiveDate, to: NaiveDate) -> Vec<String> {
    let mut quarters: Vec<String> = Vec::new();
    let mut on = from;
    while on <= to {
        let q = quarter(on);
        if quarters.last() != Some(&q) {
            quarters.push(q);
        }
        match on.checked_add_months(chrono::Months::new(1)) {
            Some(next) => on = next,
            None => break,
        }
    }
    let last = quarter(to);
    if quarters.last() != Some(&last) {
        quarters.push(last);
    }
    quarters
}
