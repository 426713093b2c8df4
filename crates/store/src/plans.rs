//! The plans of a trajectory (action plan, recovery plan, canvas): every version kept whole,
//! and the comments of the care team.

use crate::group_sessions::ParticipantSession;
use crate::{Access, Result, StoreError, now, run};
use chrono::{DateTime, Utc};
use onramp_domain::plans::{ActionPlan, PlanContent, PlanKind};
use serde::Serialize;
use uuid::Uuid;

#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq)]
pub struct Plan {
    pub id: Uuid,
    pub trajectory_id: Uuid,
    pub kind: String,
    /// The latest version.
    pub version: i32,
    /// The latest version shared with the care team.
    pub shared_version: Option<i32>,
    /// The latest version shared with the participant (their portal).
    pub participant_version: Option<i32>,
    pub updated_at: DateTime<Utc>,
}

/// One version, without its content: a line of the history.
#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq)]
pub struct VersionInfo {
    pub version: i32,
    pub shared: bool,
    pub shared_with_participant: bool,
    pub consultation_id: Option<Uuid>,
    /// The date of the consultation the version was reviewed at.
    pub consultation_on: Option<chrono::NaiveDate>,
    /// The group session the version was drawn up in (the recovery plan's module 3), its title
    /// and date.
    pub group_session_id: Option<Uuid>,
    pub group_session_title: Option<String>,
    pub group_session_on: Option<chrono::NaiveDate>,
    pub note: Option<String>,
    pub created_by_name: Option<String>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Version {
    pub info: VersionInfo,
    pub content: PlanContent,
}

/// What is written with a new version besides its content.
#[derive(Debug, Clone, Default)]
pub struct VersionMeta {
    /// Shared with the care team.
    pub shared: bool,
    /// Shared with the participant (their portal).
    pub shared_with_participant: bool,
    pub consultation_id: Option<Uuid>,
    pub group_session_id: Option<Uuid>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq)]
pub struct Comment {
    pub id: Uuid,
    pub version: i32,
    pub author_name: String,
    pub body: String,
    /// Read by the participant in the portal: their own, and the answers written for them.
    pub with_participant: bool,
    pub created_at: DateTime<Utc>,
}

/// Whose reading of a plan's comments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Readers {
    /// The coaches who write the plan: every comment.
    Coaches,
    /// The care team: the comments on versions shared with them.
    CareTeam,
    /// The participant: their own comments and those written for them.
    Participant,
}

pub async fn get(conn: &mut impl Access, trajectory_id: Uuid, kind: PlanKind) -> Result<Option<Plan>> {
    let sql = "SELECT id, trajectory_id, kind, version, shared_version, participant_version, updated_at FROM plans
               WHERE trajectory_id = $1 AND kind = $2";
    Ok(
        run!(conn, c => sqlx::query_as::<_, Plan>(sql).bind(trajectory_id).bind(kind.as_str())
        .fetch_optional(c).await)?,
    )
}

const INFO: &str =
    "SELECT v.version, v.shared, v.shared_with_participant, v.consultation_id, k.on_date AS consultation_on,
                        v.group_session_id, r.title AS group_session_title, g.on_date AS group_session_on, v.note,
                        u.display_name AS created_by_name, v.created_at
                    FROM plan_versions v
                    LEFT JOIN users u ON u.id = v.created_by
                    LEFT JOIN consultations k ON k.id = v.consultation_id
                    LEFT JOIN group_sessions g ON g.id = v.group_session_id
                    LEFT JOIN session_series r ON r.id = g.series_id";

/// The history of a plan, newest first.
pub async fn history(conn: &mut impl Access, plan_id: Uuid) -> Result<Vec<VersionInfo>> {
    let sql = format!("{INFO} WHERE v.plan_id = $1 ORDER BY v.version DESC");
    Ok(run!(conn, c => sqlx::query_as::<_, VersionInfo>(sqlx::AssertSqlSafe(&*sql)).bind(plan_id).fetch_all(c).await)?)
}

