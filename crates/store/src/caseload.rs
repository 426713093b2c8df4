//! The caseload: trajectories within the actor's scope, filtered, sorted and
//! paged with a keyset cursor so every page costs the same at any depth.

use crate::{Access, Result, run, scope};
use chrono::NaiveDate;
use onramp_domain::policy::{Actor, caseload_scope};
use serde::Serialize;
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Status {
    #[default]
    Active,
    Ended,
    All,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    /// By participant name (last name first).
    #[default]
    Name,
    /// Soonest maximum end date first.
    EndsBy,
}

/// Where the previous page stopped: the sort key and id of its last row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cursor {
    Name(String, Uuid),
    EndsBy(NaiveDate, Uuid),
}

/// Who has had no contact for a while: a contact (or, without one, the start) on or before a day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoContact {
    /// The same day for every trajectory: N days before today, N chosen by the user.
    Since(NaiveDate),
    /// Each programme's own number of days (`programmes.no_contact_days`) before `today`.
    ProgrammeSetting { today: NaiveDate },
}

/// What the page counts as falling due: the open steps due on or before `due_by` (today and the
/// days ahead the caller chooses), of which those before `today` are overdue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StepsDue {
    pub today: NaiveDate,
    pub due_by: NaiveDate,
}

#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub status: Status,
    pub sort: Sort,
    /// Only trajectories the actor is the responsible coach of.
    pub mine: bool,
    pub search: Option<String>,
    pub programme_id: Option<Uuid>,
    pub phase: Option<String>,
    pub organisation_id: Option<Uuid>,
    pub location_id: Option<Uuid>,
    pub region_id: Option<Uuid>,
    /// Counts each row's open action-plan steps due by then; `None`: none counted.
    pub steps: Option<StepsDue>,
    /// Only trajectories with an open action-plan step due by `steps.due_by`.
    pub steps_due: bool,
    pub no_contact: Option<NoContact>,
    /// Only trajectories of programmes that report to the ESF whose participant lacks a
    /// characteristic the ESF+ indicators need ([`ESF_MISSING`]).
    pub esf_missing: bool,
    pub after: Option<Cursor>,
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq)]
pub struct Row {
    pub trajectory_id: Uuid,
    pub participant_id: Uuid,
    pub participant_name: String,
    pub first_name: String,
    pub last_name: String,
    pub programme_id: Uuid,
    pub programme_name: String,
    pub max_duration_months: i32,
    pub phase: String,
    pub phase_since: NaiveDate,
    pub started_on: NaiveDate,
    pub ends_by: NaiveDate,
    pub ended_on: Option<NaiveDate>,
    pub last_contact_on: Option<NaiveDate>,
    pub coach_name: Option<String>,
    pub organisation_name: String,
    pub location_name: Option<String>,
    /// Open action-plan steps due by the day the page counts to (overdue ones included).
    pub steps_due: i64,
    /// Of those, the ones due before today.
    pub steps_overdue: i64,
}

impl Row {
    pub fn cursor(&self, sort: Sort) -> Cursor {
        match sort {
            Sort::Name => Cursor::Name(self.participant_name.clone(), self.trajectory_id),
            Sort::EndsBy => Cursor::EndsBy(self.ends_by, self.trajectory_id),
        }
    }
}

// The caseload is a union of ordered branches, one per part of the actor's scope (all
// trajectories; those they coach; one per organisation they belong to; one per region they
// coordinate). Each branch reads its own index (scope column, sort key, id) in order and stops
// after one page, so a page costs the same for a caseload of fifty or of a million, on both
// engines and whatever statistics the planner holds. The outer query merges the branches and
// joins the names for at most one page per branch.

