//! Steps to work and outcomes on trajectories.

use crate::{Access, Result, StoreError, now, run};
use chrono::NaiveDate;
use onramp_domain::outcomes::OutcomeInput;
use serde::Serialize;
use uuid::Uuid;

#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq)]
pub struct Outcome {
    pub id: Uuid,
    pub trajectory_id: Uuid,
    pub participant_id: Uuid,
    pub kind: String,
    pub on_date: NaiveDate,
    pub hours_per_week: Option<i32>,
    pub contract: Option<String>,
    pub place: Option<String>,
    pub with_support: bool,
    pub note: Option<String>,
    pub recorded_by_name: Option<String>,
}

const SELECT: &str = "SELECT x.id, x.trajectory_id, x.participant_id, x.kind, x.on_date, x.hours_per_week, x.contract,
        x.place, x.with_support, x.note, u.display_name AS recorded_by_name
    FROM outcomes x LEFT JOIN users u ON u.id = x.recorded_by";

pub async fn add(tx: &mut impl Access, input: &OutcomeInput, participant_id: Uuid, by: Uuid) -> Result<Outcome> {
    add_with_id(tx, Uuid::now_v7(), input, participant_id, by).await
}

/// [`add`] with the id given (an import of another database's export keeps its ids).
pub async fn add_with_id(
    tx: &mut impl Access,
    id: Uuid,
    input: &OutcomeInput,
    participant_id: Uuid,
    by: Uuid,
) -> Result<Outcome> {
    let sql = "INSERT INTO outcomes (id, trajectory_id, participant_id, kind, on_date, hours_per_week, contract, place,
                   with_support, note, recorded_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)";
    run!(tx, c => sqlx::query(sql)
        .bind(id).bind(input.trajectory_id).bind(participant_id).bind(input.kind.as_str()).bind(input.on)
        .bind(input.hours_per_week).bind(input.contract.map(|c| c.as_str())).bind(&input.place).bind(input.with_support)
        .bind(&input.note).bind(by).bind(now())
        .execute(c).await.map(|r| r.rows_affected()))?;
    crate::dashboard::counts::refresh(tx, participant_id).await?;
    let sql = format!("{SELECT} WHERE x.id = $1");
    run!(tx, c => sqlx::query_as::<_, Outcome>(sqlx::AssertSqlSafe(&*sql)).bind(id).fetch_optional(c).await)?
        .ok_or(StoreError::NotFound)
}

pub async fn get(conn: &mut impl Access, id: Uuid) -> Result<Option<Outcome>> {
    let sql = format!("{SELECT} WHERE x.id = $1");
    Ok(run!(conn, c => sqlx::query_as::<_, Outcome>(sqlx::AssertSqlSafe(&*sql)).bind(id).fetch_optional(c).await)?)
}

/// The outcomes of these trajectories (an export's page), in no order.
pub async fn for_trajectories(conn: &mut impl Access, ids: &[Uuid]) -> Result<Vec<Outcome>> {
    crate::bulk::select_in(conn, &format!("{SELECT} WHERE x.trajectory_id IN"), ids).await
}

/// The barriers of these trajectories (an export's page), in no order.
pub async fn barriers_for_trajectories(conn: &mut impl Access, ids: &[Uuid]) -> Result<Vec<Barrier>> {
    crate::bulk::select_in(conn, &format!("{SELECT_BARRIER} WHERE trajectory_id IN"), ids).await
}

/// A participant's outcomes over all trajectories, newest first.
pub async fn for_participant(conn: &mut impl Access, participant_id: Uuid) -> Result<Vec<Outcome>> {
    let sql = format!("{SELECT} WHERE x.participant_id = $1 ORDER BY x.on_date DESC, x.id DESC");
    Ok(
        run!(conn, c => sqlx::query_as::<_, Outcome>(sqlx::AssertSqlSafe(&*sql)).bind(participant_id).fetch_all(c).await)?,
    )
}

/// The date of a trajectory's latest outcome, if it has any.
pub async fn last_on(conn: &mut impl Access, trajectory_id: Uuid) -> Result<Option<NaiveDate>> {
    let sql = "SELECT on_date FROM outcomes WHERE trajectory_id = $1 ORDER BY on_date DESC LIMIT 1";
    Ok(run!(conn, c => sqlx::query_scalar::<_, NaiveDate>(sql).bind(trajectory_id).fetch_optional(c).await)?)
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq)]
pub struct Barrier {
    pub id: Uuid,
    pub trajectory_id: Uuid,
    pub participant_id: Uuid,
    pub code: String,
    pub noted_on: NaiveDate,
    pub status: String,
    pub closed_on: Option<NaiveDate>,
    pub note: Option<String>,
}

