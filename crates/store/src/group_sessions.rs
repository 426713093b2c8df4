//! Group sessions, their series, enrolments and attendance.

use crate::bulk::Value::{self, At, Date, Id, Int};
use crate::tokens::random_token;
use crate::{Access, Result, StoreError, now, run};
use chrono::{DateTime, NaiveDate, Utc};
use onramp_domain::policy::{SessionRef, SessionScope};
use onramp_domain::sessions::{Attendance, SeriesInput, local_day};
use serde::Serialize;
use uuid::Uuid;

#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq)]
pub struct GroupSession {
    pub id: Uuid,
    pub series_id: Uuid,
    pub position: i32,
    pub series_size: i64,
    pub programme_id: Uuid,
    pub programme_name: String,
    pub module: String,
    pub title: String,
    pub organisation_id: Uuid,
    pub organisation_name: String,
    pub region_id: Option<Uuid>,
    pub open_to_partners: bool,
    pub starts_at: DateTime<Utc>,
    pub on_date: NaiveDate,
    pub minutes: i32,
    pub location_id: Option<Uuid>,
    pub location_name: Option<String>,
    pub online: bool,
    pub room: Option<String>,
    pub capacity: i32,
    pub enrolled: i64,
    pub coach_id: Option<Uuid>,
    pub coach_name: Option<String>,
    pub peer_expert_id: Option<Uuid>,
    pub peer_expert_name: Option<String>,
}

/// Where a page of sessions ended: its last session's start and id.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SessionCursor {
    pub starts_at: DateTime<Utc>,
    pub id: Uuid,
}

impl GroupSession {
    pub fn cursor(&self) -> SessionCursor {
        SessionCursor {
            starts_at: self.starts_at,
            id: self.id,
        }
    }

    pub fn as_ref(&self) -> SessionRef {
        SessionRef {
            organisation_id: self.organisation_id,
            region_id: self.region_id,
            coach_id: self.coach_id,
            peer_expert_id: self.peer_expert_id,
            open_to_partners: self.open_to_partners,
        }
    }
}

const SELECT: &str = "SELECT s.id, s.series_id, s.position,
        (SELECT COUNT(*) FROM group_sessions x WHERE x.series_id = s.series_id) AS series_size,
        r.programme_id, g.name AS programme_name, r.module, r.title, s.organisation_id, o.name AS organisation_name,
        s.region_id, s.open_to_partners, s.starts_at, s.on_date, s.minutes, s.location_id, l.name AS location_name,
        s.online, s.room, s.capacity,
        (SELECT COUNT(*) FROM session_enrolments e WHERE e.session_id = s.id) AS enrolled,
        s.coach_id, c.display_name AS coach_name, s.peer_expert_id, pe.display_name AS peer_expert_name
    FROM group_sessions s
    JOIN session_series r ON r.id = s.series_id
    JOIN programmes g ON g.id = r.programme_id
    JOIN organisations o ON o.id = s.organisation_id
    LEFT JOIN locations l ON l.id = s.location_id
    LEFT JOIN users c ON c.id = s.coach_id
    LEFT JOIN users pe ON pe.id = s.peer_expert_id";