/// The filters every branch applies, as SQL that names only the columns of the filters in use:
/// with none but the status, a branch reads only its index (scope, name, id, end date) and
/// never fetches the rows it leaves out, which a search for a common name does by the thousand.
/// Every parameter stays referenced (`$n IS NULL` for a filter not in use), so the statement
/// binds the same values whatever the filter: $1 status, $2 mine, $3 actor, $4 programme,
/// $5 phase, $6 organisation, $7 location, $8 region; $9 and $10 the cursor; $11 the limit;
/// $12 today and $13 the day steps are counted to (both for the outer query's counts); $14 the
/// day of "no contact since" for every programme; the branches' ids from $15 on, then the
/// search's values, then a day per programme for "no contact" by programme.
fn filters(filter: &Filter, by_programme: &str) -> String {
    // The status stays one condition the planner cannot see through. Told `ended_on IS NULL`,
    // SQLite read every active trajectory through `trajectories_ended` and sorted them for a
    // region's first page (2.4 s at 2 million people) instead of walking the region's names. It
    // names only `ended_on`, which the scope indexes hold.
    let status = "($1 = 'all' OR ($1 = 'active' AND t.ended_on IS NULL) OR ($1 = 'ended' AND t.ended_on IS NOT NULL))";
    let mine = if filter.mine {
        "$2 AND t.coach_id = $3"
    } else {
        "NOT $2 AND $3 IS NOT NULL"
    };
    let mut sql = format!("\n      AND {status} AND {mine}");
    let optional = [
        (filter.programme_id.is_some(), "programme_id", 4),
        (filter.phase.is_some(), "phase", 5),
        (filter.organisation_id.is_some(), "organisation_id", 6),
        (filter.location_id.is_some(), "location_id", 7),
        (filter.region_id.is_some(), "region_id", 8),
    ];
    for (used, column, n) in optional {
        if used {
            sql.push_str(&format!(" AND t.{column} = ${n}"));
        } else {
            sql.push_str(&format!(" AND ${n} IS NULL"));
        }
    }
    sql.push_str(&steps_and_contact(filter, by_programme));
    sql
}

/// The filters "steps due" and "no contact", as conditions that name their columns only when
/// in use. Steps due reads the date from the scope's own partial index (migration 0027), which
/// holds only the trajectories with an open dated step.
fn steps_and_contact(filter: &Filter, by_programme: &str) -> String {
    let mut sql = String::new();
    if filter.steps_due {
        sql.push_str(" AND t.next_step_due_on <= $13");
    }
    // A trajectory without a contact counts from its start.
    let quiet_since = "COALESCE(t.last_contact_on, t.started_on)";
    match &filter.no_contact {
        Some(NoContact::Since(_)) => sql.push_str(&format!(" AND {quiet_since} <= $14")),
        Some(NoContact::ProgrammeSetting { .. }) => {
            sql.push_str(&format!(" AND $14 IS NULL AND {quiet_since} <= {by_programme}"))
        }
        None => sql.push_str(" AND $14 IS NULL"),
    }
    if filter.esf_missing {
        sql.push_str(ESF_MISSING);
    }
    sql
}

/// A participant of a programme that reports to the ESF with a characteristic at entry still not
/// recorded, as `onramp_domain::esf_indicators` counts it missing: gender, situation, education,
/// the months of unemployment of the unemployed, one of the five yes/no questions ("prefers not
/// to say" is an answer), or a postcode of the DEGURBA table. A test holds this list to the
/// report's own list of missing data.
pub const ESF_MISSING: &str = "
      AND t.programme_id IN (SELECT id FROM programmes WHERE reports_to_esf)
      AND EXISTS (SELECT 1 FROM participants p WHERE p.id = t.participant_id AND (
          p.gender = 'not_recorded' OR p.situation = 'other' OR p.education = 'unknown'
          OR (p.situation = 'unemployed' AND p.unemployed_months IS NULL)
          OR 'not_recorded' IN (p.disability, p.third_country_national, p.foreign_background, p.minority, p.homeless)
          OR NOT EXISTS (SELECT 1 FROM postcode_degurba d WHERE d.postcode = p.postcode)))";

/// The first parameter of the branches' ids.
const FIRST_BRANCH_ID: usize = 15;

/// `CASE t.programme_id WHEN $a THEN $b … END` for "no contact" by programme, its (programme,
/// day) pairs bound from `$first` on; a programme left out gives NULL, which keeps nothing.
fn by_programme_case(days: &[(Uuid, NaiveDate)], first: usize) -> String {
    if days.is_empty() {
        return "NULL".to_owned();
    }
    let whens: String = (0..days.len())
        .map(|i| format!(" WHEN ${} THEN ${}", first + 2 * i, first + 2 * i + 1))
        .collect();
    format!("(CASE t.programme_id{whens} END)")
}

/// The same filters as one opaque condition each, for the branch that looks a rare word's people
/// up. Shown `$4 IS NULL` for the filters not in use, PostgreSQL took the region's active
/// trajectories for few and, in the plan it keeps for any word, read them all to join the
/// words (10-17 ms for a surname at 60 000 people, against 1-2 ms looking the people up).
const WORD_FILTERS: &str = "
      AND ($1 = 'all' OR ($1 = 'active' AND t.ended_on IS NULL) OR ($1 = 'ended' AND t.ended_on IS NOT NULL))
      AND (NOT $2 OR t.coach_id = $3)
      AND ($4 IS NULL OR t.programme_id = $4)
      AND ($5 IS NULL OR t.phase = $5)
      AND ($6 IS NULL OR t.organisation_id = $6)
      AND ($7 IS NULL OR t.location_id = $7)
      AND ($8 IS NULL OR t.region_id = $8)";

