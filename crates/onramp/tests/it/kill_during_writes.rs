//! A kill -9 during writes (docs/operations.md "Durability"): the real `onramp serve`, under
//! concurrent intakes, is killed with SIGKILL and started again on the same database, several
//! times. Every intake it acknowledged is there afterwards, with its audit entry, and no intake is
//! there by halves (a participant without its entry, or an entry without its participant).
//!
//! On PostgreSQL the test database commits with `synchronous_commit = off` (support.rs): that
//! does not weaken this test, which kills onramp, not PostgreSQL.

use crate::support::*;
use onramp_store::Db;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use uuid::Uuid;

const WRITERS: usize = 8;
const CYCLES: usize = 4;

/// `onramp serve` in a process of its own, killed when dropped.
struct Server {
    child: Child,
    base: String,
}

impl Server {
    /// Starts the server on `url` with its default durability and waits until it is healthy;
    /// what it logs goes to `log`.
    async fn start(url: &str, log: &std::path::Path) -> Server {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let addr = format!("127.0.0.1:{port}");
        let log_file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(log)
            .expect("the server's log");
        let child = Command::new(env!("CARGO_BIN_EXE_onramp"))
            .args(["serve", "--addr", &addr])
            .env("ONRAMP_DATABASE_URL", url)
            .env("ONRAMP_LOG", "warn")
            .env_remove("ONRAMP_SQLITE_SYNCHRONOUS")
            .stdout(Stdio::null())
            .stderr(log_file)
            .spawn()
            .expect("run onramp serve");
        let server = Server {
            child,
            base: format!("http://{addr}"),
        };
        let client = TestApp::client();
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(30) {
            let health = client.get(format!("{}/healthz", server.base)).send().await;
            if health.is_ok_and(|r| r.status() == StatusCode::OK) {
                return server;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let logged = std::fs::read_to_string(log).unwrap_or_default();
        panic!("the server did not become healthy; it logged:\n{logged}");
    }

    /// SIGKILL: no shutdown, no last commit, no flush.
    fn kill(mut self) {
        self.child.kill().expect("kill the server");
        self.child.wait().expect("the server ends");
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What the writers saw in one cycle.
#[derive(Default)]
struct Tally {
    /// Participants the server answered 201 for.
    acknowledged: Vec<Uuid>,
    /// Requests sent before the kill that got no answer: writes the kill cut short.
    cut: usize,
    /// Answers other than 201 (none is expected).
    unexpected: Vec<String>,
}

/// Shared by a cycle's writers.
struct Load {
    client: Client,
    base: String,
    organisation: String,
    cycle: usize,
    /// Set just before the kill: a request started after it does not count as cut.
    killed: AtomicBool,
    acknowledged: AtomicUsize,
}

/// Registers people one after the other until the server is gone.
async fn writer(load: Arc<Load>, writer: usize) -> Tally {
    let mut tally = Tally::default();
    for n in 0.. {
        let started_before_kill = !load.killed.load(Ordering::SeqCst);
        let body = json!({
            "organisation_id": load.organisation, "first_name": format!("Writer {writer}"),
            "last_name": format!("Killed {} {writer} {n}", load.cycle), "birth_date": "1979-04-12",
            "health_category": "chronic_pain", "situation": "employed_on_sick_leave",
            "incapacity_since": "2026-09-01"
        });
        let sent = load
            .client
            .post(format!("{}/api/v1/participants", load.base))
            .json(&body)
            .send()
            .await;
        let response = match sent {
            Ok(response) => response,
            Err(error) => {
                // A refused connection never reached the server; anything else was on its way.
                if started_before_kill && !error.is_connect() {
                    tally.cut += 1;
                }
                break;
            }
        };
        let status = response.status();
        match response.json::<Value>().await {
            Ok(created) if status == StatusCode::CREATED => {
                let id = created["id"].as_str().and_then(|id| id.parse().ok());
                tally.acknowledged.push(id.expect("the new participant's id"));
                load.acknowledged.fetch_add(1, Ordering::SeqCst);
            }
            Ok(other) => tally.unexpected.push(format!("{status}: {other}")),
            // The answer was cut off by the kill: not an acknowledgement.
            Err(_) => {
                tally.cut += usize::from(started_before_kill);
                break;
            }
        }
    }
    tally
}

/// A moment of 300 to 800 ms, different from run to run.
fn random_moment() -> Duration {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970")
        .subsec_nanos();
    Duration::from_millis(300 + u64::from(nanos % 500))
}

/// Runs the writers against `server`, kills it in the middle of their work, and adds up.
async fn write_until_killed(server: Server, organisation: &str, cycle: usize) -> Tally {
    let load = Arc::new(Load {
        client: api_as_at(&server.base, COACH_LIMBURG).await,
        base: server.base.clone(),
        organisation: organisation.to_owned(),
        cycle,
        killed: AtomicBool::new(false),
        acknowledged: AtomicUsize::new(0),
    });
    let writers: Vec<_> = (0..WRITERS).map(|w| tokio::spawn(writer(load.clone(), w))).collect();
    // The moment starts once the writers are under way, so that a slow start leaves work to cut.
    let started = Instant::now();
    while load.acknowledged.load(Ordering::SeqCst) == 0 && started.elapsed() < Duration::from_secs(20) {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    tokio::time::sleep(random_moment()).await;
    load.killed.store(true, Ordering::SeqCst);
    server.kill();
    let mut total = Tally::default();
    for task in writers {
        let tally = task.await.expect("a writer");
        total.acknowledged.extend(tally.acknowledged);
        total.cut += tally.cut;
        total.unexpected.extend(tally.unexpected);
    }
    total
}

/// What the database holds: every participant, and the participant of every `participant.create`
/// audit entry (a list: two entries for one participant would be one too many).
struct Written {
    participants: BTreeSet<Uuid>,
    audited: Vec<Uuid>,
}

async fn written(url: &str) -> Written {
    let db = Db::connect(url).await.expect("open the database");
    let mut conn = db.conn().await.expect("a connection");
    let participants: Vec<Uuid> = onramp_store::run!(&mut conn, c =>
        sqlx::query_scalar("SELECT id FROM participants").fetch_all(c).await)
    .expect("the participants");
    let audited: Vec<Option<Uuid>> = onramp_store::run!(&mut conn, c =>
        sqlx::query_scalar("SELECT participant_id FROM audit_log WHERE action = 'participant.create'")
            .fetch_all(c).await)
    .expect("the audit entries");
    drop(conn);
    db.close().await;
    Written {
        participants: participants.into_iter().collect(),
        audited: audited
            .into_iter()
            .map(|id| id.expect("an entry names its participant"))
            .collect(),
    }
}

/// Every acknowledged intake is there, and every intake that is there is whole.
fn assert_whole(before: &Written, now: &Written, acknowledged: &BTreeSet<Uuid>) {
    let new_participants: BTreeSet<Uuid> = now.participants.difference(&before.participants).copied().collect();
    let known: BTreeSet<Uuid> = before.audited.iter().copied().collect();
    let new_entries: Vec<Uuid> = now.audited.iter().filter(|id| !known.contains(id)).copied().collect();
    let audited: BTreeSet<Uuid> = new_entries.iter().copied().collect();
    assert_eq!(audited.len(), new_entries.len(), "one entry per intake");
    let lost: Vec<_> = acknowledged.difference(&new_participants).collect();
    assert!(lost.is_empty(), "acknowledged intakes lost: {lost:?}");
    let without_entry: Vec<_> = new_participants.difference(&audited).collect();
    assert!(
        without_entry.is_empty(),
        "participants without their audit entry: {without_entry:?}"
    );
    let without_participant: Vec<_> = audited.difference(&new_participants).collect();
    assert!(
        without_participant.is_empty(),
        "audit entries without their participant: {without_participant:?}"
    );
}

#[tokio::test]
async fn every_acknowledged_write_survives_a_kill_during_writes() {
    let test_db = TestDb::with_demo().await;
    let organisation = {
        let mut conn = test_db.db.conn().await.expect("a connection");
        onramp_store::organisations::find(&mut conn, "Revalidatieziekenhuis Maasland")
            .await
            .expect("query")
            .expect("the demo organisation")
            .id
            .to_string()
    };
    let before = written(&test_db.url).await;
    // Only the server holds the database from here on, as in production.
    test_db.db.close().await;
    let logs = tempfile::tempdir().expect("a directory for the log");
    let log = logs.path().join("serve.log");

    let mut acknowledged = BTreeSet::new();
    let mut server = Server::start(&test_db.url, &log).await;
    for cycle in 0..CYCLES {
        let tally = write_until_killed(server, &organisation, cycle).await;
        assert!(tally.unexpected.is_empty(), "cycle {cycle}: {:?}", tally.unexpected);
        assert!(
            !tally.acknowledged.is_empty(),
            "cycle {cycle}: nothing was acknowledged"
        );
        // Eight writers that never pause: at any moment, nearly all of them wait for an answer.
        assert!(tally.cut > 0, "cycle {cycle}: the kill cut no write short");
        acknowledged.extend(tally.acknowledged.iter().copied());

        // The same database, recovered by the next start.
        server = Server::start(&test_db.url, &log).await;
        assert_whole(&before, &written(&test_db.url).await, &acknowledged);
        let last = tally.acknowledged.last().expect("an acknowledged intake");
        let coach = api_as_at(&server.base, COACH_LIMBURG).await;
        let file = coach
            .get(format!("{}/api/v1/participants/{last}", server.base))
            .send()
            .await
            .expect("the file");
        assert_eq!(
            file.status(),
            StatusCode::OK,
            "cycle {cycle}: the restarted server serves it"
        );
    }
    server.kill();
    // The audit log's chain, sealed in the background between kills, still verifies.
    let url = test_db.url.clone();
    let (ok, out, err) = tokio::task::spawn_blocking(move || crate::cli::onramp(&url, &["audit", "verify"], ""))
        .await
        .expect("onramp audit verify");
    assert!(ok, "{out}{err}");
}
