//! Regional partnerships.

use crate::{Access, Result, StoreError, now, run};
use chrono::{DateTime, Utc};
use onramp_domain::regions::RegionInput;
use serde::Serialize;
use uuid::Uuid;

#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq)]
pub struct Region {
    pub id: Uuid,
    pub code: String,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

const COLUMNS: &str = "id, code, name, created_at, updated_at";

pub async fn create(tx: &mut impl Access, input: &RegionInput) -> Result<Region> {
    let at = now();
    let region = Region {
        id: Uuid::now_v7(),
        code: input.code.clone(),
        name: input.name.clone(),
        created_at: at,
        updated_at: at,
    };
    let sql = "INSERT INTO regions (id, code, name, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)";
    run!(tx, c => sqlx::query(sql).bind(region.id).bind(&region.code).bind(&region.name).bind(at).execute(c).await.map(|r| r.rows_affected()))
        .map_err(StoreError::taken_as("code"))?;
    Ok(region)
}

pub async fn update(tx: &mut impl Access, id: Uuid, input: &RegionInput) -> Result<Region> {
    let sql = "UPDATE regions SET code = $1, name = $2, updated_at = $3 WHERE id = $4";
    let done = run!(tx, c => sqlx::query(sql).bind(&input.code).bind(&input.name).bind(now()).bind(id).execute(c).await.map(|r| r.rows_affected()))
        .map_err(StoreError::taken_as("code"))?;
    if done == 0 {
        return Err(StoreError::NotFound);
    }
    get(tx, id).await?.ok_or(StoreError::NotFound)
}

pub async fn get(conn: &mut impl Access, id: Uuid) -> Result<Option<Region>> {
    let sql = format!("SELECT {COLUMNS} FROM regions WHERE id = $1");
    Ok(run!(conn, c => sqlx::query_as::<_, Region>(sqlx::AssertSqlSafe(&*sql)).bind(id).fetch_optional(c).await)?)
}

pub async fn find_by_code(conn: &mut impl Access, code: &str) -> Result<Option<Region>> {
    let sql = format!("SELECT {COLUMNS} FROM regions WHERE code = $1");
    let code = code.trim().to_lowercase();
    Ok(run!(conn, c => sqlx::query_as::<_, Region>(sqlx::AssertSqlSafe(&*sql)).bind(&code).fetch_optional(c).await)?)
}

pub async fn list(conn: &mut impl Access) -> Result<Vec<Region>> {
    let sql = format!("SELECT {COLUMNS} FROM regions ORDER BY name");
    Ok(run!(conn, c => sqlx::query_as::<_, Region>(sqlx::AssertSqlSafe(&*sql)).fetch_all(c).await)?)
}
