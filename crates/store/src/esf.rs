//! ESF operations, and the per-participant facts their indicators are counted from
//! (`onramp_domain::esf_indicators`): one participant per operation, first entry and last exit.

use crate::{Access, Result, StoreError, decode, now, run};
use chrono::NaiveDate;
use onramp_domain::esf::{Answer, Degurba, EsfProfile};
use onramp_domain::esf_indicators::{Facts, OperationInput, SIX_MONTHS, SixMonths};
use onramp_domain::outcomes::{CheckInSituation, ExitSituation, OutcomeKind};
use onramp_domain::participants::{Education, Gender, Situation};
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Operation {
    pub id: Uuid,
    #[serde(flatten)]
    pub definition: OperationInput,
}

pub async fn create(tx: &mut impl Access, input: &OperationInput) -> Result<Operation> {
    let id = Uuid::now_v7();
    let at = now();
    let sql =
        "INSERT INTO esf_operations (id, number, title, starts_on, ends_on, created_at, updated_at, last_payment_on)
               VALUES ($1, $2, $3, $4, $5, $6, $6, $7)";
    run!(tx, c => sqlx::query(sql).bind(id).bind(&input.number).bind(&input.title).bind(input.starts_on)
        .bind(input.ends_on).bind(at).bind(input.last_payment_on).execute(c).await.map(|r| r.rows_affected()))
    .map_err(StoreError::taken_as("number"))?;
    link(tx, id, input).await?;
    crate::esf_kept::rebuild(tx, id).await?;
    get(tx, id).await?.ok_or(StoreError::NotFound)
}

/// Changes an operation: its number, title, period and what it covers (`NotFound` when unknown).
pub async fn update(tx: &mut impl Access, id: Uuid, input: &OperationInput) -> Result<Operation> {
    let sql = "UPDATE esf_operations SET number = $1, title = $2, starts_on = $3, ends_on = $4, updated_at = $5,
                   last_payment_on = $7
               WHERE id = $6";
    let done = run!(tx, c => sqlx::query(sql).bind(&input.number).bind(&input.title).bind(input.starts_on)
        .bind(input.ends_on).bind(now()).bind(id).bind(input.last_payment_on).execute(c).await.map(|r| r.rows_affected()))
    .map_err(StoreError::taken_as("number"))?;
    if done == 0 {
        return Err(StoreError::NotFound);
    }
    for table in ["esf_operation_programmes", "esf_operation_partners"] {
        let sql = format!("DELETE FROM {table} WHERE operation_id = $1");
        run!(tx, c => sqlx::query(sqlx::AssertSqlSafe(&*sql)).bind(id).execute(c).await.map(|r| r.rows_affected()))?;
    }
    link(tx, id, input).await?;
    crate::esf_kept::rebuild(tx, id).await?;
    get(tx, id).await?.ok_or(StoreError::NotFound)
}

/// The programmes and partners an operation covers.
async fn link(tx: &mut impl Access, id: Uuid, input: &OperationInput) -> Result<()> {
    for programme in &input.programme_ids {
        let sql = "INSERT INTO esf_operation_programmes (operation_id, programme_id) VALUES ($1, $2)";
        run!(tx, c => sqlx::query(sql).bind(id).bind(*programme).execute(c).await.map(|r| r.rows_affected()))
            .map_err(StoreError::taken_as("programme_ids"))?;
    }
    for partner in &input.partner_ids {
        let sql = "INSERT INTO esf_operation_partners (operation_id, organisation_id) VALUES ($1, $2)";
        run!(tx, c => sqlx::query(sql).bind(id).bind(*partner).execute(c).await.map(|r| r.rows_affected()))
            .map_err(StoreError::taken_as("partner_ids"))?;
    }
    Ok(())
}

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    number: String,
    title: String,
    starts_on: NaiveDate,
    ends_on: NaiveDate,
    last_payment_on: Option<NaiveDate>,
}

