//! The dashboard's figures kept as counts, changed in the same transaction as the records they
//! count: a dashboard over a region or everything then reads a few thousand rows, however many
//! trajectories there are, and is never stale.
//!
//! Each trajectory adds one to a set of figures (`started`, `took_step`, `barrier:pain`,
//! `duration:183`, …), each on the day it is counted on (the start, or the end for exits), by day
//! and by month, in each unit it belongs to: everything, its partner, its location and its
//! responsible coach (see [`Unit`]), every row with the trajectory's region and programme.
//! `dashboard_facts` keeps what a trajectory adds now and where, so [`refresh`] can take that
//! away and add what it adds after a change (a handover moves a trajectory's figures from one
//! coach to the other). Every write that changes a figure calls [`refresh`]
//! for the participant; the property test in tests/it/dashboard_counts.rs checks the counts
//! against a recount from the records after random writes.

use super::{Scope, Tally};
use crate::bulk::{self, Value};
use crate::monitoring::facts::{self as monitoring, Basis};
use crate::{Access, Db, Result, StoreError, run};
use chrono::{Datelike, Days, NaiveDate};
use onramp_domain::participants::sickness_band;
use std::collections::HashMap;
use uuid::Uuid;

/// Day rows, and month rows (dated the month's first day).
const DAY: &str = "d";
const MONTH: &str = "m";

/// The units the counts are kept in: each a kind and an id. A dashboard, a report or a
/// comparison (per coach, per location) reads one unit's rows, cut by region and programme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Unit {
    /// Every trajectory (the nil id).
    All,
    /// The trajectories at a partner.
    Organisation(Uuid),
    /// At a location of a partner.
    Location(Uuid),
    /// Of a responsible coach.
    Coach(Uuid),
}

impl Unit {
    /// The kind and id, as `dashboard_counts` keeps them.
    pub fn key(self) -> (&'static str, Uuid) {
        match self {
            Unit::All => ("all", Uuid::nil()),
            Unit::Organisation(id) => ("organisation", id),
            Unit::Location(id) => ("location", id),
            Unit::Coach(id) => ("coach", id),
        }
    }
}

/// Where one trajectory is counted: its region, programme and units (nil: none).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Place {
    region_id: Uuid,
    programme_id: Uuid,
    organisation_id: Uuid,
    location_id: Uuid,
    coach_id: Uuid,
}

impl Place {
    /// Every unit the trajectory counts in.
    fn units(&self) -> Vec<Unit> {
        let mut units = vec![Unit::All, Unit::Organisation(self.organisation_id)];
        if !self.location_id.is_nil() {
            units.push(Unit::Location(self.location_id));
        }
        if !self.coach_id.is_nil() {
            units.push(Unit::Coach(self.coach_id));
        }
        units
    }
}

/// What one trajectory adds to the counts: where, and each figure with the day it is counted on.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Facts {
    place: Place,
    figures: Vec<(NaiveDate, String)>,
}

impl Facts {
    /// One "date figure" line per figure, as `dashboard_facts.figures` keeps them.
    fn encode(&self) -> String {
        let lines: Vec<String> = self.figures.iter().map(|(on, f)| format!("{on} {f}")).collect();
        lines.join("\n")
    }

    /// The facts [`Facts::encode`] wrote; `Corrupt` for a line that does not read (leaving it
    /// out would leave its figure counted for good).
    fn decode(place: Place, text: &str) -> Result<Facts> {
        let figures = text
            .lines()
            .map(|line| {
                let (on, figure) = line.split_once(' ').ok_or_else(|| corrupt(line))?;
                Ok((on.parse().map_err(|_| corrupt(line))?, figure.to_owned()))
            })
            .collect::<Result<_>>()?;
        Ok(Facts { place, figures })
    }
}

fn corrupt(line: &str) -> StoreError {
    StoreError::Corrupt {
        column: "dashboard_facts.figures",
        value: line.to_owned(),
    }
}

