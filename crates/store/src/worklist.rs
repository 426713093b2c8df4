//! The worklist's trajectories: those with work due of one kind, within a scope, soonest first or
//! counted. Each part of the scope (the coach, each partner, each region) walks its own partial
//! index of running trajectories by the day the work falls on (migration 0044), so a list reads
//! about as many entries as it shows, and a count only the entries it counts, at any size.

use crate::bulk::{Value, bind_all};
use crate::{Access, Backend, Result, run};
use chrono::{DateTime, Days, NaiveDate, Utc};
use onramp_domain::policy::{Actor, CaseloadScope};
use onramp_domain::worklist::{ENDING_WINDOW_DAYS, Kind, STEPS_AHEAD_DAYS};
use serde::Serialize;
use uuid::Uuid;

/// A trajectory with work due, and the day it falls on.
#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq)]
pub struct Due {
    pub trajectory_id: Uuid,
    pub participant_id: Uuid,
    pub participant_name: String,
    pub programme_name: String,
    /// The soonest step's due date, the day of the last contact (or the start), the maximum end.
    pub day: NaiveDate,
}

/// What one kind reads: the day each trajectory is walked by, the condition on the values bound
/// from `$2` on (`$1` is the limit), and whether ended trajectories count (check-ins follow them).
struct Walk {
    day: &'static str,
    condition: String,
    values: Vec<Value>,
}

const QUIET: &str = "COALESCE(t.last_contact_on, t.started_on)";

/// The consents to take part of a trajectory's participant (`consents::participation_lapses`).
const PARTICIPATION: &str =
    "SELECT 1 FROM consents k WHERE k.participant_id = t.participant_id AND k.purpose = 'participation'";

/// The walk of a kind of trajectory work; `None` for the kinds that are not about trajectories
/// (sessions) or have their own query (comments, check-ins' list).
async fn walk(conn: &mut impl Access, kind: Kind, today: NaiveDate) -> Result<Option<Walk>> {
    let walk = match kind {
        Kind::Step => Walk {
            day: "t.next_step_due_on",
            condition: "t.ended_on IS NULL AND t.next_step_due_on IS NOT NULL AND t.next_step_due_on <= $2".into(),
            values: vec![Value::Date(today + Days::new(STEPS_AHEAD_DAYS))],
        },
        // A withdrawal closes the person's check-ins; a consent to take part whose end has passed
        // leaves them open with nothing written, so those people are left out here as the list
        // (`check_ins::due_in`) leaves them out: someone with consents to take part, none in force.
        Kind::CheckIn => Walk {
            day: "t.next_check_in_on",
            condition: format!(
                "t.next_check_in_on IS NOT NULL AND t.next_check_in_on <= $2
                 AND NOT (EXISTS ({PARTICIPATION}) AND NOT EXISTS ({PARTICIPATION}
                     AND k.withdrawn_on IS NULL AND (k.ends_on IS NULL OR k.ends_on >= $3)))"
            ),
            values: vec![
                Value::Date(today + Days::new(onramp_domain::worklist::CHECK_INS_AHEAD_DAYS)),
                Value::Date(today),
            ],
        },
        Kind::NoContact => no_contact(conn, today).await?,
        Kind::Ending => ending(conn, today),
        Kind::Session | Kind::Attendance | Kind::Comment | Kind::Proposal => return Ok(None),
    };
    Ok(Some(walk))
}

/// Running trajectories quiet since their programme's `no_contact_days` (the caseload's filter
/// "no contact" by programme): the index is read up to the latest of the programmes' days, and
/// each row kept against its own programme's.
async fn no_contact(conn: &mut impl Access, today: NaiveDate) -> Result<Walk> {
    let days = crate::caseload::no_contact_days(conn, today).await?;
    let latest = days.iter().map(|(_, day)| *day).max().unwrap_or(NaiveDate::MIN);
    let mut values = vec![Value::Date(latest)];
    let mut case = String::from("CASE t.programme_id");
    for (programme, day) in days {
        values.push(Value::Id(programme));
        values.push(Value::Date(day));
        case.push_str(&format!(" WHEN ${} THEN ${}", values.len(), values.len() + 1));
    }
    case.push_str(" END");
    let condition = if values.len() == 1 {
        "1 = 0 AND $2 IS NULL".to_owned()
    } else {
        format!("t.ended_on IS NULL AND {QUIET} <= $2 AND {QUIET} <= ({case})")
    };
    Ok(Walk {
        day: QUIET,
        condition,
        values,
    })
}

