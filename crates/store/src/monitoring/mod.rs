//! The monitoring reports (issue 25; docs/monitoring.md): barriers over time, the ICF change of a
//! cohort, steps to work and reach by month, per coach and per location, read from the counts
//! kept with every write (`monitoring_counts`, see [`facts`]); the people behind each figure; and
//! the coordinators' recommendations ([`recommendations`]).

pub mod facts;
pub mod recommendations;
pub mod summary;

use crate::dashboard::counts::Unit;
use crate::dashboard::{After, Matching, Person, Scope, people_where, scope_parts};
use crate::{Access, Result, bulk, run};
use chrono::{Datelike, NaiveDate};
use onramp_domain::policy::Actor;
use std::collections::BTreeMap;
use uuid::Uuid;

/// One kept count: the month (or, per unit, the unit), the figure and how many.
pub type Row<K> = (K, String, i64);

/// The monitoring counts of one unit for the scope's whole months, region and programme, by month.
pub async fn months(conn: &mut impl Access, unit: Unit, scope: &Scope) -> Result<Vec<Row<NaiveDate>>> {
    let (kind, id) = unit.key();
    let sql = format!(
        "SELECT period, figure, CAST(SUM(trajectories) AS BIGINT) FROM monitoring_counts
         WHERE unit = $1 AND unit_id = $2 AND grain = 'm' AND period >= $3 AND period <= $4 AND {} AND {}
         GROUP BY period, figure",
        part(scope.region_id, "region_id", 5),
        part(scope.programme_id, "programme_id", 6)
    );
    Ok(
        run!(conn, c => sqlx::query_as(sqlx::AssertSqlSafe(&*sql)).bind(kind).bind(id).bind(scope.from)
        .bind(scope.to).bind(scope.region_id).bind(scope.programme_id).fetch_all(c).await)?,
    )
}

/// The barriers noted in the scope's period read from the records (code, health category, noted,
/// status, closed): what the kept counts save a report, for `onramp bench generated` to compare.
pub async fn barriers_from_records(
    conn: &mut impl Access,
    scope: &Scope,
) -> Result<Vec<(String, String, NaiveDate, String, Option<NaiveDate>)>> {
    let sql = format!(
        "SELECT b.code, p.health_category, b.noted_on, b.status, b.closed_on
         FROM barriers b JOIN trajectories t ON t.id = b.trajectory_id JOIN participants p ON p.id = t.participant_id
         WHERE b.noted_on >= $1 AND b.noted_on <= $2 AND {}",
        scope_parts(scope)
    );
    Ok(
        run!(conn, c => sqlx::query_as(sqlx::AssertSqlSafe(&*sql)).bind(scope.from).bind(scope.to)
        .bind(scope.organisation_id).bind(scope.region_id).bind(scope.programme_id).bind(scope.location_id)
        .bind(scope.coach_id).fetch_all(c).await)?,
    )
}

/// The kinds of unit a report compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PerUnit {
    Coach,
    Location,
}

/// `column = $n` when the scope sets it, else a test of `$n` for NULL alone: an `OR` of both
/// would keep the planner from the index on the column.
fn part(value: Option<Uuid>, column: &str, n: u8) -> String {
    match value {
        Some(_) => format!("{column} = ${n}"),
        None => format!("${n} IS NULL"),
    }
}

/// The monitoring counts (but the ICF changes) of every coach or location, summed over the
/// scope's period, cut by its region and programme; locations only of the scope's partner when it
/// has one.
pub async fn per_unit(conn: &mut impl Access, per: PerUnit, scope: &Scope) -> Result<Vec<Row<Uuid>>> {
    let kind = match per {
        PerUnit::Coach => "coach",
        PerUnit::Location => "location",
    };
    let sql = format!(
        "SELECT unit_id, figure, CAST(SUM(trajectories) AS BIGINT) FROM monitoring_counts
         WHERE unit = $1 AND grain = 'm' AND period >= $2 AND period <= $3 AND {} AND {}
           AND ($6 IS NULL OR unit_id IN (SELECT l.id FROM locations l WHERE l.organisation_id = $6))
           AND figure NOT LIKE 'm.icf:%'
         GROUP BY unit_id, figure",
        part(scope.region_id, "region_id", 4),
        part(scope.programme_id, "programme_id", 5)
    );
    Ok(
        run!(conn, c => sqlx::query_as(sqlx::AssertSqlSafe(&*sql)).bind(kind).bind(scope.from).bind(scope.to)
        .bind(scope.region_id).bind(scope.programme_id).bind(scope.organisation_id).fetch_all(c).await)?,
    )
}

/// The names of coaches or locations by id.
pub async fn unit_names(conn: &mut impl Access, per: PerUnit, ids: &[Uuid]) -> Result<BTreeMap<Uuid, String>> {
    let sql = match per {
        PerUnit::Coach => "SELECT id, display_name FROM users WHERE id IN",
        PerUnit::Location => "SELECT id, name FROM locations WHERE id IN",
    };
    let rows: Vec<(Uuid, String)> = bulk::select_in(conn, sql, ids).await?;
    Ok(rows.into_iter().collect())
}