/// Every operation, by number.
pub async fn list(conn: &mut impl Access) -> Result<Vec<Operation>> {
    let sql = "SELECT id, number, title, starts_on, ends_on, last_payment_on FROM esf_operations ORDER BY number";
    let rows: Vec<Row> = run!(conn, c => sqlx::query_as(sql).fetch_all(c).await)?;
    let programmes: Vec<(Uuid, Uuid)> = run!(conn, c => sqlx::query_as(
        "SELECT operation_id, programme_id FROM esf_operation_programmes ORDER BY programme_id").fetch_all(c).await)?;
    let partners: Vec<(Uuid, Uuid)> = run!(conn, c => sqlx::query_as(
        "SELECT operation_id, organisation_id FROM esf_operation_partners ORDER BY organisation_id").fetch_all(c).await)?;
    let of = |links: &[(Uuid, Uuid)], id: Uuid| links.iter().filter(|(o, _)| *o == id).map(|(_, x)| *x).collect();
    Ok(rows
        .into_iter()
        .map(|r| Operation {
            id: r.id,
            definition: OperationInput {
                programme_ids: of(&programmes, r.id),
                partner_ids: of(&partners, r.id),
                number: r.number,
                title: r.title,
                starts_on: r.starts_on,
                ends_on: r.ends_on,
                last_payment_on: r.last_payment_on,
            },
        })
        .collect())
}

pub async fn get(conn: &mut impl Access, id: Uuid) -> Result<Option<Operation>> {
    Ok(list(conn).await?.into_iter().find(|o| o.id == id))
}

/// One trajectory of the operation, with its participant's characteristics at entry.
#[derive(sqlx::FromRow)]
pub(crate) struct TrajectoryRow {
    pub(crate) id: Uuid,
    participant_id: Uuid,
    pub(crate) programme_id: Uuid,
    pub(crate) organisation_id: Uuid,
    pub(crate) started_on: NaiveDate,
    ended_on: Option<NaiveDate>,
    exit_situation: Option<String>,
    gender: String,
    birth_date: NaiveDate,
    education: String,
    situation: String,
    unemployed_months: Option<i32>,
    disability: String,
    third_country_national: String,
    foreign_background: String,
    minority: String,
    homeless: String,
    postcode: Option<String>,
    degurba: Option<i32>,
}

/// The columns of a [`TrajectoryRow`], over `trajectories t`, `participants p` and `postcode_degurba d`.
const TRAJECTORY_COLUMNS: &str = "SELECT t.id, t.participant_id, t.programme_id, t.organisation_id, t.started_on,
        t.ended_on, t.exit_situation, p.gender, p.birth_date, p.education, p.situation, p.unemployed_months,
        p.disability, p.third_country_national, p.foreign_background, p.minority, p.homeless, p.postcode, d.degurba
    FROM trajectories t JOIN participants p ON p.id = t.participant_id
    LEFT JOIN postcode_degurba d ON d.postcode = p.postcode";

/// The trajectories an operation covers: of its programmes, at its partners (all when it names
/// none), started within its period. `$1` is the operation.
const COVERED: &str = "SELECT t.id FROM trajectories t JOIN esf_operations o ON o.id = $1
    WHERE t.programme_id IN (SELECT programme_id FROM esf_operation_programmes WHERE operation_id = $1)
      AND (NOT EXISTS (SELECT 1 FROM esf_operation_partners WHERE operation_id = $1)
           OR t.organisation_id IN (SELECT organisation_id FROM esf_operation_partners WHERE operation_id = $1))
      AND t.started_on >= o.starts_on AND t.started_on <= o.ends_on";

impl Operation {
    /// Whether the operation covers a trajectory (the rule of [`COVERED`], for rows already read).
    pub(crate) fn covers(&self, t: &TrajectoryRow) -> bool {
        let d = &self.definition;
        d.programme_ids.contains(&t.programme_id)
            && (d.partner_ids.is_empty() || d.partner_ids.contains(&t.organisation_id))
            && t.started_on >= d.starts_on
            && t.started_on <= d.ends_on
    }
}

