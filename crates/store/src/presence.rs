//! Presence actions: reaching people who are not yet participants, counted anonymously.

use crate::{Access, Result, StoreError, now, run};
use chrono::{DateTime, NaiveDate, Utc};
use onramp_domain::presence::{PresenceActionInput, PresenceKindInput};
use serde::Serialize;
use uuid::Uuid;

#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq)]
pub struct PresenceKind {
    pub code: String,
    pub name: String,
    pub built_in: bool,
    pub created_at: DateTime<Utc>,
}

pub async fn kinds(conn: &mut impl Access) -> Result<Vec<PresenceKind>> {
    let sql = "SELECT code, name, built_in, created_at FROM presence_kinds ORDER BY built_in DESC, name";
    Ok(run!(conn, c => sqlx::query_as::<_, PresenceKind>(sql).fetch_all(c).await)?)
}

pub async fn add_kind(tx: &mut impl Access, input: &PresenceKindInput) -> Result<PresenceKind> {
    let sql = "INSERT INTO presence_kinds (code, name, built_in, created_at) VALUES ($1, $2, FALSE, $3)";
    run!(tx, c => sqlx::query(sql).bind(&input.code).bind(&input.name).bind(now()).execute(c).await.map(|r| r.rows_affected()))
        .map_err(StoreError::taken_as("code"))?;
    let sql = "SELECT code, name, built_in, created_at FROM presence_kinds WHERE code = $1";
    Ok(run!(tx, c => sqlx::query_as::<_, PresenceKind>(sql).bind(&input.code).fetch_one(c).await)?)
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq)]
pub struct PresenceAction {
    pub id: Uuid,
    pub kind: String,
    pub kind_name: String,
    pub kind_built_in: bool,
    pub organisation_id: Uuid,
    pub organisation_name: String,
    pub location_id: Option<Uuid>,
    pub location_name: Option<String>,
    pub on_date: NaiveDate,
    pub minutes: i32,
    pub led_by: Uuid,
    pub led_by_name: String,
    pub reached: i32,
    /// People reached who became participants (linked to this action).
    pub became_participants: i64,
    pub description: Option<String>,
}

const SELECT: &str = "SELECT a.id, a.kind, k.name AS kind_name, k.built_in AS kind_built_in, a.organisation_id,
        o.name AS organisation_name, a.location_id, l.name AS location_name, a.on_date, a.minutes, a.led_by,
        u.display_name AS led_by_name, a.reached,
        (SELECT COUNT(*) FROM participants p WHERE p.presence_action_id = a.id) AS became_participants, a.description
    FROM presence_actions a
    JOIN presence_kinds k ON k.code = a.kind
    JOIN organisations o ON o.id = a.organisation_id
    JOIN users u ON u.id = a.led_by
    LEFT JOIN locations l ON l.id = a.location_id";

pub async fn add(tx: &mut impl Access, input: &PresenceActionInput, led_by: Uuid) -> Result<PresenceAction> {
    let id = Uuid::now_v7();
    let sql = "INSERT INTO presence_actions (id, kind, organisation_id, location_id, on_date, minutes, led_by, reached,
                   description, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";
    run!(tx, c => sqlx::query(sql)
        .bind(id).bind(&input.kind).bind(input.organisation_id).bind(input.location_id).bind(input.on)
        .bind(input.minutes).bind(led_by).bind(input.reached).bind(&input.description).bind(now())
        .execute(c).await.map(|r| r.rows_affected()))
    .map_err(StoreError::taken_as("kind"))?;
    let shared = crate::cost_benefit::Tie::Shared;
    crate::cost_benefit::add_minutes(tx, input.organisation_id, shared, input.on, input.minutes.into()).await?;
    get(tx, id).await?.ok_or(StoreError::NotFound)
}

pub async fn get(conn: &mut impl Access, id: Uuid) -> Result<Option<PresenceAction>> {
    let sql = format!("{SELECT} WHERE a.id = $1");
    Ok(
        run!(conn, c => sqlx::query_as::<_, PresenceAction>(sqlx::AssertSqlSafe(&*sql)).bind(id).fetch_optional(c).await)?,
    )
}

/// A partner's presence actions in a period, newest first.
pub async fn at(
    conn: &mut impl Access,
    organisation_id: Uuid,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<PresenceAction>> {
    let sql = format!(
        "{SELECT} WHERE a.organisation_id = $1 AND a.on_date >= $2 AND a.on_date <= $3
         ORDER BY a.on_date DESC, a.id DESC LIMIT 500"
    );
    Ok(
        run!(conn, c => sqlx::query_as::<_, PresenceAction>(sqlx::AssertSqlSafe(&*sql))
        .bind(organisation_id).bind(from).bind(to).fetch_all(c).await)?,
    )
}

/// People reached at a partner in a period (the anonymous counts summed).
pub async fn reached_at(conn: &mut impl Access, organisation_id: Uuid, from: NaiveDate, to: NaiveDate) -> Result<i64> {
    let sql = "SELECT COALESCE(SUM(reached), 0) FROM presence_actions
               WHERE organisation_id = $1 AND on_date >= $2 AND on_date <= $3";
    let total: Option<i64> =
        run!(conn, c => sqlx::query_scalar(sql).bind(organisation_id).bind(from).bind(to).fetch_one(c).await)?;
    Ok(total.unwrap_or(0))
}

/// Records that a participant came through this action.
pub async fn link(tx: &mut impl Access, action_id: Uuid, participant_id: Uuid) -> Result<()> {
    let sql = "UPDATE participants SET presence_action_id = $1 WHERE id = $2";
    let done = run!(tx, c => sqlx::query(sql).bind(action_id).bind(participant_id).execute(c).await.map(|r| r.rows_affected()))?;
    if done == 0 {
        return Err(StoreError::NotFound);
    }
    // Someone who came through an action was not reached individually.
    crate::dashboard::counts::refresh(tx, participant_id).await
}
