//! ICF categories (reference data) and a participant's measurements.

use crate::{Access, Result, StoreError, decode, now, run};
use chrono::{DateTime, NaiveDate, Utc};
use onramp_domain::icf::{Component, MeasurementInput};
use serde::Serialize;
use std::collections::BTreeMap;
use uuid::Uuid;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Category {
    pub code: String,
    /// The component's code (`b`, `d`, `e`); [`Category::component`] is the same as the enum.
    pub component: String,
    pub title_nl: String,
    pub title_fr: String,
    pub title_en: String,
    /// `brief` for the shipped Brief ICF Core Set for vocational rehabilitation.
    pub core_set: Option<String>,
    pub position: i32,
    /// The component, read when the category was (a code no enum knows is an error there).
    #[serde(skip)]
    component_kind: Component,
}

impl Category {
    pub fn component(&self) -> Component {
        self.component_kind
    }
}

#[derive(sqlx::FromRow)]
struct CategoryRow {
    code: String,
    component: String,
    title_nl: String,
    title_fr: String,
    title_en: String,
    core_set: Option<String>,
    position: i32,
}

impl TryFrom<CategoryRow> for Category {
    type Error = StoreError;

    fn try_from(row: CategoryRow) -> Result<Self> {
        Ok(Category {
            component_kind: decode("icf_categories.component", &row.component, Component::parse)?,
            code: row.code,
            component: row.component,
            title_nl: row.title_nl,
            title_fr: row.title_fr,
            title_en: row.title_en,
            core_set: row.core_set,
            position: row.position,
        })
    }
}

/// A new category's code, component and titles in the three languages.
#[derive(Debug, Clone)]
pub struct NewCategory {
    pub code: String,
    pub component: Component,
    pub titles: [String; 3],
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq)]
pub struct Measurement {
    pub id: Uuid,
    pub participant_id: Uuid,
    pub trajectory_id: Option<Uuid>,
    pub measured_on: NaiveDate,
    pub moment: String,
    pub rater: String,
    pub note: Option<String>,
    pub recorded_by_name: Option<String>,
    pub created_at: DateTime<Utc>,
    /// Category code → qualifier as ICF writes it (`2`, `+3`, `8`).
    #[sqlx(skip)]
    pub ratings: BTreeMap<String, String>,
    /// Competence → score 0-10.
    #[sqlx(skip)]
    pub competences: BTreeMap<String, i32>,
}

pub async fn categories(conn: &mut impl Access) -> Result<Vec<Category>> {
    let sql = "SELECT code, component, title_nl, title_fr, title_en, core_set, position
               FROM icf_categories ORDER BY position, code";
    let rows = run!(conn, c => sqlx::query_as::<_, CategoryRow>(sql).fetch_all(c).await)?;
    rows.into_iter().map(Category::try_from).collect()
}

/// Adds a category after the others; a code already there is `Taken("code")`.
pub async fn add_category(tx: &mut impl Access, new: &NewCategory) -> Result<Category> {
    let position: Option<i32> =
        run!(tx, c => sqlx::query_scalar("SELECT MAX(position) FROM icf_categories").fetch_one(c).await)?;
    let category = Category {
        code: new.code.clone(),
        component: new.component.as_str().to_owned(),
        title_nl: new.titles[0].clone(),
        title_fr: new.titles[1].clone(),
        title_en: new.titles[2].clone(),
        core_set: None,
        position: position.unwrap_or(0) + 1,
        component_kind: new.component,
    };
    let sql =
        "INSERT INTO icf_categories (code, component, title_nl, title_fr, title_en, core_set, position, created_at)
               VALUES ($1, $2, $3, $4, $5, NULL, $6, $7)";
    run!(tx, c => sqlx::query(sql).bind(&category.code).bind(&category.component).bind(&category.title_nl)
        .bind(&category.title_fr).bind(&category.title_en).bind(category.position).bind(now())
        .execute(c).await.map(|r| r.rows_affected()))
    .map_err(StoreError::taken_as("code"))?;
    Ok(category)
}

/// Records a measurement with its ratings and competences (in the caller's transaction).
pub async fn add_measurement(
    tx: &mut impl Access,
    participant_id: Uuid,
    input: &MeasurementInput,
    recorded_by: Option<Uuid>,
) -> Result<Uuid> {
    let id = Uuid::now_v7();
    let sql = "INSERT INTO icf_measurements (id, participant_id, trajectory_id, measured_on, moment, rater, note,
                   recorded_by, created_at)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";
    run!(tx, c => sqlx::query(sql).bind(id).bind(participant_id).bind(input.trajectory_id).bind(input.measured_on)
        .bind(input.moment.as_str()).bind(input.rater.as_str()).bind(&input.note).bind(recorded_by).bind(now())
        .execute(c).await.map(|r| r.rows_affected()))?;
    let sql = "INSERT INTO icf_ratings (measurement_id, category_code, qualifier) VALUES ($1, $2, $3)";
    for (code, qualifier) in &input.ratings {
        run!(tx, c => sqlx::query(sql).bind(id).bind(code).bind(qualifier.code())
            .execute(c).await.map(|r| r.rows_affected()))
        .map_err(StoreError::taken_as("ratings"))?;
    }
    let sql = "INSERT INTO competence_ratings (measurement_id, competence, score) VALUES ($1, $2, $3)";
    for (competence, score) in &input.competences {
        run!(tx, c => sqlx::query(sql).bind(id).bind(competence.as_str()).bind(i32::from(*score))
            .execute(c).await.map(|r| r.rows_affected()))?;
    }
    // The ICF change of a cohort is counted with the trajectory (monitoring reports).
    crate::dashboard::counts::refresh(tx, participant_id).await?;
    Ok(id)
}

/// A participant's measurements, oldest first, with their ratings and competences.
pub async fn measurements(conn: &mut impl Access, participant_id: Uuid) -> Result<Vec<Measurement>> {
    let sql = "SELECT m.id, m.participant_id, m.trajectory_id, m.measured_on, m.moment, m.rater, m.note,
                   u.display_name AS recorded_by_name, m.created_at
               FROM icf_measurements m LEFT JOIN users u ON u.id = m.recorded_by
               WHERE m.participant_id = $1 ORDER BY m.measured_on, m.created_at, m.id";
    let mut list: Vec<Measurement> =
        run!(conn, c => sqlx::query_as::<_, Measurement>(sql).bind(participant_id).fetch_all(c).await)?;
    let sql = "SELECT r.measurement_id, r.category_code, r.qualifier FROM icf_ratings r
               JOIN icf_measurements m ON m.id = r.measurement_id WHERE m.participant_id = $1";
    let ratings: Vec<(Uuid, String, String)> =
        run!(conn, c => sqlx::query_as(sql).bind(participant_id).fetch_all(c).await)?;
    let sql = "SELECT r.measurement_id, r.competence, r.score FROM competence_ratings r
               JOIN icf_measurements m ON m.id = r.measurement_id WHERE m.participant_id = $1";
    let competences: Vec<(Uuid, String, i32)> =
        run!(conn, c => sqlx::query_as(sql).bind(participant_id).fetch_all(c).await)?;
    let index: BTreeMap<Uuid, usize> = list.iter().enumerate().map(|(n, m)| (m.id, n)).collect();
    for (id, code, qualifier) in ratings {
        if let Some(&n) = index.get(&id) {
            list[n].ratings.insert(code, qualifier);
        }
    }
    for (id, competence, score) in competences {
        if let Some(&n) = index.get(&id) {
            list[n].competences.insert(competence, score);
        }
    }
    Ok(list)
}