pub async fn version(conn: &mut impl Access, plan_id: Uuid, version: i32) -> Result<Option<Version>> {
    let sql = format!("{INFO} WHERE v.plan_id = $1 AND v.version = $2");
    let info: Option<VersionInfo> = run!(conn, c => sqlx::query_as(sqlx::AssertSqlSafe(&*sql)).bind(plan_id).bind(version).fetch_optional(c).await)?;
    let Some(info) = info else { return Ok(None) };
    let sql = "SELECT content FROM plan_versions WHERE plan_id = $1 AND version = $2";
    let content: String = run!(conn, c => sqlx::query_scalar(sql).bind(plan_id).bind(version).fetch_one(c).await)?;
    let content = serde_json::from_str(&content).map_err(|e| StoreError::Database(sqlx::Error::Decode(e.into())))?;
    Ok(Some(Version { info, content }))
}

/// Writes a new version on top of `base` (0 for a plan not yet written), in the caller's
/// transaction. Someone else having saved in between is `StoreError::Taken("base_version")`:
/// the update only takes when the plan is still at `base`.
pub async fn save(
    tx: &mut impl Access,
    trajectory_id: Uuid,
    base: i32,
    content: &PlanContent,
    meta: &VersionMeta,
    by: Uuid,
) -> Result<(Uuid, i32)> {
    let kind = content.kind();
    let at = now();
    let plan_id = match get(tx, trajectory_id, kind).await? {
        None if base == 0 => {
            let id = Uuid::now_v7();
            let sql = "INSERT INTO plans (id, trajectory_id, kind, version, shared_version, participant_version,
                           updated_at)
                       VALUES ($1, $2, $3, 1, $4, $5, $6)";
            let shared = meta.shared.then_some(1);
            let for_participant = meta.shared_with_participant.then_some(1);
            run!(tx, c => sqlx::query(sql).bind(id).bind(trajectory_id).bind(kind.as_str()).bind(shared)
                .bind(for_participant).bind(at).execute(c).await.map(|r| r.rows_affected()))
            .map_err(StoreError::taken_as("base_version"))?;
            id
        }
        Some(plan) if plan.version == base => {
            let sql = "UPDATE plans SET version = version + 1, updated_at = $3,
                           shared_version = CASE WHEN $4 THEN version + 1 ELSE shared_version END,
                           participant_version = CASE WHEN $5 THEN version + 1 ELSE participant_version END
                       WHERE id = $1 AND version = $2";
            let changed = run!(tx, c => sqlx::query(sql).bind(plan.id).bind(base).bind(at).bind(meta.shared)
                .bind(meta.shared_with_participant).execute(c).await.map(|r| r.rows_affected()))?;
            if changed != 1 {
                return Err(StoreError::Taken("base_version"));
            }
            plan.id
        }
        _ => return Err(StoreError::Taken("base_version")),
    };
    let version = base + 1;
    let json = content_json(content);
    let sql = "INSERT INTO plan_versions (plan_id, version, content, shared, consultation_id, group_session_id, note,
                                    created_by, created_at, shared_with_participant)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";
    run!(tx, c => sqlx::query(sql).bind(plan_id).bind(version).bind(&json).bind(meta.shared)
        .bind(meta.consultation_id).bind(meta.group_session_id).bind(&meta.note).bind(by).bind(at)
        .bind(meta.shared_with_participant).execute(c).await.map(|r| r.rows_affected()))
    .map_err(StoreError::taken_as("base_version"))?;
    if let PlanContent::Action(plan) = content {
        keep_steps_due(tx, trajectory_id, plan).await?;
        keep_proposals_waiting(tx, plan_id, plan.has_proposals(), at).await?;
    }
    Ok((plan_id, version))
}

/// A plan's content as `plan_versions.content` holds it (for bulk loads that write versions).
pub fn content_json(content: &PlanContent) -> String {
    serde_json::to_string(content).expect("a plan serialises")
}