/// People reached by presence actions in each month of the period (as the dashboard counts them:
/// the programme does not apply), for the scope's partner, region, location or coach.
pub async fn reach_by_month(conn: &mut impl Access, scope: &Scope) -> Result<BTreeMap<NaiveDate, i64>> {
    let sql = "SELECT a.on_date, CAST(SUM(a.reached) AS BIGINT) FROM presence_actions a
               JOIN organisations o ON o.id = a.organisation_id
               WHERE a.on_date >= $1 AND a.on_date <= $2
                 AND ($3 IS NULL OR a.organisation_id = $3) AND ($4 IS NULL OR o.region_id = $4)
                 AND ($5 IS NULL OR a.location_id = $5) AND ($6 IS NULL OR a.led_by = $6)
               GROUP BY a.on_date";
    let rows: Vec<(NaiveDate, i64)> = run!(conn, c => sqlx::query_as(sql)
        .bind(scope.from).bind(scope.to).bind(scope.organisation_id).bind(scope.region_id)
        .bind(scope.location_id).bind(scope.coach_id).fetch_all(c).await)?;
    let mut months = BTreeMap::new();
    for (on, n) in rows {
        *months.entry(on.with_day(1).unwrap_or(on)).or_default() += n;
    }
    Ok(months)
}

/// Which barriers of a list: all noted, those resolved, those on trajectories without a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BarrierPart {
    Noted,
    Resolved,
    NoStep,
}

/// The trajectories behind one monitoring figure. Codes and items are bound; the health
/// category and the rater come from the domain's enums.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Figure {
    /// Barriers of a code noted in the period (of a health category, when given).
    Barrier {
        code: String,
        health: Option<&'static str>,
        part: BarrierPart,
    },
    /// The cohort's trajectories with a change of an ICF category or competence by a rater.
    Icf {
        rater: &'static str,
        item: String,
    },
    /// Trajectories whose first step to work (or paid work) fell in the period.
    FirstStep,
    FirstPaid,
}

impl Figure {
    /// How the figure is named in the audit log.
    pub fn key(&self) -> String {
        match self {
            Figure::Barrier { code, health, part } => {
                let part = match part {
                    BarrierPart::Noted => "noted",
                    BarrierPart::Resolved => "resolved",
                    BarrierPart::NoStep => "no_step",
                };
                format!("barrier:{code}:{}:{part}", health.unwrap_or("all"))
            }
            Figure::Icf { rater, item } => format!("icf:{rater}:{item}"),
            Figure::FirstStep => "first_step".into(),
            Figure::FirstPaid => "first_paid".into(),
        }
    }

    /// The SQL condition (the scope's parts as $1-$7, the code or item as $8).
    fn condition(&self, scope: &Scope) -> String {
        let parts = scope_parts(scope);
        match self {
            Figure::Barrier { health, part, .. } => {
                let health = health.map_or(String::new(), |h| format!(" AND p.health_category = '{h}'"));
                let (resolved, no_step) = match part {
                    BarrierPart::Noted => ("", String::new()),
                    BarrierPart::Resolved => (" AND b.status = 'resolved' AND b.closed_on IS NOT NULL", String::new()),
                    BarrierPart::NoStep => ("", format!(" AND NOT {}", crate::dashboard::took_step())),
                };
                format!(
                    "{parts}{health}{no_step} AND EXISTS (SELECT 1 FROM barriers b WHERE b.trajectory_id = t.id
                        AND b.code = $8 AND b.noted_on >= $1 AND b.noted_on <= $2{resolved})"
                )
            }
            Figure::Icf { rater, .. } => format!(
                "t.started_on >= $1 AND t.started_on <= $2 AND {parts} AND (
                   (SELECT COUNT(*) FROM icf_measurements m JOIN icf_ratings r ON r.measurement_id = m.id
                     WHERE m.trajectory_id = t.id AND m.rater = '{rater}' AND r.category_code = $8
                       AND r.qualifier NOT IN ('8', '9', '+8')) >= 2
                   OR (SELECT COUNT(*) FROM icf_measurements m JOIN competence_ratings r ON r.measurement_id = m.id
                     WHERE m.trajectory_id = t.id AND m.rater = '{rater}' AND r.competence = $8) >= 2)"
            ),
            Figure::FirstStep => format!(
                "{first} >= $1 AND {first} <= $2 AND {parts} AND $8 IS NULL",
                first = crate::dashboard::first_step()
            ),
            Figure::FirstPaid => format!(
                "{first} >= $1 AND {first} <= $2 AND {parts} AND $8 IS NULL",
                first = crate::dashboard::first_paid()
            ),
        }
    }

    fn argument(&self) -> Option<String> {
        match self {
            Figure::Barrier { code, .. } => Some(code.clone()),
            Figure::Icf { item, .. } => Some(item.clone()),
            Figure::FirstStep | Figure::FirstPaid => None,
        }
    }
}

/// The trajectories behind `figure` that the viewer may see, by name, a page after the cursor.
pub async fn people(
    conn: &mut impl Access,
    scope: Scope,
    figure: &Figure,
    viewer: &Actor,
    after: Option<After>,
    limit: i64,
) -> Result<Vec<Person>> {
    let matching = Matching {
        condition: figure.condition(&scope),
        argument: figure.argument(),
        keep: Box::new(|_| true),
        batch: limit,
    };
    people_where(conn, scope, matching, viewer, after, limit).await
}
