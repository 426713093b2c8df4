//! The database handle, its connections and transactions, for both engines.

use crate::group_commit::{Groups, Member};
use crate::{Result, StoreError};
use chrono::{DateTime, SubsecRound, Utc};
use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgConnection, Postgres, Sqlite, SqliteConnection, Transaction};
use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

pub(crate) static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../../migrations/sqlite");
pub(crate) static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../../migrations/postgres");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

/// How long a write transaction waits for SQLite's writer before it fails.
const WRITER_WAIT: Duration = Duration::from_secs(30);

/// A pool per engine. SQLite gets one writer connection (SQLite allows one
/// writer at a time; queueing in the pool beats busy retries) and a reader pool.
#[derive(Clone, Debug)]
pub enum Db {
    Sqlite {
        writer: SqlitePool,
        reader: SqlitePool,
        /// Set while the writer may have been left with temporary storage in memory by a bulk load.
        bulk_left: Arc<AtomicBool>,
        /// Requests' transactions, committed in groups on the writer.
        groups: Groups,
    },
    Postgres(PgPool),
}

/// The current time, truncated to microseconds: what PostgreSQL keeps, so
/// values read back compare equal on both engines.
pub fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

/// Today's date in Brussels, where the programmes live: the day consents are held against.
pub fn today() -> chrono::NaiveDate {
    Utc::now().with_timezone(&chrono_tz::Europe::Brussels).date_naive()
}

/// The page cache of each SQLite connection that reads, in MiB, unless the operator chooses
/// another (`--sqlite-reader-cache-mib`). Each of up to eight readers keeps its own cache on top
/// of the operating system's, which holds the file's hot pages already. At 2.5 million
/// participants the server held 158 MB after a region's export with 16 MiB readers and 278 MB
/// with 64 MiB; pages and searches took the same, and only the due check-ins, which then read a
/// few thousand index pages (before migration 0022), were slower with 8 MiB (docs/benchmarks.md).
pub const DEFAULT_READER_CACHE_MIB: u32 = 16;

/// When SQLite's writer counts a commit as done (`--sqlite-synchronous`, docs/operations.md
/// "Durability"). PostgreSQL's is the server's `synchronous_commit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Durability {
    /// Each commit is on disk before it is acknowledged (the write-ahead log is synced): a power
    /// cut or a kernel crash loses nothing acknowledged, as on PostgreSQL.
    #[default]
    Full,
    /// A commit is acknowledged once in the operating system's cache; the log is synced at each
    /// checkpoint. The process may crash without loss, but a power cut or a kernel crash can drop
    /// the last transactions, with the audit entries of reads already answered.
    Normal,
}

/// How the connections of a database are set up.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    /// SQLite's readers keep this many MiB of pages each.
    pub reader_cache_mib: u32,
    pub durability: Durability,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            reader_cache_mib: DEFAULT_READER_CACHE_MIB,
            durability: Durability::default(),
        }
    }
}

impl Db {
    /// Opens `sqlite:PATH` (created when missing) or `postgres://...`.
    pub async fn connect(url: &str) -> Result<Db> {
        Db::connect_with(url, DEFAULT_READER_CACHE_MIB).await
    }

    /// [`Db::connect`], with SQLite's readers keeping `reader_cache_mib` MiB of pages each
    /// (PostgreSQL's cache is the server's: there it does nothing).
    pub async fn connect_with(url: &str, reader_cache_mib: u32) -> Result<Db> {
        let settings = Settings {
            reader_cache_mib,
            ..Settings::default()
        };
        Db::connect_set(url, settings).await
    }

