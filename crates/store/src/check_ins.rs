//! Check-ins after exit: scheduled from the programme's follow-up months, then recorded.

use crate::{Access, Result, StoreError, run};
use chrono::{Months, NaiveDate};
use onramp_domain::outcomes::{CheckInClosure, CheckInInput};
use onramp_domain::policy::Actor;
use serde::Serialize;
use std::collections::HashMap;
use std::collections::hash_map::Entry;
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
    /// Closed without being held, and why (`re_entered`); `done_on` is then the day it closed.
    pub closed_as: Option<String>,
    /// Where the person went when the trajectory ended with a handover to job mediation.
    pub mediation_organisation_name: Option<String>,
    pub mediation_service: Option<String>,
}

const SELECT: &str = "SELECT c.id, c.trajectory_id, c.participant_id,
        p.first_name || ' ' || p.last_name AS participant_name, g.name AS programme_name, c.months_after_exit,
        c.due_on, c.done_on, c.contact_made, c.situation, c.needs_more_service, c.note, c.closed_as,
        m.name AS mediation_organisation_name, t.mediation_service
    FROM check_ins c
    JOIN trajectories t ON t.id = c.trajectory_id
    JOIN participants p ON p.id = c.participant_id
    JOIN programmes g ON g.id = t.programme_id
    LEFT JOIN organisations m ON m.id = t.mediation_organisation_id";

/// A trajectory that has just ended, whose follow-up is to be scheduled.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Ended {
    pub trajectory_id: Uuid,
    pub participant_id: Uuid,
    pub programme_id: Uuid,
    pub on: NaiveDate,
}

/// Starts the follow-up of trajectories that have just ended (one by an exit, many by an import):
/// one check-in per follow-up month of each one's programme, counted from its exit. Every exit
/// goes through here, so no way of ending a trajectory can skip its monitoring and aftercare.
/// A trajectory ends once (an exit needs it open, and nothing reopens one), so its check-ins are
/// new: they are inserted without a conflict clause, and their next due date is set without the
/// row lock `keep_next_due` takes, as no other transaction can see them yet.
pub(crate) async fn schedule(tx: &mut impl Access, ended: &[Ended]) -> Result<()> {
    use crate::bulk::Value::{Date, Id, Int};
    let mut months_of = HashMap::new();
    let mut rows = Vec::new();
    for e in ended {
        if let Entry::Vacant(slot) = months_of.entry(e.programme_id) {
            slot.insert(crate::programmes::follow_up_months(tx, e.programme_id).await?);
        }
        for &m in &months_of[&e.programme_id] {
            let due =
                e.on.checked_add_months(Months::new(m.max(0) as u32))
                    .unwrap_or(NaiveDate::MAX);
            rows.push(vec![
                Id(Uuid::now_v7()),
                Id(e.trajectory_id),
                Id(e.participant_id),
                Int(m),
                Date(due),
            ]);
        }
    }
    let columns = &["id", "trajectory_id", "participant_id", "months_after_exit", "due_on"];
    crate::bulk::insert(tx, "check_ins", columns, &rows).await?;
    let ids: Vec<Uuid> = ended.iter().map(|e| e.trajectory_id).collect();
    crate::bulk::execute_in(tx, &format!("{NEXT_DUE} WHERE id IN"), &ids).await?;
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

/// How many check-ins a due list holds at most.
const DUE_LISTED: usize = 200;

/// Check-ins not yet done that fall due by `until` among the trajectories of the actor's
/// `policy::check_in_scope` (the caseload without the care team's part: care teams follow up
/// through the coach), soonest first (at most `DUE_LISTED`).
///
/// Each part of the scope walks its trajectories by their soonest open check-in
/// (`next_check_in_on`) and keeps the first `DUE_LISTED`. Of all the dates kept, the
/// `DUE_LISTED`-th in order is a cut that every one of the soonest `DUE_LISTED` check-ins falls on or
/// before. Only the trajectories up to the cut are then read for their check-ins, so a list reads
/// about as many entries as it shows, for a coach as for everything.
pub async fn due(conn: &mut impl Access, actor: &Actor, until: NaiveDate) -> Result<Vec<CheckIn>> {
    due_in(conn, onramp_domain::policy::check_in_scope(actor), actor, until).await
}

/// [`due`] within another scope of trajectories (the worklist's: a coach's own).
pub async fn due_in(
    conn: &mut impl Access,
    scope: onramp_domain::policy::CaseloadScope,
    actor: &Actor,
    until: NaiveDate,
) -> Result<Vec<CheckIn>> {
    let (parts, ids) = crate::scope::caseload_parts(scope, actor, &crate::scope::TRAJECTORY, 2);
    if parts.is_empty() {
        return Ok(Vec::new());
    }
    let firsts: Vec<String> = parts
        .iter()
        .map(|part| {
            format!(
                "SELECT id, d FROM (SELECT t.id, t.next_check_in_on AS d FROM trajectories t
                    WHERE {part} AND t.next_check_in_on <= $1 ORDER BY t.next_check_in_on LIMIT {DUE_LISTED}) f"
            )
        })
        .collect();
    // Every trajectory before the cut is among the firsts of its part; those on the cut's date
    // may not be (ties), so they are added. Asked as an equality, the planner expects a day's few
    // rather than a region's thousands, and reads them without parallel workers.
    let on_cut: Vec<String> = parts
        .iter()
        .map(|part| {
            format!("SELECT t.id FROM trajectories t WHERE {part} AND t.next_check_in_on = (SELECT d FROM cut)")
        })
        .collect();
    // UNION, not UNION ALL: a trajectory in two parts of the scope counts once towards the cut.
    let sql = format!(
        "WITH firsts AS ({firsts}),
              cut AS (SELECT COALESCE((SELECT d FROM firsts ORDER BY d LIMIT 1 OFFSET {last}), $1) AS d),
              within AS (SELECT id FROM firsts UNION {on_cut})
         {SELECT} WHERE c.id IN (SELECT o.id FROM within s JOIN check_ins o ON o.trajectory_id = s.id
             WHERE o.done_on IS NULL AND o.due_on <= $1 ORDER BY o.due_on, o.id LIMIT {DUE_LISTED})
         ORDER BY c.due_on, c.id",
        last = DUE_LISTED - 1,
        firsts = firsts.join(" UNION "),
        on_cut = on_cut.join(" UNION "),
    );
    let mut due: Vec<CheckIn> = run!(conn, c => {
        let mut q = sqlx::query_as::<_, CheckIn>(sqlx::AssertSqlSafe(&*sql)).bind(until);
        for id in &ids {
            q = q.bind(*id);
        }
        q.fetch_all(c).await
    })?;
    // A withdrawal closes the person's check-ins; an end that passed acts the same with nothing
    // written, so their check-ins are left out here (recording one is refused).
    let people: Vec<Uuid> = due.iter().map(|c| c.participant_id).collect();
    let lapsed = crate::consents::participation_lapses(conn, &people).await?;
    due.retain(|c| !lapsed.contains_key(&c.participant_id));
    Ok(due)
}

