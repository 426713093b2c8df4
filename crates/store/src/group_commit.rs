//! Group commit for SQLite's one writer: the transactions of concurrent requests share one
//! transaction and one sync to disk (docs/operations.md "Durability").
//!
//! Each request's transaction is a *member*: a savepoint inside the group's transaction, so that
//! its failure undoes its own work alone. A member that is done releases its savepoint and waits
//! until the group is committed; the group is committed by the member that finds nobody else
//! waiting for the writer, or once it holds [`MAX_MEMBERS`] members or has been open for
//! [`MAX_OPEN`]. No member is acknowledged before its work is on disk, so a member waits at most
//! [`MAX_OPEN`], plus the work of the member at the writer when that time passes, plus the sync.
//! No group stays open without a member at work in it: a member dropped without committing, or a
//! waiting member whose group nobody closed within [`NUDGE`], closes it.

use crate::{Result, StoreError};
use sqlx::pool::PoolConnection;
use sqlx::{Sqlite, SqliteConnection, SqlitePool};
use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex as StdMutex};
use std::time::{Duration, Instant};
use tokio::sync::{Mutex, OwnedMutexGuard, oneshot, watch};

/// A group is committed once it holds this many members ...
pub const MAX_MEMBERS: usize = 64;
/// ... or has been open this long, even while more members wait.
pub const MAX_OPEN: Duration = Duration::from_millis(4);
/// How long a member that is done waits for someone else to commit its group before it
/// commits the group itself (when a member counted as waiting gave up before its turn).
const NUDGE: Duration = Duration::from_millis(20);

/// The writer's groups; cloned into every member.
#[derive(Clone, Debug)]
pub struct Groups {
    writer: SqlitePool,
    state: Arc<Mutex<State>>,
    /// Members waiting for their turn at the writer.
    waiting: Arc<AtomicUsize>,
    /// The newest group that ended, committed or failed.
    ended: watch::Sender<u64>,
    failed: Arc<StdMutex<BTreeSet<u64>>>,
    /// Set while the writer may have been left with temporary storage in memory by a bulk load.
    bulk_left: Arc<AtomicBool>,
    /// Groups committed, and the members they held.
    committed: Arc<[AtomicU64; 2]>,
}

/// How many groups were committed and how many members they held, since the start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Committed {
    pub groups: u64,
    pub members: u64,
}

#[derive(Debug)]
struct State {
    /// The writer, held while a group is open.
    conn: Option<PoolConnection<Sqlite>>,
    /// The open group's number (the last one's when none is open).
    group: u64,
    /// Members released into the open group.
    members: usize,
    opened: Instant,
    /// A member ended without committing: its savepoint is still to be undone.
    abandoned: bool,
}

/// One request's transaction in a group. Dropped without [`Member::commit`], its work is undone.
pub struct Member {
    guard: Option<OwnedMutexGuard<State>>,
    groups: Groups,
}

/// Counts a member as waiting for the writer until it gets its turn (or gives up).
struct Waiting(Arc<AtomicUsize>);

impl Drop for Waiting {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

async fn exec(conn: &mut SqliteConnection, sql: &'static str) -> Result<()> {
    sqlx::raw_sql(sql).execute(conn).await?;
    Ok(())
}

impl Groups {
    pub fn new(writer: SqlitePool, bulk_left: Arc<AtomicBool>) -> Groups {
        Groups {
            writer,
            state: Arc::new(Mutex::new(State {
                conn: None,
                group: 0,
                members: 0,
                opened: Instant::now(),
                abandoned: false,
            })),
            waiting: Arc::default(),
            ended: watch::Sender::new(0),
            failed: Arc::default(),
            bulk_left,
            committed: Arc::default(),
        }
    }

    pub fn committed(&self) -> Committed {
        Committed {
            groups: self.committed[0].load(Ordering::Relaxed),
            members: self.committed[1].load(Ordering::Relaxed),
        }
    }

    /// Whether nobody writes: no group is open, none is being opened or committed, and nobody
    /// waits for a turn. A lone statement then shares its sync with no one anyway.
    pub fn idle(&self) -> bool {
        self.waiting.load(Ordering::Acquire) == 0 && self.state.try_lock().is_ok_and(|state| state.conn.is_none())
    }

