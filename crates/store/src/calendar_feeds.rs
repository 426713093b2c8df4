//! Private iCalendar feeds. The address carries a random secret; only its hash is kept,
//! so the address is shown once, at creation, like an API token.

use crate::tokens::{random_token, sha256_hex};
use crate::{Access, Result, StoreError, now, run};
use chrono::{DateTime, Utc};
use serde::Serialize;
use uuid::Uuid;

#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq)]
pub struct CalendarFeed {
    pub id: Uuid,
    pub owner_id: Uuid,
    /// A location's sessions; `None` for the owner's own sessions.
    pub location_id: Option<Uuid>,
    pub location_name: Option<String>,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

const SELECT: &str = "SELECT f.id, f.owner_id, f.location_id, l.name AS location_name, f.created_at, f.revoked_at
    FROM calendar_feeds f LEFT JOIN locations l ON l.id = f.location_id";

/// Creates a feed; returns it with its secret (never stored).
pub async fn create(tx: &mut impl Access, owner_id: Uuid, location_id: Option<Uuid>) -> Result<(CalendarFeed, String)> {
    let id = Uuid::now_v7();
    let secret = random_token(32);
    let sql =
        "INSERT INTO calendar_feeds (id, token_hash, owner_id, location_id, created_at) VALUES ($1, $2, $3, $4, $5)";
    run!(tx, c => sqlx::query(sql).bind(id).bind(sha256_hex(&secret)).bind(owner_id).bind(location_id).bind(now())
        .execute(c).await.map(|r| r.rows_affected()))?;
    let feed = get(tx, id).await?.ok_or(StoreError::NotFound)?;
    Ok((feed, secret))
}

pub async fn get(conn: &mut impl Access, id: Uuid) -> Result<Option<CalendarFeed>> {
    let sql = format!("{SELECT} WHERE f.id = $1");
    Ok(run!(conn, c => sqlx::query_as::<_, CalendarFeed>(sqlx::AssertSqlSafe(&*sql)).bind(id).fetch_optional(c).await)?)
}

/// The live feed a secret opens; revoked and unknown secrets open nothing.
pub async fn by_secret(conn: &mut impl Access, secret: &str) -> Result<Option<CalendarFeed>> {
    let sql = format!("{SELECT} WHERE f.token_hash = $1 AND f.revoked_at IS NULL");
    Ok(
        run!(conn, c => sqlx::query_as::<_, CalendarFeed>(sqlx::AssertSqlSafe(&*sql)).bind(sha256_hex(secret)).fetch_optional(c).await)?,
    )
}

pub async fn list_for_owner(conn: &mut impl Access, owner_id: Uuid) -> Result<Vec<CalendarFeed>> {
    let sql = format!("{SELECT} WHERE f.owner_id = $1 ORDER BY f.created_at DESC, f.id");
    Ok(
        run!(conn, c => sqlx::query_as::<_, CalendarFeed>(sqlx::AssertSqlSafe(&*sql)).bind(owner_id).fetch_all(c).await)?,
    )
}

/// Revokes one of the owner's feeds; `NotFound` when it is not theirs or already revoked.
pub async fn revoke(tx: &mut impl Access, owner_id: Uuid, id: Uuid) -> Result<()> {
    let sql = "UPDATE calendar_feeds SET revoked_at = $1 WHERE id = $2 AND owner_id = $3 AND revoked_at IS NULL";
    let done = run!(tx, c => sqlx::query(sql).bind(now()).bind(id).bind(owner_id).execute(c).await.map(|r| r.rows_affected()))?;
    if done == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}
