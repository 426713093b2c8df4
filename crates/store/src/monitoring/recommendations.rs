//! A coordinator's recommendations beside a monitoring report, kept with its period and scope.
//! Each edit is a new version; the earlier ones stay, with who wrote them and when.

use crate::{Access, Result, StoreError, now, run};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use uuid::Uuid;

/// The period and scope a recommendation is kept with (a part left out: not narrowed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Kept {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub organisation_id: Option<Uuid>,
    pub region_id: Option<Uuid>,
    pub programme_id: Option<Uuid>,
    pub location_id: Option<Uuid>,
}

/// What a version says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    /// The barrier code it answers, when it answers one.
    pub barrier_code: Option<String>,
    pub body: String,
}

/// A recommendation as it reads now (its latest version).
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct Recommendation {
    pub id: Uuid,
    pub from_on: NaiveDate,
    pub to_on: NaiveDate,
    pub organisation_id: Option<Uuid>,
    pub region_id: Option<Uuid>,
    pub programme_id: Option<Uuid>,
    pub location_id: Option<Uuid>,
    pub version: i32,
    pub barrier_code: Option<String>,
    pub body: String,
    pub written_by: Uuid,
    pub written_by_name: String,
    pub written_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
}

/// One version of a recommendation.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct Version {
    pub version: i32,
    pub barrier_code: Option<String>,
    pub body: String,
    pub written_by: Uuid,
    pub written_by_name: String,
    pub written_at: DateTime<Utc>,
}

const SELECT: &str = "SELECT r.id, r.from_on, r.to_on, r.organisation_id, r.region_id, r.programme_id, r.location_id,
        r.version, v.barrier_code, v.body, v.written_by, u.display_name AS written_by_name, v.written_at, r.created_at
    FROM monitoring_recommendations r
    JOIN monitoring_recommendation_versions v ON v.recommendation_id = r.id AND v.version = r.version
    JOIN users u ON u.id = v.written_by";

/// Writes a new recommendation (version 1).
pub async fn add(tx: &mut impl Access, kept: &Kept, text: &Text, by: Uuid) -> Result<Recommendation> {
    let id = Uuid::now_v7();
    let at = now();
    let sql = "INSERT INTO monitoring_recommendations (id, from_on, to_on, organisation_id, region_id, programme_id,
                   location_id, created_by, created_at, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1)";
    run!(tx, c => sqlx::query(sql).bind(id).bind(kept.from).bind(kept.to).bind(kept.organisation_id)
        .bind(kept.region_id).bind(kept.programme_id).bind(kept.location_id).bind(by).bind(at)
        .execute(c).await.map(|r| r.rows_affected()))?;
    add_version(tx, id, 1, text, by, at).await?;
    get(tx, id).await?.ok_or(StoreError::NotFound)
}

async fn add_version(
    tx: &mut impl Access,
    id: Uuid,
    version: i32,
    text: &Text,
    by: Uuid,
    at: DateTime<Utc>,
) -> Result<()> {
    let sql = "INSERT INTO monitoring_recommendation_versions (recommendation_id, version, barrier_code, body,
                   written_by, written_at) VALUES ($1, $2, $3, $4, $5, $6)";
    run!(tx, c => sqlx::query(sql).bind(id).bind(version).bind(&text.barrier_code).bind(&text.body).bind(by).bind(at)
        .execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Writes a new version of a recommendation, if `expected` is still its version (two people
/// editing at once: the second is told, never silently overwritten). `NotFound` when it is not.
pub async fn edit(tx: &mut impl Access, id: Uuid, expected: i32, text: &Text, by: Uuid) -> Result<Recommendation> {
    let sql = "UPDATE monitoring_recommendations SET version = version + 1 WHERE id = $1 AND version = $2";
    let done = run!(tx, c => sqlx::query(sql).bind(id).bind(expected).execute(c).await.map(|r| r.rows_affected()))?;
    if done == 0 {
        return Err(StoreError::NotFound);
    }
    add_version(tx, id, expected + 1, text, by, now()).await?;
    get(tx, id).await?.ok_or(StoreError::NotFound)
}

pub async fn get(conn: &mut impl Access, id: Uuid) -> Result<Option<Recommendation>> {
    let sql = format!("{SELECT} WHERE r.id = $1");
    Ok(
        run!(conn, c => sqlx::query_as::<_, Recommendation>(sqlx::AssertSqlSafe(&*sql)).bind(id).fetch_optional(c).await)?,
    )
}

/// Every version of a recommendation, oldest first.
pub async fn versions(conn: &mut impl Access, id: Uuid) -> Result<Vec<Version>> {
    let sql = "SELECT v.version, v.barrier_code, v.body, v.written_by, u.display_name AS written_by_name, v.written_at
               FROM monitoring_recommendation_versions v JOIN users u ON u.id = v.written_by
               WHERE v.recommendation_id = $1 ORDER BY v.version";
    Ok(run!(conn, c => sqlx::query_as::<_, Version>(sql).bind(id).fetch_all(c).await)?)
}

/// The recommendations kept with the same scope and a period within `kept`'s, oldest first: a
/// year's report shows its quarters' recommendations too.
pub async fn within(conn: &mut impl Access, kept: &Kept) -> Result<Vec<Recommendation>> {
    let same = |column: &str, n: u8| format!("(r.{column} = ${n} OR (r.{column} IS NULL AND ${n} IS NULL))");
    let sql = format!(
        "{SELECT} WHERE r.from_on >= $1 AND r.to_on <= $2 AND {} AND {} AND {} AND {}
         ORDER BY r.from_on, r.created_at, r.id",
        same("organisation_id", 3),
        same("region_id", 4),
        same("programme_id", 5),
        same("location_id", 6),
    );
    Ok(
        run!(conn, c => sqlx::query_as::<_, Recommendation>(sqlx::AssertSqlSafe(&*sql))
        .bind(kept.from).bind(kept.to).bind(kept.organisation_id).bind(kept.region_id).bind(kept.programme_id)
        .bind(kept.location_id).fetch_all(c).await)?,
    )
}
