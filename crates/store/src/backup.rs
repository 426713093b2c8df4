//! What a backup and a restore ask of the database itself: SQLite's consistent copy (`VACUUM
//! INTO`) and integrity check, whether a database is empty, and how its migrations compare with
//! this build's. The binary runs PostgreSQL's `pg_dump` and `pg_restore` around these
//! (docs/operations.md).

use crate::db::{POSTGRES_MIGRATIONS, SQLITE_MIGRATIONS};
use crate::{Db, Result, run};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// The file a `sqlite:` URL names; `None` for an in-memory database or another engine's URL.
pub fn sqlite_file(url: &str) -> Option<PathBuf> {
    if !url.starts_with("sqlite:") {
        return None;
    }
    let options = SqliteConnectOptions::from_str(url).ok()?;
    let file = options.get_filename();
    (!file.as_os_str().is_empty() && file != Path::new(":memory:")).then(|| file.to_path_buf())
}

/// Writes a consistent copy of the SQLite database to `to`, a file that must not exist yet. The
/// copy is read in one transaction, as of its start: the server's writers go on meanwhile (in
/// write-ahead-log mode they never wait for a reader), and what they commit later is not in it.
pub async fn sqlite_copy(db: &Db, to: &Path) -> Result<()> {
    let mut conn = db.conn().await?;
    let to = to.to_string_lossy().into_owned();
    run!(&mut conn, c => sqlx::query("VACUUM INTO $1").bind(&to).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// The tables, views, indexes and triggers a SQLite file holds, read without changing it (a file
/// that does not exist holds none).
pub async fn sqlite_file_objects(path: &Path) -> Result<i64> {
    if !path.exists() {
        return Ok(0);
    }
    let mut conn = SqliteConnectOptions::new()
        .filename(path)
        .read_only(true)
        .connect()
        .await?;
    let sql = "SELECT COUNT(*) FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%'";
    let count = sqlx::query_scalar(sql).fetch_one(&mut conn).await?;
    conn.close().await?;
    Ok(count)
}

/// The tables and views of a PostgreSQL database outside the system's schemas: 0 for an empty one.
pub async fn postgres_tables(db: &Db) -> Result<i64> {
    let sql = "SELECT COUNT(*) FROM information_schema.tables
               WHERE table_schema NOT IN ('pg_catalog', 'information_schema')";
    let mut conn = db.conn().await?;
    Ok(run!(&mut conn, c => sqlx::query_scalar::<_, i64>(sql).fetch_one(c).await)?)
}

/// SQLite's own check of every page, index and constraint: empty when the file is sound, else
/// the problems it names. PostgreSQL has no equivalent: there `pg_restore` fails on a damaged
/// archive, and the constraints are checked as the rows go in.
pub async fn sqlite_integrity(db: &Db) -> Result<Vec<String>> {
    let mut conn = db.conn().await?;
    let mut found: Vec<String> = run!(&mut conn, c => sqlx::query_scalar("PRAGMA integrity_check").fetch_all(c).await)?;
    let sql = "SELECT \"table\" || ': a row refers to a missing row of ' || parent FROM pragma_foreign_key_check()";
    let orphans: Vec<String> = run!(&mut conn, c => sqlx::query_scalar(sql).fetch_all(c).await)?;
    found.retain(|line| line != "ok");
    found.extend(orphans);
    Ok(found)
}

/// A database's migrations compared with the ones this build applies.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Migrations {
    /// Applied and the same as this build's.
    pub current: usize,
    /// This build's, not applied yet: `onramp migrate` (or `serve`) applies them.
    pub pending: Vec<i64>,
    /// Applied but unknown to this build: the data comes from a newer onramp.
    pub unknown: Vec<i64>,
    /// Applied with other contents than this build's, or left half done.
    pub changed: Vec<i64>,
}

impl Migrations {
    /// Whether a server of this build may run on the database as it is.
    pub fn is_current(&self) -> bool {
        self.pending.is_empty() && self.unknown.is_empty() && self.changed.is_empty()
    }
}

/// Compares the migrations recorded in the database with this build's.
pub async fn migrations(db: &Db) -> Result<Migrations> {
    let migrator = match db {
        Db::Sqlite { .. } => &SQLITE_MIGRATIONS,
        Db::Postgres(_) => &POSTGRES_MIGRATIONS,
    };
    let sql = "SELECT version, checksum, success FROM _sqlx_migrations";
    let mut conn = db.conn().await?;
    let applied: Vec<(i64, Vec<u8>, bool)> = run!(&mut conn, c => sqlx::query_as(sql).fetch_all(c).await)?;
    let mut applied: HashMap<i64, (Vec<u8>, bool)> = applied.into_iter().map(|(v, sum, ok)| (v, (sum, ok))).collect();
    let mut state = Migrations::default();
    for known in migrator.iter().filter(|m| !m.migration_type.is_down_migration()) {
        match applied.remove(&known.version) {
            None => state.pending.push(known.version),
            Some((sum, true)) if *sum == *known.checksum => state.current += 1,
            Some(_) => state.changed.push(known.version),
        }
    }
    state.unknown = applied.into_keys().collect();
    state.unknown.sort_unstable();
    Ok(state)
}

/// The major version of the PostgreSQL server (15 for 15.4): `pg_dump` must be at least as new.
pub async fn postgres_major(db: &Db) -> Result<i32> {
    let sql = "SELECT current_setting('server_version_num')::integer / 10000";
    let mut conn = db.conn().await?;
    Ok(run!(&mut conn, c => sqlx::query_scalar::<_, i32>(sql).fetch_one(c).await)?)
}

/// Refreshes the planner's statistics, which a restore does not bring back (PostgreSQL) or which
/// a copy may lack (SQLite): the first queries on a restored database would otherwise be planned
/// blind.
pub async fn analyze(db: &Db) -> Result<()> {
    let mut tx = db.begin().await?;
    run!(&mut tx, c => sqlx::query("ANALYZE").execute(c).await.map(|r| r.rows_affected()))?;
    tx.commit().await?;
    Ok(())
}
