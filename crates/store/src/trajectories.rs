//! Trajectories and their dated history.

use crate::{Access, Result, StoreError, check_ins, now, run};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use uuid::Uuid;

#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq)]
pub struct Trajectory {
    pub id: Uuid,
    pub participant_id: Uuid,
    pub programme_id: Uuid,
    pub programme_name: String,
    pub organisation_id: Uuid,
    pub organisation_name: String,
    pub location_id: Option<Uuid>,
    pub location_name: Option<String>,
    pub region_id: Option<Uuid>,
    pub coach_id: Option<Uuid>,
    pub coach_name: Option<String>,
    pub started_on: NaiveDate,
    pub ends_by: NaiveDate,
    pub phase: String,
    pub phase_since: NaiveDate,
    pub ended_on: Option<NaiveDate>,
    pub exit_reason: Option<String>,
    /// The ESF+ situation upon leaving, when recorded.
    pub exit_situation: Option<String>,
    /// Where a handover to job mediation took the person (exit reason `job_mediation`): the
    /// receiving organisation and its service.
    pub mediation_organisation_id: Option<Uuid>,
    pub mediation_organisation_name: Option<String>,
    pub mediation_service: Option<String>,
    pub last_contact_on: Option<NaiveDate>,
    /// The soonest due date of the trajectory's open action-plan steps (kept with each plan save).
    pub next_step_due_on: Option<NaiveDate>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

const SELECT: &str = "SELECT t.id, t.participant_id, t.programme_id, g.name AS programme_name, t.organisation_id,
        o.name AS organisation_name, t.location_id, l.name AS location_name, t.region_id, t.coach_id,
        u.display_name AS coach_name, t.started_on, t.ends_by, t.phase, t.phase_since, t.ended_on, t.exit_reason,
        t.exit_situation, t.mediation_organisation_id, m.name AS mediation_organisation_name, t.mediation_service,
        t.last_contact_on, t.next_step_due_on, t.created_at, t.updated_at
    FROM trajectories t
    JOIN programmes g ON g.id = t.programme_id
    JOIN organisations o ON o.id = t.organisation_id
    LEFT JOIN organisations m ON m.id = t.mediation_organisation_id
    LEFT JOIN locations l ON l.id = t.location_id
    LEFT JOIN users u ON u.id = t.coach_id";

/// What starting a trajectory needs, already checked by the caller.
#[derive(Debug, Clone)]
pub struct NewTrajectory {
    pub participant_id: Uuid,
    pub participant_name: String,
    pub programme_id: Uuid,
    pub organisation_id: Uuid,
    pub region_id: Option<Uuid>,
    pub location_id: Option<Uuid>,
    pub coach_id: Option<Uuid>,
    pub started_on: NaiveDate,
    pub ends_by: NaiveDate,
    pub first_phase: String,
}

pub async fn start(tx: &mut impl Access, new: &NewTrajectory, by: Option<Uuid>) -> Result<Trajectory> {
    start_with_id(tx, Uuid::now_v7(), new, by).await
}

/// Starts a trajectory with a given id (an import that carries ids from an export).
pub async fn start_with_id(
    tx: &mut impl Access,
    id: Uuid,
    new: &NewTrajectory,
    by: Option<Uuid>,
) -> Result<Trajectory> {
    let at = now();
    let sql =
        "INSERT INTO trajectories (id, participant_id, programme_id, organisation_id, location_id, region_id, coach_id,
                   participant_name, started_on, ends_by, phase, phase_since, created_at, updated_at)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $9, $12, $12)";
    run!(tx, c => sqlx::query(sql)
        .bind(id).bind(new.participant_id).bind(new.programme_id).bind(new.organisation_id).bind(new.location_id)
        .bind(new.region_id).bind(new.coach_id).bind(&new.participant_name).bind(new.started_on).bind(new.ends_by)
        .bind(&new.first_phase).bind(at)
        .execute(c).await.map(|r| r.rows_affected()))
    .map_err(StoreError::taken_as("programme_id"))?;
    event(tx, id, "start", new.started_on, None, Some(&new.first_phase), None, by).await?;
    crate::dashboard::counts::refresh(tx, new.participant_id).await?;
    get(tx, id).await?.ok_or(StoreError::NotFound)
}