/// Keeps the open dated steps of the trajectory's latest action plan, and the soonest of their
/// dates on the trajectory, for the caseload (migration 0027).
async fn keep_steps_due(tx: &mut impl Access, trajectory_id: Uuid, plan: &ActionPlan) -> Result<()> {
    let sql = "DELETE FROM action_steps_open WHERE trajectory_id = $1";
    run!(tx, c => sqlx::query(sql).bind(trajectory_id).execute(c).await.map(|r| r.rows_affected()))?;
    let mut steps = plan.open_steps_due();
    // Step ids are unique within a plan (the plan's parse checks it); dedup guards the key anyway.
    steps.sort_unstable_by(|a, b| a.0.cmp(b.0));
    steps.dedup_by(|a, b| a.0 == b.0);
    let sql = "INSERT INTO action_steps_open (trajectory_id, due_on, step_id) VALUES ($1, $2, $3)";
    for (step_id, due_on) in &steps {
        run!(tx, c => sqlx::query(sql).bind(trajectory_id).bind(*due_on).bind(*step_id)
            .execute(c).await.map(|r| r.rows_affected()))?;
    }
    let soonest = steps.iter().map(|(_, due_on)| *due_on).min();
    let sql = "UPDATE trajectories SET next_step_due_on = $1 WHERE id = $2";
    run!(tx, c => sqlx::query(sql).bind(soonest).bind(trajectory_id).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Keeps since when the plan holds a proposed step nobody answered (the worklist's "steps
/// proposed", migration 0053): set by the first version with one, cleared by one without.
async fn keep_proposals_waiting(tx: &mut impl Access, plan_id: Uuid, waiting: bool, at: DateTime<Utc>) -> Result<()> {
    let sql = "UPDATE plans SET proposal_waiting_since = CASE WHEN $2 THEN COALESCE(proposal_waiting_since, $3) END
               WHERE id = $1";
    run!(tx, c => sqlx::query(sql).bind(plan_id).bind(waiting).bind(at).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Who a plan is shared with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    CareTeam,
    Participant,
}

/// Stops sharing the plan with the care team or the participant: they read no version until one
/// is saved as shared with them again.
pub async fn unshare(tx: &mut impl Access, plan_id: Uuid, audience: Audience) -> Result<()> {
    let sql = match audience {
        Audience::CareTeam => "UPDATE plans SET shared_version = NULL, updated_at = $2 WHERE id = $1",
        Audience::Participant => "UPDATE plans SET participant_version = NULL, updated_at = $2 WHERE id = $1",
    };
    run!(tx, c => sqlx::query(sql).bind(plan_id).bind(now()).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// The comments on a plan that `readers` may read, oldest first: the care team those on shared
/// versions (a coach's comment on a draft stays with the coaches), the participant the
/// conversation with them.
pub async fn comments(conn: &mut impl Access, plan_id: Uuid, readers: Readers) -> Result<Vec<Comment>> {
    let filter = match readers {
        Readers::Coaches => "",
        Readers::CareTeam => "AND v.shared",
        Readers::Participant => "AND m.with_participant",
    };
    let sql = format!(
        "SELECT m.id, m.version, u.display_name AS author_name, m.body, m.with_participant, m.created_at
           FROM plan_comments m
           JOIN users u ON u.id = m.author_id
           JOIN plan_versions v ON v.plan_id = m.plan_id AND v.version = m.version
          WHERE m.plan_id = $1 {filter}
          ORDER BY m.created_at, m.id"
    );
    Ok(run!(conn, c => sqlx::query_as::<_, Comment>(sqlx::AssertSqlSafe(&*sql)).bind(plan_id).fetch_all(c).await)?)
}

/// A new comment: who wrote it on which version, and whether the participant reads it.
#[derive(Debug, Clone)]
pub struct NewComment<'a> {
    pub version: i32,
    pub author: Uuid,
    pub body: &'a str,
    pub with_participant: bool,
}

pub async fn add_comment(tx: &mut impl Access, plan_id: Uuid, new: &NewComment<'_>) -> Result<Uuid> {
    let id = Uuid::now_v7();
    let sql = "INSERT INTO plan_comments (id, plan_id, version, author_id, body, with_participant, created_at)
               VALUES ($1, $2, $3, $4, $5, $6, $7)";
    let at = now();
    let author = new.author;
    run!(tx, c => sqlx::query(sql).bind(id).bind(plan_id).bind(new.version).bind(author).bind(new.body)
        .bind(new.with_participant).bind(at).execute(c).await.map(|r| r.rows_affected()))?;
    // A comment waits for the trajectory's coach until the coach answers (the worklist's
    // "comments waiting", migration 0044); the first unanswered one says since when.
    let sql = "UPDATE plans SET comment_waiting_since = CASE
                   WHEN $2 = (SELECT t.coach_id FROM trajectories t WHERE t.id = plans.trajectory_id) THEN NULL
                   ELSE COALESCE(comment_waiting_since, $3) END
               WHERE id = $1";
    run!(tx, c => sqlx::query(sql).bind(plan_id).bind(author).bind(at)
        .execute(c).await.map(|r| r.rows_affected()))?;
    Ok(id)
}

/// Whether the participant was discussed at the consultation (a version may only cite those).
pub async fn discussed_at(conn: &mut impl Access, consultation_id: Uuid, participant_id: Uuid) -> Result<bool> {
    let sql = "SELECT COUNT(*) FROM consultation_participants WHERE consultation_id = $1 AND participant_id = $2";
    let count: i64 =
        run!(conn, c => sqlx::query_scalar(sql).bind(consultation_id).bind(participant_id).fetch_one(c).await)?;
    Ok(count > 0)
}

/// The group sessions a version may name: those the participant took part in, that is, enrolled,
/// not marked absent or excused (attendance may not be taken yet), and already started. Newest first.
pub async fn sessions_taken_part_in(conn: &mut impl Access, participant_id: Uuid) -> Result<Vec<ParticipantSession>> {
    let sql = format!("{TAKEN_PART} ORDER BY s.starts_at DESC, s.id");
    Ok(
        run!(conn, c => sqlx::query_as::<_, ParticipantSession>(sqlx::AssertSqlSafe(&*sql))
        .bind(participant_id).bind(now()).fetch_all(c).await)?,
    )
}

/// Whether the participant took part in the group session (see [`sessions_taken_part_in`]).
pub async fn took_part_in(conn: &mut impl Access, session_id: Uuid, participant_id: Uuid) -> Result<bool> {
    let sql = format!("{TAKEN_PART} AND s.id = $3");
    let found = run!(conn, c => sqlx::query_as::<_, ParticipantSession>(sqlx::AssertSqlSafe(&*sql))
        .bind(participant_id).bind(now()).bind(session_id).fetch_optional(c).await)?;
    Ok(found.is_some())
}

const TAKEN_PART: &str = "SELECT s.id AS session_id, r.title, s.position, s.on_date, s.starts_at, e.attendance
    FROM session_enrolments e
    JOIN group_sessions s ON s.id = e.session_id
    JOIN session_series r ON r.id = s.series_id
    WHERE e.participant_id = $1 AND s.starts_at <= $2 AND (e.attendance IS NULL OR e.attendance = 'present')";

/// The plans of a participant's trajectories that are shared with them (their portal).
pub async fn shared_with_participant(conn: &mut impl Access, participant_id: Uuid) -> Result<Vec<Plan>> {
    let sql = "SELECT pl.id, pl.trajectory_id, pl.kind, pl.version, pl.shared_version, pl.participant_version,
                      pl.updated_at
                 FROM plans pl JOIN trajectories t ON t.id = pl.trajectory_id
                WHERE t.participant_id = $1 AND pl.participant_version IS NOT NULL
                ORDER BY t.started_on DESC, pl.kind";
    Ok(run!(conn, c => sqlx::query_as::<_, Plan>(sql).bind(participant_id).fetch_all(c).await)?)
}