/// Outcomes and six-month check-ins, by trajectory.
#[derive(Default)]
pub(crate) struct Results {
    outcomes: HashMap<Uuid, Vec<(OutcomeKind, NaiveDate)>>,
    six_months: HashMap<Uuid, SixMonths>,
}

type CheckInRow = (
    Uuid,
    NaiveDate,
    Option<NaiveDate>,
    Option<bool>,
    Option<String>,
    Option<String>,
);

impl Results {
    fn read(outcomes: Vec<(Uuid, String, NaiveDate)>, check_ins: Vec<CheckInRow>) -> Result<Results> {
        let mut results = Results::default();
        for (trajectory, kind, on) in outcomes {
            let kind = decode("outcomes.kind", &kind, OutcomeKind::parse)?;
            results.outcomes.entry(trajectory).or_default().push((kind, on));
        }
        for (trajectory, due_on, done_on, contact_made, situation, closed_as) in check_ins {
            let found = match (done_on, closed_as, contact_made, situation) {
                (None, _, _, _) => SixMonths::Open { due_on },
                (Some(_), Some(_), _, _) | (Some(_), None, Some(false) | None, _) => SixMonths::NotReached,
                (Some(_), None, Some(true), Some(s)) => {
                    SixMonths::Found(decode("check_ins.situation", &s, CheckInSituation::parse)?)
                }
                (Some(_), None, Some(true), None) => SixMonths::NotReached,
            };
            results.six_months.insert(trajectory, found);
        }
        Ok(results)
    }

    /// The results of these trajectories.
    pub(crate) async fn of(conn: &mut impl Access, trajectory_ids: &[Uuid]) -> Result<Results> {
        let sql = "SELECT trajectory_id, kind, on_date FROM outcomes WHERE trajectory_id IN";
        let outcomes = crate::bulk::select_in(conn, sql, trajectory_ids).await?;
        let sql = format!(
            "SELECT trajectory_id, due_on, done_on, contact_made, situation, closed_as FROM check_ins
             WHERE months_after_exit = {SIX_MONTHS} AND trajectory_id IN"
        );
        let check_ins = crate::bulk::select_in(conn, &sql, trajectory_ids).await?;
        Results::read(outcomes, check_ins)
    }
}

/// The trajectories of these participants, whichever operation covers them.
pub(crate) async fn trajectories_of(conn: &mut impl Access, participant_ids: &[Uuid]) -> Result<Vec<TrajectoryRow>> {
    let sql = format!("{TRAJECTORY_COLUMNS} WHERE t.participant_id IN");
    crate::bulk::select_in(conn, &sql, participant_ids).await
}

/// The facts of every participant of the operation whose first entry falls from `first` to `last`,
/// counted from the records (the kept rows of `esf_kept` are checked against this).
pub async fn facts(conn: &mut impl Access, operation: Uuid, first: NaiveDate, last: NaiveDate) -> Result<Vec<Facts>> {
    let sql = format!("{TRAJECTORY_COLUMNS} WHERE t.id IN ({COVERED})");
    let rows: Vec<TrajectoryRow> =
        run!(conn, c => sqlx::query_as(sqlx::AssertSqlSafe(&*sql)).bind(operation).fetch_all(c).await)?;
    let sql = format!("SELECT trajectory_id, kind, on_date FROM outcomes WHERE trajectory_id IN ({COVERED})");
    let outcomes = run!(conn, c => sqlx::query_as(sqlx::AssertSqlSafe(&*sql)).bind(operation).fetch_all(c).await)?;
    let sql = format!(
        "SELECT trajectory_id, due_on, done_on, contact_made, situation, closed_as FROM check_ins
         WHERE months_after_exit = {SIX_MONTHS} AND trajectory_id IN ({COVERED})"
    );
    let check_ins = run!(conn, c => sqlx::query_as(sqlx::AssertSqlSafe(&*sql)).bind(operation).fetch_all(c).await)?;
    let mut facts = assemble(rows.iter().collect(), &Results::read(outcomes, check_ins)?)?;
    facts.retain(|f| f.entered_on >= first && f.entered_on <= last);
    Ok(facts)
}

