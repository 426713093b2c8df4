//! The ESF+ indicators kept with each write: per operation and participant what they count in
//! whatever the day (`esf_indicators::Counted`, table `esf_counted`), and per operation, year of
//! first entry, figure and gender the number of people (`esf_cells`). A report then reads a few
//! hundred cells and counts apart the few people whose standing turns on the day, however many
//! people the operation covers. Every write that changes a participant's facts reaches
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

    /// Adds `sign` to each cell the row counts in.
    fn tally(&self, sign: i64, cells: &mut Cells) {
        for figure in self.figures.split_whitespace() {
            let key = (
                self.operation_id,
                self.entry_year,
                figure.to_owned(),
                self.gender.clone(),
            );
            *cells.entry(key).or_default() += sign;
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

/// Changes to the cells: (operation, entry year, figure, gender) → people. Ordered, so that
/// concurrent transactions change shared cells in one order and never wait on each other.
type Cells = BTreeMap<(Uuid, i32, String, String), i64>;

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
    let ids: Vec<Uuid> = trajectories.iter().map(|t| t.id).collect();
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
    let mut cells = Cells::new();
    for old in before {
        let key = (old.operation_id, old.participant_id);
        match now.remove(&key) {
            Some(new) if new == old => {}
            Some(new) => {
                old.tally(-1, &mut cells);
                new.tally(1, &mut cells);
                upsert(tx, &new).await?;
            }
            None => {
                old.tally(-1, &mut cells);
                let sql = "DELETE FROM esf_counted WHERE operation_id = $1 AND participant_id = $2";
                run!(tx, c => sqlx::query(sql).bind(key.0).bind(key.1).execute(c).await.map(|r| r.rows_affected()))?;
            }
        }
    }
    for new in now.into_values() {
        new.tally(1, &mut cells);
        upsert(tx, &new).await?;
    }
    add_cells(tx, cells).await
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
async fn add_cells(tx: &mut impl Access, cells: Cells) -> Result<()> {
    let sql = "INSERT INTO esf_cells (operation_id, entry_year, figure, gender, people) VALUES ($1, $2, $3, $4, $5)
               ON CONFLICT (operation_id, entry_year, figure, gender) DO UPDATE SET people = esf_cells.people + excluded.people";
    for ((operation, year, figure, gender), people) in cells.into_iter().filter(|(_, n)| *n != 0) {
        run!(tx, c => sqlx::query(sql).bind(operation).bind(year).bind(&figure).bind(&gender).bind(people)
            .execute(c).await.map(|r| r.rows_affected()))?;
    }
    Ok(())
}

/// Counts an operation anew from the records (made or changed: its coverage decides whom it
/// counts), in the caller's transaction.
pub(crate) async fn rebuild(tx: &mut impl Access, operation: Uuid) -> Result<()> {
    for table in ["esf_counted", "esf_cells"] {
        let sql = format!("DELETE FROM {table} WHERE operation_id = $1");
        run!(tx, c => sqlx::query(sqlx::AssertSqlSafe(&*sql)).bind(operation).execute(c).await.map(|r| r.rows_affected()))?;
    }
    let facts = esf::facts(tx, operation, NaiveDate::MIN, NaiveDate::MAX).await?;
    let rows: Vec<Row> = facts.iter().map(|f| Row::of(operation, &Counted::of(f))).collect();
    let mut cells = Cells::new();
    for row in &rows {
        row.tally(1, &mut cells);
    }
    let values: Vec<Vec<Value>> = rows.iter().map(Row::values).collect();
    bulk::insert(tx, "esf_counted", &COLUMNS, &values).await?;
    let cells: Vec<Vec<Value>> = cells
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
    let columns = ["operation_id", "entry_year", "figure", "gender", "people"];
    bulk::insert(tx, "esf_cells", &columns, &cells).await?;
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
    // Only people who left less than six months ago can have a due date after today.
    let later = |column: &str| {
        format!(
            "SELECT COUNT(*) FROM esf_counted WHERE operation_id = $1 AND {column} > $2
             AND entry_year >= $3 AND entry_year <= $4"
        )
    };
    let mut count = async |column: &str| -> Result<i64> {
        let sql = later(column);
        Ok(
            run!(conn, c => sqlx::query_scalar(sqlx::AssertSqlSafe(&*sql)).bind(operation).bind(today)
            .bind(first).bind(last).fetch_one(c).await)?,
        )
    };
    let not_yet_missing = count("missing_from").await?;
    report.people.pending_four_weeks = to_count(count("leaving_due").await?);
    report.people.pending_six_months = to_count(count("six_months_due").await?);
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
