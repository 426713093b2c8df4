//! The programme dashboard's figures, counted live from the records (no nightly rebuild).

use crate::{Access, Result, run};
use chrono::NaiveDate;
use onramp_domain::outcomes::OutcomeKind;
use serde::Serialize;
use uuid::Uuid;

/// Which trajectories and actions a dashboard counts.
#[derive(Debug, Clone, Copy)]
pub struct Scope {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub organisation_id: Option<Uuid>,
    pub region_id: Option<Uuid>,
    pub programme_id: Option<Uuid>,
}

/// Trajectories started in the period: how many, and how many of them took a step or are in paid work.
#[derive(Debug, Clone, Copy, Default, sqlx::FromRow, Serialize, PartialEq, Eq)]
pub struct Cohort {
    pub started: i64,
    /// Started without a link to a presence action: reached by individual contact.
    pub reached_individually: i64,
    pub engaged: i64,
    pub took_step: i64,
    pub paid_work: i64,
}

/// `'a', 'b'` for the outcome kinds `keep` selects (codes from the enum, never from input).
fn kinds(keep: fn(OutcomeKind) -> bool) -> String {
    OutcomeKind::ALL
        .iter()
        .filter(|k| keep(**k))
        .map(|k| format!("'{}'", k.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}

const COHORT_FILTER: &str = "t.started_on >= $1 AND t.started_on <= $2
      AND ($3 IS NULL OR t.organisation_id = $3) AND ($4 IS NULL OR t.region_id = $4)
      AND ($5 IS NULL OR t.programme_id = $5)";

pub async fn cohort(conn: &mut impl Access, scope: Scope) -> Result<Cohort> {
    let sql = format!(
        "SELECT COUNT(*) AS started,
            COALESCE(SUM(CASE WHEN EXISTS (SELECT 1 FROM participants p WHERE p.id = t.participant_id
                 AND p.presence_action_id IS NULL) THEN 1 ELSE 0 END), 0) AS reached_individually,
            COALESCE(SUM(CASE WHEN EXISTS (SELECT 1 FROM session_enrolments e WHERE e.participant_id = t.participant_id
                 AND e.attendance = 'present') THEN 1 ELSE 0 END), 0) AS engaged,
            COALESCE(SUM(CASE WHEN EXISTS (SELECT 1 FROM outcomes x WHERE x.trajectory_id = t.id AND x.kind IN ({steps}))
                 THEN 1 ELSE 0 END), 0) AS took_step,
            COALESCE(SUM(CASE WHEN EXISTS (SELECT 1 FROM outcomes x WHERE x.trajectory_id = t.id AND x.kind IN ({paid}))
                 THEN 1 ELSE 0 END), 0) AS paid_work
         FROM trajectories t WHERE {COHORT_FILTER}",
        steps = kinds(OutcomeKind::is_step_to_work),
        paid = kinds(OutcomeKind::is_paid_work),
    );
    let row = run!(conn, c => sqlx::query_as::<_, Cohort>(sqlx::AssertSqlSafe(&*sql))
        .bind(scope.from).bind(scope.to).bind(scope.organisation_id).bind(scope.region_id).bind(scope.programme_id)
        .fetch_one(c).await)?;
    Ok(row)
}

/// For each trajectory of the cohort: the day the incapacity began (if known) and the start.
pub async fn sickness_at_start(conn: &mut impl Access, scope: Scope) -> Result<Vec<(Option<NaiveDate>, NaiveDate)>> {
    let sql = format!(
        "SELECT p.incapacity_since, t.started_on FROM trajectories t JOIN participants p ON p.id = t.participant_id
         WHERE {COHORT_FILTER}"
    );
    Ok(
        run!(conn, c => sqlx::query_as::<_, (Option<NaiveDate>, NaiveDate)>(sqlx::AssertSqlSafe(&*sql))
        .bind(scope.from).bind(scope.to).bind(scope.organisation_id).bind(scope.region_id).bind(scope.programme_id)
        .fetch_all(c).await)?,
    )
}

/// Trajectories that ended in the period, by the situation upon leaving (`None`: not recorded).
pub async fn exits(conn: &mut impl Access, scope: Scope) -> Result<Vec<(Option<String>, i64)>> {
    let sql = "SELECT t.exit_situation, COUNT(*) FROM trajectories t
               WHERE t.ended_on >= $1 AND t.ended_on <= $2
                 AND ($3 IS NULL OR t.organisation_id = $3) AND ($4 IS NULL OR t.region_id = $4)
                 AND ($5 IS NULL OR t.programme_id = $5)
               GROUP BY t.exit_situation ORDER BY t.exit_situation";
    Ok(run!(conn, c => sqlx::query_as::<_, (Option<String>, i64)>(sql)
        .bind(scope.from).bind(scope.to).bind(scope.organisation_id).bind(scope.region_id).bind(scope.programme_id)
        .fetch_all(c).await)?)
}

/// People reached by presence actions in the period (the programme filter does not apply: actions
/// reach people before they join a programme).
pub async fn reached(conn: &mut impl Access, scope: Scope) -> Result<i64> {
    let sql =
        "SELECT COALESCE(SUM(a.reached), 0) FROM presence_actions a JOIN organisations o ON o.id = a.organisation_id
               WHERE a.on_date >= $1 AND a.on_date <= $2
                 AND ($3 IS NULL OR a.organisation_id = $3) AND ($4 IS NULL OR o.region_id = $4)";
    let n: Option<i64> = run!(conn, c => sqlx::query_scalar(sql)
        .bind(scope.from).bind(scope.to).bind(scope.organisation_id).bind(scope.region_id)
        .fetch_one(c).await)?;
    Ok(n.unwrap_or(0))
}

/// Coach FTE and people-to-reach of the agreements running in the period, and their steps target
/// (the highest, in per mille).
pub async fn agreements(conn: &mut impl Access, scope: Scope) -> Result<(i64, i64, Option<i32>)> {
    let sql =
        "SELECT COALESCE(SUM(a.fte_hundredths), 0), COALESCE(SUM(a.reach_target), 0), MAX(a.steps_target_permille)
               FROM agreements a JOIN organisations o ON o.id = a.partner_id
               WHERE a.starts_on <= $2 AND a.ends_on >= $1
                 AND ($3 IS NULL OR a.partner_id = $3) AND ($4 IS NULL OR o.region_id = $4)";
    let row: (Option<i64>, Option<i64>, Option<i32>) = run!(conn, c => sqlx::query_as(sql)
        .bind(scope.from).bind(scope.to).bind(scope.organisation_id).bind(scope.region_id)
        .fetch_one(c).await)?;
    Ok((row.0.unwrap_or(0), row.1.unwrap_or(0), row.2))
}

/// The barriers noted on the cohort's trajectories, most frequent first (a trajectory counts once per code).
pub async fn top_barriers(conn: &mut impl Access, scope: Scope, limit: i64) -> Result<Vec<(String, i64)>> {
    let sql = format!(
        "SELECT b.code, COUNT(DISTINCT b.trajectory_id) AS n FROM barriers b JOIN trajectories t ON t.id = b.trajectory_id
         WHERE {COHORT_FILTER} GROUP BY b.code ORDER BY n DESC, b.code LIMIT $6"
    );
    Ok(
        run!(conn, c => sqlx::query_as::<_, (String, i64)>(sqlx::AssertSqlSafe(&*sql))
        .bind(scope.from).bind(scope.to).bind(scope.organisation_id).bind(scope.region_id).bind(scope.programme_id)
        .bind(limit).fetch_all(c).await)?,
    )
}

/// Start and end of each trajectory that ended in the period.
pub async fn ended_spans(conn: &mut impl Access, scope: Scope) -> Result<Vec<(NaiveDate, NaiveDate)>> {
    let sql = "SELECT t.started_on, t.ended_on FROM trajectories t
               WHERE t.ended_on >= $1 AND t.ended_on <= $2
                 AND ($3 IS NULL OR t.organisation_id = $3) AND ($4 IS NULL OR t.region_id = $4)
                 AND ($5 IS NULL OR t.programme_id = $5)";
    Ok(run!(conn, c => sqlx::query_as::<_, (NaiveDate, NaiveDate)>(sql)
        .bind(scope.from).bind(scope.to).bind(scope.organisation_id).bind(scope.region_id).bind(scope.programme_id)
        .fetch_all(c).await)?)
}