/// Starts many trajectories with a few statements (an import's), each with its start event and,
/// when it ended already, its exit and its check-ins after exit; counts them for the dashboard.
/// Returns them as at their start.
pub async fn start_many(
    tx: &mut impl Access,
    starts: Vec<(Uuid, NewTrajectory, Option<Exit<'_>>)>,
    names: &Names,
    by: Option<Uuid>,
) -> Result<Vec<Trajectory>> {
    use crate::bulk::Value::{At, Date, Id, OptDate, OptId, OptText, Text};
    let at = now();
    let mut rows = Vec::with_capacity(starts.len());
    let mut events = Vec::with_capacity(starts.len());
    for (id, new, exit) in &starts {
        rows.push(vec![
            Id(*id),
            Id(new.participant_id),
            Id(new.programme_id),
            Id(new.organisation_id),
            OptId(new.location_id),
            OptId(new.region_id),
            OptId(new.coach_id),
            Text(new.participant_name.clone()),
            Date(new.started_on),
            Date(new.ends_by),
            Text(new.first_phase.clone()),
            Date(new.started_on),
            OptDate(exit.map(|e| e.on)),
            OptText(exit.map(|e| e.reason.to_owned())),
            OptText(exit.and_then(|e| e.situation.map(str::to_owned))),
            At(at),
            At(at),
        ]);
        let event = |kind: &str, on, to: &str, note: Option<&str>| {
            vec![
                Id(*id),
                Text(kind.to_owned()),
                Date(on),
                OptText(None),
                OptText(Some(to.to_owned())),
                OptText(note.map(str::to_owned)),
                OptId(by),
                At(at),
            ]
        };
        events.push(event("start", new.started_on, &new.first_phase, None));
        if let Some(exit) = exit {
            events.push(event("exit", exit.on, exit.reason, exit.note));
        }
    }
    let columns = &[
        "id",
        "participant_id",
        "programme_id",
        "organisation_id",
        "location_id",
        "region_id",
        "coach_id",
        "participant_name",
        "started_on",
        "ends_by",
        "phase",
        "phase_since",
        "ended_on",
        "exit_reason",
        "exit_situation",
        "created_at",
        "updated_at",
    ];
    crate::bulk::insert(tx, "trajectories", columns, &rows).await?;
    let columns = &[
        "trajectory_id",
        "kind",
        "on_date",
        "from_value",
        "to_value",
        "note",
        "by_user_id",
        "at",
    ];
    crate::bulk::insert(tx, "trajectory_events", columns, &events).await?;
    let ended: Vec<check_ins::Ended> = starts
        .iter()
        .filter_map(|(id, new, exit)| {
            exit.map(|e| check_ins::Ended {
                trajectory_id: *id,
                participant_id: new.participant_id,
                programme_id: new.programme_id,
                on: e.on,
            })
        })
        .collect();
    check_ins::schedule(tx, &ended).await?;
    // Counted after the check-ins are scheduled: the cost-benefit counts those (check_in:6, …).
    let ids: Vec<Uuid> = starts.iter().map(|(id, _, _)| *id).collect();
    crate::dashboard::counts::count_new(tx, &ids).await?;
    Ok(starts
        .into_iter()
        .map(|(id, new, _)| Trajectory {
            id,
            participant_id: new.participant_id,
            programme_id: new.programme_id,
            programme_name: names.programmes.get(&new.programme_id).cloned().unwrap_or_default(),
            organisation_id: new.organisation_id,
            organisation_name: names
                .organisations
                .get(&new.organisation_id)
                .cloned()
                .unwrap_or_default(),
            location_id: new.location_id,
            location_name: None,
            region_id: new.region_id,
            coach_id: new.coach_id,
            coach_name: new.coach_id.and_then(|c| names.coaches.get(&c).cloned()),
            started_on: new.started_on,
            ends_by: new.ends_by,
            phase: new.first_phase,
            phase_since: new.started_on,
            ended_on: None,
            exit_reason: None,
            exit_situation: None,
            mediation_organisation_id: None,
            mediation_organisation_name: None,
            mediation_service: None,
            last_contact_on: None,
            next_step_due_on: None,
            created_at: at,
            updated_at: at,
        })
        .collect())
}

/// The names [`start_many`] returns with its trajectories, by id (the caller looked them up).
#[derive(Debug, Clone, Default)]
pub struct Names {
    pub programmes: std::collections::HashMap<Uuid, String>,
    pub organisations: std::collections::HashMap<Uuid, String>,
    pub coaches: std::collections::HashMap<Uuid, String>,
}

pub async fn change_phase(
    tx: &mut impl Access,
    id: Uuid,
    phase: &str,
    on: NaiveDate,
    note: Option<&str>,
    by: Option<Uuid>,
) -> Result<Trajectory> {
    let before = get(tx, id).await?.ok_or(StoreError::NotFound)?;
    let sql = "UPDATE trajectories SET phase = $1, phase_since = $2, updated_at = $3 WHERE id = $4";
    run!(tx, c => sqlx::query(sql).bind(phase).bind(on).bind(now()).bind(id).execute(c).await.map(|r| r.rows_affected()))?;
    event(tx, id, "phase", on, Some(&before.phase), Some(phase), note, by).await?;
    get(tx, id).await?.ok_or(StoreError::NotFound)
}

/// A new responsible person (a handover to a job mediator of the same team): the trajectory goes on.
pub async fn hand_over(
    tx: &mut impl Access,
    id: Uuid,
    coach_id: Uuid,
    on: NaiveDate,
    note: Option<&str>,
    by: Option<Uuid>,
) -> Result<Trajectory> {
    let before = get(tx, id).await?.ok_or(StoreError::NotFound)?;
    let sql = "UPDATE trajectories SET coach_id = $1, updated_at = $2 WHERE id = $3";
    run!(tx, c => sqlx::query(sql).bind(coach_id).bind(now()).bind(id).execute(c).await.map(|r| r.rows_affected()))
        .map_err(StoreError::taken_as("coach_id"))?;
    // The dashboard counts a trajectory under its responsible coach.
    crate::dashboard::counts::refresh(tx, before.participant_id).await?;
    let from = before.coach_id.map(|c| c.to_string());
    event(
        tx,
        id,
        "handover",
        on,
        from.as_deref(),
        Some(&coach_id.to_string()),
        note,
        by,
    )
    .await?;
    get(tx, id).await?.ok_or(StoreError::NotFound)
}

/// How a trajectory ends: the date, the reason, the ESF+ situation upon leaving (if known) and a note.
#[derive(Debug, Clone, Copy)]
pub struct Exit<'a> {
    pub on: NaiveDate,
    pub reason: &'a str,
    pub situation: Option<&'a str>,
    pub note: Option<&'a str>,
}

