//! What a study's export reads: the trajectories of the study's programmes in its period of the
//! people who gave (and did not withdraw) their consent to research, and then, a slice of people
//! at a time, what happened in those trajectories. Only coded and dated facts are read: no name,
//! address, register number, e-mail, phone or free text leaves this module.

use crate::bulk::select_in;
use crate::studies::Study;
use crate::{Access, Result, run};
use chrono::NaiveDate;
use uuid::Uuid;

/// One trajectory in the study, with the characteristics of its participant.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SubjectTrajectory {
    pub trajectory_id: Uuid,
    pub participant_id: Uuid,
    pub birth_date: NaiveDate,
    pub gender: String,
    pub health_category: String,
    pub education: String,
    pub situation: String,
    pub incapacity_since: Option<NaiveDate>,
    pub programme: String,
    pub region: Option<String>,
    pub started_on: NaiveDate,
    pub ends_by: NaiveDate,
    pub phase: String,
    pub ended_on: Option<NaiveDate>,
    pub exit_reason: Option<String>,
    pub exit_situation: Option<String>,
}

/// The trajectories in a study's programmes that overlap its period, of the people whose consent
/// to research stands (a withdrawn or expired consent excludes them), by person and start.
pub async fn trajectories(conn: &mut impl Access, study: &Study) -> Result<Vec<SubjectTrajectory>> {
    let sql = format!(
        "SELECT t.id AS trajectory_id, t.participant_id, p.birth_date, p.gender, p.health_category,
                      p.education, p.situation, p.incapacity_since, g.code AS programme, r.code AS region,
                      t.started_on, t.ends_by, t.phase, t.ended_on, t.exit_reason, t.exit_situation
               FROM trajectories t
               JOIN study_programmes sp ON sp.programme_id = t.programme_id AND sp.study_id = $1
               JOIN participants p ON p.id = t.participant_id
               JOIN programmes g ON g.id = t.programme_id
               LEFT JOIN regions r ON r.id = t.region_id
               WHERE t.started_on <= $3 AND (t.ended_on IS NULL OR t.ended_on >= $2)
                 AND EXISTS (SELECT 1 FROM consents c WHERE c.participant_id = t.participant_id
                             AND c.purpose = 'research' AND {})
               ORDER BY t.participant_id, t.started_on, t.id",
        crate::consents::holds("c")
    );
    Ok(
        run!(conn, c => sqlx::query_as::<_, SubjectTrajectory>(sqlx::AssertSqlSafe(&*sql))
        .bind(study.id).bind(study.starts_on).bind(study.ends_on).fetch_all(c).await)?,
    )
}

/// A phase a trajectory entered (its first at the start).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Phase {
    pub trajectory_id: Uuid,
    pub id: i64,
    pub on_date: NaiveDate,
    pub phase: Option<String>,
}

