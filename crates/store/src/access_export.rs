//! The reads an access export (GDPR Art. 15 and 20) needs that the file's pages do not make: every
//! plan of a person's trajectories, and the outreach action the person came through. Each keeps
//! to what concerns the person: an action's description and head count are about everyone reached.

use crate::{Access, Result, run};
use chrono::NaiveDate;
use serde::Serialize;
use uuid::Uuid;

/// A plan of one of the person's trajectories, found by the trajectory.
#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq)]
pub struct PlanOf {
    pub id: Uuid,
    pub trajectory_id: Uuid,
    pub kind: String,
    pub version: i32,
    pub shared_version: Option<i32>,
}

/// Every plan of the participant's trajectories, by trajectory and kind.
pub async fn plans(conn: &mut impl Access, participant_id: Uuid) -> Result<Vec<PlanOf>> {
    let sql = "SELECT p.id, p.trajectory_id, p.kind, p.version, p.shared_version
               FROM plans p JOIN trajectories t ON t.id = p.trajectory_id
               WHERE t.participant_id = $1 ORDER BY t.started_on, p.trajectory_id, p.kind";
    Ok(run!(conn, c => sqlx::query_as::<_, PlanOf>(sql).bind(participant_id).fetch_all(c).await)?)
}

/// The outreach (presence) action through which the person came, as far as it concerns them.
#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq)]
pub struct ReachedThrough {
    pub kind: String,
    pub kind_name: String,
    pub on_date: NaiveDate,
    pub organisation_name: String,
    pub location_name: Option<String>,
}

pub async fn reached_through(conn: &mut impl Access, participant_id: Uuid) -> Result<Option<ReachedThrough>> {
    let sql = "SELECT a.kind, k.name AS kind_name, a.on_date, o.name AS organisation_name, l.name AS location_name
               FROM participants p
               JOIN presence_actions a ON a.id = p.presence_action_id
               JOIN presence_kinds k ON k.code = a.kind
               JOIN organisations o ON o.id = a.organisation_id
               LEFT JOIN locations l ON l.id = a.location_id
               WHERE p.id = $1";
    Ok(run!(conn, c => sqlx::query_as::<_, ReachedThrough>(sql).bind(participant_id).fetch_optional(c).await)?)
}
