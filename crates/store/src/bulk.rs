//! Bulk inserts: many rows per statement, many statements per transaction. The data generator
//! writes with them directly; the application only through the store modules' `*_many`
//! functions (an import's new people and trajectories), with records checked before.

use crate::{Access, Backend, Db, Engine, Result, run};
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::Connection;
use uuid::Uuid;

/// One value of a generated row.
#[derive(Debug, Clone)]
pub enum Value {
    Id(Uuid),
    OptId(Option<Uuid>),
    Text(String),
    OptText(Option<String>),
    Date(NaiveDate),
    OptDate(Option<NaiveDate>),
    Int(i32),
    OptInt(Option<i32>),
    BigInt(i64),
    Bool(bool),
    OptBool(Option<bool>),
    At(DateTime<Utc>),
}

/// Binds each of `values` in turn to a query (`sqlx::query` or `sqlx::query_as`).
macro_rules! bind_all {
    ($query:expr, $values:expr) => {{
        let mut query = $query;
        for value in $values {
            query = match value {
                Value::Id(v) => query.bind(*v),
                Value::OptId(v) => query.bind(*v),
                Value::Text(v) => query.bind(v.as_str()),
                Value::OptText(v) => query.bind(v.as_deref()),
                Value::Date(v) => query.bind(*v),
                Value::OptDate(v) => query.bind(*v),
                Value::Int(v) => query.bind(*v),
                Value::OptInt(v) => query.bind(*v),
                Value::BigInt(v) => query.bind(*v),
                Value::Bool(v) => query.bind(*v),
                Value::OptBool(v) => query.bind(*v),
                Value::At(v) => query.bind(*v),
            };
        }
        query
    }};
}
pub(crate) use bind_all;

/// Runs `$body` with `$q`, a query of an [`in_list`] statement with `$ids` bound as that statement
/// expects (one array on PostgreSQL, each id on SQLite), on the engine's connection `$c`.
macro_rules! with_ids {
    ($conn:expr, $query:expr, $ids:expr, |$q:ident, $c:ident| $body:expr) => {
        match $conn.backend() {
            Backend::Postgres($c) => {
                let $q = $query.bind($ids);
                $body
            }
            Backend::Sqlite($c) => {
                let mut $q = $query;
                for id in $ids {
                    $q = $q.bind(*id);
                }
                $body
            }
        }
    };
}

/// Rows per statement: few enough that a statement stays small (and well under the engines' bind
/// limits), many enough that the round trips do not dominate.
const ROWS_PER_STATEMENT: usize = 500;

/// Inserts `rows` into `table` (each row holds one value per column, in order) with as few
/// statements as the engines' bind limits allow. Returns the rows written.
pub async fn insert(tx: &mut impl Access, table: &str, columns: &[&str], rows: &[Vec<Value>]) -> Result<u64> {
    // SQLite binds `?` by position; sqlx looks `$n` up by name, which costs more per value.
    let positional = matches!(tx.backend(), Backend::Sqlite(_));
    let mut written = 0;
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        let sql = statement(table, columns, chunk.len(), positional);
        written += run!(tx, c => {
            let query = bind_all!(sqlx::query(sqlx::AssertSqlSafe(sql.as_str())), chunk.iter().flatten());
            query.execute(c).await.map(|r| r.rows_affected())
        })?;
    }
    Ok(written)
}

/// `INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4)` for `count` rows (`?` for each value when
/// `positional`). The table and column names come from the generator's code, never from input.
fn statement(table: &str, columns: &[&str], count: usize, positional: bool) -> String {
    let mut sql = format!("INSERT INTO {table} ({}) VALUES ", columns.join(", "));
    let mut n = 0;
    for row in 0..count {
        if row > 0 {
            sql.push_str(", ");
        }
        sql.push('(');
        for column in 0..columns.len() {
            if column > 0 {
                sql.push_str(", ");
            }
            n += 1;
            if positional {
                sql.push('?');
            } else {
                sql.push('$');
                sql.push_str(&n.to_string());
            }
        }
        sql.push(')');
    }
    sql
}

/// `?` placeholders numbered `$1, $2, …` for PostgreSQL.
fn numbered(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + sql.len() / 4);
    let mut n = 0;
    for ch in sql.chars() {
        if ch == '?' {
            n += 1;
            out.push('$');
            out.push_str(&n.to_string());
        } else {
            out.push(ch);
        }
    }
    out
}