    /// A member, once it is the writer's turn; `None` when `limit` passes first.
    pub async fn begin(&self, limit: Option<Duration>) -> Result<Option<Member>> {
        self.waiting.fetch_add(1, Ordering::AcqRel);
        let waiting = Waiting(self.waiting.clone());
        let turn = self.state.clone().lock_owned();
        let mut guard = match limit {
            Some(limit) => match tokio::time::timeout(limit, turn).await {
                Ok(guard) => guard,
                Err(_) => return Ok(None),
            },
            None => turn.await,
        };
        drop(waiting);
        // The group's state changes in a task of its own, which a request that gives up (a
        // client gone, a timeout) cannot stop half-way; its member is then dropped as abandoned.
        let groups = self.clone();
        let (answer, answered) = oneshot::channel();
        tokio::spawn(async move {
            let ready = groups.prepare(&mut guard, limit).await;
            let member = ready.map(|ready| {
                ready.then(|| Member {
                    guard: Some(guard),
                    groups: groups.clone(),
                })
            });
            // Unanswered, the member is dropped here: undone and its group closed.
            let _ = answer.send(member);
        });
        answered.await.map_err(|_| gone())?
    }

    /// Undoes an abandoned member, opens a group when none is open (false when `limit` passes
    /// first), and starts the member's savepoint.
    async fn prepare(&self, state: &mut State, limit: Option<Duration>) -> Result<bool> {
        self.settle(state).await;
        if state.conn.is_none() {
            let acquire = self.writer.acquire();
            let conn = match limit {
                Some(limit) => match tokio::time::timeout(limit, acquire).await {
                    Ok(conn) => conn?,
                    Err(_) => return Ok(false),
                },
                None => acquire.await?,
            };
            self.open(state, conn).await?;
        }
        let conn = state.conn.as_mut().expect("an open group");
        if let Err(error) = exec(conn, "SAVEPOINT member").await {
            self.end(state, false).await;
            return Err(error);
        }
        Ok(true)
    }

    /// Ends the open group, if any, so that the writer is free for a transaction of its own (a
    /// bulk load) or a statement outside any (`Db::write_alone`).
    pub async fn close_open(&self) {
        let _ = tokio::spawn(self.clone().close(None)).await;
    }

    /// In its turn, undoes an abandoned member and commits `group` (any group with `None`) if it
    /// is still open: the way out for a group its members left.
    async fn close(self, group: Option<u64>) {
        let mut guard = self.state.clone().lock_owned().await;
        self.settle(&mut guard).await;
        if guard.conn.is_some() && group.is_none_or(|g| g == guard.group) {
            self.end(&mut guard, true).await;
        }
    }

    async fn open(&self, state: &mut State, mut conn: PoolConnection<Sqlite>) -> Result<()> {
        // The first transaction after a bulk load sets temporary storage back to files.
        let reset = self.bulk_left.swap(false, Ordering::AcqRel);
        // IMMEDIATE: the write lock up front (waiting `busy_timeout` for another process that
        // holds it), so that no member of the group meets a snapshot another process outdated.
        let begin = if reset {
            "PRAGMA temp_store = DEFAULT; BEGIN IMMEDIATE"
        } else {
            "BEGIN IMMEDIATE"
        };
        let mut begun = exec(&mut conn, begin).await;
        if begun.is_err() {
            // A connection left inside a transaction (a task stopped by a panic) is rolled back first.
            let _ = exec(&mut conn, "ROLLBACK").await;
            begun = exec(&mut conn, begin).await;
        }
        if let Err(error) = begun {
            if reset {
                self.bulk_left.store(true, Ordering::Release);
            }
            return Err(error);
        }
        state.conn = Some(conn);
        state.group += 1;
        state.members = 0;
        state.opened = Instant::now();
        Ok(())
    }

    /// Undoes an abandoned member's work; when that fails, SQLite rolled back the whole group
    /// (a full disk, say) and the group has failed.
    async fn settle(&self, state: &mut State) {
        if !std::mem::take(&mut state.abandoned) {
            return;
        }
        let Some(conn) = state.conn.as_mut() else {
            return;
        };
        if exec(conn, "ROLLBACK TO member; RELEASE member").await.is_err() {
            self.end(state, false).await;
        }
    }

