//! The caseload: trajectories within the actor's scope, filtered, sorted and
//! paged with a keyset cursor so every page costs the same at any depth.

use crate::{Access, Result, run};
use chrono::NaiveDate;
use onramp_domain::policy::CaseloadScope;
use serde::Serialize;
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Status {
    #[default]
    Active,
    Ended,
    All,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    /// By participant name (last name first).
    #[default]
    Name,
    /// Soonest maximum end date first.
    EndsBy,
}

/// Where the previous page stopped: the sort key and id of its last row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cursor {
    Name(String, Uuid),
    EndsBy(NaiveDate, Uuid),
}

#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub status: Status,
    pub sort: Sort,
    /// Only trajectories the actor is the responsible coach of.
    pub mine: bool,
    pub search: Option<String>,
    pub programme_id: Option<Uuid>,
    pub phase: Option<String>,
    pub organisation_id: Option<Uuid>,
    pub location_id: Option<Uuid>,
    pub region_id: Option<Uuid>,
    pub after: Option<Cursor>,
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq)]
pub struct Row {
    pub trajectory_id: Uuid,
    pub participant_id: Uuid,
    pub participant_name: String,
    pub first_name: String,
    pub last_name: String,
    pub programme_id: Uuid,
    pub programme_name: String,
    pub max_duration_months: i32,
    pub phase: String,
    pub phase_since: NaiveDate,
    pub started_on: NaiveDate,
    pub ends_by: NaiveDate,
    pub ended_on: Option<NaiveDate>,
    pub last_contact_on: Option<NaiveDate>,
    pub coach_name: Option<String>,
    pub organisation_name: String,
    pub location_name: Option<String>,
}

impl Row {
    pub fn cursor(&self, sort: Sort) -> Cursor {
        match sort {
            Sort::Name => Cursor::Name(self.participant_name.clone(), self.trajectory_id),
            Sort::EndsBy => Cursor::EndsBy(self.ends_by, self.trajectory_id),
        }
    }
}

// Left joins (the foreign keys guarantee the rows) keep the trajectories the outer
// loop, so the engine reads them in index order and stops after one page.
const SELECT: &str = "SELECT t.id AS trajectory_id, t.participant_id, t.participant_name, p.first_name, p.last_name,
        t.programme_id, g.name AS programme_name, g.max_duration_months, t.phase, t.phase_since, t.started_on, t.ends_by,
        t.ended_on, t.last_contact_on, u.display_name AS coach_name, o.name AS organisation_name, l.name AS location_name
    FROM trajectories t
    LEFT JOIN participants p ON p.id = t.participant_id
    LEFT JOIN programmes g ON g.id = t.programme_id
    LEFT JOIN organisations o ON o.id = t.organisation_id
    LEFT JOIN locations l ON l.id = t.location_id
    LEFT JOIN users u ON u.id = t.coach_id
    WHERE ($1
           OR ($2 AND t.coach_id = $5)
           OR ($3 AND t.organisation_id IN (SELECT organisation_id FROM user_organisations WHERE user_id = $5)
                  AND (NOT $6 OR EXISTS (SELECT 1 FROM consents c WHERE c.participant_id = t.participant_id
                                          AND c.purpose = 'share_care_team' AND c.organisation_id = t.organisation_id
                                          AND c.withdrawn_on IS NULL)))
           OR ($4 AND t.region_id IN (SELECT region_id FROM user_regions WHERE user_id = $5)))
      AND ($7 = 'all' OR ($7 = 'active' AND t.ended_on IS NULL) OR ($7 = 'ended' AND t.ended_on IS NOT NULL))
      AND (NOT $8 OR t.coach_id = $5)
      AND ($9 IS NULL OR t.participant_name LIKE $9)
      AND ($10 IS NULL OR t.programme_id = $10)
      AND ($11 IS NULL OR t.phase = $11)
      AND ($12 IS NULL OR t.organisation_id = $12)
      AND ($13 IS NULL OR t.location_id = $13)
      AND ($14 IS NULL OR t.region_id = $14)";

// The cursor is a row-value comparison both engines can answer from the index in
// order; the first page has no cursor, so its parameters only have to be bound.
const FIRST_BY_NAME: &str = "
      AND $15 IS NULL AND $16 IS NULL
    ORDER BY t.participant_name, t.id LIMIT $17";

const NEXT_BY_NAME: &str = "
      AND (t.participant_name, t.id) > ($15, $16)
    ORDER BY t.participant_name, t.id LIMIT $17";