/// Running trajectories near or past their maximum duration, as `trajectories::duration_status`
/// tells "approaching" (within 60 days, or a sixth of the whole when shorter) and "exceeded":
/// the index is read up to 60 days ahead, and the rule applied in each engine's date arithmetic.
fn ending(conn: &mut impl Access, today: NaiveDate) -> Walk {
    let rule = match conn.backend() {
        Backend::Sqlite(_) => {
            "julianday(t.ends_by) - julianday($3)
                 <= min(60, CAST(julianday(t.ends_by) - julianday(t.started_on) AS INTEGER) / 6)"
        }
        Backend::Postgres(_) => "t.ends_by - $3::date <= LEAST(60, (t.ends_by - t.started_on) / 6)",
    };
    Walk {
        day: "t.ends_by",
        condition: format!("t.ended_on IS NULL AND t.ends_by <= $2 AND {rule}"),
        values: vec![Value::Date(today + Days::new(ENDING_WINDOW_DAYS)), Value::Date(today)],
    }
}

/// The parts of `scope` as conditions on `t`, their ids bound after `walk`'s values.
fn parts(scope: CaseloadScope, actor: &Actor, walk: &Walk) -> (Vec<String>, Vec<Uuid>) {
    crate::scope::caseload_parts(scope, actor, &crate::scope::TRAJECTORY, 2 + walk.values.len())
}

/// The trajectories of `scope` with work of `kind` due, soonest first, at most `limit`.
pub async fn due(
    conn: &mut impl Access,
    scope: CaseloadScope,
    actor: &Actor,
    kind: Kind,
    today: NaiveDate,
    limit: i64,
) -> Result<Vec<Due>> {
    let Some(walk) = walk(conn, kind, today).await? else {
        return Ok(Vec::new());
    };
    let (parts, ids) = parts(scope, actor, &walk);
    if parts.is_empty() {
        return Ok(Vec::new());
    }
    let branches: Vec<String> = parts
        .iter()
        .enumerate()
        .map(|(n, part)| {
            format!(
                "SELECT * FROM (SELECT t.id, {day} AS day FROM trajectories t WHERE {part} AND {condition}
                    ORDER BY {day}, t.id LIMIT $1) AS b{n}",
                day = walk.day,
                condition = walk.condition
            )
        })
        .collect();
    let sql = format!(
        "SELECT t.id AS trajectory_id, t.participant_id, p.first_name || ' ' || p.last_name AS participant_name,
                g.name AS programme_name, k.day
           FROM ({}) AS k
           JOIN trajectories t ON t.id = k.id
           JOIN participants p ON p.id = t.participant_id
           JOIN programmes g ON g.id = t.programme_id
          ORDER BY k.day, k.id LIMIT $1",
        branches.join(" UNION ")
    );
    let values = bound(limit, walk.values, &ids);
    Ok(run!(conn, c => bind_all!(sqlx::query_as::<_, Due>(sqlx::AssertSqlSafe(&*sql)), &values).fetch_all(c).await)?)
}

