//! The programme dashboard's figures, always current: from the counts kept with every write
//! ([`counts`]) for everything, a partner, a location or a coach (each cut by region and
//! programme); a coach at one partner or location recounted from their own trajectories.

pub mod counts;
pub mod lists;

use crate::{Access, Result, run};
use chrono::NaiveDate;
use onramp_domain::cost_benefit::CHECK_IN_MONTHS;
use onramp_domain::outcomes::OutcomeKind;
use onramp_domain::policy::Actor;
use serde::Serialize;
use std::collections::BTreeMap;
use uuid::Uuid;

/// Which trajectories and actions a dashboard counts.
#[derive(Debug, Clone, Copy)]
pub struct Scope {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub organisation_id: Option<Uuid>,
    pub region_id: Option<Uuid>,
    pub programme_id: Option<Uuid>,
    /// A location (of `organisation_id`, when that is set too).
    pub location_id: Option<Uuid>,
    /// The trajectories' responsible coach, and the presence actions' leader.
    pub coach_id: Option<Uuid>,
}

impl Scope {
    /// Everything in a period.
    pub fn period(from: NaiveDate, to: NaiveDate) -> Scope {
        Scope {
            from,
            to,
            organisation_id: None,
            region_id: None,
            programme_id: None,
            location_id: None,
            coach_id: None,
        }
    }
}

/// Trajectories started in the period: how many, and how many of them were reached individually,
/// were present at a group session, took a step or are in paid work.
#[derive(Debug, Clone, Copy, Default, sqlx::FromRow, Serialize, PartialEq, Eq)]
pub struct Cohort {
    pub started: i64,
    /// Started without a link to a presence action: reached by individual contact.
    pub reached_individually: i64,
    pub engaged: i64,
    pub took_step: i64,
    pub paid_work: i64,
}