/// The name with a space before each of its words, for `LIKE '% word%'`: the separators of
/// `domain::validation::NAME_SEPARATORS` become spaces.
const SPACED_NAME: &str = "(' ' || replace(replace(t.participant_name, '-', ' '), '''', ' '))";

/// A search whose word starts the later words of more names than this (everywhere, whatever the
/// scope) reads the scope's names in order instead of looking the people up one by one: so
/// many names are spread through any caseload that a page of them comes quickly.
pub const CANDIDATE_CAP: i64 = 5_000;

const TRAJECTORIES: &str = "trajectories t";

const COLUMNS: &str = "SELECT t.id AS trajectory_id, t.participant_id, t.participant_name, p.first_name, p.last_name,
        t.programme_id, g.name AS programme_name, g.max_duration_months, t.phase, t.phase_since, t.started_on, t.ends_by,
        t.ended_on, t.last_contact_on, u.display_name AS coach_name, o.name AS organisation_name, l.name AS location_name,
        (SELECT COUNT(*) FROM action_steps_open s WHERE s.trajectory_id = t.id AND s.due_on <= $13) AS steps_due,
        (SELECT COUNT(*) FROM action_steps_open s WHERE s.trajectory_id = t.id AND s.due_on < $12) AS steps_overdue";

/// The SQL for one filter, with the parameters it binds beyond the filter's own.
struct Statement {
    sql: String,
    /// Ids the branches bind, from [`FIRST_BRANCH_ID`] on.
    branch_ids: Vec<Uuid>,
    key_text: Option<String>,
    key_date: Option<NaiveDate>,
    after_id: Option<Uuid>,
    status: &'static str,
    /// Values bound after the branches' ids, in order.
    search: Vec<String>,
    /// Bound after the search's values: (programme, day) for "no contact" by programme.
    by_programme: Vec<(Uuid, NaiveDate)>,
}

/// A name search, planned: every result has a word that starts with `driver`, and a word that
/// starts with each of `others`. Names that start with the driver are read on the scope's name
/// index from the driver on; names with the driver in a later word are either looked up one by
/// one (few) or read in order (many).
#[derive(Debug, Clone)]
struct Search {
    driver: String,
    others: Vec<String>,
    later_words_are_few: bool,
    /// How the engine is best told to walk the names in order (see `search_ways`).
    on_sqlite: bool,
}

/// How many later words start with `word`, counting no further than `cap`.
async fn later_word_count(conn: &mut impl Access, word: &str, cap: i64) -> Result<i64> {
    let sql = "SELECT count(*) FROM (SELECT 1 FROM participant_name_words
                   WHERE word >= $1 AND word < $2 LIMIT $3) AS found";
    let end = format!("{word}{}", char::MAX);
    let count = run!(conn, c => sqlx::query_scalar::<_, i64>(sql).bind(word).bind(&end).bind(cap)
        .fetch_one(c).await)?;
    Ok(count)
}

/// Plans the search: the word in the fewest later words leads (the longest, on a tie).
async fn plan_search(conn: &mut impl Access, text: Option<&str>, cap: i64) -> Result<Option<Search>> {
    let words = onramp_domain::validation::name_search_words(text.unwrap_or_default());
    let mut counted = Vec::with_capacity(words.len());
    for word in words {
        let count = later_word_count(conn, &word, cap).await?;
        counted.push((count, std::cmp::Reverse(word.len()), word));
    }
    counted.sort();
    let mut words = counted.into_iter();
    let Some((count, _, driver)) = words.next() else {
        return Ok(None);
    };
    Ok(Some(Search {
        driver,
        others: words.map(|(_, _, word)| word).collect(),
        later_words_are_few: count < cap,
        on_sqlite: matches!(conn.backend(), crate::Backend::Sqlite(_)),
    }))
}