    /// [`Db::connect`] with the operator's settings.
    pub async fn connect_set(url: &str, settings: Settings) -> Result<Db> {
        let reader_cache_mib = settings.reader_cache_mib;
        if url.starts_with("sqlite:") {
            let synchronous = match settings.durability {
                Durability::Full => SqliteSynchronous::Full,
                Durability::Normal => SqliteSynchronous::Normal,
            };
            let options = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(synchronous)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10))
                .pragma("cache_size", "-65536");
            // The writer lives as long as the process instead of being recycled, as pools do with server
            // connections: a SQLite connection has no server state to renew, and replacing it drops its
            // page cache. A one-hour bulk load stopped with "pool timed out" when its writer was
            // replaced (closing the last connection checkpoints the whole write-ahead log).
            // Nor is a connection pinged before each use, as a server's may have hung up: a SQLite
            // connection is a file opened in this process, and the ping is a round trip to the
            // connection's thread on every acquire (docs/benchmarks.md "The audit of list views").
            let writer = SqlitePoolOptions::new()
                .max_connections(1)
                .test_before_acquire(false)
                .max_lifetime(None)
                .idle_timeout(None)
                .connect_with(options.clone())
                .await?;
            let reader_cache = format!("-{}", u64::from(reader_cache_mib) * 1024);
            let reader = SqlitePoolOptions::new()
                .max_connections(8)
                .test_before_acquire(false)
                .connect_with(options.read_only(true).pragma("cache_size", reader_cache))
                .await?;
            let bulk_left = Arc::<AtomicBool>::default();
            Ok(Db::Sqlite {
                groups: Groups::new(writer.clone(), bulk_left.clone()),
                writer,
                reader,
                bulk_left,
            })
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            let options = PgConnectOptions::from_str(url)?;
            let pool = PgPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(options)
                .await?;
            Ok(Db::Postgres(pool))
        } else {
            Err(StoreError::UnsupportedUrl(crate::error::redact_url(url)))
        }
    }

    /// SQLite's group commits so far (`None` on PostgreSQL, which commits each transaction).
    pub fn group_commits(&self) -> Option<crate::group_commit::Committed> {
        match self {
            Db::Sqlite { groups, .. } => Some(groups.committed()),
            Db::Postgres(_) => None,
        }
    }

    /// Whether SQLite's writer is free, no group of transactions open or waited for (see
    /// `group_commit`); always true on PostgreSQL, whose writers do not queue for one connection.
    pub fn writer_idle(&self) -> bool {
        match self {
            Db::Sqlite { groups, .. } => groups.idle(),
            Db::Postgres(_) => true,
        }
    }

    pub fn engine(&self) -> Engine {
        match self {
            Db::Sqlite { .. } => Engine::Sqlite,
            Db::Postgres(_) => Engine::Postgres,
        }
    }

    /// Applies the versioned migrations of this engine, adds the built-in programmes, and counts
    /// for the dashboard the trajectories it has not counted yet (all of them after an upgrade).
    pub async fn migrate(&self) -> Result<()> {
        self.migrate_schema().await?;
        crate::programmes::ensure_built_in(self).await?;
        let counted = crate::dashboard::counts::catch_up(self).await?;
        // Trajectories the application did not write (the generator's) change every operation.
        crate::esf_kept::catch_up(self, counted > 0).await.map(|_| ())
    }

    /// The migrations alone, without the counts [`Db::migrate`] catches up on after them: for a
    /// load that must build its indexes before anything counts over its tables.
    pub async fn migrate_schema(&self) -> Result<()> {
        match self {
            Db::Sqlite { writer, .. } => SQLITE_MIGRATIONS.run(writer).await?,
            Db::Postgres(pool) => POSTGRES_MIGRATIONS.run(pool).await?,
        }
        Ok(())
    }

    /// A connection for reads.
    pub async fn conn(&self) -> Result<Conn> {
        let started = std::time::Instant::now();
        let conn = match self {
            Db::Sqlite { reader, .. } => Conn::Sqlite(reader.acquire().await?),
            Db::Postgres(pool) => Conn::Postgres(pool.acquire().await?),
        };
        waits::count(Pool::Reads, started);
        Ok(conn)
    }

    /// The pools' connections now: open, idle and the most allowed (the metrics, docs/operations.md).
    pub fn pool_usage(&self) -> Vec<PoolUsage> {
        let usage = |pool: Pool, size: u32, idle: usize, max: u32| PoolUsage {
            pool,
            open: size,
            idle: u32::try_from(idle).unwrap_or(u32::MAX),
            max,
        };
        match self {
            Db::Sqlite { reader, writer, .. } => vec![
                usage(
                    Pool::Reads,
                    reader.size(),
                    reader.num_idle(),
                    reader.options().get_max_connections(),
                ),
                usage(
                    Pool::Writes,
                    writer.size(),
                    writer.num_idle(),
                    writer.options().get_max_connections(),
                ),
            ],
            Db::Postgres(pool) => vec![usage(
                Pool::Reads,
                pool.size(),
                pool.num_idle(),
                pool.options().get_max_connections(),
            )],
        }
    }

    /// A transaction for writes: every multi-row change goes through one. On SQLite it is a
    /// member of a group that commits with one sync to disk (`group_commit`), and `commit`
    /// returns once the group is on disk.
    pub async fn begin(&self) -> Result<Tx> {
        Ok(match self {
            Db::Sqlite { groups, .. } => {
                let started = std::time::Instant::now();
                // As long as the pool waits for a connection: a request behind a bulk load (or
                // holding a transaction already) fails rather than waiting for ever.
                let Some(member) = groups.begin(Some(WRITER_WAIT)).await? else {
                    return Err(sqlx::Error::PoolTimedOut.into());
                };
                waits::count(Pool::Writes, started);
                Tx::Member(member)
            }
            Db::Postgres(pool) => {
                let started = std::time::Instant::now();
                let tx = pool.begin().await?;
                waits::count(Pool::Reads, started);
                Tx::Postgres(tx)
            }
        })
    }

    /// A connection for one statement that writes on its own, outside any transaction: the
    /// statement is its own transaction (atomic), without the two round trips of `BEGIN` and
    /// `COMMIT` to the engine. SQLite's writer, or a connection of PostgreSQL's pool. For a write
    /// that must go with others (a change and its audit entry), use [`Db::begin`].
    pub async fn write_alone(&self) -> Result<Conn> {
        Ok(match self {
            Db::Sqlite { writer, groups, .. } => {
                groups.close_open().await;
                Conn::Sqlite(writer.acquire().await?)
            }
            Db::Postgres(pool) => Conn::Postgres(pool.acquire().await?),
        })
    }

    /// Empties SQLite's write-ahead log into the database file and truncates it (nothing on
    /// PostgreSQL): after a bulk step whose pages would otherwise pile up in the log.
    pub async fn checkpoint_truncate(&self) -> Result<()> {
        if let Db::Sqlite { writer, groups, .. } = self {
            groups.close_open().await;
            sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(writer).await?;
        }
        Ok(())
    }

    /// A transaction for a small write that may as well not happen (marking a session as used),
    /// waiting at most `wait` for others: `None` when SQLite's one writer stays busy that long
    /// (an import holds it), rather than queueing behind. On PostgreSQL, where writers wait only
    /// on the rows they share, a statement that waits longer than `wait` for a lock fails.
    pub async fn begin_within(&self, wait: Duration) -> Result<Option<Tx>> {
        match self {
            Db::Sqlite { groups, .. } => Ok(groups.begin(Some(wait)).await?.map(Tx::Member)),
            Db::Postgres(pool) => {
                let Ok(tx) = tokio::time::timeout(wait, pool.begin()).await else {
                    return Ok(None);
                };
                let mut tx = tx?;
                let sql = format!("SET LOCAL lock_timeout = {}", wait.as_millis());
                // A number we formatted, not input.
                sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&mut *tx).await?;
                Ok(Some(Tx::Postgres(tx)))
            }
        }
    }

    /// A transaction for a bulk load (an import, the generator's batches). On SQLite, its statement
    /// journals stay in memory: a statement of many rows inside a transaction keeps a journal to undo
    /// that statement alone, and writing it to a temporary file took a tenth of an import's CPU time
    /// (docs/benchmarks.md). Not the writer's default, because in memory SQLite also sorts without
    /// spilling to a file, as when a migration builds an index over millions of rows.
    pub async fn begin_bulk(&self) -> Result<Tx> {
        Ok(match self {
            Db::Sqlite {
                writer,
                bulk_left,
                groups,
                ..
            } => {
                // A transaction of its own: the group of the moment is committed first.
                groups.close_open().await;
                let tx = writer.begin_with("PRAGMA temp_store = MEMORY; BEGIN").await?;
                // Set once the writer is held: a transaction that begins later finds it and resets.
                bulk_left.store(true, Ordering::Release);
                Tx::Sqlite(tx)
            }
            Db::Postgres(pool) => Tx::Postgres(pool.begin().await?),
        })
    }

    /// Refreshes the planner's statistics (and on PostgreSQL the visibility map), as after a bulk load.
    pub async fn analyze(&self) -> Result<()> {
        match self {
            Db::Sqlite { writer, groups, .. } => {
                groups.close_open().await;
                // Row counts only (sqlite_stat1): with the value samples of sqlite_stat4, SQLite
                // compiles a statement again whenever its bound values change, which cost 17% of
                // the server's time under load (docs/benchmarks.md).
                sqlx::query("ANALYZE").execute(writer).await?;
                let sql = "SELECT COUNT(*) FROM sqlite_schema WHERE name = 'sqlite_stat4'";
                if sqlx::query_scalar::<_, i64>(sql).fetch_one(writer).await? > 0 {
                    sqlx::query("DELETE FROM sqlite_stat4").execute(writer).await?;
                }
                sqlx::query("ANALYZE sqlite_schema").execute(writer).await.map(|_| ())?
            }
            // VACUUM too, as autovacuum does after many inserts: it marks the loaded pages
            // all-visible, without which no scan reads an index alone (the caseload's walks do).
            Db::Postgres(pool) => sqlx::raw_sql("VACUUM ANALYZE").execute(pool).await.map(|_| ())?,
        }
        Ok(())
    }

    /// Answers when the database answers (for `/healthz`).
    pub async fn ping(&self) -> Result<()> {
        let mut conn = self.conn().await?;
        crate::run!(&mut conn, c => sqlx::query("SELECT 1").execute(c).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    pub async fn close(&self) {
        match self {
            Db::Sqlite {
                writer, reader, groups, ..
            } => {
                groups.close_open().await;
                reader.close().await;
                writer.close().await;
            }
            Db::Postgres(pool) => pool.close().await,
        }
    }
}

pub enum Conn {
    Sqlite(PoolConnection<Sqlite>),
    Postgres(PoolConnection<Postgres>),
}

pub enum Tx {
    /// SQLite's bulk loads: a transaction of their own.
    Sqlite(Transaction<'static, Sqlite>),
    /// SQLite's other writes: a member of a group commit.
    Member(Member),
    Postgres(Transaction<'static, Postgres>),
}

impl Tx {
    /// Gives SQLite's writer connection a page cache of `mib` MiB for a bulk load, whose indexes
    /// outgrow the usual 64 MiB. It holds for the connection's life, so call it in each batch's
    /// transaction. PostgreSQL's cache is the server's: there it does nothing.
    pub async fn use_cache_of(&mut self, mib: u32) -> Result<()> {
        if let Tx::Sqlite(tx) = self {
            let pragma = format!("PRAGMA cache_size = -{}", u64::from(mib) * 1024);
            // A number we formatted, not input.
            sqlx::query(sqlx::AssertSqlSafe(pragma)).execute(&mut **tx).await?;
        }
        Ok(())
    }

    pub async fn commit(self) -> Result<()> {
        match self {
            Tx::Sqlite(tx) => tx.commit().await?,
            Tx::Member(member) => member.commit().await?,
            Tx::Postgres(tx) => tx.commit().await?,
        }
        Ok(())
    }
}

/// A borrowed connection of either engine, to run one query on.
pub enum Backend<'a> {
    Sqlite(&'a mut SqliteConnection),
    Postgres(&'a mut PgConnection),
}

/// Locks one row of `table` until the transaction ends, on PostgreSQL: two transactions that each
/// derive a value from rows the other is changing would otherwise each miss the other's change.
/// The second waits, and its next statement reads what the first committed. SQLite has one writer.
pub(crate) async fn lock_row(tx: &mut impl Access, table: &'static str, id: uuid::Uuid) -> Result<()> {
    if let Backend::Postgres(c) = tx.backend() {
        let sql = format!("SELECT id FROM {table} WHERE id = $1 FOR UPDATE");
        sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).execute(c).await?;
    }
    Ok(())
}

/// Anything a query can run on: a read connection or a write transaction.
pub trait Access: Send {
    fn backend(&mut self) -> Backend<'_>;
}

impl Access for Conn {
    fn backend(&mut self) -> Backend<'_> {
        match self {
            Conn::Sqlite(c) => Backend::Sqlite(c),
            Conn::Postgres(c) => Backend::Postgres(c),
        }
    }
}

impl Access for Tx {
    fn backend(&mut self) -> Backend<'_> {
        match self {
            Tx::Sqlite(t) => Backend::Sqlite(t),
            Tx::Member(m) => Backend::Sqlite(m.conn()),
            Tx::Postgres(t) => Backend::Postgres(t),
        }
    }
}

/// Runs the same query text on whichever engine `$on` is: `$c` is bound to
/// the engine's connection in each arm, so both arms are type-checked.
#[macro_export]
macro_rules! run {
    ($on:expr, $c:ident => $body:expr) => {
        match $crate::Access::backend(&mut *$on) {
            $crate::Backend::Sqlite($c) => $body,
            $crate::Backend::Postgres($c) => $body,
        }
    };
}

/// A pool of connections: SQLite has one for reads and its one writer; PostgreSQL one for both
/// (reported as `reads`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pool {
    Reads,
    Writes,
}

