//! Locations: the sites of an organisation where coaches work.

use crate::{Access, Result, StoreError, now, run};
use chrono::{DateTime, Utc};
use onramp_domain::organisations::LocationInput;
use serde::Serialize;
use uuid::Uuid;

#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq)]
pub struct Location {
    pub id: Uuid,
    pub organisation_id: Uuid,
    pub name: String,
    pub address: Option<String>,
    pub postcode: Option<String>,
    pub city: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

const COLUMNS: &str = "id, organisation_id, name, address, postcode, city, created_at, updated_at";

pub async fn create(tx: &mut impl Access, organisation_id: Uuid, input: &LocationInput) -> Result<Location> {
    let id = Uuid::now_v7();
    let sql = "INSERT INTO locations (id, organisation_id, name, address, postcode, city, created_at, updated_at)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $7)";
    run!(tx, c => sqlx::query(sql)
        .bind(id).bind(organisation_id).bind(&input.name).bind(&input.address).bind(&input.postcode)
        .bind(&input.city).bind(now())
        .execute(c).await.map(|r| r.rows_affected()))
    .map_err(StoreError::taken_as("organisation_id"))?;
    get(tx, id).await?.ok_or(StoreError::NotFound)
}

pub async fn update(tx: &mut impl Access, id: Uuid, input: &LocationInput) -> Result<Location> {
    let sql = "UPDATE locations SET name = $1, address = $2, postcode = $3, city = $4, updated_at = $5 WHERE id = $6";
    let done = run!(tx, c => sqlx::query(sql)
        .bind(&input.name).bind(&input.address).bind(&input.postcode).bind(&input.city).bind(now()).bind(id)
        .execute(c).await.map(|r| r.rows_affected()))?;
    if done == 0 {
        return Err(StoreError::NotFound);
    }
    get(tx, id).await?.ok_or(StoreError::NotFound)
}

pub async fn get(conn: &mut impl Access, id: Uuid) -> Result<Option<Location>> {
    let sql = format!("SELECT {COLUMNS} FROM locations WHERE id = $1");
    Ok(run!(conn, c => sqlx::query_as::<_, Location>(sqlx::AssertSqlSafe(&*sql)).bind(id).fetch_optional(c).await)?)
}

pub async fn list_for_organisation(conn: &mut impl Access, organisation_id: Uuid) -> Result<Vec<Location>> {
    let sql = format!("SELECT {COLUMNS} FROM locations WHERE organisation_id = $1 ORDER BY name, id");
    Ok(
        run!(conn, c => sqlx::query_as::<_, Location>(sqlx::AssertSqlSafe(&*sql)).bind(organisation_id).fetch_all(c).await)?,
    )
}