/// `'a', 'b'` for the outcome kinds `keep` selects (codes from the enum, never from input).
fn kinds(keep: fn(OutcomeKind) -> bool) -> String {
    OutcomeKind::ALL
        .iter()
        .filter(|k| keep(**k))
        .map(|k| format!("'{}'", k.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The trajectory `t` has an outcome of a kind `keep` selects.
fn has_outcome(keep: fn(OutcomeKind) -> bool) -> String {
    format!(
        "EXISTS (SELECT 1 FROM outcomes x WHERE x.trajectory_id = t.id AND x.kind IN ({}))",
        kinds(keep)
    )
}

/// The day of the trajectory `t`'s first outcome of a kind `keep` selects (NULL: none).
fn first_outcome(keep: fn(OutcomeKind) -> bool) -> String {
    format!(
        "(SELECT MIN(x.on_date) FROM outcomes x WHERE x.trajectory_id = t.id AND x.kind IN ({}))",
        kinds(keep)
    )
}

/// The day of `t`'s first step to work, and of its first paid work (the monitoring trends).
pub(crate) fn first_step() -> String {
    first_outcome(OutcomeKind::is_step_to_work)
}

pub(crate) fn first_paid() -> String {
    first_outcome(OutcomeKind::is_paid_work)
}

/// The trajectory `t` took a step to work (docs/dashboard.md): the one definition that the
/// counts ([`counts`]), the recount and the people behind the figure all use.
pub(crate) fn took_step() -> String {
    has_outcome(OutcomeKind::is_step_to_work)
}

/// The trajectory `t` led to paid work; used as [`took_step`] is.
pub(crate) fn paid_work() -> String {
    has_outcome(OutcomeKind::is_paid_work)
}

/// The participant of trajectory `t` was present at a group session; used as [`took_step`] is.
pub(crate) const ENGAGED: &str = "EXISTS (SELECT 1 FROM session_enrolments e
    WHERE e.participant_id = t.participant_id AND e.attendance = 'present')";

/// The follow-up of trajectory `t` as bits, for the cost-benefit (docs/cost-benefit.md): per
/// check-in month of [`CHECK_IN_MONTHS`] (i-th) bit 3i scheduled, 3i+1 recorded with contact made,
/// 3i+2 found in employment; bit 12 a step into training, bit 13 into volunteer work.
pub(crate) fn follow_up() -> String {
    let check_in = |months: i64, condition: &str, bit: u32| {
        format!(
            "CASE WHEN EXISTS (SELECT 1 FROM check_ins k WHERE k.trajectory_id = t.id
                 AND k.months_after_exit = {months}{condition}) THEN {} ELSE 0 END",
            1i64 << bit
        )
    };
    let mut parts = Vec::new();
    for (i, months) in CHECK_IN_MONTHS.iter().enumerate() {
        let bit = 3 * i as u32;
        parts.push(check_in(*months, "", bit));
        parts.push(check_in(*months, FOLLOWED_UP, bit + 1));
        parts.push(check_in(*months, IN_EMPLOYMENT, bit + 2));
    }
    let step = |keep: fn(OutcomeKind) -> bool, bit: u32| {
        format!("CASE WHEN {} THEN {} ELSE 0 END", has_outcome(keep), 1i64 << bit)
    };
    parts.push(step(is_training, 12));
    parts.push(step(|k| k == OutcomeKind::VolunteerWork, 13));
    format!("CAST({} AS BIGINT)", parts.join(" + "))
}

/// A check-in `k` that found the person in employment.
const IN_EMPLOYMENT: &str = " AND k.situation = 'in_employment'";

/// A check-in `k` held: recorded with contact made.
const FOLLOWED_UP: &str = " AND k.done_on IS NOT NULL AND k.contact_made = TRUE";

fn is_training(kind: OutcomeKind) -> bool {
    matches!(kind, OutcomeKind::VetCourse | OutcomeKind::WorkplaceTraining)
}

/// The figures the bits of [`follow_up`] stand for: `check_in:6`, `check_in_recorded:6`,
/// `in_work:6`, …, `step:training`, `step:volunteering`.
pub(crate) fn follow_up_figures(bits: i64) -> Vec<String> {
    let mut figures = Vec::new();
    for (i, months) in CHECK_IN_MONTHS.iter().enumerate() {
        for (j, name) in ["check_in", "check_in_recorded", "in_work"].iter().enumerate() {
            if bits & (1 << (3 * i + j)) != 0 {
                figures.push(format!("{name}:{months}"));
            }
        }
    }
    for (bit, name) in [(12, "step:training"), (13, "step:volunteering")] {
        if bits & (1 << bit) != 0 {
            figures.push(name.to_owned());
        }
    }
    figures
}

/// The trajectories of the scope whose `date` falls in the period ($1 to $7: from, to, partner,
/// region, programme, location, coach; a scope part left out is only tested for NULL, so that the
/// planner can use the partner's or the coach's index when one is set).
fn filter(scope: &Scope, date: &str) -> String {
    format!("t.{date} >= $1 AND t.{date} <= $2 AND {}", scope_parts(scope))
}

/// The trajectories of the scope whatever their dates ($3 to $7, as [`filter`]).
pub(crate) fn scope_parts(scope: &Scope) -> String {
    let part = |set: bool, column: &str, n: u8| {
        if set {
            format!("t.{column} = ${n}")
        } else {
            format!("${n} IS NULL")
        }
    };
    format!(
        "{} AND {} AND {} AND {} AND {}",
        part(scope.organisation_id.is_some(), "organisation_id", 3),
        part(scope.region_id.is_some(), "region_id", 4),
        part(scope.programme_id.is_some(), "programme_id", 5),
        part(scope.location_id.is_some(), "location_id", 6),
        part(scope.coach_id.is_some(), "coach_id", 7),
    )
}

/// The cohort: trajectories started in the period.
fn cohort_filter(scope: &Scope) -> String {
    filter(scope, "started_on")
}

/// Trajectories ended in the period.
fn ended_filter(scope: &Scope) -> String {
    filter(scope, "ended_on")
}

/// Trajectories per figure: `started`, `reached_individually`, `engaged`, `took_step`,
/// `paid_work`, `sickness:<band>`, `barrier:<code>` (the cohort), `exited:<situation>` and
/// `duration:<days>` (those ended in the period). Figures of nothing are left out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally(pub BTreeMap<String, i64>);

impl FromIterator<(String, i64)> for Tally {
    fn from_iter<I: IntoIterator<Item = (String, i64)>>(rows: I) -> Tally {
        let mut tally = Tally::default();
        for (figure, n) in rows {
            *tally.0.entry(figure).or_default() += n;
        }
        tally.0.retain(|_, n| *n != 0);
        tally
    }
}

impl Tally {
    pub fn get(&self, figure: &str) -> i64 {
        self.0.get(figure).copied().unwrap_or(0)
    }

    /// The figures named `<prefix>:<value>`, as (value, count), by value.
    pub fn by<'a>(&'a self, prefix: &'a str) -> impl Iterator<Item = (&'a str, i64)> + 'a {
        self.0
            .iter()
            .filter_map(move |(figure, n)| Some((figure.strip_prefix(prefix)?.strip_prefix(':')?, *n)))
    }
}