/// One [`Facts`] per participant from their covered trajectories: first entry, last exit (none
/// while one is open), the outcomes of all of them and the six-month check-in of the last exit.
pub(crate) fn assemble(mut rows: Vec<&TrajectoryRow>, results: &Results) -> Result<Vec<Facts>> {
    rows.sort_by_key(|r| (r.participant_id, r.started_on, r.id));
    let mut facts: Vec<Facts> = Vec::new();
    let mut open: HashSet<Uuid> = HashSet::new();
    for row in rows {
        let trajectory = row.id;
        let ended_on = row.ended_on;
        let exit_situation = row
            .exit_situation
            .as_deref()
            .map(|s| decode("trajectories.exit_situation", s, ExitSituation::parse))
            .transpose()?;
        let own_outcomes = results.outcomes.get(&trajectory).cloned().unwrap_or_default();
        let six_months = results.six_months.get(&trajectory).copied().unwrap_or(SixMonths::None);
        // Rows come by participant and start: the first row of a person is their first entry.
        if let Some(f) = facts.last_mut().filter(|f| f.participant_id == row.participant_id) {
            f.outcomes.extend(own_outcomes);
            match ended_on {
                None => {
                    open.insert(f.participant_id);
                }
                Some(ended) if f.left_on.is_none_or(|left| ended >= left) => {
                    f.left_on = Some(ended);
                    f.exit_situation = exit_situation;
                    f.six_months = six_months;
                }
                Some(_) => {}
            }
            continue;
        }
        if ended_on.is_none() {
            open.insert(row.participant_id);
        }
        facts.push(first_entry(row, exit_situation, own_outcomes, six_months)?);
    }
    // Someone with a trajectory still open has not left the operation.
    for f in &mut facts {
        if open.contains(&f.participant_id) {
            f.left_on = None;
            f.exit_situation = None;
            f.six_months = SixMonths::None;
        }
    }
    Ok(facts)
}

fn first_entry(
    row: &TrajectoryRow,
    exit_situation: Option<ExitSituation>,
    outcomes: Vec<(OutcomeKind, NaiveDate)>,
    six_months: SixMonths,
) -> Result<Facts> {
    let answer = |column: &'static str, value: &str| decode(column, value, Answer::parse);
    Ok(Facts {
        participant_id: row.participant_id,
        gender: decode("participants.gender", &row.gender, Gender::parse)?,
        birth_date: row.birth_date,
        education: decode("participants.education", &row.education, Education::parse)?,
        situation: decode("participants.situation", &row.situation, Situation::parse)?,
        esf: EsfProfile {
            unemployed_months: row.unemployed_months,
            disability: answer("participants.disability", &row.disability)?,
            third_country_national: answer("participants.third_country_national", &row.third_country_national)?,
            foreign_background: answer("participants.foreign_background", &row.foreign_background)?,
            minority: answer("participants.minority", &row.minority)?,
            homeless: answer("participants.homeless", &row.homeless)?,
            postcode: row.postcode.clone(),
        },
        degurba: row.degurba.and_then(Degurba::from_class),
        entered_on: row.started_on,
        left_on: row.ended_on,
        exit_situation,
        outcomes,
        six_months,
    })
}