pub async fn phases(conn: &mut impl Access, trajectories: &[Uuid]) -> Result<Vec<Phase>> {
    let sql = "SELECT trajectory_id, id, on_date, to_value AS phase FROM trajectory_events
               WHERE kind IN ('start', 'phase') AND trajectory_id IN";
    select_in(conn, sql, trajectories).await
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Outcome {
    pub trajectory_id: Uuid,
    pub id: Uuid,
    pub kind: String,
    pub on_date: NaiveDate,
    pub hours_per_week: Option<i32>,
    pub contract: Option<String>,
    pub with_support: bool,
}

pub async fn outcomes(conn: &mut impl Access, trajectories: &[Uuid]) -> Result<Vec<Outcome>> {
    let sql = "SELECT trajectory_id, id, kind, on_date, hours_per_week, contract, with_support FROM outcomes
               WHERE trajectory_id IN";
    select_in(conn, sql, trajectories).await
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Barrier {
    pub trajectory_id: Uuid,
    pub id: Uuid,
    pub code: String,
    pub noted_on: NaiveDate,
    pub status: String,
    pub closed_on: Option<NaiveDate>,
}

pub async fn barriers(conn: &mut impl Access, trajectories: &[Uuid]) -> Result<Vec<Barrier>> {
    let sql = "SELECT trajectory_id, id, code, noted_on, status, closed_on FROM barriers WHERE trajectory_id IN";
    select_in(conn, sql, trajectories).await
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CheckIn {
    pub trajectory_id: Uuid,
    pub months_after_exit: i32,
    pub due_on: NaiveDate,
    pub done_on: Option<NaiveDate>,
    pub contact_made: Option<bool>,
    pub situation: Option<String>,
    pub needs_more_service: Option<bool>,
    pub closed_as: Option<String>,
}

pub async fn check_ins(conn: &mut impl Access, trajectories: &[Uuid]) -> Result<Vec<CheckIn>> {
    let sql = "SELECT trajectory_id, months_after_exit, due_on, done_on, contact_made, situation,
                      needs_more_service, closed_as
               FROM check_ins WHERE trajectory_id IN";
    select_in(conn, sql, trajectories).await
}

/// A group session a participant was enrolled in, with the attendance taken.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Enrolment {
    pub participant_id: Uuid,
    pub session_id: Uuid,
    pub programme_id: Uuid,
    pub programme: String,
    pub module: String,
    pub on_date: NaiveDate,
    pub minutes: i32,
    pub online: bool,
    pub attendance: Option<String>,
}

pub async fn enrolments(conn: &mut impl Access, participants: &[Uuid]) -> Result<Vec<Enrolment>> {
    let sql = "SELECT e.participant_id, e.session_id, ss.programme_id, g.code AS programme, ss.module,
                      s.on_date, s.minutes, s.online, e.attendance
               FROM session_enrolments e
               JOIN group_sessions s ON s.id = e.session_id
               JOIN session_series ss ON ss.id = s.series_id
               JOIN programmes g ON g.id = ss.programme_id
               WHERE e.participant_id IN";
    select_in(conn, sql, participants).await
}

/// One ICF rating of one measurement.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct IcfRating {
    pub measurement_id: Uuid,
    pub participant_id: Uuid,
    pub trajectory_id: Option<Uuid>,
    pub measured_on: NaiveDate,
    pub moment: String,
    pub rater: String,
    pub category_code: String,
    pub qualifier: String,
}

pub async fn icf_ratings(conn: &mut impl Access, participants: &[Uuid]) -> Result<Vec<IcfRating>> {
    let sql = "SELECT m.id AS measurement_id, m.participant_id, m.trajectory_id, m.measured_on, m.moment, m.rater,
                      r.category_code, r.qualifier
               FROM icf_measurements m JOIN icf_ratings r ON r.measurement_id = m.id
               WHERE m.participant_id IN";
    select_in(conn, sql, participants).await
}

/// Gives every participant without one a consent to research, dated `given_on` (the benchmark's
/// generated database has none); returns how many it gave.
pub async fn consent_everyone(tx: &mut impl Access, given_on: NaiveDate) -> Result<u64> {
    use crate::bulk::Value::{At, Date, Id, OptDate, OptId, Text};
    let sql = "SELECT id FROM participants p WHERE NOT EXISTS
                   (SELECT 1 FROM consents c WHERE c.participant_id = p.id AND c.purpose = 'research')";
    let ids: Vec<Uuid> = run!(tx, c => sqlx::query_scalar(sql).fetch_all(c).await)?;
    let at = crate::now();
    let rows: Vec<Vec<crate::bulk::Value>> = ids
        .into_iter()
        .map(|id| {
            vec![
                Id(Uuid::now_v7()),
                Id(id),
                Text("research".into()),
                OptId(None),
                Text("bench".into()),
                Date(given_on),
                OptDate(None),
                At(at),
            ]
        })
        .collect();
    let columns = &[
        "id",
        "participant_id",
        "purpose",
        "organisation_id",
        "version",
        "given_on",
        "withdrawn_on",
        "created_at",
    ];
    crate::bulk::insert(tx, "consents", columns, &rows).await
}