/// The figures of a period and scope: from the kept counts, or for a coach at one partner or
/// location from their trajectories.
pub async fn tally(conn: &mut impl Access, scope: Scope) -> Result<Tally> {
    match counts::unit_of(&scope) {
        Some(unit) => counts::tally(conn, unit, scope).await,
        None => recount(conn, scope).await,
    }
}

/// The figures of a period and scope counted from the records, trajectory by trajectory.
pub async fn recount(conn: &mut impl Access, scope: Scope) -> Result<Tally> {
    let c = cohort(conn, scope).await?;
    let mut rows = vec![
        ("started".to_owned(), c.started),
        ("reached_individually".to_owned(), c.reached_individually),
        ("engaged".to_owned(), c.engaged),
        ("took_step".to_owned(), c.took_step),
        ("paid_work".to_owned(), c.paid_work),
    ];
    for (since, started) in sickness_at_start(conn, scope).await? {
        let band = onramp_domain::participants::sickness_band(since, started);
        rows.push((format!("sickness:{band}"), 1));
    }
    for (code, n) in barriers(conn, scope).await? {
        rows.push((format!("barrier:{code}"), n));
    }
    for bits in follow_ups(conn, scope).await? {
        rows.extend(follow_up_figures(bits).into_iter().map(|f| (f, 1)));
    }
    for (situation, started, ended) in ended(conn, scope).await? {
        let situation = situation.as_deref().unwrap_or("not_recorded");
        rows.push((format!("exited:{situation}"), 1));
        rows.push((format!("duration:{}", (ended - started).num_days()), 1));
    }
    Ok(rows.into_iter().collect())
}

pub async fn cohort(conn: &mut impl Access, scope: Scope) -> Result<Cohort> {
    let sql = format!(
        "SELECT COUNT(*) AS started,
            COALESCE(SUM(CASE WHEN EXISTS (SELECT 1 FROM participants p WHERE p.id = t.participant_id
                 AND p.presence_action_id IS NULL) THEN 1 ELSE 0 END), 0) AS reached_individually,
            COALESCE(SUM(CASE WHEN {ENGAGED} THEN 1 ELSE 0 END), 0) AS engaged,
            COALESCE(SUM(CASE WHEN {took_step} THEN 1 ELSE 0 END), 0) AS took_step,
            COALESCE(SUM(CASE WHEN {paid_work} THEN 1 ELSE 0 END), 0) AS paid_work
         FROM trajectories t WHERE {cohort}",
        cohort = cohort_filter(&scope),
        took_step = took_step(),
        paid_work = paid_work(),
    );
    let row = run!(conn, c => sqlx::query_as::<_, Cohort>(sqlx::AssertSqlSafe(&*sql))
        .bind(scope.from).bind(scope.to).bind(scope.organisation_id).bind(scope.region_id).bind(scope.programme_id)
        .bind(scope.location_id).bind(scope.coach_id)
        .fetch_one(c).await)?;
    Ok(row)
}

/// For each trajectory of the cohort: the day the incapacity began (if known) and the start.
pub async fn sickness_at_start(conn: &mut impl Access, scope: Scope) -> Result<Vec<(Option<NaiveDate>, NaiveDate)>> {
    let sql = format!(
        "SELECT p.incapacity_since, t.started_on FROM trajectories t JOIN participants p ON p.id = t.participant_id
         WHERE {}",
        cohort_filter(&scope)
    );
    Ok(
        run!(conn, c => sqlx::query_as::<_, (Option<NaiveDate>, NaiveDate)>(sqlx::AssertSqlSafe(&*sql))
        .bind(scope.from).bind(scope.to).bind(scope.organisation_id).bind(scope.region_id).bind(scope.programme_id)
        .bind(scope.location_id).bind(scope.coach_id)
        .fetch_all(c).await)?,
    )
}