/// Plans a series: one session per start, on the start's Brussels day (`sessions::local_day`, which
/// the lists by date rely on). Online sessions get an unguessable room.
pub async fn create_series(
    tx: &mut impl Access,
    input: &SeriesInput,
    region_id: Option<Uuid>,
    starts: &[DateTime<Utc>],
    by: Uuid,
) -> Result<Uuid> {
    let series_id = Uuid::now_v7();
    let sql = "INSERT INTO session_series (id, programme_id, module, title, organisation_id, open_to_partners,
                   created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
    run!(tx, c => sqlx::query(sql)
        .bind(series_id).bind(input.programme_id).bind(&input.module).bind(&input.title).bind(input.organisation_id)
        .bind(input.open_to_partners).bind(by).bind(now())
        .execute(c).await.map(|r| r.rows_affected()))?;
    let sql = "INSERT INTO group_sessions (id, series_id, position, organisation_id, region_id, open_to_partners,
                   starts_at, on_date, minutes, location_id, online, room, capacity, coach_id, peer_expert_id)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)";
    for (index, starts_at) in starts.iter().enumerate() {
        let on_date = local_day(*starts_at);
        let room = input.online.then(|| random_token(18));
        run!(tx, c => sqlx::query(sql)
            .bind(Uuid::now_v7()).bind(series_id).bind(index as i32 + 1).bind(input.organisation_id).bind(region_id)
            .bind(input.open_to_partners).bind(starts_at).bind(on_date).bind(input.minutes).bind(input.location_id)
            .bind(input.online).bind(&room).bind(input.capacity).bind(input.coach_id).bind(input.peer_expert_id)
            .execute(c).await.map(|r| r.rows_affected()))?;
        // A session's minutes are coach time when a coach leads it (as the hours view counts them).
        if input.coach_id.is_some() {
            let tie = crate::cost_benefit::Tie::Programme(input.programme_id);
            crate::cost_benefit::add_minutes(tx, input.organisation_id, tie, on_date, input.minutes.into()).await?;
        }
    }
    Ok(series_id)
}

pub async fn get(conn: &mut impl Access, id: Uuid) -> Result<Option<GroupSession>> {
    let sql = format!("{SELECT} WHERE s.id = $1");
    Ok(run!(conn, c => sqlx::query_as::<_, GroupSession>(sqlx::AssertSqlSafe(&*sql)).bind(id).fetch_optional(c).await)?)
}

/// Several sessions by id, in one statement per few hundred (in no particular order).
pub async fn get_many(conn: &mut impl Access, ids: &[Uuid]) -> Result<Vec<GroupSession>> {
    let sql = format!("{SELECT} WHERE s.id IN");
    crate::bulk::select_in(conn, &sql, ids).await
}

/// The sessions of a series, in order.
pub async fn in_series(conn: &mut impl Access, series_id: Uuid) -> Result<Vec<GroupSession>> {
    let sql = format!("{SELECT} WHERE s.series_id = $1 ORDER BY s.position");
    Ok(
        run!(conn, c => sqlx::query_as::<_, GroupSession>(sqlx::AssertSqlSafe(&*sql)).bind(series_id).fetch_all(c).await)?,
    )
}

