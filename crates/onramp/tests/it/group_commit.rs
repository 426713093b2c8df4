//! SQLite's group commit (docs/operations.md "Durability"): many concurrent writers share syncs to
//! disk, every acknowledged write is there and nothing else, one transaction's failure undoes its
//! own work alone, and no commit waits long.

use onramp_store::{Access, Backend, Db};
use std::collections::BTreeSet;
use std::time::{Duration, Instant};

const WRITERS: i64 = 24;
const EACH: i64 = 40;

/// What a writer's `n`th transaction does.
#[derive(Clone, Copy, PartialEq)]
enum Turn {
    Commit,
    /// A second insert of the same key fails; the transaction is dropped.
    Fail,
    /// The request gives up (an error elsewhere): dropped without a word.
    Abandon,
}

fn turn(n: i64) -> Turn {
    match n % 7 {
        3 => Turn::Fail,
        5 => Turn::Abandon,
        _ => Turn::Commit,
    }
}

async fn insert(tx: &mut impl Access, writer: i64, n: i64) -> Result<(), sqlx::Error> {
    let Backend::Sqlite(c) = tx.backend() else {
        unreachable!("a SQLite database")
    };
    sqlx::query("INSERT INTO probe (writer, n) VALUES ($1, $2)")
        .bind(writer)
        .bind(n)
        .execute(c)
        .await
        .map(|_| ())
}

/// One writer's transactions; returns the keys acknowledged and the longest commit.
async fn writer(db: Db, writer: i64) -> (Vec<(i64, i64)>, Duration) {
    let mut acknowledged = Vec::new();
    let mut longest = Duration::ZERO;
    for n in 0..EACH {
        let mut tx = db.begin().await.expect("begin");
        insert(&mut tx, writer, n).await.expect("insert");
        match turn(n) {
            Turn::Commit => {
                let started = Instant::now();
                tx.commit().await.expect("commit");
                longest = longest.max(started.elapsed());
                acknowledged.push((writer, n));
            }
            Turn::Fail => {
                insert(&mut tx, writer, n).await.expect_err("the same key twice");
                drop(tx);
            }
            Turn::Abandon => drop(tx),
        }
    }
    (acknowledged, longest)
}

#[tokio::test]
async fn concurrent_writers_share_syncs_and_keep_exactly_what_was_acknowledged() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("groups.sqlite3").display());
    let db = Db::connect(&url).await.unwrap();
    let mut tx = db.begin().await.unwrap();
    let Backend::Sqlite(c) = tx.backend() else {
        unreachable!()
    };
    sqlx::query("CREATE TABLE probe (writer INTEGER, n INTEGER, PRIMARY KEY (writer, n))")
        .execute(c)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let before = db.group_commits().expect("SQLite commits in groups");

    let tasks: Vec<_> = (0..WRITERS).map(|w| tokio::spawn(writer(db.clone(), w))).collect();
    let mut acknowledged = BTreeSet::new();
    let mut longest = Duration::ZERO;
    for task in tasks {
        let (keys, slowest) = task.await.unwrap();
        acknowledged.extend(keys);
        longest = longest.max(slowest);
    }

    // Read back on a connection of its own: exactly the acknowledged writes, none of the failed
    // or abandoned ones (each undone alone, although it shared a group with others).
    let reopened = Db::connect(&url).await.unwrap();
    let mut conn = reopened.conn().await.unwrap();
    let Backend::Sqlite(c) = conn.backend() else {
        unreachable!()
    };
    let stored: BTreeSet<(i64, i64)> = sqlx::query_as("SELECT writer, n FROM probe")
        .fetch_all(c)
        .await
        .unwrap()
        .into_iter()
        .collect();
    let expected = (WRITERS * (0..EACH).filter(|n| turn(*n) == Turn::Commit).count() as i64) as usize;
    assert_eq!(acknowledged.len(), expected);
    assert_eq!(stored, acknowledged);

    // The commits were grouped: fewer groups than transactions kept (each dropped transaction
    // closes its group, so it is not one group for all).
    let after = db.group_commits().unwrap();
    let (groups, members) = (after.groups - before.groups, after.members - before.members);
    assert_eq!(
        members as usize, expected,
        "every kept transaction was a member of a committed group"
    );
    assert!(groups < members, "{groups} groups for {members} transactions");
    // The bound docs/operations.md states: a group is committed within 4 ms of opening, plus the
    // work of the transaction then at the writer and the sync; far under a second even here.
    assert!(longest < Duration::from_secs(1), "a commit waited {longest:?}");
}

/// A transaction that waits at most a moment for the writer (`begin_within`) gets none while a
/// bulk load holds it, and goes on in a group once it is free.
#[tokio::test]
async fn a_short_wait_for_the_writer_gives_up_while_a_bulk_load_holds_it() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("within.sqlite3").display());
    let db = Db::connect(&url).await.unwrap();
    let bulk = db.begin_bulk().await.unwrap();
    let waited = db.begin_within(Duration::from_millis(50)).await.unwrap();
    assert!(waited.is_none(), "the bulk load holds the writer");
    bulk.commit().await.unwrap();
    let tx = db
        .begin_within(Duration::from_secs(5))
        .await
        .unwrap()
        .expect("the writer is free");
    tx.commit().await.unwrap();
}
