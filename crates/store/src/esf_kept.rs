//! The ESF+ indicators kept with each write: per operation and participant what they count in
//! whatever the day (`esf_indicators::Counted`, table `esf_counted`), and per operation, year of
//! first entry, figure and gender the number of people (`esf_cells`), and per kind of date and day
//! the people whose date it is (`esf_dates`: a result pending until that day, missing from it). A
//! report then reads a few hundred cells and the dated cells after its day, however many people the
//! operation covers. Every write that changes a participant's facts reaches
//! [`refresh`] through the dashboard's `counts::refresh_many`, in the same transaction; a new or
//! changed operation is counted anew ([`rebuild`]). The test `esf_kept` compares these counts
//! with a recount from the records after random writes.

use crate::bulk::{self, Value};
use crate::esf::{self, Results};
use crate::{Access, Db, Result, decode, run};
use chrono::{Datelike, NaiveDate};
use onramp_domain::esf_counted::parse_name;
use onramp_domain::esf_indicators::{Counted, Report, Standing};
use onramp_domain::participants::Gender;
use std::collections::{BTreeMap, HashMap};
use uuid::Uuid;

/// One person's kept row.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
struct Row {
    operation_id: Uuid,
    participant_id: Uuid,
    entry_year: i32,
    gender: String,
    entered_on: NaiveDate,
    left_on: Option<NaiveDate>,
    figures: String,
    missing: String,
    inconsistent: String,
    leaving_due: Option<NaiveDate>,
    six_months_due: Option<NaiveDate>,
    missing_from: Option<NaiveDate>,
}

const COLUMNS: [&str; 12] = [
    "operation_id",
    "participant_id",
    "entry_year",
    "gender",
    "entered_on",
    "left_on",
    "figures",
    "missing",
    "inconsistent",
    "leaving_due",
    "six_months_due",
    "missing_from",
];

impl Row {
    fn of(operation_id: Uuid, c: &Counted) -> Row {
        let mut figures: Vec<String> = c.codes.iter().map(|code| (*code).to_owned()).collect();
        figures.extend(c.declined.iter().map(|code| format!("declined:{code}")));
        let flags = [
            (c.not_reached, "not_reached"),
            (c.left_on.is_none(), "still_in"),
            (c.missing_from().is_some(), "missing"),
            (!c.inconsistent.is_empty(), "inconsistent"),
        ];
        figures.extend(flags.iter().filter(|(set, _)| *set).map(|(_, name)| (*name).to_owned()));
        Row {
            operation_id,
            participant_id: c.participant_id,
            entry_year: c.entered_on.year(),
            gender: c.gender.as_str().to_owned(),
            entered_on: c.entered_on,
            left_on: c.left_on,
            figures: figures.join(" "),
            missing: c.missing.join(" "),
            inconsistent: c.inconsistent.join(" "),
            leaving_due: c.leaving_due,
            six_months_due: c.six_months_due,
            missing_from: c.missing_from(),
        }
    }

    fn values(&self) -> Vec<Value> {
        vec![
            Value::Id(self.operation_id),
            Value::Id(self.participant_id),
            Value::Int(self.entry_year),
            Value::Text(self.gender.clone()),
            Value::Date(self.entered_on),
            Value::OptDate(self.left_on),
            Value::Text(self.figures.clone()),
            Value::Text(self.missing.clone()),
            Value::Text(self.inconsistent.clone()),
            Value::OptDate(self.leaving_due),
            Value::OptDate(self.six_months_due),
            Value::OptDate(self.missing_from),
        ]
    }

    /// Adds `sign` to each cell the row counts in, and to the dated cells of its dates.
    fn tally(&self, sign: i64, changes: &mut Changes) {
        for figure in self.figures.split_whitespace() {
            let key = (
                self.operation_id,
                self.entry_year,
                figure.to_owned(),
                self.gender.clone(),
            );
            *changes.cells.entry(key).or_default() += sign;
        }
        let dates = [
            ("missing_from", self.missing_from),
            ("leaving_due", self.leaving_due),
            ("six_months_due", self.six_months_due),
        ];
        for (kind, date) in dates {
            if let Some(date) = date {
                *changes
                    .dates
                    .entry((self.operation_id, kind, date, self.entry_year))
                    .or_default() += sign;
            }
        }
    }