/// Ends an open trajectory (`NotFound` when it already ended), keeps the event and schedules the
/// programme's check-ins after exit.
pub async fn exit(tx: &mut impl Access, id: Uuid, exit: &Exit<'_>, by: Option<Uuid>) -> Result<Trajectory> {
    let sql = "UPDATE trajectories SET ended_on = $1, exit_reason = $2, exit_situation = $3, updated_at = $4
               WHERE id = $5 AND ended_on IS NULL";
    let done = run!(tx, c => sqlx::query(sql).bind(exit.on).bind(exit.reason).bind(exit.situation).bind(now()).bind(id)
        .execute(c).await.map(|r| r.rows_affected()))?;
    if done == 0 {
        return Err(StoreError::NotFound);
    }
    event(tx, id, "exit", exit.on, None, Some(exit.reason), exit.note, by).await?;
    let ended = get(tx, id).await?.ok_or(StoreError::NotFound)?;
    let follow_up = check_ins::Ended {
        trajectory_id: id,
        participant_id: ended.participant_id,
        programme_id: ended.programme_id,
        on: exit.on,
    };
    check_ins::schedule(tx, &[follow_up]).await?;
    // After the check-ins are scheduled: the counts include them (check_in:6, …).
    crate::dashboard::counts::refresh(tx, ended.participant_id).await?;
    Ok(ended)
}

/// Records or corrects the ESF+ situation upon leaving of an ended trajectory (within four weeks of
/// the exit: the caller checks), keeping the change as an event of the day it was recorded.
pub async fn record_leaving_situation(
    tx: &mut impl Access,
    id: Uuid,
    situation: &str,
    on: NaiveDate,
    by: Option<Uuid>,
) -> Result<Trajectory> {
    let before = get(tx, id).await?.ok_or(StoreError::NotFound)?;
    let sql = "UPDATE trajectories SET exit_situation = $1, updated_at = $2 WHERE id = $3 AND ended_on IS NOT NULL";
    let done = run!(tx, c => sqlx::query(sql).bind(situation).bind(now()).bind(id)
        .execute(c).await.map(|r| r.rows_affected()))?;
    if done == 0 {
        return Err(StoreError::NotFound);
    }
    let from = before.exit_situation.as_deref();
    event(tx, id, "leaving_situation", on, from, Some(situation), None, by).await?;
    // The situation upon leaving is an ESF+ result (EECR01-EECR04).
    crate::dashboard::counts::refresh(tx, before.participant_id).await?;
    get(tx, id).await?.ok_or(StoreError::NotFound)
}

/// Records where a handover to job mediation took the person, on the trajectory it ended (in the
/// exit's transaction).
pub async fn record_mediation(tx: &mut impl Access, id: Uuid, organisation_id: Uuid, service: &str) -> Result<()> {
    let sql = "UPDATE trajectories SET mediation_organisation_id = $1, mediation_service = $2, updated_at = $3
               WHERE id = $4";
    run!(tx, c => sqlx::query(sql).bind(organisation_id).bind(service).bind(now()).bind(id)
        .execute(c).await.map(|r| r.rows_affected()))
    .map_err(StoreError::taken_as("mediation_organisation_id"))?;
    Ok(())
}