const SELECT_BARRIER: &str =
    "SELECT id, trajectory_id, participant_id, code, noted_on, status, closed_on, note FROM barriers";

pub async fn add_barrier(
    tx: &mut impl Access,
    input: &onramp_domain::outcomes::BarrierInput,
    participant_id: Uuid,
    by: Uuid,
) -> Result<Barrier> {
    add_barrier_with_id(tx, Uuid::now_v7(), input, participant_id, by).await
}

/// [`add_barrier`] with the id given (an import of another database's export keeps its ids).
pub async fn add_barrier_with_id(
    tx: &mut impl Access,
    id: Uuid,
    input: &onramp_domain::outcomes::BarrierInput,
    participant_id: Uuid,
    by: Uuid,
) -> Result<Barrier> {
    let sql = "INSERT INTO barriers (id, trajectory_id, participant_id, code, noted_on, status, note, recorded_by, created_at)
               VALUES ($1, $2, $3, $4, $5, 'open', $6, $7, $8)";
    run!(tx, c => sqlx::query(sql)
        .bind(id).bind(input.trajectory_id).bind(participant_id).bind(&input.code).bind(input.noted_on)
        .bind(&input.note).bind(by).bind(now())
        .execute(c).await.map(|r| r.rows_affected()))?;
    crate::dashboard::counts::refresh(tx, participant_id).await?;
    barrier(tx, id).await?.ok_or(StoreError::NotFound)
}

pub async fn barrier(conn: &mut impl Access, id: Uuid) -> Result<Option<Barrier>> {
    let sql = format!("{SELECT_BARRIER} WHERE id = $1");
    Ok(run!(conn, c => sqlx::query_as::<_, Barrier>(sqlx::AssertSqlSafe(&*sql)).bind(id).fetch_optional(c).await)?)
}

/// Closes an open barrier as resolved or not; `NotFound` when it is not open.
pub async fn close_barrier(tx: &mut impl Access, id: Uuid, status: &str, on: NaiveDate) -> Result<Barrier> {
    let sql = "UPDATE barriers SET status = $1, closed_on = $2 WHERE id = $3 AND status = 'open'";
    let done =
        run!(tx, c => sqlx::query(sql).bind(status).bind(on).bind(id).execute(c).await.map(|r| r.rows_affected()))?;
    if done == 0 {
        return Err(StoreError::NotFound);
    }
    let closed = barrier(tx, id).await?.ok_or(StoreError::NotFound)?;
    // Resolving a barrier changes the monitoring figures (share resolved, days to resolve).
    crate::dashboard::counts::refresh(tx, closed.participant_id).await?;
    Ok(closed)
}

/// A participant's barriers, newest first.
pub async fn barriers_for(conn: &mut impl Access, participant_id: Uuid) -> Result<Vec<Barrier>> {
    let sql = format!("{SELECT_BARRIER} WHERE participant_id = $1 ORDER BY noted_on DESC, id DESC");
    Ok(
        run!(conn, c => sqlx::query_as::<_, Barrier>(sqlx::AssertSqlSafe(&*sql)).bind(participant_id).fetch_all(c).await)?,
    )
}

/// Barrier codes an administrator added (code, name), by name.
pub async fn added_barrier_codes(conn: &mut impl Access) -> Result<Vec<(String, String)>> {
    let sql = "SELECT code, name FROM barrier_codes ORDER BY name, code";
    Ok(run!(conn, c => sqlx::query_as::<_, (String, String)>(sql).fetch_all(c).await)?)
}

/// Adds a barrier code; one already there is `Taken("code")`.
pub async fn add_barrier_code(tx: &mut impl Access, code: &str, name: &str) -> Result<()> {
    let sql = "INSERT INTO barrier_codes (code, name, created_at) VALUES ($1, $2, $3)";
    run!(tx, c => sqlx::query(sql).bind(code).bind(name).bind(now()).execute(c).await.map(|r| r.rows_affected()))
        .map_err(StoreError::taken_as("code"))?;
    Ok(())
}