/// The follow-up bits ([`follow_up`]) of each trajectory of the cohort.
pub async fn follow_ups(conn: &mut impl Access, scope: Scope) -> Result<Vec<i64>> {
    let sql = format!(
        "SELECT {} FROM trajectories t WHERE {}",
        follow_up(),
        cohort_filter(&scope)
    );
    Ok(run!(conn, c => sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(&*sql))
        .bind(scope.from).bind(scope.to).bind(scope.organisation_id).bind(scope.region_id).bind(scope.programme_id)
        .bind(scope.location_id).bind(scope.coach_id)
        .fetch_all(c).await)?)
}

/// One trajectory that ended in the period: its situation upon leaving (`None`: not recorded),
/// start and end. The dashboard counts exits by situation and the median duration from these.
pub async fn ended(conn: &mut impl Access, scope: Scope) -> Result<Vec<(Option<String>, NaiveDate, NaiveDate)>> {
    let sql = format!(
        "SELECT t.exit_situation, t.started_on, t.ended_on FROM trajectories t WHERE {}",
        ended_filter(&scope)
    );
    Ok(
        run!(conn, c => sqlx::query_as::<_, (Option<String>, NaiveDate, NaiveDate)>(sqlx::AssertSqlSafe(&*sql))
        .bind(scope.from).bind(scope.to).bind(scope.organisation_id).bind(scope.region_id).bind(scope.programme_id)
        .bind(scope.location_id).bind(scope.coach_id)
        .fetch_all(c).await)?,
    )
}

/// People reached by presence actions in the period (the programme filter does not apply: actions
/// reach people before they join a programme); for a coach, the actions they led.
pub async fn reached(conn: &mut impl Access, scope: Scope) -> Result<i64> {
    let sql =
        "SELECT COALESCE(SUM(a.reached), 0) FROM presence_actions a JOIN organisations o ON o.id = a.organisation_id
               WHERE a.on_date >= $1 AND a.on_date <= $2
                 AND ($3 IS NULL OR a.organisation_id = $3) AND ($4 IS NULL OR o.region_id = $4)
                 AND ($5 IS NULL OR a.location_id = $5) AND ($6 IS NULL OR a.led_by = $6)";
    let n: Option<i64> = run!(conn, c => sqlx::query_scalar(sql)
        .bind(scope.from).bind(scope.to).bind(scope.organisation_id).bind(scope.region_id)
        .bind(scope.location_id).bind(scope.coach_id)
        .fetch_one(c).await)?;
    Ok(n.unwrap_or(0))
}

/// Coach FTE and people-to-reach of the agreements running in the period, and their steps target
/// (the highest, in per mille). Agreements are made with partners: a location's or a coach's
/// share of them is not known, so their scopes have none.
pub async fn agreements(conn: &mut impl Access, scope: Scope) -> Result<(i64, i64, Option<i32>)> {
    if !agreements_apply(&scope) {
        return Ok((0, 0, None));
    }
    let sql =
        "SELECT COALESCE(SUM(a.fte_hundredths), 0), COALESCE(SUM(a.reach_target), 0), MAX(a.steps_target_permille)
               FROM agreements a JOIN organisations o ON o.id = a.partner_id
               WHERE a.starts_on <= $2 AND a.ends_on >= $1
                 AND ($3 IS NULL OR a.partner_id = $3) AND ($4 IS NULL OR o.region_id = $4)";
    let row: (Option<i64>, Option<i64>, Option<i32>) = run!(conn, c => sqlx::query_as(sql)
        .bind(scope.from).bind(scope.to).bind(scope.organisation_id).bind(scope.region_id)
        .fetch_one(c).await)?;
    Ok((row.0.unwrap_or(0), row.1.unwrap_or(0), row.2))
}

/// Whether a scope's figures include the agreements' (a partner, a region, everything).
pub fn agreements_apply(scope: &Scope) -> bool {
    scope.location_id.is_none() && scope.coach_id.is_none()
}

/// The barriers noted on the cohort's trajectories by code (a trajectory counts once per code).
pub async fn barriers(conn: &mut impl Access, scope: Scope) -> Result<Vec<(String, i64)>> {
    let sql = format!(
        "SELECT b.code, COUNT(DISTINCT b.trajectory_id) AS n FROM barriers b JOIN trajectories t ON t.id = b.trajectory_id
         WHERE {} GROUP BY b.code",
        cohort_filter(&scope)
    );
    Ok(
        run!(conn, c => sqlx::query_as::<_, (String, i64)>(sqlx::AssertSqlSafe(&*sql))
        .bind(scope.from).bind(scope.to).bind(scope.organisation_id).bind(scope.region_id).bind(scope.programme_id)
        .bind(scope.location_id).bind(scope.coach_id)
        .fetch_all(c).await)?,
    )
}