/// The rows of `sql`, which ends in `… IN`, for each of `ids` in turn as the list: a few
/// statements whatever their number, instead of one per id.
pub(crate) async fn select_in<T>(conn: &mut impl Access, sql: &str, ids: &[Uuid]) -> Result<Vec<T>>
where
    T: Send
        + Unpin
        + for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>
        + for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>,
{
    let mut found = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(ROWS_PER_STATEMENT) {
        let statement = in_list(conn, sql, chunk.len());
        let rows: Vec<T> = with_ids!(
            conn,
            sqlx::query_as::<_, T>(sqlx::AssertSqlSafe(statement.as_str())),
            chunk,
            |q, c| q.fetch_all(c).await?
        );
        found.extend(rows);
    }
    Ok(found)
}

/// Runs `sql`, which ends in `… IN`, for each of `ids` in turn as the list (as [`select_in`]);
/// returns the rows it changed.
pub(crate) async fn execute_in(conn: &mut impl Access, sql: &str, ids: &[Uuid]) -> Result<u64> {
    let mut changed = 0;
    for chunk in ids.chunks(ROWS_PER_STATEMENT) {
        let statement = in_list(conn, sql, chunk.len());
        changed += with_ids!(
            conn,
            sqlx::query(sqlx::AssertSqlSafe(statement.as_str())),
            chunk,
            |q, c| q.execute(c).await?.rows_affected()
        );
    }
    Ok(changed)
}

/// `sql (?, ?, …)` with `count` placeholders on SQLite. On PostgreSQL the ids are bound as one
/// array (`x = ANY($1)` for the ending `x IN`): one statement text whatever their number, so
/// PostgreSQL may keep its plan instead of planning every list length anew.
fn in_list(conn: &mut impl Access, sql: &str, count: usize) -> String {
    in_list_for(sql, count, matches!(conn.backend(), Backend::Postgres(_)))
}

fn in_list_for(sql: &str, count: usize, postgres: bool) -> String {
    // Checked on every engine, so a statement only PostgreSQL would refuse fails SQLite's tests too.
    debug_assert!(
        sql.ends_with(" IN") && !sql.ends_with(" NOT IN") && !sql.contains('?'),
        "a statement whose only values are the ids, ending in `x IN`: {sql}"
    );
    match sql.strip_suffix(" IN") {
        Some(column) if postgres => format!("{column} = ANY($1)"),
        _ => format!("{sql} ({})", vec!["?"; count].join(", ")),
    }
}

/// `sql` written with `?` placeholders, for the engine: `?` binds by position on SQLite (cheaper
/// than `$n`, see `insert`), numbered for PostgreSQL.
fn for_engine(conn: &mut impl Access, sql: &str) -> String {
    match conn.backend() {
        Backend::Postgres(_) => numbered(sql),
        Backend::Sqlite(_) => sql.to_owned(),
    }
}

/// Runs `sql`, a statement built at run time with a `?` for each of `values` in order; returns the
/// rows it changed.
pub(crate) async fn execute(conn: &mut impl Access, sql: &str, values: &[Value]) -> Result<u64> {
    let sql = for_engine(conn, sql);
    Ok(
        run!(conn, c => bind_all!(sqlx::query(sqlx::AssertSqlSafe(sql.as_str())), values)
        .execute(c).await.map(|r| r.rows_affected()))?,
    )
}

