//! The monitoring figures of a trajectory, kept in `monitoring_counts` by the dashboard's counts
//! (`dashboard::counts`): each a month row, so a report reads whole months whatever the scale.
//!
//! | figure | counted on | what |
//! |---|---|---|
//! | `m.start` | the start | a trajectory started |
//! | `m.step`, `m.paid` | the first step to work, the first paid work | a trajectory's first |
//! | `m.bn:<health>:<code>` | the day a barrier was noted | a barrier noted |
//! | `m.br:<health>:<code>` | the same | that barrier, closed as resolved |
//! | `m.bd:<health>:<code>:<days>` | the same | the days from noted to resolved |
//! | `m.bx:<health>:<code>` | the same | that barrier, on a trajectory that took no step |
//! | `m.icf:<rater>:<item>:<change>` | the start (the cohort) | the change of one rater's first and last score of a category or competence, on the trajectory's measurements |

use crate::bulk;
use crate::{Access, Result};
use chrono::NaiveDate;
use onramp_domain::icf::{Qualifier, distance_travelled, parse_category_code};
use std::collections::{BTreeMap, HashMap};
use uuid::Uuid;

/// The prefix of every monitoring figure: these go to `monitoring_counts`, month rows only.
pub const PREFIX: &str = "m.";

/// What the figures need of a trajectory beyond its records.
#[derive(Debug, Clone)]
pub(crate) struct Basis {
    pub id: Uuid,
    pub participant_id: Uuid,
    pub started_on: NaiveDate,
    pub health: String,
    pub took_step: bool,
    pub first_step: Option<NaiveDate>,
    pub first_paid: Option<NaiveDate>,
}

#[derive(sqlx::FromRow)]
struct BarrierRow {
    trajectory_id: Uuid,
    code: String,
    noted_on: NaiveDate,
    status: String,
    closed_on: Option<NaiveDate>,
}

/// One score of a measurement: a category's qualifier or a competence's 0-10.
#[derive(sqlx::FromRow)]
struct ScoreRow {
    trajectory_id: Option<Uuid>,
    measurement_id: Uuid,
    measured_on: NaiveDate,
    rater: String,
    item: String,
    value: String,
}

const BARRIERS: &str = "SELECT trajectory_id, code, noted_on, status, closed_on FROM barriers WHERE trajectory_id IN";
/// By participant, whose index the measurements have; a measurement counts for its trajectory.
const RATINGS: &str = "SELECT m.trajectory_id, m.id AS measurement_id, m.measured_on, m.rater,
        r.category_code AS item, r.qualifier AS value
    FROM icf_measurements m JOIN icf_ratings r ON r.measurement_id = m.id WHERE m.participant_id IN";
const COMPETENCES: &str = "SELECT m.trajectory_id, m.id AS measurement_id, m.measured_on, m.rater,
        r.competence AS item, CAST(r.score AS TEXT) AS value
    FROM icf_measurements m JOIN competence_ratings r ON r.measurement_id = m.id WHERE m.participant_id IN";

/// The monitoring figures of each trajectory of `basis`, each with the day it is counted on.
pub(crate) async fn figures(tx: &mut impl Access, basis: &[Basis]) -> Result<HashMap<Uuid, Vec<(NaiveDate, String)>>> {
    let ids: Vec<Uuid> = basis.iter().map(|b| b.id).collect();
    let mut people: Vec<Uuid> = basis.iter().map(|b| b.participant_id).collect();
    people.sort_unstable();
    people.dedup();
    let barriers: Vec<BarrierRow> = bulk::select_in(tx, BARRIERS, &ids).await?;
    let mut scores: Vec<ScoreRow> = bulk::select_in(tx, RATINGS, &people).await?;
    scores.extend(bulk::select_in::<ScoreRow>(tx, COMPETENCES, &people).await?);
    let mut by_trajectory: HashMap<Uuid, Vec<(NaiveDate, String)>> = HashMap::new();
    let of: HashMap<Uuid, &Basis> = basis.iter().map(|b| (b.id, b)).collect();
    for b in basis {
        let mut list = vec![(b.started_on, format!("{PREFIX}start"))];
        list.extend(b.first_step.map(|on| (on, format!("{PREFIX}step"))));
        list.extend(b.first_paid.map(|on| (on, format!("{PREFIX}paid"))));
        by_trajectory.insert(b.id, list);
    }
    for row in barriers {
        let (Some(b), Some(list)) = (of.get(&row.trajectory_id), by_trajectory.get_mut(&row.trajectory_id)) else {
            continue;
        };
        list.extend(barrier_figures(b, &row));
    }
    for (trajectory, figures) in icf_figures(scores) {
        if let (Some(b), Some(list)) = (of.get(&trajectory), by_trajectory.get_mut(&trajectory)) {
            list.extend(figures.into_iter().map(|f| (b.started_on, f)));
        }
    }
    Ok(by_trajectory)
}

fn barrier_figures(b: &Basis, row: &BarrierRow) -> Vec<(NaiveDate, String)> {
    let key = format!("{}:{}", b.health, row.code);
    let mut list = vec![format!("{PREFIX}bn:{key}")];
    if row.status == "resolved"
        && let Some(closed) = row.closed_on
    {
        list.push(format!("{PREFIX}br:{key}"));
        list.push(format!("{PREFIX}bd:{key}:{}", (closed - row.noted_on).num_days()));
    }
    if !b.took_step {
        list.push(format!("{PREFIX}bx:{key}"));
    }
    list.into_iter().map(|f| (row.noted_on, f)).collect()
}

/// A score on one scale: a category's qualifier (problems 0-4, facilitators below zero; 8 and 9
/// none), or a competence's 0-10.
fn score(item: &str, value: &str) -> Option<i32> {
    match parse_category_code(item) {
        Ok((_, component)) => Qualifier::parse(value, component).ok()?.score(),
        Err(_) => value.parse().ok(),
    }
}

/// Per trajectory, one `m.icf:<rater>:<item>:<change>` per rater and item scored in two
/// measurements or more: each rater's series apart, in date order (then measurement id).
fn icf_figures(rows: Vec<ScoreRow>) -> HashMap<Uuid, Vec<String>> {
    type Series = BTreeMap<(NaiveDate, Uuid), Option<i32>>;
    let mut series: BTreeMap<(Uuid, String, String), Series> = BTreeMap::new();
    for row in rows {
        let Some(trajectory) = row.trajectory_id else {
            continue;
        };
        let scored = score(&row.item, &row.value);
        series
            .entry((trajectory, row.rater, row.item))
            .or_default()
            .insert((row.measured_on, row.measurement_id), scored);
    }
    let mut figures: HashMap<Uuid, Vec<String>> = HashMap::new();
    for ((trajectory, rater, item), scores) in series {
        let scores: Vec<Option<i32>> = scores.into_values().collect();
        if let Some(change) = distance_travelled(&scores) {
            figures
                .entry(trajectory)
                .or_default()
                .push(format!("{PREFIX}icf:{rater}:{item}:{}", change.change));
        }
    }
    figures
}