/// One row of `dashboard_counts`: unit, grain, period, region, programme, figure.
type Key = (Unit, &'static str, NaiveDate, Uuid, Uuid, String);

fn first_of_month(on: NaiveDate) -> NaiveDate {
    on.with_day(1).unwrap_or(on)
}

/// Adds `sign` to every row the facts count in.
fn tally_into(changes: &mut HashMap<Key, i64>, facts: &Facts, sign: i64) {
    let place = facts.place;
    for unit in place.units() {
        for (on, figure) in &facts.figures {
            // Monitoring reports cover whole months: their figures keep no day rows.
            let day = (!figure.starts_with(monitoring::PREFIX)).then_some((DAY, *on));
            for (grain, period) in day.into_iter().chain([(MONTH, first_of_month(*on))]) {
                let key = (unit, grain, period, place.region_id, place.programme_id, figure.clone());
                *changes.entry(key).or_default() += sign;
            }
        }
    }
}

/// A trajectory as the figures need it.
#[derive(Debug, sqlx::FromRow)]
struct Source {
    id: Uuid,
    participant_id: Uuid,
    health_category: String,
    first_step: Option<NaiveDate>,
    first_paid: Option<NaiveDate>,
    region_id: Option<Uuid>,
    programme_id: Uuid,
    organisation_id: Uuid,
    location_id: Option<Uuid>,
    coach_id: Option<Uuid>,
    started_on: NaiveDate,
    ended_on: Option<NaiveDate>,
    exit_situation: Option<String>,
    incapacity_since: Option<NaiveDate>,
    individually: bool,
    engaged: bool,
    took_step: bool,
    paid_work: bool,
    /// The follow-up after exit and the kinds of step, as bits ([`super::FOLLOW_UP`]).
    follow_up: i64,
}

impl Source {
    /// What the monitoring figures need of it.
    fn basis(&self) -> Basis {
        Basis {
            id: self.id,
            participant_id: self.participant_id,
            started_on: self.started_on,
            health: self.health_category.clone(),
            took_step: self.took_step,
            first_step: self.first_step,
            first_paid: self.first_paid,
        }
    }

    /// The figures, in a stable order; `codes` are the trajectory's barrier codes, each once;
    /// `monitoring` its monitoring figures (`monitoring::facts`).
    fn facts(&self, codes: &[String], monitoring: &[(NaiveDate, String)]) -> Facts {
        let start = self.started_on;
        let mut figures = vec![(start, "started".to_owned())];
        let flags = [
            (self.individually, "reached_individually"),
            (self.engaged, "engaged"),
            (self.took_step, "took_step"),
            (self.paid_work, "paid_work"),
        ];
        figures.extend(
            flags
                .iter()
                .filter(|(on, _)| *on)
                .map(|(_, f)| (start, (*f).to_owned())),
        );
        let band = sickness_band(self.incapacity_since, start);
        figures.push((start, format!("sickness:{band}")));
        figures.extend(codes.iter().map(|code| (start, format!("barrier:{code}"))));
        figures.extend(super::follow_up_figures(self.follow_up).into_iter().map(|f| (start, f)));
        if let Some(end) = self.ended_on {
            let situation = self.exit_situation.as_deref().unwrap_or("not_recorded");
            figures.push((end, format!("exited:{situation}")));
            figures.push((end, format!("duration:{}", (end - start).num_days())));
        }
        figures.extend(monitoring.iter().cloned());
        figures.sort();
        Facts {
            place: Place {
                region_id: self.region_id.unwrap_or(Uuid::nil()),
                programme_id: self.programme_id,
                organisation_id: self.organisation_id,
                location_id: self.location_id.unwrap_or(Uuid::nil()),
                coach_id: self.coach_id.unwrap_or(Uuid::nil()),
            },
            figures,
        }
    }
}

/// The trajectories `condition` selects (over `t`), as the figures need them.
fn source_sql(condition: &str) -> String {
    format!(
        "SELECT t.id, t.participant_id, p.health_category, {first_step} AS first_step, {first_paid} AS first_paid,
            t.region_id, t.programme_id, t.organisation_id, t.location_id, t.coach_id, t.started_on,
            t.ended_on, t.exit_situation, p.incapacity_since,
            p.presence_action_id IS NULL AS individually,
            {engaged} AS engaged, {took_step} AS took_step, {paid_work} AS paid_work,
            {follow_up} AS follow_up
         FROM trajectories t JOIN participants p ON p.id = t.participant_id WHERE {condition}",
        engaged = super::ENGAGED,
        took_step = super::took_step(),
        paid_work = super::paid_work(),
        follow_up = super::follow_up(),
        first_step = super::first_step(),
        first_paid = super::first_paid(),
    )
}

/// Each trajectory's barrier codes, each once, sorted.
fn codes_by_trajectory(rows: Vec<(Uuid, String)>) -> HashMap<Uuid, Vec<String>> {
    let mut codes: HashMap<Uuid, Vec<String>> = HashMap::new();
    for (trajectory_id, code) in rows {
        codes.entry(trajectory_id).or_default().push(code);
    }
    for list in codes.values_mut() {
        list.sort();
        list.dedup();
    }
    codes
}

/// Brings the counts up to date with a participant's records: call it in the transaction that
/// changed a trajectory, an outcome, a barrier, an attendance or the participant, after the change.
pub async fn refresh(tx: &mut impl Access, participant_id: Uuid) -> Result<()> {
    refresh_many(tx, &[participant_id]).await
}

/// [`refresh`] for a transaction that changed several people's records (attendance for a whole
/// session, say). On PostgreSQL it locks the people in id order and then changes all their counts
/// in one go, in key order: two such transactions take their locks in the same order, so neither
/// can end up waiting for the other. Refreshing them one by one could deadlock on shared count rows.
pub async fn refresh_many(tx: &mut impl Access, participant_ids: &[Uuid]) -> Result<()> {
    let mut ids = participant_ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    let mut changes = HashMap::new();
    for id in &ids {
        // Two transactions could each count a change the other cannot see yet.
        crate::lock_row(tx, "participants", *id).await?;
        changes_for(tx, *id, &mut changes).await?;
    }
    apply(tx, changes).await?;
    // The ESF+ indicators are kept from the same writes, under the same locks.
    crate::esf_kept::refresh(tx, &ids).await
}

/// The kept facts of a participant's trajectories, by trajectory.
async fn kept_facts(tx: &mut impl Access, participant_id: Uuid) -> Result<HashMap<Uuid, Facts>> {
    let sql = "SELECT f.trajectory_id, f.region_id, f.programme_id, f.organisation_id, f.location_id, f.coach_id,
                   f.figures
               FROM dashboard_facts f JOIN trajectories t ON t.id = f.trajectory_id WHERE t.participant_id = $1";
    let rows: Vec<(Uuid, Uuid, Uuid, Uuid, Uuid, Uuid, String)> =
        run!(tx, c => sqlx::query_as(sql).bind(participant_id).fetch_all(c).await)?;
    rows.into_iter()
        .map(
            |(id, region_id, programme_id, organisation_id, location_id, coach_id, text)| {
                let place = Place {
                    region_id,
                    programme_id,
                    organisation_id,
                    location_id,
                    coach_id,
                };
                Ok((id, Facts::decode(place, &text)?))
            },
        )
        .collect()
}

/// Takes a participant's trajectories out of the counts and drops their facts: before their
/// records are deleted (an erasure, docs/retention.md), in the same transaction.
pub async fn forget(tx: &mut impl Access, participant_id: Uuid) -> Result<()> {
    crate::lock_row(tx, "participants", participant_id).await?;
    let mut changes = HashMap::new();
    for facts in kept_facts(tx, participant_id).await?.values() {
        tally_into(&mut changes, facts, -1);
    }
    apply(tx, changes).await?;
    let sql =
        "DELETE FROM dashboard_facts WHERE trajectory_id IN (SELECT id FROM trajectories WHERE participant_id = $1)";
    run!(tx, c => sqlx::query(sql).bind(participant_id).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Rewrites the facts of a participant's trajectories that changed, and adds what that changes
/// in the counts to `changes`.
async fn changes_for(tx: &mut impl Access, participant_id: Uuid, changes: &mut HashMap<Key, i64>) -> Result<()> {
    let sql = source_sql("t.participant_id = $1");
    let sources: Vec<Source> = run!(tx, c => sqlx::query_as::<_, Source>(sqlx::AssertSqlSafe(&*sql))
        .bind(participant_id).fetch_all(c).await)?;
    if sources.is_empty() {
        return Ok(());
    }
    let sql = "SELECT DISTINCT trajectory_id, code FROM barriers WHERE participant_id = $1";
    let codes = codes_by_trajectory(run!(tx, c => sqlx::query_as(sql).bind(participant_id).fetch_all(c).await)?);
    let basis: Vec<Basis> = sources.iter().map(Source::basis).collect();
    let extra = monitoring::figures(tx, &basis).await?;
    let before = kept_facts(tx, participant_id).await?;
    for source in &sources {
        let now = source.facts(
            codes.get(&source.id).map_or(&[][..], Vec::as_slice),
            extra.get(&source.id).map_or(&[][..], Vec::as_slice),
        );
        let old = before.get(&source.id);
        if old == Some(&now) {
            continue;
        }
        if let Some(old) = old {
            tally_into(changes, old, -1);
        }
        tally_into(changes, &now, 1);
        let sql = "INSERT INTO dashboard_facts (trajectory_id, region_id, programme_id, organisation_id, location_id,
                       coach_id, figures) VALUES ($1, $2, $3, $4, $5, $6, $7)
                   ON CONFLICT (trajectory_id) DO UPDATE SET region_id = excluded.region_id,
                       programme_id = excluded.programme_id, organisation_id = excluded.organisation_id,
                       location_id = excluded.location_id, coach_id = excluded.coach_id, figures = excluded.figures";
        let place = now.place;
        run!(tx, c => sqlx::query(sql).bind(source.id).bind(place.region_id).bind(place.programme_id)
            .bind(place.organisation_id).bind(place.location_id).bind(place.coach_id).bind(now.encode())
            .execute(c).await.map(|r| r.rows_affected()))?;
    }
    Ok(())
}

/// Rows per upsert statement (eight values each).
const ROWS_PER_STATEMENT: usize = 500;

/// Adds the changes to the counts, in key order (so concurrent transactions lock rows in the
/// same order), leaving out what cancels.
async fn apply(tx: &mut impl Access, changes: HashMap<Key, i64>) -> Result<()> {
    let mut rows: Vec<(Key, i64)> = changes.into_iter().filter(|(_, n)| *n != 0).collect();
    rows.sort_unstable();
    // The monitoring figures have a table of their own, so the dashboard reads none of them.
    let (kept, dashboard): (Vec<_>, Vec<_>) = rows
        .into_iter()
        .partition(|row| row.0.5.starts_with(monitoring::PREFIX));
    apply_to(tx, "dashboard_counts", &dashboard).await?;
    apply_to(tx, "monitoring_counts", &kept).await
}

/// Adds sorted changes to one table of counts (`dashboard_counts`, `monitoring_counts`).
async fn apply_to(tx: &mut impl Access, table: &str, rows: &[(Key, i64)]) -> Result<()> {
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        let rows = vec!["(?, ?, ?, ?, ?, ?, ?, ?)"; chunk.len()].join(", ");
        let sql = format!(
            "INSERT INTO {table} (unit, unit_id, grain, period, region_id, programme_id, figure, trajectories)
             VALUES {rows}
             ON CONFLICT (unit, unit_id, grain, period, region_id, programme_id, figure)
             DO UPDATE SET trajectories = {table}.trajectories + excluded.trajectories"
        );
        let values: Vec<Value> = chunk
            .iter()
            .flat_map(|((unit, grain, period, region, programme, figure), n)| {
                let (kind, id) = unit.key();
                [
                    Value::Text(kind.to_owned()),
                    Value::Id(id),
                    Value::Text((*grain).to_owned()),
                    Value::Date(*period),
                    Value::Id(*region),
                    Value::Id(*programme),
                    Value::Text(figure.clone()),
                    Value::BigInt(*n),
                ]
            })
            .collect();
        bulk::execute(tx, &sql, &values).await?;
    }
    Ok(())
}

/// Trajectories read per batch when counting those not counted yet.
const BATCH: i64 = 5_000;
/// Count rows held in memory before they are written.
const HELD_ROWS: usize = 500_000;

/// Counts the trajectories that have no facts yet (a database from before the counts, or one the
/// generator filled), in one transaction. Returns how many. Quick when every one is counted.
pub async fn catch_up(db: &Db) -> Result<u64> {
    let mut conn = db.conn().await?;
    let sql = "SELECT (SELECT COUNT(*) FROM trajectories) - (SELECT COUNT(*) FROM dashboard_facts)";
    let missing: i64 = run!(&mut conn, c => sqlx::query_scalar(sql).fetch_one(c).await)?;
    drop(conn);
    if missing == 0 {
        return Ok(0);
    }
    let mut tx = db.begin().await?;
    // Batches in id order, each read through an index: an anti-join with the facts made
    // PostgreSQL scan both tables for every batch.
    let batch = "SELECT id FROM trajectories WHERE id > $1 ORDER BY id LIMIT $2";
    let counted_in = "SELECT trajectory_id FROM dashboard_facts WHERE trajectory_id >= $1 AND trajectory_id <= $2";
    let mut after = Uuid::nil();
    let mut changes = HashMap::new();
    let mut counted = 0;
    loop {
        let ids: Vec<Uuid> = run!(&mut tx, c => sqlx::query_scalar(batch).bind(after).bind(BATCH).fetch_all(c).await)?;
        let (Some(first), Some(last)) = (ids.first().copied(), ids.last().copied()) else {
            break;
        };
        let done: std::collections::HashSet<Uuid> =
            run!(&mut tx, c => sqlx::query_scalar(counted_in).bind(first).bind(last).fetch_all(c).await)?
                .into_iter()
                .collect();
        let missing: Vec<Uuid> = ids.into_iter().filter(|id| !done.contains(id)).collect();
        counted += count_ids(&mut tx, &missing, &mut changes).await?;
        after = last;
        if changes.len() > HELD_ROWS {
            apply(&mut tx, std::mem::take(&mut changes)).await?;
        }
    }
    apply(&mut tx, changes).await?;
    tx.commit().await?;
    Ok(counted)
}

/// Counts trajectories that were just written together (an import), in the caller's transaction.
pub async fn count_new(tx: &mut impl Access, ids: &[Uuid]) -> Result<()> {
    let mut changes = HashMap::new();
    count_ids(tx, ids, &mut changes).await?;
    apply(tx, changes).await?;
    let sql = "SELECT DISTINCT participant_id FROM trajectories WHERE id IN";
    let people: Vec<(Uuid,)> = bulk::select_in(tx, sql, ids).await?;
    let people: Vec<Uuid> = people.into_iter().map(|(id,)| id).collect();
    crate::esf_kept::refresh(tx, &people).await
}

/// Reads the trajectories of `ids` (none counted yet) a chunk at a time and counts them with
/// [`add_facts`]; returns how many.
async fn count_ids(tx: &mut impl Access, ids: &[Uuid], changes: &mut HashMap<Key, i64>) -> Result<u64> {
    let mut counted = 0;
    for chunk in ids.chunks(ROWS_PER_STATEMENT) {
        let sources: Vec<Source> = bulk::select_in(tx, &source_sql("t.id IN"), chunk).await?;
        let sql = "SELECT DISTINCT trajectory_id, code FROM barriers WHERE trajectory_id IN";
        let rows: Vec<(Uuid, String)> = bulk::select_in(tx, sql, chunk).await?;
        let basis: Vec<Basis> = sources.iter().map(Source::basis).collect();
        let extra = monitoring::figures(tx, &basis).await?;
        counted += add_facts(tx, &sources, &codes_by_trajectory(rows), &extra, changes).await?;
    }
    Ok(counted)
}

/// Writes the facts of trajectories that have none yet and adds them to `changes`; returns how many.
async fn add_facts(
    tx: &mut impl Access,
    sources: &[Source],
    codes: &HashMap<Uuid, Vec<String>>,
    extra: &HashMap<Uuid, Vec<(NaiveDate, String)>>,
    changes: &mut HashMap<Key, i64>,
) -> Result<u64> {
    let mut rows = Vec::with_capacity(sources.len());
    for source in sources {
        let facts = source.facts(
            codes.get(&source.id).map_or(&[][..], Vec::as_slice),
            extra.get(&source.id).map_or(&[][..], Vec::as_slice),
        );
        tally_into(changes, &facts, 1);
        let place = facts.place;
        rows.push(vec![
            Value::Id(source.id),
            Value::Id(place.region_id),
            Value::Id(place.programme_id),
            Value::Id(place.organisation_id),
            Value::Id(place.location_id),
            Value::Id(place.coach_id),
            Value::Text(facts.encode()),
        ]);
    }
    let columns = &[
        "trajectory_id",
        "region_id",
        "programme_id",
        "organisation_id",
        "location_id",
        "coach_id",
        "figures",
    ];
    bulk::insert(tx, "dashboard_facts", columns, &rows).await
}

/// The day and month rows that cover `from..=to`: whole months as month rows, the days before the
/// first and after the last whole month as day rows. Each as (first, last); empty when first > last.
fn periods(from: NaiveDate, to: NaiveDate) -> [(&'static str, NaiveDate, NaiveDate); 3] {
    let first_whole = if from.day() == 1 {
        from
    } else {
        first_of_month(from)
            .checked_add_months(chrono::Months::new(1))
            .unwrap_or(from)
    };
    let after_to = to.checked_add_days(Days::new(1)).unwrap_or(to);
    // The first day of the month that follows the last whole month.
    let end_whole = first_of_month(after_to);
    if first_whole >= end_whole {
        let none = (MONTH, from, from.pred_opt().unwrap_or(from));
        return [(DAY, from, to), none, (DAY, from, from.pred_opt().unwrap_or(from))];
    }
    let before_last = end_whole.pred_opt().unwrap_or(end_whole);
    [
        (DAY, from, first_whole.pred_opt().unwrap_or(first_whole)),
        (MONTH, first_whole, first_of_month(before_last)),
        (DAY, end_whole, to),
    ]
}

/// The unit whose kept counts answer a scope: everything, a partner, a location or a coach, each
/// cut by region and programme. `None` for a coach at a partner or a location, which is not kept
/// (its few trajectories are recounted). A location's partner is the location's own (the caller
/// checks it).
pub fn unit_of(scope: &Scope) -> Option<Unit> {
    match (scope.organisation_id, scope.location_id, scope.coach_id) {
        (None, None, None) => Some(Unit::All),
        (Some(organisation), None, None) => Some(Unit::Organisation(organisation)),
        (_, Some(location), None) => Some(Unit::Location(location)),
        (None, None, Some(coach)) => Some(Unit::Coach(coach)),
        _ => None,
    }
}

/// The counts of one unit for the scope's period, region and programme.
pub async fn tally(conn: &mut impl Access, unit: Unit, scope: Scope) -> Result<Tally> {
    let [a, b, c3] = periods(scope.from, scope.to);
    let (kind, id) = unit.key();
    let sql = "SELECT figure, CAST(SUM(trajectories) AS BIGINT) FROM dashboard_counts
               WHERE unit = $12 AND unit_id = $13
                 AND ((grain = $1 AND period >= $2 AND period <= $3) OR (grain = $4 AND period >= $5 AND period <= $6)
                   OR (grain = $7 AND period >= $8 AND period <= $9))
                 AND ($10 IS NULL OR region_id = $10) AND ($11 IS NULL OR programme_id = $11)
               GROUP BY figure";
    let rows: Vec<(String, i64)> = run!(conn, c => sqlx::query_as(sql)
        .bind(a.0).bind(a.1).bind(a.2).bind(b.0).bind(b.1).bind(b.2).bind(c3.0).bind(c3.1).bind(c3.2)
        .bind(scope.region_id).bind(scope.programme_id).bind(kind).bind(id)
        .fetch_all(c).await)?;
    Ok(rows.into_iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn a_period_is_whole_months_and_the_days_around_them() {
        let [a, b, c] = periods(date("2026-01-15"), date("2026-04-10"));
        assert_eq!(a, (DAY, date("2026-01-15"), date("2026-01-31")));
        assert_eq!(b, (MONTH, date("2026-02-01"), date("2026-03-01")));
        assert_eq!(c, (DAY, date("2026-04-01"), date("2026-04-10")));
        let [a, b, c] = periods(date("2026-01-01"), date("2026-12-31"));
        assert!(a.1 > a.2 && c.1 > c.2, "no loose days in a whole year");
        assert_eq!(b, (MONTH, date("2026-01-01"), date("2026-12-01")));
        let [a, b, c] = periods(date("2026-02-03"), date("2026-02-20"));
        assert_eq!(a, (DAY, date("2026-02-03"), date("2026-02-20")));
        assert!(b.1 > b.2 && c.1 > c.2, "within one month: days only");
    }

    fn place() -> Place {
        Place {
            region_id: Uuid::now_v7(),
            programme_id: Uuid::now_v7(),
            organisation_id: Uuid::now_v7(),
            location_id: Uuid::nil(),
            coach_id: Uuid::now_v7(),
        }
    }

    #[test]
    fn a_trajectory_counts_in_everything_its_partner_and_its_location_and_coach_when_it_has_them() {
        let p = place();
        assert_eq!(
            p.units(),
            vec![
                Unit::All,
                Unit::Organisation(p.organisation_id),
                Unit::Coach(p.coach_id)
            ]
        );
        let at = Place {
            location_id: Uuid::now_v7(),
            coach_id: Uuid::nil(),
            ..p
        };
        assert_eq!(
            at.units(),
            vec![
                Unit::All,
                Unit::Organisation(p.organisation_id),
                Unit::Location(at.location_id)
            ]
        );
    }

    #[test]
    fn facts_read_back_as_written() {
        let facts = Facts {
            place: place(),
            figures: vec![
                (date("2026-01-02"), "barrier:pain".into()),
                (date("2026-01-02"), "started".into()),
                (date("2026-05-02"), "exited:not_recorded".into()),
            ],
        };
        assert_eq!(Facts::decode(facts.place, &facts.encode()).unwrap(), facts);
    }

    #[test]
    fn facts_that_do_not_read_are_an_error() {
        assert!(Facts::decode(place(), "").unwrap().figures.is_empty());
        for text in ["2026-01-02 started\nstarted", "2026-13-02 started"] {
            let error = Facts::decode(place(), text).unwrap_err();
            assert!(
                matches!(
                    error,
                    StoreError::Corrupt {
                        column: "dashboard_facts.figures",
                        ..
                    }
                ),
                "{text:?}: {error:?}"
            );
        }
    }
}
