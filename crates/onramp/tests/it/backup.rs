//! `onramp backup` while the server takes writes, and `onramp restore` into a fresh database, run
//! as an operator would: the restored database holds every write acknowledged before the backup
//! began (with its audit entry) and passes the restore's checks; a restore into a database that
//! holds anything is refused, and a backup never overwrites a file.

use crate::cli::onramp;
use crate::support::*;
use onramp_store::Db;
use reqwest::StatusCode;
use serde_json::json;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use uuid::Uuid;

/// Registers people through the API, one after another, until told to stop; keeps the id of each
/// registration the server acknowledged.
fn keep_registering(app: &TestApp, coach: reqwest::Client, organisation: String) -> Writer {
    let acknowledged = Arc::new(Mutex::new(Vec::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let url = app.url("/api/v1/participants");
    let (ids, stopping) = (acknowledged.clone(), stop.clone());
    let task = tokio::spawn(async move {
        let mut n = 0;
        while !stopping.load(Ordering::Relaxed) {
            n += 1;
            let body = json!({"organisation_id": organisation, "first_name": "Schrijf", "last_name": format!("Tijdens{n}"),
                              "birth_date": "1980-01-01", "health_category": "chronic_pain", "situation": "inactive"});
            let response = coach.post(&url).json(&body).send().await.expect("request");
            assert_eq!(response.status(), StatusCode::CREATED);
            let person: serde_json::Value = response.json().await.expect("json");
            let id: Uuid = person["id"].as_str().expect("an id").parse().expect("a uuid");
            ids.lock().unwrap().push(id);
        }
    });
    Writer {
        acknowledged,
        stop,
        task,
    }
}

struct Writer {
    acknowledged: Arc<Mutex<Vec<Uuid>>>,
    stop: Arc<AtomicBool>,
    task: tokio::task::JoinHandle<()>,
}

impl Writer {
    fn so_far(&self) -> Vec<Uuid> {
        self.acknowledged.lock().unwrap().clone()
    }

    async fn wait_for(&self, count: usize) {
        while self.so_far().len() < count {
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }

    async fn finish(self) -> Vec<Uuid> {
        self.stop.store(true, Ordering::Relaxed);
        self.task.await.expect("the writer ran without failing");
        self.acknowledged.lock().unwrap().clone()
    }
}

/// Runs the command line without holding up the server and the writer.
async fn onramp_in_background(url: &str, args: &[&str]) -> (bool, String, String) {
    let url = url.to_owned();
    let args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        onramp(&url, &args, "")
    })
    .await
    .expect("the command ran")
}

/// How many of `ids` have a row in `table` (its column `column`), on the database at `url`.
async fn found(url: &str, table: &str, column: &str, ids: &[Uuid]) -> usize {
    let db = Db::connect(url).await.expect("open the restored database");
    let mut conn = db.conn().await.unwrap();
    let mut found = 0;
    let sql = format!("SELECT COUNT(*) FROM {table} WHERE {column} = $1");
    for id in ids {
        let n: i64 = onramp_store::run!(&mut conn, c => sqlx::query_scalar(sqlx::AssertSqlSafe(sql.as_str())).bind(*id).fetch_one(c).await)
            .unwrap();
        found += usize::from(n > 0);
    }
    drop(conn);
    db.close().await;
    found
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_while_writes_go_on_restores_every_write_acknowledged_before_it() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let maasland = app.organisation_id("Revalidatieziekenhuis Maasland").await;
    let writer = keep_registering(&app, coach, maasland);
    writer.wait_for(20).await;
    let dir = tempfile::tempdir().unwrap();
    let backup: PathBuf = dir.path().join("onramp.backup");
    let backup_arg = backup.to_str().unwrap();

    let before = writer.so_far();
    let (ok, out, err) = onramp_in_background(app.database_url(), &["backup", backup_arg]).await;
    assert!(ok, "backup: {out}{err}");
    let during = writer.so_far().len() - before.len();
    writer.wait_for(before.len() + during + 5).await;
    let all = writer.finish().await;
    assert!(out.contains("written to"), "{out}");

    // A backup never overwrites a file.
    let (ok, _, err) = onramp_in_background(app.database_url(), &["backup", backup_arg]).await;
    assert!(!ok && err.contains("already exists"), "{err}");

    let fresh = EmptyDb::new().await;
    let (ok, out, err) = onramp_in_background(&fresh.url, &["restore", backup_arg]).await;
    assert!(ok, "restore: {out}{err}");
    if !on_postgres() {
        assert!(out.contains("integrity check: ok"), "{out}");
    }
    assert!(out.contains("current: yes"), "{out}");
    assert!(out.contains("audit log: verified"), "{out}");
    assert_eq!(
        found(&fresh.url, "participants", "id", &before).await,
        before.len(),
        "every registration acknowledged before the backup began is restored"
    );
    assert_eq!(
        found(&fresh.url, "audit_log", "participant_id", &before).await,
        before.len(),
        "with its audit entry"
    );
    let restored = found(&fresh.url, "participants", "id", &all).await;
    assert!(
        restored < all.len(),
        "the writes after the backup are not in it ({restored} of {})",
        all.len()
    );

    // The restored database serves: the coach finds a person registered before the backup.
    let restored_app = TestApp::spawn_on(TestDb::open(&fresh.url).await).await;
    let coach = restored_app.api_as(COACH_LIMBURG).await;
    let (status, file) = restored_app
        .get_json(&coach, &format!("/api/v1/participants/{}", before[0]))
        .await;
    assert_eq!(status, StatusCode::OK, "{file}");
    assert_eq!(file["participant"]["last_name"], "Tijdens1");
}

#[tokio::test]
async fn a_restore_into_a_database_that_holds_anything_is_refused() {
    let source = TestDb::new().await;
    let dir = tempfile::tempdir().unwrap();
    let backup = dir.path().join("onramp.backup");
    let backup_arg = backup.to_str().unwrap();
    let (ok, out, err) = onramp(&source.url, &["backup", backup_arg], "");
    assert!(ok, "{out}{err}");

    // A migrated database without a single participant holds tables: refused, and left as it was.
    let target = TestDb::new().await;
    let tables_before = count(&target.db, "SELECT COUNT(*) FROM regions").await;
    let (ok, _, err) = onramp(&target.url, &["restore", backup_arg], "");
    assert!(!ok, "refused");
    assert!(err.contains("is not empty") && err.contains("empty database"), "{err}");
    assert_eq!(count(&target.db, "SELECT COUNT(*) FROM regions").await, tables_before);

    // A file that is no backup of this engine is refused before anything is touched.
    let other = dir.path().join("notes.txt");
    std::fs::write(&other, "not a backup").unwrap();
    let fresh = EmptyDb::new().await;
    let (ok, _, err) = onramp(&fresh.url, &["restore", other.to_str().unwrap()], "");
    assert!(!ok && err.contains("is not a"), "{err}");
    let (ok, out, err) = onramp(&fresh.url, &["restore", backup_arg], "");
    assert!(ok, "the empty database takes the backup: {out}{err}");
}