/// The rows of `sql`, a statement built at run time with a `?` for each of `values` in order.
pub(crate) async fn fetch_all<T>(conn: &mut impl Access, sql: &str, values: &[Value]) -> Result<Vec<T>>
where
    T: Send
        + Unpin
        + for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>
        + for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>,
{
    let sql = for_engine(conn, sql);
    Ok(
        run!(conn, c => bind_all!(sqlx::query_as::<_, T>(sqlx::AssertSqlSafe(sql.as_str())), values).fetch_all(c).await)?,
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_id_list_is_one_array_on_postgresql_and_a_list_on_sqlite() {
        let sql = "SELECT a FROM t WHERE t.id IN";
        assert_eq!(super::in_list_for(sql, 2, true), "SELECT a FROM t WHERE t.id = ANY($1)");
        assert_eq!(
            super::in_list_for(sql, 2, false),
            "SELECT a FROM t WHERE t.id IN (?, ?)"
        );
    }

    #[test]
    #[should_panic(expected = "ending in `x IN`")]
    fn a_list_postgresql_could_not_bind_as_an_array_fails_on_every_engine() {
        super::in_list_for("SELECT a FROM t WHERE t.id NOT IN", 2, false);
    }

    #[test]
    fn numbers_the_placeholders_row_after_row() {
        assert_eq!(
            super::statement("t", &["a", "b"], 2, false),
            "INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4)"
        );
        assert_eq!(
            super::statement("t", &["a"], 2, true),
            "INSERT INTO t (a) VALUES (?), (?)"
        );
    }
}

/// Secondary indexes taken off the tables of a bulk load on SQLite, each with the statement that
/// builds it again. Rows arrive in key order (ids are UUID v7) but the name, scope and date indexes
/// take theirs at random places: kept up to date, they brought the national load down to
/// 35 000 rows/s past 650 000 people; built once at the end, by sorting, they cost a few minutes.
#[derive(Debug, Default)]
pub struct IndexesSetAside(Vec<(String, String)>);

impl IndexesSetAside {
    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Drops the secondary indexes of `tables` on SQLite (PostgreSQL keeps its own: nothing to do),
/// to be built again with [`build_indexes_again`] once the rows are in. Unique indexes go too:
/// building them again checks every row at once.
pub async fn set_aside_indexes(tx: &mut impl Access, tables: &[&str]) -> Result<IndexesSetAside> {
    let Backend::Sqlite(c) = tx.backend() else {
        return Ok(IndexesSetAside::default());
    };
    let mut aside = Vec::new();
    for table in tables {
        let sql = "SELECT name, sql FROM sqlite_schema
                   WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL ORDER BY name";
        let found: Vec<(String, String)> = sqlx::query_as(sql).bind(*table).fetch_all(&mut *c).await?;
        aside.extend(found);
    }
    for (name, _) in &aside {
        // A name read from the schema, quoted.
        let drop = format!("DROP INDEX \"{}\"", name.replace('"', "\"\""));
        sqlx::query(sqlx::AssertSqlSafe(drop)).execute(&mut *c).await?;
    }
    Ok(IndexesSetAside(aside))
}

/// Builds again every index [`set_aside_indexes`] dropped, with the statement that made it, each in
/// a transaction of its own with a page cache of `cache_mib`. After each, SQLite's write-ahead log
/// is emptied into the file: the pages of a whole index go through the log, and all of them at
/// once (the national load's 60-odd indexes) outgrew the disk that held the database.
pub async fn build_indexes_again(db: &Db, aside: IndexesSetAside, cache_mib: u32) -> Result<()> {
    for (_, create) in aside.0 {
        let mut tx = db.begin_bulk().await?;
        tx.use_cache_of(cache_mib).await?;
        if let Backend::Sqlite(c) = tx.backend() {
            // The sorter may use a helper thread: building an index is a sort of the whole table.
            sqlx::query("PRAGMA threads = 2").execute(&mut *c).await?;
            // The statement SQLite kept in its own schema.
            sqlx::query(sqlx::AssertSqlSafe(create)).execute(&mut *c).await?;
        }
        tx.commit().await?;
        db.checkpoint_truncate().await?;
    }
    Ok(())
}

/// The indexes the migrations make that the database lacks (on SQLite; nothing on PostgreSQL): what
/// a load that stopped after [`set_aside_indexes`] left to build again.
pub async fn indexes_missing(db: &Db) -> Result<IndexesSetAside> {
    if db.engine() != Engine::Sqlite {
        return Ok(IndexesSetAside::default());
    }
    let sql = "SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL ORDER BY name";
    // The schema the migrations make, in a database of its own in memory.
    let mut fresh = sqlx::sqlite::SqliteConnection::connect("sqlite::memory:").await?;
    crate::db::SQLITE_MIGRATIONS.run(&mut fresh).await?;
    let wanted: Vec<(String, String)> = sqlx::query_as(sql).fetch_all(&mut fresh).await?;
    let mut conn = db.conn().await?;
    let have: Vec<(String, String)> = run!(&mut conn, c => sqlx::query_as(sql).fetch_all(c).await)?;
    let missing = wanted
        .into_iter()
        .filter(|(name, _)| !have.iter().any(|(n, _)| n == name))
        .collect();
    Ok(IndexesSetAside(missing))
}