const FIRST_BY_ENDS_BY: &str = "
      AND $15 IS NULL AND $16 IS NULL
    ORDER BY t.ends_by, t.id LIMIT $17";

const NEXT_BY_ENDS_BY: &str = "
      AND (t.ends_by, t.id) > ($15, $16)
    ORDER BY t.ends_by, t.id LIMIT $17";

/// The SQL for one filter, with the parameters it binds beyond the filter's own.
struct Statement {
    sql: String,
    key_text: Option<String>,
    key_date: Option<NaiveDate>,
    after_id: Option<Uuid>,
    status: &'static str,
    search: Option<String>,
}

fn statement(filter: &Filter) -> Statement {
    let status = match filter.status {
        Status::Active => "active",
        Status::Ended => "ended",
        Status::All => "all",
    };
    let search = filter.search.as_deref().map(|s| {
        format!(
            "%{}%",
            onramp_domain::validation::fold_for_search(s).replace(['%', '_'], "")
        )
    });
    let (order, key_text, key_date, after_id) = match (&filter.sort, &filter.after) {
        (Sort::Name, Some(Cursor::Name(name, id))) => (NEXT_BY_NAME, Some(name.clone()), None, Some(*id)),
        (Sort::Name, _) => (FIRST_BY_NAME, None, None, None),
        (Sort::EndsBy, Some(Cursor::EndsBy(date, id))) => (NEXT_BY_ENDS_BY, None, Some(*date), Some(*id)),
        (Sort::EndsBy, _) => (FIRST_BY_ENDS_BY, None, None, None),
    };
    Statement {
        sql: format!("{SELECT}{order}"),
        key_text,
        key_date,
        after_id,
        status,
        search,
    }
}

/// One page of the caseload, `limit` rows at most.
pub async fn page(
    conn: &mut impl Access,
    scope: CaseloadScope,
    actor_id: Uuid,
    filter: &Filter,
    limit: i64,
) -> Result<Vec<Row>> {
    let Statement {
        sql,
        key_text,
        key_date,
        after_id,
        status,
        search,
    } = statement(filter);
    let rows = run!(conn, c => {
        let q = sqlx::query_as::<_, Row>(sqlx::AssertSqlSafe(&*sql))
            .bind(scope.all).bind(scope.as_coach).bind(scope.by_membership).bind(scope.by_region).bind(actor_id)
            .bind(scope.needs_share_consent).bind(status).bind(filter.mine).bind(&search).bind(filter.programme_id)
            .bind(&filter.phase).bind(filter.organisation_id).bind(filter.location_id).bind(filter.region_id);
        let q = if filter.sort == Sort::Name { q.bind(key_text.clone()) } else { q.bind(key_date) };
        q.bind(after_id).bind(limit).fetch_all(c).await
    })?;
    Ok(rows)
}

/// The engine's plan for `page` with these arguments, one line per step (for benchmarks).
pub async fn plan(
    conn: &mut impl Access,
    scope: CaseloadScope,
    actor_id: Uuid,
    filter: &Filter,
    limit: i64,
) -> Result<Vec<String>> {
    let Statement {
        sql,
        key_text,
        key_date,
        after_id,
        status,
        search,
    } = statement(filter);
    let sqlite = matches!(conn.backend(), crate::Backend::Sqlite(_));
    let sql = format!("{}{sql}", if sqlite { "EXPLAIN QUERY PLAN " } else { "EXPLAIN " });
    let lines: Vec<String> = run!(conn, c => {
        let q = sqlx::query(sqlx::AssertSqlSafe(&*sql))
            .bind(scope.all).bind(scope.as_coach).bind(scope.by_membership).bind(scope.by_region).bind(actor_id)
            .bind(scope.needs_share_consent).bind(status).bind(filter.mine).bind(&search).bind(filter.programme_id)
            .bind(&filter.phase).bind(filter.organisation_id).bind(filter.location_id).bind(filter.region_id);
        let q = if filter.sort == Sort::Name { q.bind(key_text.clone()) } else { q.bind(key_date) };
        q.bind(after_id).bind(limit).fetch_all(c).await.map(|rows| {
            rows.iter()
                .map(|row| {
                    use sqlx::Row as _;
                    row.try_get::<String, _>(row.columns().len() - 1).unwrap_or_default()
                })
                .collect()
        })
    })?;
    Ok(lines)
}
