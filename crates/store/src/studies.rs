//! Research studies: their period, programmes and researchers, and the secret their pseudonyms
//! are made with (read only by the export, never shown).

use crate::{Access, Result, StoreError, now, run};
use chrono::{DateTime, NaiveDate, Utc};
use onramp_domain::research::{Pseudonymiser, StudyInput};
use serde::Serialize;
use uuid::Uuid;

/// A study as administrators and its researchers see it: everything but the secret.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Study {
    pub id: Uuid,
    pub title: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub k: i32,
    pub programme_ids: Vec<Uuid>,
    pub researcher_ids: Vec<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    title: String,
    starts_on: NaiveDate,
    ends_on: NaiveDate,
    k: i32,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

const COLUMNS: &str = "id, title, starts_on, ends_on, k, created_at, updated_at";

/// A new secret: 32 bytes from the operating system, in hex.
fn new_secret() -> String {
    let mut bytes = [0u8; Pseudonymiser::SECRET_BYTES];
    getrandom::fill(&mut bytes).expect("the operating system provides randomness");
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub async fn create(tx: &mut impl Access, input: &StudyInput, by: Option<Uuid>) -> Result<Study> {
    let id = Uuid::now_v7();
    let at = now();
    let sql = "INSERT INTO studies (id, title, starts_on, ends_on, k, secret, created_by, created_at, updated_at)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)";
    let k = i32::try_from(input.k).unwrap_or(i32::MAX);
    run!(tx, c => sqlx::query(sql).bind(id).bind(&input.title).bind(input.starts_on).bind(input.ends_on)
        .bind(k).bind(new_secret()).bind(by).bind(at).execute(c).await.map(|r| r.rows_affected()))?;
    set_members(tx, id, input).await?;
    get(tx, id).await?.ok_or(StoreError::NotFound)
}

/// Changes a study; its secret stays, so its pseudonyms stay the same.
pub async fn update(tx: &mut impl Access, id: Uuid, input: &StudyInput) -> Result<Study> {
    let sql = "UPDATE studies SET title = $1, starts_on = $2, ends_on = $3, k = $4, updated_at = $5 WHERE id = $6";
    let k = i32::try_from(input.k).unwrap_or(i32::MAX);
    let done = run!(tx, c => sqlx::query(sql).bind(&input.title).bind(input.starts_on).bind(input.ends_on)
        .bind(k).bind(now()).bind(id).execute(c).await.map(|r| r.rows_affected()))?;
    if done == 0 {
        return Err(StoreError::NotFound);
    }
    run!(tx, c => sqlx::query("DELETE FROM study_programmes WHERE study_id = $1").bind(id).execute(c).await.map(|r| r.rows_affected()))?;
    run!(tx, c => sqlx::query("DELETE FROM study_researchers WHERE study_id = $1").bind(id).execute(c).await.map(|r| r.rows_affected()))?;
    set_members(tx, id, input).await?;
    get(tx, id).await?.ok_or(StoreError::NotFound)
}

async fn set_members(tx: &mut impl Access, id: Uuid, input: &StudyInput) -> Result<()> {
    for programme in &input.programme_ids {
        let sql = "INSERT INTO study_programmes (study_id, programme_id) VALUES ($1, $2)";
        run!(tx, c => sqlx::query(sql).bind(id).bind(programme).execute(c).await.map(|r| r.rows_affected()))
            .map_err(StoreError::taken_as("programme_ids"))?;
    }
    for researcher in &input.researcher_ids {
        let sql = "INSERT INTO study_researchers (study_id, user_id) VALUES ($1, $2)";
        run!(tx, c => sqlx::query(sql).bind(id).bind(researcher).execute(c).await.map(|r| r.rows_affected()))
            .map_err(StoreError::taken_as("researcher_ids"))?;
    }
    Ok(())
}

pub async fn get(conn: &mut impl Access, id: Uuid) -> Result<Option<Study>> {
    let sql = format!("SELECT {COLUMNS} FROM studies WHERE id = $1");
    let row = run!(conn, c => sqlx::query_as::<_, Row>(sqlx::AssertSqlSafe(&*sql)).bind(id).fetch_optional(c).await)?;
    match row {
        Some(row) => Ok(Some(with_members(conn, row).await?)),
        None => Ok(None),
    }
}

/// Every study, newest first.
pub async fn list_all(conn: &mut impl Access) -> Result<Vec<Study>> {
    let sql = format!("SELECT {COLUMNS} FROM studies ORDER BY starts_on DESC, id DESC");
    let rows = run!(conn, c => sqlx::query_as::<_, Row>(sqlx::AssertSqlSafe(&*sql)).fetch_all(c).await)?;
    let mut studies = Vec::with_capacity(rows.len());
    for row in rows {
        studies.push(with_members(conn, row).await?);
    }
    Ok(studies)
}

/// The studies a researcher is on, newest first.
pub async fn list_for_researcher(conn: &mut impl Access, user_id: Uuid) -> Result<Vec<Study>> {
    let sql = "SELECT s.id, s.title, s.starts_on, s.ends_on, s.k, s.created_at, s.updated_at
               FROM studies s JOIN study_researchers r ON r.study_id = s.id
               WHERE r.user_id = $1 ORDER BY s.starts_on DESC, s.id DESC";
    let rows = run!(conn, c => sqlx::query_as::<_, Row>(sql).bind(user_id).fetch_all(c).await)?;
    let mut studies = Vec::with_capacity(rows.len());
    for row in rows {
        studies.push(with_members(conn, row).await?);
    }
    Ok(studies)
}

async fn with_members(conn: &mut impl Access, row: Row) -> Result<Study> {
    let sql = "SELECT programme_id FROM study_programmes WHERE study_id = $1 ORDER BY programme_id";
    let programme_ids = run!(conn, c => sqlx::query_scalar::<_, Uuid>(sql).bind(row.id).fetch_all(c).await)?;
    let sql = "SELECT user_id FROM study_researchers WHERE study_id = $1 ORDER BY user_id";
    let researcher_ids = run!(conn, c => sqlx::query_scalar::<_, Uuid>(sql).bind(row.id).fetch_all(c).await)?;
    Ok(Study {
        id: row.id,
        title: row.title,
        starts_on: row.starts_on,
        ends_on: row.ends_on,
        k: row.k,
        programme_ids,
        researcher_ids,
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}

/// The study's secret, as bytes: for the export only.
pub async fn secret(conn: &mut impl Access, id: Uuid) -> Result<Vec<u8>> {
    let sql = "SELECT secret FROM studies WHERE id = $1";
    let hex: Option<String> = run!(conn, c => sqlx::query_scalar(sql).bind(id).fetch_optional(c).await)?;
    let hex = hex.ok_or(StoreError::NotFound)?;
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(hex.get(i..i + 2).unwrap_or(""), 16))
        .collect::<std::result::Result<Vec<u8>, _>>()
        .map_err(|_| StoreError::Corrupt {
            column: "studies.secret",
            value: "(not shown)".into(),
        })
}