/// How many trajectories of `scope` have work of `kind` due (each once).
pub async fn count(
    conn: &mut impl Access,
    scope: CaseloadScope,
    actor: &Actor,
    kind: Kind,
    today: NaiveDate,
) -> Result<i64> {
    if let Some(column) = waiting_since(kind) {
        return count_waiting(conn, scope, actor, column).await;
    }
    let Some(walk) = walk(conn, kind, today).await? else {
        return Ok(0);
    };
    let (parts, ids) = parts(scope, actor, &walk);
    if parts.is_empty() {
        return Ok(0);
    }
    let branches: Vec<String> = parts
        .iter()
        .map(|part| format!("SELECT t.id FROM trajectories t WHERE {part} AND {}", walk.condition))
        .collect();
    // `$1` (the limit) is unused here; kept so that the parts' numbers hold.
    let sql = format!(
        "SELECT COUNT(*) FROM ({}) AS found WHERE $1 IS NOT NULL",
        branches.join(" UNION ")
    );
    let values = bound(0, walk.values, &ids);
    Ok(
        run!(conn, c => bind_all!(sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(&*sql)), &values).fetch_one(c).await)?,
    )
}

fn bound(limit: i64, values: Vec<Value>, ids: &[Uuid]) -> Vec<Value> {
    let mut all = vec![Value::BigInt(limit)];
    all.extend(values);
    all.extend(ids.iter().map(|id| Value::Id(*id)));
    all
}

/// The plans' column that says since when they wait for the coach's answer, for the kinds that are
/// about an answer: a comment (migration 0044) or a proposed step (migration 0053).
fn waiting_since(kind: Kind) -> Option<&'static str> {
    match kind {
        Kind::Comment => Some("comment_waiting_since"),
        Kind::Proposal => Some("proposal_waiting_since"),
        _ => None,
    }
}

/// A plan whose comment or proposed step waits for the coach's answer.
#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq)]
pub struct Waiting {
    pub trajectory_id: Uuid,
    pub participant_id: Uuid,
    pub participant_name: String,
    pub kind: String,
    pub since: DateTime<Utc>,
}

/// The plans of `scope`'s running trajectories with a comment (or, for [`Kind::Proposal`], a
/// proposed step) waiting, longest waiting first. Waiting plans are few (partial indexes keep
/// them); each part of the scope reads them from that index or its trajectories, as the engine
/// finds cheaper. Empty for the kinds that are not about an answer.
pub async fn waiting(
    conn: &mut impl Access,
    kind: Kind,
    scope: CaseloadScope,
    actor: &Actor,
    limit: i64,
) -> Result<Vec<Waiting>> {
    let Some(column) = waiting_since(kind) else {
        return Ok(Vec::new());
    };
    let (parts, ids) = crate::scope::caseload_parts(scope, actor, &crate::scope::TRAJECTORY, 2);
    if parts.is_empty() {
        return Ok(Vec::new());
    }
    let branches: Vec<String> = parts.iter().map(|part| waiting_branch(part, column)).collect();
    let sql = format!(
        "SELECT t.id AS trajectory_id, t.participant_id, p.first_name || ' ' || p.last_name AS participant_name,
                pl.kind, pl.{column} AS since
           FROM plans pl JOIN trajectories t ON t.id = pl.trajectory_id JOIN participants p ON p.id = t.participant_id
          WHERE pl.id IN ({})
          ORDER BY pl.{column}, pl.id LIMIT $1",
        branches.join(" UNION ")
    );
    let values = bound(limit, Vec::new(), &ids);
    Ok(
        run!(conn, c => bind_all!(sqlx::query_as::<_, Waiting>(sqlx::AssertSqlSafe(&*sql)), &values).fetch_all(c).await)?,
    )
}

async fn count_waiting(conn: &mut impl Access, scope: CaseloadScope, actor: &Actor, column: &str) -> Result<i64> {
    let (parts, ids) = crate::scope::caseload_parts(scope, actor, &crate::scope::TRAJECTORY, 2);
    if parts.is_empty() {
        return Ok(0);
    }
    let branches: Vec<String> = parts.iter().map(|part| waiting_branch(part, column)).collect();
    let sql = format!(
        "SELECT COUNT(*) FROM ({}) AS found WHERE $1 IS NOT NULL",
        branches.join(" UNION ")
    );
    let values = bound(0, Vec::new(), &ids);
    Ok(
        run!(conn, c => bind_all!(sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(&*sql)), &values).fetch_one(c).await)?,
    )
}

