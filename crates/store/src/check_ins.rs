//! Check-ins after exit: scheduled from the programme's follow-up months, then recorded.

use crate::{Access, Result, StoreError, run};
use chrono::{Months, NaiveDate};
use onramp_domain::outcomes::CheckInInput;
use onramp_domain::policy::Actor;
use serde::Serialize;
use uuid::Uuid;

#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq)]
pub struct CheckIn {
    pub id: Uuid,
    pub trajectory_id: Uuid,
    pub participant_id: Uuid,
    pub participant_name: String,
    pub programme_name: String,
    pub months_after_exit: i32,
    pub due_on: NaiveDate,
    pub done_on: Option<NaiveDate>,
    pub contact_made: Option<bool>,
    pub situation: Option<String>,
    pub needs_more_service: Option<bool>,
    pub note: Option<String>,
}

const SELECT: &str = "SELECT c.id, c.trajectory_id, c.participant_id,
        p.first_name || ' ' || p.last_name AS participant_name, g.name AS programme_name, c.months_after_exit,
        c.due_on, c.done_on, c.contact_made, c.situation, c.needs_more_service, c.note
    FROM check_ins c
    JOIN trajectories t ON t.id = c.trajectory_id
    JOIN participants p ON p.id = c.participant_id
    JOIN programmes g ON g.id = t.programme_id";

/// Schedules one check-in per follow-up month after `ended_on`.
pub async fn schedule(
    tx: &mut impl Access,
    trajectory_id: Uuid,
    participant_id: Uuid,
    ended_on: NaiveDate,
    months: &[i32],
) -> Result<()> {
    let sql = "INSERT INTO check_ins (id, trajectory_id, participant_id, months_after_exit, due_on)
               VALUES ($1, $2, $3, $4, $5) ON CONFLICT (trajectory_id, months_after_exit) DO NOTHING";
    for &m in months {
        let due = ended_on
            .checked_add_months(Months::new(m.max(0) as u32))
            .unwrap_or(NaiveDate::MAX);
        run!(tx, c => sqlx::query(sql).bind(Uuid::now_v7()).bind(trajectory_id).bind(participant_id).bind(m).bind(due)
            .execute(c).await.map(|r| r.rows_affected()))?;
    }
    Ok(())
}

pub async fn get(conn: &mut impl Access, id: Uuid) -> Result<Option<CheckIn>> {
    let sql = format!("{SELECT} WHERE c.id = $1");
    Ok(run!(conn, c => sqlx::query_as::<_, CheckIn>(sqlx::AssertSqlSafe(&*sql)).bind(id).fetch_optional(c).await)?)
}

pub async fn for_participant(conn: &mut impl Access, participant_id: Uuid) -> Result<Vec<CheckIn>> {
    let sql = format!("{SELECT} WHERE c.participant_id = $1 ORDER BY c.due_on, c.id");
    Ok(
        run!(conn, c => sqlx::query_as::<_, CheckIn>(sqlx::AssertSqlSafe(&*sql)).bind(participant_id).fetch_all(c).await)?,
    )
}

/// Check-ins not yet done that fall due by `until` among the trajectories the actor sees in the
/// caseload, soonest first. Care teams follow up through the coach: their partners bring none.
pub async fn due(conn: &mut impl Access, actor: &Actor, until: NaiveDate) -> Result<Vec<CheckIn>> {
    let (sql, ids) = match crate::caseload::small_scope(actor, 2, false, "t.ended_on IS NOT NULL") {
        // A coach's or a partner's few thousand trajectories: their ended ones from the scope
        // indexes, then each one's open check-ins (`check_ins_open`), and only the 200 soonest
        // read in full. Walking every open check-in by date took 49 ms for a coach at 2.5 million.
        Some((ended, ids)) => (
            format!(
                "{SELECT} WHERE c.id IN (SELECT o.id FROM ({ended}) s JOIN check_ins o ON o.trajectory_id = s.id
                    WHERE o.done_on IS NULL AND o.due_on <= $1 ORDER BY o.due_on, o.id LIMIT 200)
                 ORDER BY c.due_on, c.id"
            ),
            ids,
        ),
        // A region holds a fifth of everything: walking the open check-ins by date finds its 200
        // soonest after about a thousand.
        None => {
            let (visible, ids) = crate::caseload::visible_condition(actor, 2, false);
            let sql = format!(
                "{SELECT} WHERE c.done_on IS NULL AND c.due_on <= $1 AND {visible} ORDER BY c.due_on, c.id LIMIT 200"
            );
            (sql, ids)
        }
    };
    Ok(run!(conn, c => {
        let mut q = sqlx::query_as::<_, CheckIn>(sqlx::AssertSqlSafe(&*sql)).bind(until);
        for id in &ids {
            q = q.bind(*id);
        }
        q.fetch_all(c).await
    })?)
}

/// Records a check-in; `NotFound` when it was already done.
pub async fn record(tx: &mut impl Access, id: Uuid, input: &CheckInInput, by: Uuid) -> Result<CheckIn> {
    let sql =
        "UPDATE check_ins SET done_on = $1, contact_made = $2, situation = $3, needs_more_service = $4, note = $5,
                   recorded_by = $6 WHERE id = $7 AND done_on IS NULL";
    let done = run!(tx, c => sqlx::query(sql)
        .bind(input.done_on).bind(input.contact_made).bind(input.situation.map(|s| s.as_str()))
        .bind(input.needs_more_service).bind(&input.note).bind(by).bind(id)
        .execute(c).await.map(|r| r.rows_affected()))?;
    if done == 0 {
        return Err(StoreError::NotFound);
    }
    get(tx, id).await?.ok_or(StoreError::NotFound)
}