/// The statement for a page: one branch per part of the actor's scope (`conditions`, which bind
/// `branch_ids` from [`FIRST_BRANCH_ID`] on).
fn statement(
    filter: &Filter,
    conditions: &[String],
    branch_ids: Vec<Uuid>,
    search: Option<&Search>,
    by_programme: Vec<(Uuid, NaiveDate)>,
) -> Statement {
    let status = match filter.status {
        Status::Active => "active",
        Status::Ended => "ended",
        Status::All => "all",
    };
    let (order, key_text, key_date, after_id) = match (&filter.sort, &filter.after) {
        (Sort::Name, Some(Cursor::Name(name, id))) => ("participant_name", Some(name.clone()), None, Some(*id)),
        (Sort::Name, _) => ("participant_name", None, None, None),
        (Sort::EndsBy, Some(Cursor::EndsBy(date, id))) => ("ends_by", None, Some(*date), Some(*id)),
        (Sort::EndsBy, _) => ("ends_by", None, None, None),
    };
    // The first page has no cursor; its parameters are still bound, and only tested for NULL.
    let cursor = if after_id.is_some() {
        format!(" AND (t.{order}, t.id) > ($9, $10)")
    } else {
        " AND $9 IS NULL AND $10 IS NULL".to_owned()
    };
    let (ways, search_values) = search_ways(search, FIRST_BRANCH_ID + branch_ids.len());
    let case = by_programme_case(&by_programme, FIRST_BRANCH_ID + branch_ids.len() + search_values.len());
    let filters = filters(filter, &case);
    let word_filters = format!("{WORD_FILTERS}{}", steps_and_contact(filter, &case));
    let mut parts = Vec::new();
    for condition in conditions {
        for (from, way) in &ways {
            let n = parts.len();
            // A person with two words that start with the driver is found twice by the words.
            let (distinct, filters) = if *from == TRAJECTORIES {
                ("", filters.as_str())
            } else {
                ("DISTINCT ", word_filters.as_str())
            };
            parts.push(format!(
                "SELECT * FROM (SELECT {distinct}t.id, t.{order} AS sort_key FROM {from}
                    WHERE {condition}{filters}{way}{cursor} ORDER BY sort_key, t.id LIMIT $11) AS b{n}"
            ));
        }
    }
    let sql = format!(
        "{COLUMNS}
    FROM ({}) AS k
    JOIN trajectories t ON t.id = k.id
    JOIN participants p ON p.id = t.participant_id
    JOIN programmes g ON g.id = t.programme_id
    JOIN organisations o ON o.id = t.organisation_id
    LEFT JOIN locations l ON l.id = t.location_id
    LEFT JOIN users u ON u.id = t.coach_id
    ORDER BY k.sort_key, k.id LIMIT $11",
        parts.join("\n    UNION\n    ")
    );
    Statement {
        sql,
        branch_ids,
        key_text,
        key_date,
        after_id,
        status,
        search: search_values,
        by_programme,
    }
}