/// The trajectories behind one figure of the dashboard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Figure {
    Started,
    /// Started without coming through a presence action.
    ContactedIndividually,
    Engaged,
    TookStep,
    PaidWork,
    /// Ended in the period; with a situation, only those (`None` inside: none recorded).
    Exited(Option<Option<String>>),
    Barrier(String),
    /// The cohort by whole months of sickness at the start: a band's bounds, or `None` for unknown.
    Sickness(Option<(i32, i32)>),
    /// Of the cohort, found in employment at the check-in so many months after exit (one of
    /// [`CHECK_IN_MONTHS`]): the cost-benefit's `in_work:<months>`.
    InWork(i64),
}

impl Figure {
    /// How the figure is named in the audit log: `took_step`, `barrier:pain`, `sickness:4-6`.
    pub fn key(&self) -> String {
        match self {
            Figure::Started => "started".into(),
            Figure::ContactedIndividually => "contacted_individually".into(),
            Figure::Engaged => "engaged".into(),
            Figure::TookStep => "took_step".into(),
            Figure::PaidWork => "paid_work".into(),
            Figure::Exited(None) => "exited".into(),
            Figure::Exited(Some(None)) => "exited:not_recorded".into(),
            Figure::Exited(Some(Some(situation))) => format!("exited:{situation}"),
            Figure::Barrier(code) => format!("barrier:{code}"),
            Figure::Sickness(None) => "sickness:unknown".into(),
            Figure::Sickness(Some((low, high))) => format!("sickness:{low}-{high}"),
            Figure::InWork(months) => format!("in_work:{months}"),
        }
    }
}

/// Where a page of people stopped: the name and trajectory id of its last row.
pub type After = (String, Uuid);

/// One trajectory behind a figure.
#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq)]
pub struct Person {
    pub trajectory_id: Uuid,
    pub participant_id: Uuid,
    /// The name as sorted (folded, last name first).
    pub participant_name: String,
    pub first_name: String,
    pub last_name: String,
    pub programme_id: Uuid,
    pub programme_name: String,
    pub organisation_name: String,
    pub coach_name: Option<String>,
    pub phase: String,
    pub started_on: NaiveDate,
    pub ended_on: Option<NaiveDate>,
    pub exit_situation: Option<String>,
    #[serde(skip)]
    pub incapacity_since: Option<NaiveDate>,
}

/// The SQL condition a figure adds ($8 its text argument, when it has one).
fn figure_condition(scope: &Scope, figure: &Figure) -> String {
    let (cohort, ended) = (cohort_filter(scope), ended_filter(scope));
    match figure {
        Figure::Started | Figure::Sickness(_) => format!("{cohort} AND $8 IS NULL"),
        Figure::ContactedIndividually => format!("{cohort} AND p.presence_action_id IS NULL AND $8 IS NULL"),
        Figure::Engaged => format!("{cohort} AND {ENGAGED} AND $8 IS NULL"),
        Figure::TookStep => format!("{cohort} AND {} AND $8 IS NULL", took_step()),
        Figure::PaidWork => format!("{cohort} AND {} AND $8 IS NULL", paid_work()),
        Figure::Exited(None) => format!("{ended} AND $8 IS NULL"),
        Figure::Exited(Some(None)) => format!("{ended} AND t.exit_situation IS NULL AND $8 IS NULL"),
        Figure::Exited(Some(Some(_))) => format!("{ended} AND t.exit_situation = $8"),
        Figure::Barrier(_) => {
            format!("{cohort} AND EXISTS (SELECT 1 FROM barriers b WHERE b.trajectory_id = t.id AND b.code = $8)")
        }
        // The months are one of CHECK_IN_MONTHS (checked by the caller), written as a number.
        Figure::InWork(months) => format!(
            "{cohort} AND EXISTS (SELECT 1 FROM check_ins k WHERE k.trajectory_id = t.id
                 AND k.months_after_exit = {months}{IN_EMPLOYMENT}) AND $8 IS NULL"
        ),
    }
}