/// Sessions between two dates, visible under `scope`, in date order (at most `limit`).
///
/// Each part of the scope is a branch that reads its own index with the dates (the sessions the
/// actor leads, the open ones, their partners', their region's): one condition with ORs made the
/// engines walk every session in the country between the dates, 90 ms for a coach's eight weeks at
/// 2.5 million participants on SQLite. A session's date is the local day of its start, so sessions
/// in start order are in date order too: each branch's `limit`-th date, read from its index alone,
/// bounds the dates of the sessions listed, and only the ids and starts of the sessions up to the
/// soonest of those cuts are read (a region's eight weeks hold thousands); then the `limit` first
/// in full ([`by_ids`]).
///
/// `after` pages on: the sessions after that one in (start, id) order. Every session on a later
/// day is after it, so the condition reads a row only on the cursor's own day.
pub async fn list(
    conn: &mut impl Access,
    scope: SessionScope,
    actor_id: Uuid,
    from: NaiveDate,
    to: NaiveDate,
    after: Option<SessionCursor>,
    limit: i64,
) -> Result<Vec<GroupSession>> {
    let parts = crate::scope::session_parts(scope);
    if parts.is_empty() || limit < 1 {
        return Ok(Vec::new());
    }
    let from = after.map_or(from, |c| from.max(local_day(c.starts_at)));
    let (later, cursor_values) = match after {
        Some(c) => (
            " AND (on_date > ? OR (starts_at, id) > (?, ?))",
            vec![Date(local_day(c.starts_at)), At(c.starts_at), Id(c.id)],
        ),
        None => ("", Vec::new()),
    };
    let cuts: Vec<String> = parts
        .iter()
        .map(|(condition, _)| {
            format!(
                "SELECT COALESCE((SELECT on_date FROM group_sessions WHERE {condition} AND on_date >= ? AND on_date <= ?{later}
                                  ORDER BY on_date LIMIT 1 OFFSET ?), ?) AS d"
            )
        })
        .collect();
    let within: Vec<String> = parts
        .iter()
        .map(|(condition, _)| {
            format!(
                "SELECT id, starts_at FROM group_sessions WHERE {condition} AND on_date >= ?{later}
                 AND on_date <= (SELECT MIN(d) FROM cut)"
            )
        })
        .collect();
    let sql = format!(
        "WITH cut AS ({}) SELECT id FROM ({}) AS found ORDER BY starts_at, id LIMIT ?",
        cuts.join(" UNION ALL "),
        within.join(" UNION ")
    );
    let limit = i32::try_from(limit).unwrap_or(i32::MAX);
    let actor = |names_actor: bool| names_actor.then_some(Id(actor_id));
    let mut values = Vec::new();
    for &(_, names_actor) in &parts {
        values.extend(actor(names_actor).into_iter().chain([Date(from), Date(to)]));
        values.extend(cursor_values.iter().cloned());
        values.extend([Int(limit - 1), Date(to)]);
    }
    for &(_, names_actor) in &parts {
        values.extend(actor(names_actor).into_iter().chain([Date(from)]));
        values.extend(cursor_values.iter().cloned());
    }
    values.push(Int(limit));
    let ids: Vec<(Uuid,)> = crate::bulk::fetch_all(conn, &sql, &values).await?;
    by_ids(conn, &ids).await
}

/// The sessions of `ids`, read in full by id, in (start, id) order. The lists find their ids first
/// and read them here, so that the joins stay out of the statement with the branches: PostgreSQL
/// planned the two together in 6.7 ms for a coach's calendar feed at provider scale, against 2-3 ms
/// to run it. Read by id, the joins are planned once (`bulk::select_in` binds one array there).
async fn by_ids(conn: &mut impl Access, ids: &[(Uuid,)]) -> Result<Vec<GroupSession>> {
    let ids: Vec<Uuid> = ids.iter().map(|&(id,)| id).collect();
    let mut sessions: Vec<GroupSession> =
        crate::bulk::select_in(conn, &format!("{SELECT} WHERE s.id IN"), &ids).await?;
    sessions.sort_by_key(|s| (s.starts_at, s.id));
    Ok(sessions)
}

/// Sessions one person leads (as coach or peer expert) or held at one location, for calendars.
pub async fn for_calendar(
    conn: &mut impl Access,
    user_id: Option<Uuid>,
    location_id: Option<Uuid>,
    from: NaiveDate,
) -> Result<Vec<GroupSession>> {
    // One branch per index (coach, peer expert, location, each with the date), and only the
    // branches the feed needs: an OR over the three made the engines walk every session in the
    // country since `from` (112 ms at 2.5 million participants against 1.5).
    let mut branches: Vec<(&str, Uuid)> = Vec::new();
    if let Some(user) = user_id {
        branches.push(("coach_id", user));
        branches.push(("peer_expert_id", user));
    }
    if let Some(location) = location_id {
        branches.push(("location_id", location));
    }
    if branches.is_empty() {
        return Ok(Vec::new());
    }
    let within: Vec<String> = branches
        .iter()
        .map(|(column, _)| format!("SELECT id, starts_at FROM group_sessions WHERE {column} = ? AND on_date >= ?"))
        .collect();
    let sql = format!(
        "SELECT id FROM ({}) AS found ORDER BY starts_at, id LIMIT 2000",
        within.join(" UNION ")
    );
    let values: Vec<Value> = branches.iter().flat_map(|&(_, id)| [Id(id), Date(from)]).collect();
    let ids: Vec<(Uuid,)> = crate::bulk::fetch_all(conn, &sql, &values).await?;
    by_ids(conn, &ids).await
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq)]
pub struct Enrolment {
    pub session_id: Uuid,
    pub participant_id: Uuid,
    pub first_name: String,
    pub last_name: String,
    pub attendance: Option<String>,
    /// Sessions of the series this participant attended up to and including this one.
    pub attended_in_series: i64,
}