/// For `onramp bench esf` on generated data, which has no ESF intake fields: fills them where
/// still not recorded, varied but deterministic (from the lengths of the names, the same on both
/// engines), about one in six with a disability, one in four of foreign background, some who
/// preferred not to say, and postcodes both urban and rural. Returns the people filled.
pub async fn fill_intake_for_bench(tx: &mut impl Access) -> Result<u64> {
    let sql = "UPDATE participants SET
        unemployed_months = CASE WHEN situation = 'unemployed' THEN (length(last_name) * 5) % 40 END,
        disability = CASE length(first_name) % 6 WHEN 0 THEN 'yes' WHEN 1 THEN 'declined' ELSE 'no' END,
        third_country_national = CASE length(last_name) % 9 WHEN 0 THEN 'yes' ELSE 'no' END,
        foreign_background = CASE length(last_name) % 4 WHEN 0 THEN 'yes' ELSE 'no' END,
        minority = CASE (length(first_name) + length(last_name)) % 11 WHEN 0 THEN 'yes'
                   WHEN 1 THEN 'declined' ELSE 'no' END,
        homeless = CASE (length(first_name) * length(last_name)) % 13 WHEN 0 THEN 'yes' ELSE 'no' END,
        postcode = CASE (length(first_name) + 2 * length(last_name)) % 5 WHEN 0 THEN '3790'
                   WHEN 1 THEN '2000' WHEN 2 THEN '3500' WHEN 3 THEN '9000' ELSE '8000' END
        WHERE postcode IS NULL AND disability = 'not_recorded'";
    Ok(run!(tx, c => sqlx::query(sql).execute(c).await.map(|r| r.rows_affected()))?)
}

/// For `onramp bench esf`: the participants of the first `limit` trajectories by id (spread over a
/// generated database, whose ids are random in time order).
pub async fn participants_for_bench(conn: &mut impl Access, limit: i64) -> Result<Vec<Uuid>> {
    let sql = "SELECT participant_id FROM trajectories ORDER BY id LIMIT $1";
    Ok(run!(conn, c => sqlx::query_scalar(sql).bind(limit).fetch_all(c).await)?)
}

/// The reference table of postcodes in use, and the postcodes of participants it does not list
/// (their rural area is unknown), most frequent first.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct PostcodeTable {
    pub postcodes: i64,
    pub unknown: Vec<(String, i64)>,
}

pub async fn postcode_table(conn: &mut impl Access) -> Result<PostcodeTable> {
    let postcodes = postcode_count(conn).await?;
    let sql = "SELECT p.postcode, COUNT(*) FROM participants p
               WHERE p.postcode IS NOT NULL
                 AND NOT EXISTS (SELECT 1 FROM postcode_degurba d WHERE d.postcode = p.postcode)
               GROUP BY p.postcode ORDER BY COUNT(*) DESC, p.postcode LIMIT 100";
    let unknown = run!(conn, c => sqlx::query_as(sql).fetch_all(c).await)?;
    Ok(PostcodeTable { postcodes, unknown })
}

/// How many postcodes the reference table lists.
pub async fn postcode_count(conn: &mut impl Access) -> Result<i64> {
    let sql = "SELECT COUNT(*) FROM postcode_degurba";
    Ok(run!(conn, c => sqlx::query_scalar(sql).fetch_one(c).await)?)
}

/// Replaces the whole reference table, then counts every operation anew (a postcode's class
/// decides EECO17 and whether a person's area is missing). Returns the rows written.
pub async fn replace_postcode_table(
    tx: &mut impl Access,
    areas: &[onramp_domain::esf_reference::PostcodeArea],
) -> Result<u64> {
    run!(tx, c => sqlx::query("DELETE FROM postcode_degurba").execute(c).await.map(|r| r.rows_affected()))?;
    let rows: Vec<Vec<crate::bulk::Value>> = areas
        .iter()
        .map(|a| {
            vec![
                crate::bulk::Value::Text(a.postcode.clone()),
                crate::bulk::Value::Text(a.municipality.clone()),
                crate::bulk::Value::Int(a.degurba.class()),
            ]
        })
        .collect();
    let written = crate::bulk::insert(tx, "postcode_degurba", &["postcode", "municipality", "degurba"], &rows).await?;
    let ids: Vec<Uuid> = run!(tx, c => sqlx::query_scalar("SELECT id FROM esf_operations").fetch_all(c).await)?;
    for id in ids {
        crate::esf_kept::rebuild(tx, id).await?;
    }
    Ok(written)
}