/// Sets `next_check_in_on` of the trajectories the caller's `WHERE` names to their soonest open
/// check-in's due date (none when all are done).
const NEXT_DUE: &str = "UPDATE trajectories SET next_check_in_on = (SELECT min(c.due_on) FROM check_ins c
                            WHERE c.trajectory_id = trajectories.id AND c.done_on IS NULL)";

/// Keeps the trajectory's `next_check_in_on`, the due date of its soonest open check-in, in step
/// with its check-ins when one is recorded (`schedule` sets it with `NEXT_DUE` for new ones).
async fn keep_next_due(tx: &mut impl Access, trajectory_id: Uuid) -> Result<()> {
    // Two check-ins of one trajectory recorded at once would each miss the other's change.
    crate::lock_row(tx, "trajectories", trajectory_id).await?;
    let sql = format!("{NEXT_DUE} WHERE id = $1");
    run!(tx, c => sqlx::query(sqlx::AssertSqlSafe(&*sql)).bind(trajectory_id).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
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
    let check_in = get(tx, id).await?.ok_or(StoreError::NotFound)?;
    keep_next_due(tx, check_in.trajectory_id).await?;
    // The cost-benefit counts check-ins held and people in work at them.
    crate::dashboard::counts::refresh(tx, check_in.participant_id).await?;
    Ok(check_in)
}

/// Closes the check-ins still open of one trajectory (`trajectory_id`), or of all of a
/// participant's (`participant_id`), on `on` as `closure` says. Returns the ids closed.
pub async fn close_open(
    tx: &mut impl Access,
    which: Which,
    on: NaiveDate,
    closure: CheckInClosure,
    by: Uuid,
) -> Result<Vec<Uuid>> {
    let (column, id) = match which {
        Which::Trajectory(id) => ("trajectory_id", id),
        Which::Participant(id) => ("participant_id", id),
    };
    let sql =
        format!("SELECT id, trajectory_id FROM check_ins WHERE {column} = $1 AND done_on IS NULL ORDER BY due_on, id");
    let open: Vec<(Uuid, Uuid)> =
        run!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(&*sql)).bind(id).fetch_all(c).await)?;
    if open.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "UPDATE check_ins SET done_on = $1, closed_as = $2, recorded_by = $3 WHERE {column} = $4 AND done_on IS NULL"
    );
    run!(tx, c => sqlx::query(sqlx::AssertSqlSafe(&*sql)).bind(on).bind(closure.as_str()).bind(by).bind(id)
        .execute(c).await.map(|r| r.rows_affected()))?;
    let mut trajectories: Vec<Uuid> = open.iter().map(|(_, t)| *t).collect();
    trajectories.sort_unstable();
    trajectories.dedup();
    for trajectory_id in trajectories {
        keep_next_due(tx, trajectory_id).await?;
    }
    // A closed check-in is one that did not reach the person: the counts (check-ins held, the
    // ESF+ six-month results) change with it.
    let sql = format!("SELECT DISTINCT participant_id FROM check_ins WHERE {column} = $1");
    let people: Vec<Uuid> = run!(tx, c => sqlx::query_scalar(sqlx::AssertSqlSafe(&*sql)).bind(id).fetch_all(c).await)?;
    crate::dashboard::counts::refresh_many(tx, &people).await?;
    Ok(open.into_iter().map(|(id, _)| id).collect())
}

/// Whose open check-ins [`close_open`] closes.
#[derive(Debug, Clone, Copy)]
pub enum Which {
    Trajectory(Uuid),
    Participant(Uuid),
}