/// Who is enrolled in a session, by name, with how far each one is in the series.
pub async fn enrolments(conn: &mut impl Access, session_id: Uuid) -> Result<Vec<Enrolment>> {
    let sql = "SELECT e.session_id, e.participant_id, p.first_name, p.last_name, e.attendance,
                      (SELECT COUNT(*) FROM session_enrolments e2
                         JOIN group_sessions s2 ON s2.id = e2.session_id
                        WHERE e2.participant_id = e.participant_id AND s2.series_id = s.series_id
                          AND s2.position <= s.position AND e2.attendance = 'present') AS attended_in_series
               FROM session_enrolments e
               JOIN group_sessions s ON s.id = e.session_id
               JOIN participants p ON p.id = e.participant_id
               WHERE e.session_id = $1
               ORDER BY p.name_search, p.id";
    Ok(run!(conn, c => sqlx::query_as::<_, Enrolment>(sql).bind(session_id).fetch_all(c).await)?)
}

/// Enrols in one session; false when already enrolled. The caller checks capacity in the same transaction.
pub async fn enrol(tx: &mut impl Access, session_id: Uuid, participant_id: Uuid, by: Uuid) -> Result<bool> {
    let sql = "INSERT INTO session_enrolments (session_id, participant_id, enrolled_by, enrolled_at)
               VALUES ($1, $2, $3, $4) ON CONFLICT (session_id, participant_id) DO NOTHING";
    let added = run!(tx, c => sqlx::query(sql).bind(session_id).bind(participant_id).bind(by).bind(now())
        .execute(c).await.map(|r| r.rows_affected()))?;
    if added == 1 {
        keep_unmarked(tx, session_id).await?;
    }
    Ok(added == 1)
}

