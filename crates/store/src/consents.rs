//! Consents per purpose, with withdrawal and an optional end.

use crate::{Access, Result, StoreError, now, run, today};
use chrono::{DateTime, NaiveDate, Utc};
use onramp_domain::consents::{ConsentInput, Lapse, lapse};
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq)]
pub struct Consent {
    pub id: Uuid,
    pub participant_id: Uuid,
    pub purpose: String,
    pub organisation_id: Option<Uuid>,
    pub organisation_name: Option<String>,
    pub version: String,
    pub given_on: NaiveDate,
    pub withdrawn_on: Option<NaiveDate>,
    /// The last day it holds, when given for a limited time.
    pub ends_on: Option<NaiveDate>,
    pub recorded_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

const SELECT: &str =
    "SELECT c.id, c.participant_id, c.purpose, c.organisation_id, o.name AS organisation_name, c.version,
        c.given_on, c.withdrawn_on, c.ends_on, c.recorded_by, c.created_at
    FROM consents c LEFT JOIN organisations o ON o.id = c.organisation_id";

pub async fn add(
    tx: &mut impl Access,
    participant_id: Uuid,
    input: &ConsentInput,
    by: Option<Uuid>,
) -> Result<Consent> {
    let id = Uuid::now_v7();
    let sql = "INSERT INTO consents (id, participant_id, purpose, organisation_id, version, given_on, ends_on, recorded_by, created_at)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";
    run!(tx, c => sqlx::query(sql)
        .bind(id).bind(participant_id).bind(input.purpose.as_str()).bind(input.organisation_id).bind(&input.version)
        .bind(input.given_on).bind(input.ends_on).bind(by).bind(now())
        .execute(c).await.map(|r| r.rows_affected()))
    .map_err(StoreError::taken_as("organisation_id"))?;
    get(tx, id).await?.ok_or(StoreError::NotFound)
}

/// Records a withdrawal; an already withdrawn consent is `NotFound`.
pub async fn withdraw(tx: &mut impl Access, participant_id: Uuid, id: Uuid, on: NaiveDate) -> Result<Consent> {
    let sql = "UPDATE consents SET withdrawn_on = $1 WHERE id = $2 AND participant_id = $3 AND withdrawn_on IS NULL";
    let done = run!(tx, c => sqlx::query(sql).bind(on).bind(id).bind(participant_id).execute(c).await.map(|r| r.rows_affected()))?;
    if done == 0 {
        return Err(StoreError::NotFound);
    }
    get(tx, id).await?.ok_or(StoreError::NotFound)
}

pub async fn get(conn: &mut impl Access, id: Uuid) -> Result<Option<Consent>> {
    let sql = format!("{SELECT} WHERE c.id = $1");
    Ok(run!(conn, c => sqlx::query_as::<_, Consent>(sqlx::AssertSqlSafe(&*sql)).bind(id).fetch_optional(c).await)?)
}

pub async fn list_for(conn: &mut impl Access, participant_id: Uuid) -> Result<Vec<Consent>> {
    let sql = format!("{SELECT} WHERE c.participant_id = $1 ORDER BY c.given_on DESC, c.id DESC");
    Ok(
        run!(conn, c => sqlx::query_as::<_, Consent>(sqlx::AssertSqlSafe(&*sql)).bind(participant_id).fetch_all(c).await)?,
    )
}

/// The SQL condition that the consent `alias` holds today: not withdrawn, and not past its last
/// day ([`onramp_domain::consents::lapse`] in SQL). Today's date is written into the statement
/// (digits and dashes only), so the list queries that embed this bind nothing more.
pub(crate) fn holds(alias: &str) -> String {
    format!(
        "{alias}.withdrawn_on IS NULL AND ({alias}.ends_on IS NULL OR {alias}.ends_on >= '{}')",
        today().format("%Y-%m-%d")
    )
}

/// Whether and how the participant's consent to take part stopped holding (withdrawn, or past
/// its end) with none in force since: `None` while one holds, and for people with none recorded.
pub async fn participation_lapse(conn: &mut impl Access, participant_id: Uuid) -> Result<Option<Lapse>> {
    Ok(participation_lapses(conn, &[participant_id])
        .await?
        .remove(&participant_id))
}

/// Of these participants, those whose consent to take part no longer holds and who gave none
/// that does, with the latest withdrawal or end.
pub async fn participation_lapses(conn: &mut impl Access, ids: &[Uuid]) -> Result<HashMap<Uuid, Lapse>> {
    let sql = "SELECT participant_id, withdrawn_on, ends_on FROM consents
               WHERE purpose = 'participation' AND participant_id IN";
    let rows: Vec<(Uuid, Option<NaiveDate>, Option<NaiveDate>)> = crate::bulk::select_in(conn, sql, ids).await?;
    let today = today();
    let mut in_force = HashSet::new();
    let mut lapsed: HashMap<Uuid, Lapse> = HashMap::new();
    for (id, withdrawn_on, ends_on) in rows {
        match lapse(withdrawn_on, ends_on, today) {
            None => {
                in_force.insert(id);
            }
            Some(this) => {
                let latest = lapsed.entry(id).or_insert(this);
                *latest = latest.latest(this);
            }
        }
    }
    lapsed.retain(|id, _| !in_force.contains(id));
    Ok(lapsed)
}