/// The ways one branch of the scope is read, as (tables, conditions): once without a search;
/// with one, once for names that start with the driver and once for names with it in a later
/// word. Also the values they bind, from `$first` on.
fn search_ways(search: Option<&Search>, first: usize) -> (Vec<(&'static str, String)>, Vec<String>) {
    let Some(search) = search else {
        return (vec![(TRAJECTORIES, String::new())], Vec::new());
    };
    let (from, to) = (first, first + 1);
    let mut values = vec![search.driver.clone(), format!("{}{}", search.driver, char::MAX)];
    let mut others = String::new();
    for word in &search.others {
        values.push(format!("% {word}%"));
        others.push_str(&format!(" AND {SPACED_NAME} LIKE ${}", first + values.len() - 1));
    }
    let starts = format!("{others} AND t.participant_name >= ${from} AND t.participant_name < ${to}");
    let later = if search.later_words_are_few {
        // The words lead (CROSS JOIN keeps SQLite from reading the scope's index first).
        let words =
            format!("{others} AND t.participant_id = w.participant_id AND w.word >= ${from} AND w.word < ${to}");
        ("participant_name_words w CROSS JOIN trajectories t", words)
    } else if search.on_sqlite {
        // The scope's names in order, keeping those with a later word that starts with the driver.
        values.push(format!("% {}%", search.driver));
        let n = first + values.len() - 1;
        (TRAJECTORIES, format!("{others} AND {SPACED_NAME} LIKE ${n}"))
    } else {
        // The same on PostgreSQL, written as "removing ' word' shortens the name": PostgreSQL takes
        // LIKE with a leading % to match almost nothing, and then read the whole scope and sorted it
        // (128 ms for a common first name at 600 000 people) instead of walking the names in order
        // until a page is full. This form it estimates at a third of the rows, as it is for a word
        // this common. On SQLite, which walks in order either way, it costs half as much again.
        values.push(format!(" {}", search.driver));
        let n = first + values.len() - 1;
        (
            TRAJECTORIES,
            format!("{others} AND length({SPACED_NAME}) > length(replace({SPACED_NAME}, ${n}, ''))"),
        )
    };
    (vec![(TRAJECTORIES, starts), later], values)
}

macro_rules! bind_all {
    ($q:expr, $st:expr, $filter:expr, $actor:expr, $limit:expr) => {{
        let q = $q
            .bind($st.status)
            .bind($filter.mine)
            .bind($actor)
            .bind($filter.programme_id)
            .bind(&$filter.phase)
            .bind($filter.organisation_id)
            .bind($filter.location_id)
            .bind($filter.region_id);
        let q = if $filter.sort == Sort::Name {
            q.bind($st.key_text.clone())
        } else {
            q.bind($st.key_date)
        };
        let since = match &$filter.no_contact {
            Some(NoContact::Since(day)) => Some(*day),
            _ => None,
        };
        let mut q = q
            .bind($st.after_id)
            .bind($limit)
            .bind($filter.steps.map(|s| s.today))
            .bind($filter.steps.map(|s| s.due_by))
            .bind(since);
        for id in &$st.branch_ids {
            q = q.bind(*id);
        }
        for value in &$st.search {
            q = q.bind(value.as_str());
        }
        for (programme, day) in &$st.by_programme {
            q = q.bind(*programme).bind(*day);
        }
        q
    }};
}

/// One page of the caseload, `limit` rows at most.
pub async fn page(conn: &mut impl Access, actor: &Actor, filter: &Filter, limit: i64) -> Result<Vec<Row>> {
    page_with_cap(conn, actor, filter, limit, CANDIDATE_CAP).await
}

/// [`page`], with another [`CANDIDATE_CAP`]: a test compares the two ways of reading later words.
pub async fn page_with_cap(
    conn: &mut impl Access,
    actor: &Actor,
    filter: &Filter,
    limit: i64,
    cap: i64,
) -> Result<Vec<Row>> {
    let Some(st) = prepare(conn, actor, filter, cap).await? else {
        return Ok(Vec::new());
    };
    let actor_id = actor.user_id;
    let rows = run!(conn, c => {
        let q = sqlx::query_as::<_, Row>(sqlx::AssertSqlSafe(&*st.sql));
        bind_all!(q, st, filter, actor_id, limit).fetch_all(c).await
    })?;
    Ok(rows)
}

/// The statement for a page, its search planned; `None` when the actor's scope is empty.
async fn prepare(conn: &mut impl Access, actor: &Actor, filter: &Filter, cap: i64) -> Result<Option<Statement>> {
    let (conditions, branch_ids) =
        scope::caseload_parts(caseload_scope(actor), actor, &scope::TRAJECTORY, FIRST_BRANCH_ID);
    if conditions.is_empty() {
        return Ok(None);
    }
    let search = plan_search(conn, filter.search.as_deref(), cap).await?;
    let by_programme = match filter.no_contact {
        Some(NoContact::ProgrammeSetting { today }) => no_contact_days(conn, today).await?,
        _ => Vec::new(),
    };
    Ok(Some(statement(
        filter,
        &conditions,
        branch_ids,
        search.as_ref(),
        by_programme,
    )))
}

/// For each programme, the day its setting `no_contact_days` reaches back to from `today`.
pub(crate) async fn no_contact_days(conn: &mut impl Access, today: NaiveDate) -> Result<Vec<(Uuid, NaiveDate)>> {
    let sql = "SELECT id, no_contact_days FROM programmes ORDER BY id";
    let rows: Vec<(Uuid, i32)> = run!(conn, c => sqlx::query_as(sql).fetch_all(c).await)?;
    Ok(rows
        .into_iter()
        .map(|(id, days)| (id, today - chrono::Days::new(u64::try_from(days).unwrap_or(0))))
        .collect())
}

/// The engine's plan for `page` with these arguments, one line per step (for benchmarks).
pub async fn plan(conn: &mut impl Access, actor: &Actor, filter: &Filter, limit: i64) -> Result<Vec<String>> {
    let Some(st) = prepare(conn, actor, filter, CANDIDATE_CAP).await? else {
        return Ok(Vec::new());
    };
    let actor_id = actor.user_id;
    let sqlite = matches!(conn.backend(), crate::Backend::Sqlite(_));
    let sql = format!("{}{}", if sqlite { "EXPLAIN QUERY PLAN " } else { "EXPLAIN " }, st.sql);
    let lines: Vec<String> = run!(conn, c => {
        let q = sqlx::query(sqlx::AssertSqlSafe(&*sql));
        bind_all!(q, st, filter, actor_id, limit).fetch_all(c).await.map(|rows| {
            rows.iter()
                .map(|row| {
                    use sqlx::Row as _;
                    row.try_get::<String, _>(row.columns().len() - 1).unwrap_or_default()
                })
                .collect()
        })
    })?;
    Ok(lines)
}