/// Keeps the session's count of enrolments without attendance, which the worklist's "attendance
/// to record" walks by its partial indexes (migration 0044).
pub(crate) async fn keep_unmarked(tx: &mut impl Access, session_id: Uuid) -> Result<()> {
    let sql = "UPDATE group_sessions SET unmarked = (SELECT COUNT(*) FROM session_enrolments e
                   WHERE e.session_id = group_sessions.id AND e.attendance IS NULL) WHERE id = $1";
    run!(tx, c => sqlx::query(sql).bind(session_id).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Takes the session's row for the rest of the transaction (a row lock on PostgreSQL, the
/// write lock on SQLite), so that capacity checks of concurrent enrolments do not interleave.
pub async fn lock(tx: &mut impl Access, session_id: Uuid) -> Result<()> {
    let sql = "UPDATE group_sessions SET capacity = capacity WHERE id = $1";
    run!(tx, c => sqlx::query(sql).bind(session_id).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn is_enrolled(conn: &mut impl Access, session_id: Uuid, participant_id: Uuid) -> Result<bool> {
    let sql = "SELECT COUNT(*) FROM session_enrolments WHERE session_id = $1 AND participant_id = $2";
    let n =
        run!(conn, c => sqlx::query_scalar::<_, i64>(sql).bind(session_id).bind(participant_id).fetch_one(c).await)?;
    Ok(n > 0)
}

/// Counts the enrolments of a session (inside the enrolling transaction).
pub async fn enrolled(tx: &mut impl Access, session_id: Uuid) -> Result<i64> {
    let sql = "SELECT COUNT(*) FROM session_enrolments WHERE session_id = $1";
    Ok(run!(tx, c => sqlx::query_scalar::<_, i64>(sql).bind(session_id).fetch_one(c).await)?)
}

/// Marks attendance; `NotFound` when the participant is not enrolled in the session.
pub async fn mark(
    tx: &mut impl Access,
    session_id: Uuid,
    participant_id: Uuid,
    attendance: Attendance,
    by: Uuid,
) -> Result<()> {
    match mark_many(tx, session_id, &[(participant_id, attendance)], by).await? {
        Marked::All => Ok(()),
        Marked::NotEnrolled(_) => Err(StoreError::NotFound),
    }
}

/// What [`mark_many`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Marked {
    All,
    /// The mark at this position names someone not enrolled; roll the transaction back.
    NotEnrolled(usize),
}

/// Marks the attendance of several people at a session, in participant order, then brings their
/// dashboard counts up to date together: two lists that share people take their locks in the same
/// order, so neither waits for the other (see `counts::refresh_many`).
pub async fn mark_many(
    tx: &mut impl Access,
    session_id: Uuid,
    marks: &[(Uuid, Attendance)],
    by: Uuid,
) -> Result<Marked> {
    let mut order: Vec<usize> = (0..marks.len()).collect();
    order.sort_by_key(|&n| marks[n].0);
    let at = now();
    for n in order {
        let (participant_id, attendance) = marks[n];
        let sql = "UPDATE session_enrolments SET attendance = $1, marked_by = $2, marked_at = $3
                   WHERE session_id = $4 AND participant_id = $5";
        let done = run!(tx, c => sqlx::query(sql).bind(attendance.as_str()).bind(by).bind(at).bind(session_id)
            .bind(participant_id).execute(c).await.map(|r| r.rows_affected()))?;
        if done == 0 {
            return Ok(Marked::NotEnrolled(n));
        }
    }
    keep_unmarked(tx, session_id).await?;
    // Attendance makes a participant engaged (or no longer, when corrected).
    let people: Vec<Uuid> = marks.iter().map(|(id, _)| *id).collect();
    crate::dashboard::counts::refresh_many(tx, &people).await?;
    Ok(Marked::All)
}

/// Marks present those of `people` whose attendance at the session is not recorded yet, in
/// participant order; someone marked in the meantime keeps their mark. Returns who was marked.
pub async fn mark_present_if_unmarked(
    tx: &mut impl Access,
    session_id: Uuid,
    people: &[Uuid],
    by: Uuid,
) -> Result<Vec<Uuid>> {
    let mut order = people.to_vec();
    order.sort_unstable();
    order.dedup();
    let at = now();
    let mut marked = Vec::new();
    for participant_id in order {
        let sql = "UPDATE session_enrolments SET attendance = $1, marked_by = $2, marked_at = $3
                   WHERE session_id = $4 AND participant_id = $5 AND attendance IS NULL";
        let done = run!(tx, c => sqlx::query(sql).bind(Attendance::Present.as_str()).bind(by).bind(at)
            .bind(session_id).bind(participant_id).execute(c).await.map(|r| r.rows_affected()))?;
        if done == 1 {
            marked.push(participant_id);
        }
    }
    keep_unmarked(tx, session_id).await?;
    crate::dashboard::counts::refresh_many(tx, &marked).await?;
    Ok(marked)
}

/// A participant's group sessions, newest first, for the file and the timeline.
#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq)]
pub struct ParticipantSession {
    pub session_id: Uuid,
    pub title: String,
    pub position: i32,
    pub on_date: NaiveDate,
    pub starts_at: DateTime<Utc>,
    pub attendance: Option<String>,
}

pub async fn for_participant(conn: &mut impl Access, participant_id: Uuid) -> Result<Vec<ParticipantSession>> {
    let sql = "SELECT s.id AS session_id, r.title, s.position, s.on_date, s.starts_at, e.attendance
               FROM session_enrolments e
               JOIN group_sessions s ON s.id = e.session_id
               JOIN session_series r ON r.id = s.series_id
               WHERE e.participant_id = $1
               ORDER BY s.starts_at DESC, s.id";
    Ok(run!(conn, c => sqlx::query_as::<_, ParticipantSession>(sql).bind(participant_id).fetch_all(c).await)?)
}

/// Whose sessions the worklist reads: those a person leads (as coach or peer expert) and those of
/// regions.
#[derive(Debug, Clone, Default)]
pub struct Led {
    pub by: Option<Uuid>,
    pub regions: Vec<Uuid>,
}

impl Led {
    /// One branch per index: (column, id).
    fn branches(&self) -> Vec<(&'static str, Uuid)> {
        let mut branches = Vec::new();
        if let Some(user) = self.by {
            branches.push(("coach_id", user));
            branches.push(("peer_expert_id", user));
        }
        branches.extend(self.regions.iter().map(|r| ("region_id", *r)));
        branches
    }
}

/// Sessions that have started by `now` with an enrolment whose attendance is not recorded, oldest
/// first (at most `limit`): each branch walks its partial index of sessions still to mark
/// (migration 0044), which holds only those.
pub async fn unmarked(conn: &mut impl Access, led: &Led, now: DateTime<Utc>, limit: i64) -> Result<Vec<GroupSession>> {
    let (sql, mut values) = unmarked_sql(led, now, "id, starts_at");
    if values.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!("SELECT id FROM ({sql}) AS found ORDER BY starts_at, id LIMIT ?");
    values.push(Value::BigInt(limit));
    let ids: Vec<(Uuid,)> = crate::bulk::fetch_all(conn, &sql, &values).await?;
    by_ids(conn, &ids).await
}

/// How many sessions [`unmarked`] would list without a limit.
pub async fn count_unmarked(conn: &mut impl Access, led: &Led, now: DateTime<Utc>) -> Result<i64> {
    let (sql, values) = unmarked_sql(led, now, "id");
    if values.is_empty() {
        return Ok(0);
    }
    let sql = format!("SELECT COUNT(*) FROM ({sql}) AS found");
    let counted: Vec<(i64,)> = crate::bulk::fetch_all(conn, &sql, &values).await?;
    Ok(counted.first().map_or(0, |c| c.0))
}

fn unmarked_sql(led: &Led, now: DateTime<Utc>, columns: &str) -> (String, Vec<Value>) {
    let branches = led.branches();
    let sql: Vec<String> = branches
        .iter()
        .map(|(column, _)| {
            format!(
                "SELECT {columns} FROM group_sessions WHERE {column} = ? AND unmarked > 0 AND on_date <= ? AND starts_at <= ?"
            )
        })
        .collect();
    let values = branches
        .iter()
        .flat_map(|&(_, id)| [Id(id), Date(local_day(now)), At(now)])
        .collect();
    (sql.join(" UNION "), values)
}

/// How many sessions of `led` fall between two dates.
pub async fn count_between(conn: &mut impl Access, led: &Led, from: NaiveDate, to: NaiveDate) -> Result<i64> {
    let branches = led.branches();
    if branches.is_empty() {
        return Ok(0);
    }
    let sql: Vec<String> = branches
        .iter()
        .map(|(column, _)| {
            format!("SELECT id FROM group_sessions WHERE {column} = ? AND on_date >= ? AND on_date <= ?")
        })
        .collect();
    let sql = format!("SELECT COUNT(*) FROM ({}) AS found", sql.join(" UNION "));
    let values: Vec<Value> = branches
        .iter()
        .flat_map(|&(_, id)| [Id(id), Date(from), Date(to)])
        .collect();
    let counted: Vec<(i64,)> = crate::bulk::fetch_all(conn, &sql, &values).await?;
    Ok(counted.first().map_or(0, |c| c.0))
}