    /// The person's standing on `today`.
    fn standing(&self, today: NaiveDate) -> Result<Standing> {
        let names = |column: &'static str, text: &str| {
            text.split_whitespace()
                .map(|name| decode(column, name, parse_name))
                .collect::<Result<Vec<_>>>()
        };
        let counted = Counted {
            participant_id: self.participant_id,
            gender: decode("esf_counted.gender", &self.gender, Gender::parse)?,
            entered_on: self.entered_on,
            left_on: self.left_on,
            codes: Vec::new(),
            declined: Vec::new(),
            not_reached: false,
            missing: names("esf_counted.missing", &self.missing)?,
            inconsistent: names("esf_counted.inconsistent", &self.inconsistent)?,
            leaving_due: self.leaving_due,
            six_months_due: self.six_months_due,
        };
        Ok(counted.at(today).1)
    }
}

/// Changes to the cells: (operation, entry year, figure, gender) → people, and to the dated cells:
/// (operation, kind of date, day, entry year) → people. Ordered, so that concurrent transactions
/// change shared rows in one order and never wait on each other.
#[derive(Default)]
struct Changes {
    cells: BTreeMap<(Uuid, i32, String, String), i64>,
    dates: BTreeMap<(Uuid, &'static str, NaiveDate, i32), i64>,
}

const SELECT_ROWS: &str = "SELECT operation_id, participant_id, entry_year, gender, entered_on, left_on, figures,
    missing, inconsistent, leaving_due, six_months_due, missing_from FROM esf_counted";

/// The operations whose rows are kept (counted once since they were made or changed).
async fn counted_operations(tx: &mut impl Access) -> Result<Vec<esf::Operation>> {
    let sql = "SELECT id FROM esf_operations WHERE counted";
    let ids: Vec<Uuid> = run!(tx, c => sqlx::query_scalar(sql).fetch_all(c).await)?;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(esf::list(tx)
        .await?
        .into_iter()
        .filter(|o| ids.contains(&o.id))
        .collect())
}

/// Brings these participants' rows and the cells up to date with their records, in the
/// transaction that changed them (whose caller holds the participants' locks on PostgreSQL, so
/// no two transactions recount one person at once).
pub(crate) async fn refresh(tx: &mut impl Access, participant_ids: &[Uuid]) -> Result<()> {
    let operations = counted_operations(tx).await?;
    if operations.is_empty() || participant_ids.is_empty() {
        return Ok(());
    }
    let trajectories = esf::trajectories_of(tx, participant_ids).await?;
    // Outcomes and check-ins only of trajectories an operation covers: most writes touch none.
    let ids: Vec<Uuid> = trajectories
        .iter()
        .filter(|t| operations.iter().any(|o| o.covers(t)))
        .map(|t| t.id)
        .collect();
    let results = if ids.is_empty() {
        Results::default()
    } else {
        Results::of(tx, &ids).await?
    };
    let mut now: HashMap<(Uuid, Uuid), Row> = HashMap::new();
    for operation in &operations {
        let covered = trajectories.iter().filter(|t| operation.covers(t)).collect();
        for facts in esf::assemble(covered, &results)? {
            let row = Row::of(operation.id, &Counted::of(&facts));
            now.insert((row.operation_id, row.participant_id), row);
        }
    }
    let sql = format!("{SELECT_ROWS} WHERE participant_id IN");
    let before: Vec<Row> = bulk::select_in(tx, &sql, participant_ids).await?;
    let mut changes = Changes::default();
    for old in before {
        let key = (old.operation_id, old.participant_id);
        match now.remove(&key) {
            Some(new) if new == old => {}
            Some(new) => {
                old.tally(-1, &mut changes);
                new.tally(1, &mut changes);
                upsert(tx, &new).await?;
            }
            None => {
                old.tally(-1, &mut changes);
                let sql = "DELETE FROM esf_counted WHERE operation_id = $1 AND participant_id = $2";
                run!(tx, c => sqlx::query(sql).bind(key.0).bind(key.1).execute(c).await.map(|r| r.rows_affected()))?;
            }
        }
    }
    for new in now.into_values() {
        new.tally(1, &mut changes);
        upsert(tx, &new).await?;
    }
    add_changes(tx, changes).await
}

async fn upsert(tx: &mut impl Access, row: &Row) -> Result<()> {
    let sql = "INSERT INTO esf_counted (operation_id, participant_id, entry_year, gender, entered_on, left_on,
                   figures, missing, inconsistent, leaving_due, six_months_due, missing_from)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
               ON CONFLICT (operation_id, participant_id) DO UPDATE SET entry_year = excluded.entry_year,
                   gender = excluded.gender, entered_on = excluded.entered_on, left_on = excluded.left_on,
                   figures = excluded.figures, missing = excluded.missing, inconsistent = excluded.inconsistent,
                   leaving_due = excluded.leaving_due, six_months_due = excluded.six_months_due,
                   missing_from = excluded.missing_from";
    run!(tx, c => bulk::bind_all!(sqlx::query(sql), row.values().iter()).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Adds the changes to the cells, in key order, leaving out what cancels.
async fn add_changes(tx: &mut impl Access, changes: Changes) -> Result<()> {
    let sql = "INSERT INTO esf_cells (operation_id, entry_year, figure, gender, people) VALUES ($1, $2, $3, $4, $5)
               ON CONFLICT (operation_id, entry_year, figure, gender) DO UPDATE SET people = esf_cells.people + excluded.people";
    for ((operation, year, figure, gender), people) in changes.cells.into_iter().filter(|(_, n)| *n != 0) {
        run!(tx, c => sqlx::query(sql).bind(operation).bind(year).bind(&figure).bind(&gender).bind(people)
            .execute(c).await.map(|r| r.rows_affected()))?;
    }
    let sql = "INSERT INTO esf_dates (operation_id, kind, due_on, entry_year, people) VALUES ($1, $2, $3, $4, $5)
               ON CONFLICT (operation_id, kind, due_on, entry_year) DO UPDATE SET people = esf_dates.people + excluded.people";
    for ((operation, kind, due_on, year), people) in changes.dates.into_iter().filter(|(_, n)| *n != 0) {
        run!(tx, c => sqlx::query(sql).bind(operation).bind(kind).bind(due_on).bind(year).bind(people)
            .execute(c).await.map(|r| r.rows_affected()))?;
    }
    Ok(())
}

/// Counts an operation anew from the records (made or changed: its coverage decides whom it
/// counts), in the caller's transaction.
pub(crate) async fn rebuild(tx: &mut impl Access, operation: Uuid) -> Result<()> {
    for table in ["esf_counted", "esf_cells", "esf_dates"] {
        let sql = format!("DELETE FROM {table} WHERE operation_id = $1");
        run!(tx, c => sqlx::query(sqlx::AssertSqlSafe(&*sql)).bind(operation).execute(c).await.map(|r| r.rows_affected()))?;
    }
    let facts = esf::facts(tx, operation, NaiveDate::MIN, NaiveDate::MAX).await?;
    let rows: Vec<Row> = facts.iter().map(|f| Row::of(operation, &Counted::of(f))).collect();
    let mut changes = Changes::default();
    for row in &rows {
        row.tally(1, &mut changes);
    }
    let values: Vec<Vec<Value>> = rows.iter().map(Row::values).collect();
    bulk::insert(tx, "esf_counted", &COLUMNS, &values).await?;
    let cells: Vec<Vec<Value>> = changes
        .cells
        .into_iter()
        .filter(|(_, n)| *n != 0)
        .map(|((operation, year, figure, gender), people)| {
            vec![
                Value::Id(operation),
                Value::Int(year),
                Value::Text(figure),
                Value::Text(gender),
                Value::BigInt(people),
            ]
        })
        .collect();
    bulk::insert(
        tx,
        "esf_cells",
        &["operation_id", "entry_year", "figure", "gender", "people"],
        &cells,
    )
    .await?;
    let dates: Vec<Vec<Value>> = changes
        .dates
        .into_iter()
        .filter(|(_, n)| *n != 0)
        .map(|((operation, kind, due_on, year), people)| {
            vec![
                Value::Id(operation),
                Value::Text(kind.to_owned()),
                Value::Date(due_on),
                Value::Int(year),
                Value::BigInt(people),
            ]
        })
        .collect();
    bulk::insert(
        tx,
        "esf_dates",
        &["operation_id", "kind", "due_on", "entry_year", "people"],
        &dates,
    )
    .await?;
    let sql = "UPDATE esf_operations SET counted = TRUE WHERE id = $1";
    run!(tx, c => sqlx::query(sql).bind(operation).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Counts the operations not counted yet (after the upgrade that brought the kept counts), or all
/// of them when `everything` (the generator wrote trajectories without the application's writes).
pub async fn catch_up(db: &Db, everything: bool) -> Result<usize> {
    let sql = if everything {
        "SELECT id FROM esf_operations"
    } else {
        "SELECT id FROM esf_operations WHERE NOT counted"
    };
    let ids: Vec<Uuid> = {
        let mut conn = db.conn().await?;
        run!(&mut conn, c => sqlx::query_scalar(sql).fetch_all(c).await)?
    };
    for id in &ids {
        let mut tx = db.begin().await?;
        rebuild(&mut tx, *id).await?;
        tx.commit().await?;
    }
    Ok(ids.len())
}

/// The entry years of a period: one, or all.
fn years(year: Option<i32>) -> (i32, i32) {
    year.map_or((0, 9999), |y| (y, y))
}

/// The indicators of an operation for the people who first entered in `year` (all when `None`),
/// from the kept cells, as of `today`. The report carries counts, not each person's standing.
pub async fn report(conn: &mut impl Access, operation: Uuid, year: Option<i32>, today: NaiveDate) -> Result<Report> {
    let (first, last) = years(year);
    let sql = "SELECT figure, gender, CAST(SUM(people) AS BIGINT) FROM esf_cells
               WHERE operation_id = $1 AND entry_year >= $2 AND entry_year <= $3 GROUP BY figure, gender";
    let cells: Vec<(String, String, i64)> =
        run!(conn, c => sqlx::query_as(sql).bind(operation).bind(first).bind(last).fetch_all(c).await)?;
    let mut report = Report::empty();
    let mut ever_missing = 0;
    for (figure, gender, people) in cells {
        match figure.as_str() {
            "missing" => ever_missing += people,
            "inconsistent" => report.people.inconsistent += to_count(people),
            _ => report.add_many(&figure, decode("esf_cells.gender", &gender, Gender::parse)?, people),
        }
    }
    // Only people who left less than six months ago have a date after today: a few days' rows.
    let sql = "SELECT kind, CAST(SUM(people) AS BIGINT) FROM esf_dates
               WHERE operation_id = $1 AND due_on > $2 AND entry_year >= $3 AND entry_year <= $4 GROUP BY kind";
    let later: Vec<(String, i64)> = run!(conn, c => sqlx::query_as(sql).bind(operation).bind(today).bind(first)
        .bind(last).fetch_all(c).await)?;
    let later = |kind: &str| later.iter().find(|(k, _)| k == kind).map_or(0, |(_, n)| *n);
    let not_yet_missing = later("missing_from");
    report.people.pending_four_weeks = to_count(later("leaving_due"));
    report.people.pending_six_months = to_count(later("six_months_due"));
    report.people.missing = to_count(ever_missing - not_yet_missing);
    Ok(report)
}

fn to_count(n: i64) -> usize {
    usize::try_from(n).unwrap_or(0)
}

/// The people of an operation (first entry in `year`, all when `None`) with something missing,
/// pending or inconsistent on `today`, with their standing.
pub async fn standings(
    conn: &mut impl Access,
    operation: Uuid,
    year: Option<i32>,
    today: NaiveDate,
) -> Result<Vec<Standing>> {
    let (first, last) = years(year);
    let sql = format!(
        "{SELECT_ROWS} WHERE operation_id = $1 AND entry_year >= $2 AND entry_year <= $3
         AND (missing_from IS NOT NULL OR inconsistent <> '') ORDER BY participant_id"
    );
    let rows: Vec<Row> = run!(conn, c => sqlx::query_as(sqlx::AssertSqlSafe(&*sql)).bind(operation).bind(first)
        .bind(last).fetch_all(c).await)?;
    let mut standings = Vec::new();
    for row in rows {
        let s = row.standing(today)?;
        if !(s.missing.is_empty() && s.pending.is_empty() && s.inconsistent.is_empty()) {
            standings.push(s);
        }
    }
    Ok(standings)
}