fn waiting_branch(part: &str, column: &str) -> String {
    format!(
        "SELECT pl.id FROM plans pl JOIN trajectories t ON t.id = pl.trajectory_id
          WHERE pl.{column} IS NOT NULL AND t.ended_on IS NULL AND {part}"
    )
}

/// An open action-plan step due by a day, with its place in the plan.
#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq)]
pub struct OpenStep {
    pub trajectory_id: Uuid,
    pub step_id: String,
    pub due_on: NaiveDate,
}

/// The open steps due by `due_by` of these trajectories (read by their key), soonest first.
pub async fn open_steps(conn: &mut impl Access, trajectories: &[Uuid], due_by: NaiveDate) -> Result<Vec<OpenStep>> {
    let sql = "SELECT trajectory_id, step_id, due_on FROM action_steps_open WHERE trajectory_id IN";
    let mut steps: Vec<OpenStep> = crate::bulk::select_in(conn, sql, trajectories).await?;
    steps.retain(|s| s.due_on <= due_by);
    steps.sort_by(|a, b| (a.due_on, a.trajectory_id, &a.step_id).cmp(&(b.due_on, b.trajectory_id, &b.step_id)));
    Ok(steps)
}

/// The latest action plan of each of these trajectories, as (trajectory, content JSON).
pub async fn action_plans(conn: &mut impl Access, trajectories: &[Uuid]) -> Result<Vec<(Uuid, String)>> {
    let sql = "SELECT p.trajectory_id, v.content FROM plans p
                 JOIN plan_versions v ON v.plan_id = p.id AND v.version = p.version
                WHERE p.kind = 'action' AND p.trajectory_id IN";
    crate::bulk::select_in(conn, sql, trajectories).await
}

/// The engine's plan of [`due`], one line per step (for the plan check and benchmarks).
pub async fn explain(
    conn: &mut impl Access,
    scope: CaseloadScope,
    actor: &Actor,
    kind: Kind,
    today: NaiveDate,
) -> Result<Vec<String>> {
    let Some(walk) = walk(conn, kind, today).await? else {
        return Ok(Vec::new());
    };
    let (parts, ids) = parts(scope, actor, &walk);
    let branches: Vec<String> = parts
        .iter()
        .map(|part| {
            format!(
                "SELECT t.id FROM trajectories t WHERE {part} AND {} ORDER BY {}, t.id LIMIT $1",
                walk.condition, walk.day
            )
        })
        .collect();
    explain_sql(conn, &branches.join(" UNION "), &bound(50, walk.values, &ids)).await
}

/// The engine's plan of [`waiting`] for comments.
pub async fn explain_comments(conn: &mut impl Access, scope: CaseloadScope, actor: &Actor) -> Result<Vec<String>> {
    let (parts, ids) = crate::scope::caseload_parts(scope, actor, &crate::scope::TRAJECTORY, 2);
    let branches: Vec<String> = parts
        .iter()
        .map(|part| waiting_branch(part, "comment_waiting_since"))
        .collect();
    let sql = format!("SELECT * FROM ({}) AS found LIMIT $1", branches.join(" UNION "));
    explain_sql(conn, &sql, &bound(50, Vec::new(), &ids)).await
}

pub(crate) async fn explain_sql(conn: &mut impl Access, sql: &str, values: &[Value]) -> Result<Vec<String>> {
    let sqlite = matches!(conn.backend(), Backend::Sqlite(_));
    let sql = format!("{}{sql}", if sqlite { "EXPLAIN QUERY PLAN " } else { "EXPLAIN " });
    let lines: Vec<String> = run!(conn, c => bind_all!(sqlx::query(sqlx::AssertSqlSafe(&*sql)), values)
    .fetch_all(c).await.map(|rows| {
        rows.iter()
            .map(|row| {
                use sqlx::Row as _;
                row.try_get::<String, _>(row.columns().len() - 1).unwrap_or_default()
            })
            .collect()
    }))?;
    Ok(lines)
}