    /// Commits the open group (or, with `commit` false, rolls it back), gives the writer back
    /// and tells the group's members.
    async fn end(&self, state: &mut State, commit: bool) {
        let Some(mut conn) = state.conn.take() else {
            return;
        };
        let committed = commit && exec(&mut conn, "COMMIT").await.is_ok();
        if committed {
            self.committed[0].fetch_add(1, Ordering::Relaxed);
            self.committed[1].fetch_add(state.members as u64, Ordering::Relaxed);
        } else {
            // Nothing to undo when SQLite already ended the transaction itself.
            let _ = exec(&mut conn, "ROLLBACK").await;
            self.failed.lock().expect("failed groups").insert(state.group);
        }
        drop(conn);
        self.ended.send_replace(state.group);
    }

    /// Waits until `group` has ended; whether it was committed.
    async fn ended(&self, group: u64) -> Result<()> {
        let mut ended = self.ended.subscribe();
        loop {
            if *ended.borrow_and_update() >= group {
                break;
            }
            if tokio::time::timeout(NUDGE, ended.changed()).await.is_err() {
                // Nobody closed it: whoever was counted as waiting gave up. Close it here.
                tokio::spawn(self.clone().close(Some(group)))
                    .await
                    .map_err(|_| gone())?;
            }
        }
        // Kept: every member of a failed group reads it (failures are rare, the set stays small).
        if self.failed.lock().expect("failed groups").contains(&group) {
            return Err(StoreError::Database(sqlx::Error::Protocol(
                "the group of transactions this one was committed with failed; nothing of it was kept".into(),
            )));
        }
        Ok(())
    }
}

impl Member {
    pub fn conn(&mut self) -> &mut SqliteConnection {
        self.guard
            .as_mut()
            .and_then(|state| state.conn.as_mut())
            .expect("a member holds its open group")
    }

    /// Keeps the member's work and returns once its group is on disk.
    pub async fn commit(mut self) -> Result<()> {
        let guard = self.guard.take().expect("a member commits once");
        let groups = self.groups.clone();
        let group = guard.group;
        // In a task of its own, as in `begin`: a request that gives up now still leaves the
        // group as it should be.
        let releasing = tokio::spawn(groups.clone().release(guard));
        releasing.await.map_err(|_| gone())??;
        groups.ended(group).await
    }
}

impl Groups {
    /// Releases a member's savepoint into its group, and commits the group when nobody else
    /// waits for the writer or the group is full or old enough.
    async fn release(self, mut guard: OwnedMutexGuard<State>) -> Result<()> {
        let conn = guard.conn.as_mut().expect("a member holds its open group");
        if let Err(error) = exec(conn, "RELEASE member").await {
            guard.abandoned = true;
            self.settle(&mut guard).await;
            return Err(error);
        }
        guard.members += 1;
        let last = self.waiting.load(Ordering::Acquire) == 0;
        if last || guard.members >= MAX_MEMBERS || guard.opened.elapsed() >= MAX_OPEN {
            self.end(&mut guard, true).await;
            return Ok(());
        }
        // Left open for the members waiting: should they all give up, and this member's request
        // too, the group is still closed soon.
        let group = guard.group;
        drop(guard);
        tokio::spawn(async move {
            tokio::time::sleep(NUDGE).await;
            self.close(Some(group)).await;
        });
        Ok(())
    }
}

/// A task that changes a group's state stopped without finishing (a panic).
fn gone() -> StoreError {
    StoreError::Database(sqlx::Error::Protocol("the writer's group commit stopped".into()))
}

impl Drop for Member {
    fn drop(&mut self) {
        let Some(mut guard) = self.guard.take() else {
            return;
        };
        guard.abandoned = true;
        let group = guard.group;
        drop(guard);
        // Nobody may come after it to undo its work and close the group: do both in turn (a
        // member that comes first settles it and goes on; the group then ends at the latest here).
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(self.groups.clone().close(Some(group)));
        }
    }
}