impl Pool {
    pub fn as_str(self) -> &'static str {
        match self {
            Pool::Reads => "reads",
            Pool::Writes => "writes",
        }
    }
}

/// A pool's connections at one moment.
#[derive(Debug, Clone, Copy)]
pub struct PoolUsage {
    pub pool: Pool,
    pub open: u32,
    pub idle: u32,
    pub max: u32,
}

/// How long requests waited for a connection (or SQLite's writer), summed since the start: the
/// time from asking to having it, counted per pool. Process-wide, like the pools a server holds.
pub mod waits {
    use super::Pool;
    use std::sync::atomic::{AtomicU64, Ordering};

    static WAITED_MICROS: [AtomicU64; 2] = [AtomicU64::new(0), AtomicU64::new(0)];
    static ACQUIRED: [AtomicU64; 2] = [AtomicU64::new(0), AtomicU64::new(0)];

    pub(super) fn count(pool: Pool, started: std::time::Instant) {
        let micros = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
        WAITED_MICROS[pool as usize].fetch_add(micros, Ordering::Relaxed);
        ACQUIRED[pool as usize].fetch_add(1, Ordering::Relaxed);
    }

    /// (connections handed out, seconds waited for them) of a pool since the process started.
    pub fn of(pool: Pool) -> (u64, f64) {
        let acquired = ACQUIRED[pool as usize].load(Ordering::Relaxed);
        let waited = WAITED_MICROS[pool as usize].load(Ordering::Relaxed) as f64 / 1_000_000.0;
        (acquired, waited)
    }
}