#[allow(clippy::too_many_arguments)]
async fn event(
    tx: &mut impl Access,
    trajectory_id: Uuid,
    kind: &str,
    on: NaiveDate,
    from: Option<&str>,
    to: Option<&str>,
    note: Option<&str>,
    by: Option<Uuid>,
) -> Result<()> {
    let sql = "INSERT INTO trajectory_events (trajectory_id, kind, on_date, from_value, to_value, note, by_user_id, at)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
    run!(tx, c => sqlx::query(sql)
        .bind(trajectory_id).bind(kind).bind(on).bind(from).bind(to).bind(note).bind(by).bind(now())
        .execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn get(conn: &mut impl Access, id: Uuid) -> Result<Option<Trajectory>> {
    let sql = format!("{SELECT} WHERE t.id = $1");
    Ok(run!(conn, c => sqlx::query_as::<_, Trajectory>(sqlx::AssertSqlSafe(&*sql)).bind(id).fetch_optional(c).await)?)
}

/// A participant's trajectories, newest first.
pub async fn list_for(conn: &mut impl Access, participant_id: Uuid) -> Result<Vec<Trajectory>> {
    let sql = format!("{SELECT} WHERE t.participant_id = $1 ORDER BY t.started_on DESC, t.id DESC");
    Ok(
        run!(conn, c => sqlx::query_as::<_, Trajectory>(sqlx::AssertSqlSafe(&*sql)).bind(participant_id).fetch_all(c).await)?,
    )
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq)]
pub struct Event {
    pub id: i64,
    pub trajectory_id: Uuid,
    pub kind: String,
    pub on_date: NaiveDate,
    pub from_value: Option<String>,
    pub to_value: Option<String>,
    pub note: Option<String>,
    pub by_user_id: Option<Uuid>,
    pub by_name: Option<String>,
    pub at: DateTime<Utc>,
}

/// The history of all of a participant's trajectories, newest first: the timeline.
pub async fn events_for(conn: &mut impl Access, participant_id: Uuid) -> Result<Vec<Event>> {
    let sql = "SELECT e.id, e.trajectory_id, e.kind, e.on_date, e.from_value, e.to_value, e.note, e.by_user_id,
                      u.display_name AS by_name, e.at
               FROM trajectory_events e JOIN trajectories t ON t.id = e.trajectory_id
               LEFT JOIN users u ON u.id = e.by_user_id
               WHERE t.participant_id = $1
               ORDER BY e.on_date DESC, e.id DESC";
    Ok(run!(conn, c => sqlx::query_as::<_, Event>(sql).bind(participant_id).fetch_all(c).await)?)
}

/// Participants with an open trajectory at one partner, followed by one coach (for demo data and lists).
pub async fn open_for_coach_at(
    conn: &mut impl Access,
    coach_id: Uuid,
    organisation_id: Uuid,
    limit: i64,
) -> Result<Vec<Uuid>> {
    let sql = "SELECT participant_id FROM trajectories
               WHERE coach_id = $1 AND organisation_id = $2 AND ended_on IS NULL
               ORDER BY participant_name, id LIMIT $3";
    Ok(
        run!(conn, c => sqlx::query_scalar::<_, Uuid>(sql).bind(coach_id).bind(organisation_id).bind(limit).fetch_all(c).await)?,
    )
}

/// Up to `limit` names of open trajectories in a region, in id order (spread through the
/// alphabet; for benchmarks that search for people who are in the caseload).
pub async fn names_in_region(conn: &mut impl Access, region_id: Uuid, limit: i64) -> Result<Vec<String>> {
    let sql =
        "SELECT participant_name FROM trajectories WHERE region_id = $1 AND ended_on IS NULL ORDER BY id LIMIT $2";
    Ok(run!(conn, c => sqlx::query_scalar::<_, String>(sql).bind(region_id).bind(limit).fetch_all(c).await)?)
}

/// Many trajectories by id, a few statements whatever their number (an export's pages).
pub async fn get_many(conn: &mut impl Access, ids: &[Uuid]) -> Result<std::collections::HashMap<Uuid, Trajectory>> {
    let rows: Vec<Trajectory> = crate::bulk::select_in(conn, &format!("{SELECT} WHERE t.id IN"), ids).await?;
    Ok(rows.into_iter().map(|t| (t.id, t)).collect())
}
