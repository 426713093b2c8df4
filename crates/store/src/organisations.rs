//! Organisations: the provider and its partners.

use crate::{Access, Result, StoreError, decode, now, run};
use chrono::{DateTime, Utc};
use onramp_domain::organisations::{OrganisationInput, OrganisationKind, OrganisationRef};
use onramp_domain::policy::OrganisationScope;
use onramp_domain::validation::fold_for_search;
use serde::Serialize;
use std::collections::HashMap;
use uuid::Uuid;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Organisation {
    pub id: Uuid,
    pub name: String,
    pub kind: OrganisationKind,
    pub region_id: Option<Uuid>,
    pub region_name: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Organisation {
    pub fn as_ref(&self) -> OrganisationRef {
        OrganisationRef {
            id: self.id,
            region_id: self.region_id,
        }
    }
}

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    name: String,
    kind: String,
    region_id: Option<Uuid>,
    region_name: Option<String>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl TryFrom<Row> for Organisation {
    type Error = StoreError;

    /// The organisation, or `Corrupt` for a kind `OrganisationKind` does not know.
    fn try_from(row: Row) -> Result<Self> {
        Ok(Organisation {
            id: row.id,
            name: row.name,
            kind: decode("organisations.kind", &row.kind, OrganisationKind::parse)?,
            region_id: row.region_id,
            region_name: row.region_name,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

const SELECT: &str = "SELECT o.id, o.name, o.kind, o.region_id, r.name AS region_name, o.created_at, o.updated_at
                      FROM organisations o LEFT JOIN regions r ON r.id = o.region_id";

pub async fn create(tx: &mut impl Access, input: &OrganisationInput) -> Result<Organisation> {
    let id = Uuid::now_v7();
    let at = now();
    let sql = "INSERT INTO organisations (id, name, name_search, kind, region_id, created_at, updated_at)
               VALUES ($1, $2, $3, $4, $5, $6, $6)";
    run!(tx, c => sqlx::query(sql)
        .bind(id).bind(&input.name).bind(fold_for_search(&input.name)).bind(input.kind.as_str())
        .bind(input.region_id).bind(at)
        .execute(c).await.map(|r| r.rows_affected()))
    .map_err(StoreError::taken_as("region_id"))?;
    get(tx, id).await?.ok_or(StoreError::NotFound)
}

pub async fn update(tx: &mut impl Access, id: Uuid, input: &OrganisationInput) -> Result<Organisation> {
    let sql = "UPDATE organisations SET name = $1, name_search = $2, kind = $3, region_id = $4, updated_at = $5
               WHERE id = $6";
    let done = run!(tx, c => sqlx::query(sql)
        .bind(&input.name).bind(fold_for_search(&input.name)).bind(input.kind.as_str())
        .bind(input.region_id).bind(now()).bind(id)
        .execute(c).await.map(|r| r.rows_affected()))
    .map_err(StoreError::taken_as("region_id"))?;
    if done == 0 {
        return Err(StoreError::NotFound);
    }
    get(tx, id).await?.ok_or(StoreError::NotFound)
}

pub async fn get(conn: &mut impl Access, id: Uuid) -> Result<Option<Organisation>> {
    let sql = format!("{SELECT} WHERE o.id = $1");
    let row = run!(conn, c => sqlx::query_as::<_, Row>(sqlx::AssertSqlSafe(&*sql)).bind(id).fetch_optional(c).await)?;
    row.map(Organisation::try_from).transpose()
}

/// Finds an organisation by id or by exact name (for the CLI's `--org`).
pub async fn find(conn: &mut impl Access, id_or_name: &str) -> Result<Option<Organisation>> {
    if let Ok(id) = Uuid::parse_str(id_or_name.trim()) {
        return get(conn, id).await;
    }
    let sql = format!("{SELECT} WHERE o.name_search = $1 ORDER BY o.id LIMIT 1");
    let folded = fold_for_search(id_or_name);
    let row =
        run!(conn, c => sqlx::query_as::<_, Row>(sqlx::AssertSqlSafe(&*sql)).bind(&folded).fetch_optional(c).await)?;
    row.map(Organisation::try_from).transpose()
}

#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub search: Option<String>,
    pub kind: Option<OrganisationKind>,
    pub region_id: Option<Uuid>,
}

/// The organisations within the actor's scope that match the filter, by name.
pub async fn list(
    conn: &mut impl Access,
    scope: OrganisationScope,
    actor_id: Uuid,
    filter: &Filter,
) -> Result<Vec<Organisation>> {
    let sql = format!(
        "{SELECT}
         WHERE ($1
                OR ($2 AND o.id IN (SELECT organisation_id FROM user_organisations WHERE user_id = $4))
                OR ($3 AND o.region_id IN (SELECT region_id FROM user_regions WHERE user_id = $4)))
           AND ($5 IS NULL OR o.name_search LIKE $5)
           AND ($6 IS NULL OR o.kind = $6)
           AND ($7 IS NULL OR o.region_id = $7)
         ORDER BY o.name_search, o.id
         LIMIT 1000"
    );
    let pattern = filter
        .search
        .as_deref()
        .map(|s| format!("%{}%", fold_for_search(s).replace(['%', '_'], "")));
    let kind = filter.kind.map(|k| k.as_str());
    let rows = run!(conn, c => sqlx::query_as::<_, Row>(sqlx::AssertSqlSafe(&*sql))
        .bind(scope.all).bind(scope.by_membership).bind(scope.by_region).bind(actor_id)
        .bind(&pattern).bind(kind).bind(filter.region_id)
        .fetch_all(c).await)?;
    rows.into_iter().map(Organisation::try_from).collect()
}

/// The organisations a handover to job mediation may go to (`OrganisationKind::mediates_jobs`),
/// by name. Reference data, the same for everyone.
pub async fn job_mediation(conn: &mut impl Access) -> Result<Vec<(Uuid, String)>> {
    let sql = "SELECT id, name, kind FROM organisations ORDER BY name_search, id";
    let rows: Vec<(Uuid, String, String)> = run!(conn, c => sqlx::query_as(sql).fetch_all(c).await)?;
    Ok(rows
        .into_iter()
        .filter(|(_, _, kind)| OrganisationKind::parse(kind).is_ok_and(OrganisationKind::mediates_jobs))
        .map(|(id, name, _)| (id, name))
        .collect())
}

/// The names of these organisations, by id (the audit log keeps ids; pages show names).
pub async fn names(conn: &mut impl Access, ids: &[Uuid]) -> Result<HashMap<Uuid, String>> {
    let rows: Vec<(Uuid, String)> =
        crate::bulk::select_in(conn, "SELECT id, name FROM organisations WHERE id IN", ids).await?;
    Ok(rows.into_iter().collect())
}
