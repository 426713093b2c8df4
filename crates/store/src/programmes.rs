//! Programme templates and their steps: phases, modules and competences.

use crate::{Access, Db, Result, StoreError, decode, now, run};
use chrono::{DateTime, Utc};
use onramp_domain::participants::Situation;
use onramp_domain::programmes::{ProgrammeInput, Step, built_in};
use serde::Serialize;
use uuid::Uuid;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Programme {
    pub id: Uuid,
    pub built_in: bool,
    #[serde(flatten)]
    pub definition: ProgrammeInput,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Programme {
    pub fn phase_name(&self, code: &str) -> String {
        self.definition
            .phases
            .iter()
            .find(|p| p.code == code)
            .map(|p| p.name.clone())
            .unwrap_or_else(|| code.to_owned())
    }

    pub fn has_phase(&self, code: &str) -> bool {
        self.definition.phases.iter().any(|p| p.code == code)
    }
}

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    code: String,
    name: String,
    description: Option<String>,
    min_age: Option<i32>,
    max_age: Option<i32>,
    min_sick_months: Option<i32>,
    max_sick_months: Option<i32>,
    situations: String,
    max_duration_months: i32,
    follow_up_months: String,
    no_contact_days: i32,
    retention_years: i32,
    reports_to_esf: bool,
    built_in: bool,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct StepRow {
    programme_id: Uuid,
    kind: String,
    code: String,
    name: String,
}

const COLUMNS: &str = "id, code, name, description, min_age, max_age, min_sick_months, max_sick_months, situations, \
                       max_duration_months, follow_up_months, no_contact_days, retention_years, reports_to_esf, built_in, created_at, updated_at";

fn join_months(months: &[i32]) -> String {
    months.iter().map(i32::to_string).collect::<Vec<_>>().join(",")
}

fn join_situations(situations: &[Situation]) -> String {
    situations.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(",")
}

/// The programme of a row and its steps; `Corrupt` for a situation or a month that does not read.
fn assemble(row: Row, steps: &[StepRow]) -> Result<Programme> {
    let pick = |kind: &str| {
        steps
            .iter()
            .filter(|s| s.programme_id == row.id && s.kind == kind)
            .map(|s| Step {
                code: s.code.clone(),
                name: s.name.clone(),
            })
            .collect()
    };
    Ok(Programme {
        id: row.id,
        built_in: row.built_in,
        definition: ProgrammeInput {
            phases: pick("phase"),
            modules: pick("module"),
            competences: pick("competence"),
            code: row.code,
            name: row.name,
            description: row.description,
            min_age: row.min_age,
            max_age: row.max_age,
            min_sick_months: row.min_sick_months,
            max_sick_months: row.max_sick_months,
            situations: split_situations(&row.situations)?,
            max_duration_months: row.max_duration_months,
            follow_up_months: split_months(&row.follow_up_months)?,
            no_contact_days: row.no_contact_days,
            retention_years: row.retention_years,
            reports_to_esf: row.reports_to_esf,
        },
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}

/// The situations as [`join_situations`] wrote them (none: the empty text).
fn split_situations(situations: &str) -> Result<Vec<Situation>> {
    situations
        .split(',')
        .filter(|s| !s.is_empty())
        .map(|s| decode("programmes.situations", s, Situation::parse))
        .collect()
}

pub async fn create(tx: &mut impl Access, input: &ProgrammeInput, built_in: bool) -> Result<Programme> {
    let id = Uuid::now_v7();
    let at = now();
    let sql = "INSERT INTO programmes (id, code, name, description, min_age, max_age, min_sick_months, max_sick_months,
                                       situations, max_duration_months, follow_up_months, built_in, created_at, updated_at,
                                       no_contact_days, reports_to_esf, retention_years)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13, $14, $15, $16)";
    run!(tx, c => sqlx::query(sql)
        .bind(id).bind(&input.code).bind(&input.name).bind(&input.description).bind(input.min_age).bind(input.max_age)
        .bind(input.min_sick_months).bind(input.max_sick_months).bind(join_situations(&input.situations))
        .bind(input.max_duration_months).bind(join_months(&input.follow_up_months)).bind(built_in).bind(at)
        .bind(input.no_contact_days).bind(input.reports_to_esf).bind(input.retention_years)
        .execute(c).await.map(|r| r.rows_affected()))
    .map_err(StoreError::taken_as("code"))?;
    write_steps(tx, id, input).await?;
    get(tx, id).await?.ok_or(StoreError::NotFound)
}

pub async fn update(tx: &mut impl Access, id: Uuid, input: &ProgrammeInput) -> Result<Programme> {
    let sql = "UPDATE programmes SET code = $1, name = $2, description = $3, min_age = $4, max_age = $5,
                   min_sick_months = $6, max_sick_months = $7, situations = $8, max_duration_months = $9,
                   follow_up_months = $10, updated_at = $11, no_contact_days = $13, reports_to_esf = $14,
                   retention_years = $15
               WHERE id = $12";
    let done = run!(tx, c => sqlx::query(sql)
        .bind(&input.code).bind(&input.name).bind(&input.description).bind(input.min_age).bind(input.max_age)
        .bind(input.min_sick_months).bind(input.max_sick_months).bind(join_situations(&input.situations))
        .bind(input.max_duration_months).bind(join_months(&input.follow_up_months)).bind(now()).bind(id)
        .bind(input.no_contact_days).bind(input.reports_to_esf).bind(input.retention_years)
        .execute(c).await.map(|r| r.rows_affected()))
    .map_err(StoreError::taken_as("code"))?;
    if done == 0 {
        return Err(StoreError::NotFound);
    }
    run!(tx, c => sqlx::query("DELETE FROM programme_steps WHERE programme_id = $1").bind(id).execute(c).await.map(|r| r.rows_affected()))?;
    write_steps(tx, id, input).await?;
    get(tx, id).await?.ok_or(StoreError::NotFound)
}

async fn write_steps(tx: &mut impl Access, id: Uuid, input: &ProgrammeInput) -> Result<()> {
    let sql = "INSERT INTO programme_steps (programme_id, kind, position, code, name) VALUES ($1, $2, $3, $4, $5)";
    let kinds = [
        ("phase", &input.phases),
        ("module", &input.modules),
        ("competence", &input.competences),
    ];
    for (kind, steps) in kinds {
        for (position, step) in steps.iter().enumerate() {
            run!(tx, c => sqlx::query(sql).bind(id).bind(kind).bind(position as i32).bind(&step.code).bind(&step.name)
                .execute(c).await.map(|r| r.rows_affected()))?;
        }
    }
    Ok(())
}

pub async fn get(conn: &mut impl Access, id: Uuid) -> Result<Option<Programme>> {
    let sql = format!("SELECT {COLUMNS} FROM programmes WHERE id = $1");
    let Some(row) =
        run!(conn, c => sqlx::query_as::<_, Row>(sqlx::AssertSqlSafe(&*sql)).bind(id).fetch_optional(c).await)?
    else {
        return Ok(None);
    };
    let steps = steps_of(conn, Some(id)).await?;
    assemble(row, &steps).map(Some)
}

/// The months after exit at which the programme's check-ins fall due (with the ESF's six).
pub async fn follow_up_months(conn: &mut impl Access, id: Uuid) -> Result<Vec<i32>> {
    let sql = "SELECT follow_up_months, reports_to_esf FROM programmes WHERE id = $1";
    let row: Option<(String, bool)> = run!(conn, c => sqlx::query_as(sql).bind(id).fetch_optional(c).await)?;
    let Some((months, esf)) = row else {
        return Ok(Vec::new());
    };
    Ok(ProgrammeInput::check_in_months(&split_months(&months)?, esf))
}

/// The months as [`join_months`] wrote them (none: the empty text).
fn split_months(months: &str) -> Result<Vec<i32>> {
    months
        .split(',')
        .filter(|m| !m.is_empty())
        .map(|m| {
            decode("programmes.follow_up_months", m, |m| {
                m.parse().map_err(|_| "not-a-number")
            })
        })
        .collect()
}

pub async fn find_by_code(conn: &mut impl Access, code: &str) -> Result<Option<Programme>> {
    let sql = "SELECT id FROM programmes WHERE code = $1";
    let code = code.trim().to_lowercase();
    let id: Option<Uuid> = run!(conn, c => sqlx::query_scalar(sql).bind(&code).fetch_optional(c).await)?;
    match id {
        Some(id) => get(conn, id).await,
        None => Ok(None),
    }
}

pub async fn list(conn: &mut impl Access) -> Result<Vec<Programme>> {
    let sql = format!("SELECT {COLUMNS} FROM programmes ORDER BY built_in DESC, name");
    let rows = run!(conn, c => sqlx::query_as::<_, Row>(sqlx::AssertSqlSafe(&*sql)).fetch_all(c).await)?;
    let steps = steps_of(conn, None).await?;
    rows.into_iter().map(|row| assemble(row, &steps)).collect()
}

async fn steps_of(conn: &mut impl Access, id: Option<Uuid>) -> Result<Vec<StepRow>> {
    let sql = "SELECT programme_id, kind, code, name FROM programme_steps
               WHERE ($1 IS NULL OR programme_id = $1) ORDER BY programme_id, kind, position";
    Ok(run!(conn, c => sqlx::query_as::<_, StepRow>(sql).bind(id).fetch_all(c).await)?)
}

/// Phase codes that open trajectories of this programme are in.
pub async fn phases_in_use(conn: &mut impl Access, id: Uuid) -> Result<Vec<String>> {
    let sql = "SELECT DISTINCT phase FROM trajectories WHERE programme_id = $1 AND ended_on IS NULL";
    Ok(run!(conn, c => sqlx::query_scalar::<_, String>(sql).bind(id).fetch_all(c).await)?)
}

/// Adds the built-in programmes that are missing (never changes an existing one).
pub async fn ensure_built_in(db: &Db) -> Result<()> {
    let mut tx = db.begin().await?;
    for programme in built_in() {
        if find_by_code(&mut tx, &programme.code).await?.is_none() {
            create(&mut tx, &programme, true).await?;
        }
    }
    tx.commit().await
}

/// The competences measured for a participant: those of the programmes of their trajectories
/// (only `trajectory_id`'s when given), in programme order without repeats, each with the
/// programme's name for it and whether the programme is built in (its names are translated).
/// A participant without a trajectory is measured on the seeds' competences.
pub async fn competences_for(
    conn: &mut impl Access,
    participant_id: Uuid,
    trajectory_id: Option<Uuid>,
) -> Result<Vec<(Step, bool)>> {
    let sql = "SELECT s.code, s.name, g.built_in FROM trajectories t
               JOIN programmes g ON g.id = t.programme_id
               JOIN programme_steps s ON s.programme_id = g.id AND s.kind = 'competence'
               WHERE t.participant_id = $1 AND ($2 IS NULL OR t.id = $2)
               ORDER BY t.started_on, t.id, s.position";
    let rows: Vec<(String, String, bool)> =
        run!(conn, c => sqlx::query_as(sql).bind(participant_id).bind(trajectory_id).fetch_all(c).await)?;
    // No competence at all: either no trajectory yet (the seeds' three) or programmes measuring none.
    if rows.is_empty() {
        let sql = "SELECT COUNT(*) FROM trajectories WHERE participant_id = $1";
        let followed: i64 = run!(conn, c => sqlx::query_scalar(sql).bind(participant_id).fetch_one(c).await)?;
        if followed == 0 {
            let seeds = onramp_domain::programmes::seed_competences();
            return Ok(seeds.into_iter().map(|s| (s, true)).collect());
        }
    }
    let mut list: Vec<(Step, bool)> = Vec::new();
    for (code, name, built_in) in rows {
        if !list.iter().any(|(s, _)| s.code == code) {
            list.push((Step { code, name }, built_in));
        }
    }
    Ok(list)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn situations_and_months_read_back_as_written_and_others_are_an_error() {
        let situations = [Situation::Unemployed, Situation::Inactive];
        assert_eq!(split_situations(&join_situations(&situations)).unwrap(), situations);
        assert_eq!(split_situations("").unwrap(), []);
        assert_eq!(split_months(&join_months(&[3, 6, 12])).unwrap(), [3, 6, 12]);
        assert_eq!(split_months("").unwrap(), Vec::<i32>::new());
        // Before, an unknown situation or month was left out without a word.
        let error = split_situations("unemployed,retired").unwrap_err();
        assert!(
            matches!(error, StoreError::Corrupt { column: "programmes.situations", ref value } if value == "retired")
        );
        let error = split_months("3,six").unwrap_err();
        assert!(matches!(
            error,
            StoreError::Corrupt {
                column: "programmes.follow_up_months",
                ..
            }
        ));
    }
}