/// The trajectories behind `figure` that the viewer may see, by name, `limit` at most after the
/// cursor (name and id of the previous page's last row).
pub async fn people(
    conn: &mut impl Access,
    scope: Scope,
    figure: &Figure,
    viewer: &Actor,
    after: Option<After>,
    limit: i64,
) -> Result<Vec<Person>> {
    let argument = match figure {
        Figure::Exited(Some(Some(text))) | Figure::Barrier(text) => Some(text.clone()),
        _ => None,
    };
    let band = match figure {
        Figure::Sickness(band) => Some(*band),
        _ => None,
    };
    let matching = Matching {
        condition: figure_condition(&scope, figure),
        argument,
        // A band is counted in Rust (as the dashboard does), so its rows are read in batches and sifted.
        keep: Box::new(move |row: &Person| band.is_none_or(|band| in_band(row, band))),
        batch: if band.is_some() { 500 } else { limit },
    };
    people_where(conn, scope, matching, viewer, after, limit).await
}

/// Which trajectories a list of people shows: a condition over `t` (and `p`) that binds the
/// scope as `$1` to `$7` and `argument` as `$8`, and a test in Rust over each row read, `batch`
/// rows at a time.
pub(crate) struct Matching {
    pub condition: String,
    pub argument: Option<String>,
    pub keep: Box<dyn Fn(&Person) -> bool + Send + Sync>,
    pub batch: i64,
}

/// The trajectories `matching` selects that the viewer may see, by name, `limit` at most after the
/// cursor: the one query behind the dashboard's and the monitoring reports' lists of people.
pub(crate) async fn people_where(
    conn: &mut impl Access,
    scope: Scope,
    matching: Matching,
    viewer: &Actor,
    after: Option<After>,
    limit: i64,
) -> Result<Vec<Person>> {
    // The viewer's part of the caseload, with its ids bound from $12 on.
    let viewer_scope = onramp_domain::policy::caseload_scope(viewer);
    let (visible, visible_ids) = crate::scope::caseload_condition(viewer_scope, viewer, &crate::scope::TRAJECTORY, 12);
    // Without a cursor, its parameters are still bound and only tested for NULL.
    let sql = |has_cursor: bool| {
        let cursor = if has_cursor {
            " AND (t.participant_name, t.id) > ($9, $10)"
        } else {
            " AND $9 IS NULL AND $10 IS NULL"
        };
        format!(
            "SELECT t.id AS trajectory_id, t.participant_id, t.participant_name, p.first_name, p.last_name,
            t.programme_id, g.name AS programme_name,
            o.name AS organisation_name, u.display_name AS coach_name, t.phase, t.started_on, t.ended_on,
            t.exit_situation, p.incapacity_since
         FROM trajectories t
         JOIN participants p ON p.id = t.participant_id
         JOIN programmes g ON g.id = t.programme_id
         JOIN organisations o ON o.id = t.organisation_id
         LEFT JOIN users u ON u.id = t.coach_id
         WHERE {} AND {visible}{cursor}
         ORDER BY t.participant_name, t.id LIMIT $11",
            matching.condition
        )
    };
    let argument = matching.argument;
    let (mut after_name, mut after_id) = after.map(|(n, i)| (Some(n), Some(i))).unwrap_or((None, None));
    let mut found = Vec::new();
    loop {
        let statement = sql(after_id.is_some());
        let batch = matching.batch;
        let rows: Vec<Person> = run!(conn, c => {
            let mut q = sqlx::query_as::<_, Person>(sqlx::AssertSqlSafe(&*statement))
                .bind(scope.from).bind(scope.to).bind(scope.organisation_id).bind(scope.region_id)
                .bind(scope.programme_id).bind(scope.location_id).bind(scope.coach_id)
                .bind(&argument).bind(&after_name).bind(after_id).bind(batch);
            for id in &visible_ids {
                q = q.bind(*id);
            }
            q.fetch_all(c).await
        })?;
        let exhausted = (rows.len() as i64) < batch;
        if let Some(last) = rows.last() {
            after_name = Some(last.participant_name.clone());
            after_id = Some(last.trajectory_id);
        }
        for row in rows {
            if (matching.keep)(&row) {
                found.push(row);
            }
            if found.len() as i64 == limit {
                return Ok(found);
            }
        }
        if exhausted {
            return Ok(found);
        }
    }
}

fn in_band(row: &Person, band: Option<(i32, i32)>) -> bool {
    match (row.incapacity_since, band) {
        (None, None) => true,
        (Some(since), Some((low, high))) => {
            (low..=high).contains(&onramp_domain::participants::sickness_at(since, row.started_on).months)
        }
        _ => false,
    }
}
