//! The cost-benefit's records (docs/cost-benefit.md): a programme's parameters with their
//! history, coordinators' named scenarios, the coach minutes kept per partner and day, and the
//! facts of a scope and period gathered from the counts the dashboard keeps.

use crate::dashboard::{self, Scope};
use crate::{Access, Result, now, run};
use chrono::{DateTime, NaiveDate, Utc};
use onramp_domain::cost_benefit::{CHECK_IN_MONTHS, Inputs, Parameters, spec};
use serde::Serialize;
use std::collections::BTreeMap;
use uuid::Uuid;

/// Which programme a record's time belongs to.
#[derive(Debug, Clone, Copy)]
pub enum Tie {
    /// A group session's series names its programme.
    Programme(Uuid),
    /// A coaching contact belongs to its trajectory's programme.
    Trajectory(Uuid),
    /// Presence actions, consultations and hours registered by hand serve all of a partner's
    /// programmes: kept under the nil id and shared out when read ([`partner_minutes`]).
    Shared,
}

/// Adds a record's minutes to its partner's day under its programme, in the record's transaction.
pub async fn add_minutes(
    tx: &mut impl Access,
    organisation_id: Uuid,
    tie: Tie,
    on: NaiveDate,
    minutes: i64,
) -> Result<()> {
    const UPSERT: &str = "ON CONFLICT (organisation_id, on_date, programme_id)
                          DO UPDATE SET minutes = coach_minutes.minutes + excluded.minutes";
    let (sql, programme) = match tie {
        Tie::Trajectory(trajectory) => {
            let sql = format!(
                "INSERT INTO coach_minutes (organisation_id, on_date, programme_id, minutes)
                 SELECT $1, $2, programme_id, $3 FROM trajectories WHERE id = $4 {UPSERT}"
            );
            (sql, trajectory)
        }
        Tie::Programme(programme) => (values_sql(UPSERT), programme),
        Tie::Shared => (values_sql(UPSERT), Uuid::nil()),
    };
    run!(tx, c => sqlx::query(sqlx::AssertSqlSafe(&*sql)).bind(organisation_id).bind(on).bind(minutes).bind(programme)
        .execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

fn values_sql(upsert: &str) -> String {
    format!(
        "INSERT INTO coach_minutes (organisation_id, on_date, minutes, programme_id) VALUES ($1, $2, $3, $4) {upsert}"
    )
}

/// Counts the minutes afresh from the records (after the generator wrote them in bulk).
pub async fn recount_minutes(tx: &mut impl Access) -> Result<()> {
    run!(tx, c => sqlx::query("DELETE FROM coach_minutes").execute(c).await.map(|r| r.rows_affected()))?;
    let sql = "INSERT INTO coach_minutes (organisation_id, on_date, programme_id, minutes)
        SELECT organisation_id, on_date, programme_id, SUM(minutes) FROM (
            SELECT c.organisation_id, c.on_date, t.programme_id, c.minutes
                FROM coaching_contacts c JOIN trajectories t ON t.id = c.trajectory_id
            UNION ALL SELECT g.organisation_id, g.on_date, s.programme_id, g.minutes
                FROM group_sessions g JOIN session_series s ON s.id = g.series_id WHERE g.coach_id IS NOT NULL
            UNION ALL SELECT organisation_id, on_date, $1, minutes FROM presence_actions
            UNION ALL SELECT organisation_id, on_date, $1, minutes FROM consultations
            UNION ALL SELECT organisation_id, on_date, $1, minutes FROM time_entries
        ) used GROUP BY organisation_id, on_date, programme_id";
    run!(tx, c => sqlx::query(sql).bind(Uuid::nil()).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Coach minutes of the scope's partners in the period, per partner: a programme's own minutes
/// and its share of the partner's shared minutes (a location or a coach does not narrow them:
/// docs/cost-benefit.md).
pub async fn minutes(conn: &mut impl Access, scope: &Scope) -> Result<BTreeMap<Uuid, i64>> {
    Ok(partner_minutes(conn, scope)
        .await?
        .into_iter()
        .map(|p| (p.organisation_id, p.minutes))
        .collect())
}

/// One partner's coach minutes in a scope and period: the hours behind the costs.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct PartnerMinutes {
    pub organisation_id: Uuid,
    pub organisation_name: String,
    /// What the costs count: `programme` plus `shared_share`.
    pub minutes: i64,
    /// Minutes of records tied to the scope's programme (to any programme, without one).
    pub programme: i64,
    /// The programme's share of the partner's shared minutes: all of them without a programme
    /// in the scope or when the partner has no tied minutes in the period; else in proportion
    /// to the programme's part of the partner's tied minutes.
    pub shared_share: i64,
    /// The partner's shared minutes in the period (presence, consultations, hours by hand).
    pub shared: i64,
    /// The partner's minutes tied to any programme in the period.
    pub tied: i64,
}

impl PartnerMinutes {
    /// Shares the partner's shared minutes out in proportion to tied minutes, rounded half up;
    /// a partner with no tied minutes in the period gives all of them to the programme, so that
    /// a funding case never leaves costs out (docs/cost-benefit.md).
    fn new(row: MinutesRow, programme: Option<Uuid>) -> PartnerMinutes {
        let (own, shared_share) = match programme {
            None => (row.tied, row.shared),
            Some(_) if row.tied == 0 => (0, row.shared),
            Some(_) => {
                let share =
                    (2 * row.shared as i128 * row.programme as i128 + row.tied as i128) / (2 * row.tied as i128);
                (row.programme, share as i64)
            }
        };
        PartnerMinutes {
            organisation_id: row.organisation_id,
            organisation_name: row.organisation_name,
            minutes: own + shared_share,
            programme: own,
            shared_share,
            shared: row.shared,
            tied: row.tied,
        }
    }
}

#[derive(sqlx::FromRow)]
struct MinutesRow {
    organisation_id: Uuid,
    organisation_name: String,
    programme: i64,
    shared: i64,
    tied: i64,
}

/// The minutes [`minutes`] sums, with each partner's name, by name.
pub async fn partner_minutes(conn: &mut impl Access, scope: &Scope) -> Result<Vec<PartnerMinutes>> {
    let sql = "SELECT m.organisation_id, o.name AS organisation_name,
                   CAST(SUM(CASE WHEN m.programme_id = $1 THEN m.minutes ELSE 0 END) AS BIGINT) AS programme,
                   CAST(SUM(CASE WHEN m.programme_id = $2 THEN m.minutes ELSE 0 END) AS BIGINT) AS shared,
                   CAST(SUM(CASE WHEN m.programme_id <> $2 THEN m.minutes ELSE 0 END) AS BIGINT) AS tied
               FROM coach_minutes m JOIN organisations o ON o.id = m.organisation_id
               WHERE m.on_date >= $3 AND m.on_date <= $4
                 AND ($5 IS NULL OR m.organisation_id = $5) AND ($6 IS NULL OR o.region_id = $6)
               GROUP BY m.organisation_id, o.name ORDER BY o.name, m.organisation_id";
    let rows = run!(conn, c => sqlx::query_as::<_, MinutesRow>(sql)
        .bind(scope.programme_id.unwrap_or_default()).bind(Uuid::nil()).bind(scope.from).bind(scope.to)
        .bind(scope.organisation_id).bind(scope.region_id)
        .fetch_all(c).await)?;
    Ok(rows
        .into_iter()
        .map(|row| PartnerMinutes::new(row, scope.programme_id))
        .collect())
}

/// The agreements' ESF and own-share amounts for the period: each agreement's share by the days
/// of it that fall in the period.
pub async fn budget(conn: &mut impl Access, scope: &Scope) -> Result<i64> {
    let sql = "SELECT a.starts_on, a.ends_on, COALESCE(a.esf_amount_cents, 0) + COALESCE(a.own_share_cents, 0)
               FROM agreements a JOIN organisations o ON o.id = a.partner_id
               WHERE a.starts_on <= $2 AND a.ends_on >= $1
                 AND ($3 IS NULL OR a.partner_id = $3) AND ($4 IS NULL OR o.region_id = $4)";
    let rows: Vec<(NaiveDate, NaiveDate, i64)> = run!(conn, c => sqlx::query_as(sql)
        .bind(scope.from).bind(scope.to).bind(scope.organisation_id).bind(scope.region_id)
        .fetch_all(c).await)?;
    Ok(rows
        .into_iter()
        .map(|(start, end, amount)| {
            let days = (end - start).num_days() + 1;
            let inside = (end.min(scope.to) - start.max(scope.from)).num_days() + 1;
            (amount as i128 * inside as i128 / days as i128) as i64
        })
        .sum())
}

/// The facts of a scope and period: the cohort's figures from the dashboard's counts, the
/// minutes and the budget.
pub async fn inputs(conn: &mut impl Access, scope: Scope) -> Result<Inputs> {
    let tally = dashboard::tally(conn, scope).await?;
    let at = |name: &str| CHECK_IN_MONTHS.map(|m| tally.get(&format!("{name}:{m}")));
    Ok(Inputs {
        participants: tally.get("started"),
        took_step: tally.get("took_step"),
        paid_work: tally.get("paid_work"),
        training_steps: tally.get("step:training"),
        volunteering_steps: tally.get("step:volunteering"),
        in_work: at("in_work"),
        check_ins_scheduled: at("check_in").iter().sum(),
        check_ins_recorded: at("check_in_recorded").iter().sum(),
        minutes: minutes(conn, &scope).await?,
        budget: budget(conn, &scope).await?,
    })
}

/// One saved parameter.
#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq, Eq)]
pub struct Saved {
    pub key: String,
    /// The nil id for the common value; a partner's own hourly cost.
    pub partner_id: Uuid,
    pub value: i64,
    pub source: String,
    pub changed_by: Option<String>,
    pub changed_at: DateTime<Utc>,
}

pub async fn saved(conn: &mut impl Access, programme_id: Uuid) -> Result<Vec<Saved>> {
    let sql = "SELECT p.key, p.partner_id, p.value, p.source, u.display_name AS changed_by, p.changed_at
               FROM cost_benefit_parameters p LEFT JOIN users u ON u.id = p.changed_by
               WHERE p.programme_id = $1 ORDER BY p.key, p.partner_id";
    Ok(run!(conn, c => sqlx::query_as::<_, Saved>(sql).bind(programme_id).fetch_all(c).await)?)
}

/// The parameters the saved rows make (defaults where none is saved).
pub fn parameters_of(saved: &[Saved]) -> Parameters {
    let mut p = Parameters::default();
    for row in saved {
        if !row.partner_id.is_nil() {
            p.hourly_by_partner.insert(row.partner_id, row.value);
        } else if spec(&row.key).is_some() {
            p.set(&row.key, row.value);
        }
    }
    p
}

/// A programme's parameters (defaults where none is saved).
pub async fn parameters(conn: &mut impl Access, programme_id: Uuid) -> Result<Parameters> {
    Ok(parameters_of(&saved(conn, programme_id).await?))
}

/// One value to keep: a key (and partner, or the nil id), its value (None: back to the default,
/// or for a partner to the common hourly cost) and source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setting {
    pub key: String,
    pub partner_id: Uuid,
    pub value: Option<i64>,
    pub source: String,
}

/// Keeps the settings that differ from what is saved and writes each change to the history;
/// returns how many changed.
pub async fn save(tx: &mut impl Access, programme_id: Uuid, settings: &[Setting], by: Uuid) -> Result<usize> {
    crate::lock_row(tx, "programmes", programme_id).await?;
    let before: BTreeMap<(String, Uuid), Saved> = saved(tx, programme_id)
        .await?
        .into_iter()
        .map(|s| ((s.key.clone(), s.partner_id), s))
        .collect();
    let mut changed = 0;
    for setting in settings {
        let old = before.get(&(setting.key.clone(), setting.partner_id));
        if old.map(|o| (Some(o.value), &o.source)) == Some((setting.value, &setting.source))
            || (old.is_none() && setting.value.is_none())
        {
            continue;
        }
        write(tx, programme_id, setting, by).await?;
        let sql = "INSERT INTO cost_benefit_changes (id, programme_id, key, partner_id, old_value, new_value,
                       old_source, new_source, changed_by, changed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";
        run!(tx, c => sqlx::query(sql).bind(Uuid::now_v7()).bind(programme_id).bind(&setting.key)
            .bind(setting.partner_id).bind(old.map(|o| o.value)).bind(setting.value)
            .bind(old.map(|o| o.source.clone())).bind(&setting.source).bind(by).bind(now())
            .execute(c).await.map(|r| r.rows_affected()))?;
        changed += 1;
    }
    Ok(changed)
}

async fn write(tx: &mut impl Access, programme_id: Uuid, setting: &Setting, by: Uuid) -> Result<()> {
    let Some(value) = setting.value else {
        let sql = "DELETE FROM cost_benefit_parameters WHERE programme_id = $1 AND key = $2 AND partner_id = $3";
        run!(tx, c => sqlx::query(sql).bind(programme_id).bind(&setting.key).bind(setting.partner_id)
            .execute(c).await.map(|r| r.rows_affected()))?;
        return Ok(());
    };
    let sql =
        "INSERT INTO cost_benefit_parameters (programme_id, key, partner_id, value, source, changed_by, changed_at)
               VALUES ($1, $2, $3, $4, $5, $6, $7)
               ON CONFLICT (programme_id, key, partner_id) DO UPDATE SET value = excluded.value,
                   source = excluded.source, changed_by = excluded.changed_by, changed_at = excluded.changed_at";
    run!(tx, c => sqlx::query(sql).bind(programme_id).bind(&setting.key).bind(setting.partner_id).bind(value)
        .bind(&setting.source).bind(by).bind(now())
        .execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// One change in a programme's parameters.
#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq, Eq)]
pub struct Change {
    pub key: String,
    pub partner_id: Uuid,
    pub old_value: Option<i64>,
    pub new_value: Option<i64>,
    pub old_source: Option<String>,
    pub new_source: Option<String>,
    pub changed_by: Option<String>,
    pub changed_at: DateTime<Utc>,
}

/// The latest changes first, `limit` at most.
pub async fn history(conn: &mut impl Access, programme_id: Uuid, limit: i64) -> Result<Vec<Change>> {
    let sql = "SELECT c.key, c.partner_id, c.old_value, c.new_value, c.old_source, c.new_source,
                      u.display_name AS changed_by, c.changed_at
               FROM cost_benefit_changes c LEFT JOIN users u ON u.id = c.changed_by
               WHERE c.programme_id = $1 ORDER BY c.changed_at DESC, c.id DESC LIMIT $2";
    Ok(run!(conn, c => sqlx::query_as::<_, Change>(sql).bind(programme_id).bind(limit).fetch_all(c).await)?)
}

/// A coordinator's named scenario for their region.
#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq, Eq)]
pub struct Scenario {
    pub id: Uuid,
    pub region_id: Uuid,
    pub name: String,
    /// The values that differ from the programme's, as JSON {key: value}.
    pub values_json: String,
    pub created_by: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl Scenario {
    /// The programme's parameters with the scenario's values over them.
    pub fn apply(&self, base: &Parameters) -> Parameters {
        let values: BTreeMap<String, i64> = serde_json::from_str(&self.values_json).unwrap_or_default();
        let mut p = base.clone();
        for (key, value) in values {
            p.set(&key, value);
        }
        p
    }
}

/// The scenarios of a programme, of one region or of all, by region and name.
pub async fn scenarios(conn: &mut impl Access, programme_id: Uuid, region_id: Option<Uuid>) -> Result<Vec<Scenario>> {
    let sql = "SELECT s.id, s.region_id, s.name, s.values_json, u.display_name AS created_by, s.created_at
               FROM cost_benefit_scenarios s LEFT JOIN users u ON u.id = s.created_by
               WHERE s.programme_id = $1 AND ($2 IS NULL OR s.region_id = $2) ORDER BY s.region_id, s.name";
    Ok(run!(conn, c => sqlx::query_as::<_, Scenario>(sql).bind(programme_id).bind(region_id).fetch_all(c).await)?)
}

/// Saves a scenario under its name (replacing one of the same name in the region).
pub async fn save_scenario(
    tx: &mut impl Access,
    programme_id: Uuid,
    region_id: Uuid,
    name: &str,
    values: &BTreeMap<String, i64>,
    by: Uuid,
) -> Result<Uuid> {
    let id = Uuid::now_v7();
    let json = serde_json::to_string(values).unwrap_or_else(|_| "{}".to_owned());
    let sql =
        "INSERT INTO cost_benefit_scenarios (id, programme_id, region_id, name, values_json, created_by, created_at)
               VALUES ($1, $2, $3, $4, $5, $6, $7)
               ON CONFLICT (programme_id, region_id, name) DO UPDATE SET values_json = excluded.values_json,
                   created_by = excluded.created_by, created_at = excluded.created_at";
    run!(tx, c => sqlx::query(sql).bind(id).bind(programme_id).bind(region_id).bind(name).bind(&json).bind(by)
        .bind(now()).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(id)
}
