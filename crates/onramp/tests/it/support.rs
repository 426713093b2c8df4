//! Test harness: a fresh database per test, the real server on port 0, and
//! small helpers for the API and for HTML forms.

use onramp_store::Db;
use onramp_web::{AppState, Config};
use reqwest::{Client, Response, StatusCode, redirect};
use serde_json::{Value, json};
use std::sync::Arc;

pub const PASSWORD: &str = onramp::demo::PASSWORD;
pub const ADMIN: &str = onramp::demo::ADMIN;
pub const COORDINATOR_LIMBURG: &str = "coordinator.limburg@onramp.demo";
pub const COACH_LIMBURG: &str = "sofie.maes@gtb.demo";
pub const CARE_ANTWERPEN: &str = "dr.vermeulen@scheldeoever.demo";
pub const PEER: &str = "ervaringsdeskundige@gtb.demo";
pub const FUNDER: &str = "auditor@esf.demo";

/// Which engine this run uses.
pub fn on_postgres() -> bool {
    std::env::var("ONRAMP_TEST_DATABASE").is_ok_and(|v| v == "postgres")
}

pub fn postgres_admin_url() -> String {
    std::env::var("ONRAMP_TEST_POSTGRES_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// A fresh, migrated database of the engine under test, dropped afterwards.
pub struct TestDb {
    pub url: String,
    pub db: Db,
    _dir: Option<tempfile::TempDir>,
    pg_name: Option<String>,
}

/// A new, empty PostgreSQL database (dropped with the value that names it) and its URL.
async fn create_postgres_database() -> (String, String) {
    let name = format!("onramp_test_{}", uuid::Uuid::now_v7().simple());
    let admin = Db::connect(&postgres_admin_url())
        .await
        .expect("PostgreSQL for tests is reachable");
    if let Db::Postgres(pool) = &admin {
        for sql in [format!("CREATE DATABASE {name}"), quick_commits(&name)] {
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .execute(pool)
                .await
                .expect("create test database");
        }
    }
    admin.close().await;
    let base = postgres_admin_url();
    let url = format!("{}/{name}", base.rsplit_once('/').expect("URL has a database").0);
    (name, url)
}

/// A test database's commits return before they reach the disk (`synchronous_commit = off`): a
/// crash may lose the last ones, never corrupt anything, and a throwaway database needs no more.
fn quick_commits(database: &str) -> String {
    format!("ALTER DATABASE {database} SET synchronous_commit = off")
}

/// An empty database of the engine under test that nothing has opened yet (a SQLite file not
/// created yet; a PostgreSQL database without tables), dropped afterwards: where a restore goes.
pub struct EmptyDb {
    pub url: String,
    _dir: Option<tempfile::TempDir>,
    pg_name: Option<String>,
}

impl EmptyDb {
    pub async fn new() -> EmptyDb {
        if on_postgres() {
            let (name, url) = create_postgres_database().await;
            EmptyDb {
                url,
                _dir: None,
                pg_name: Some(name),
            }
        } else {
            let dir = tempfile::tempdir().expect("temp dir");
            let url = format!("sqlite:{}", dir.path().join("restored.sqlite3").display());
            EmptyDb {
                url,
                _dir: Some(dir),
                pg_name: None,
            }
        }
    }
}

impl Drop for EmptyDb {
    fn drop(&mut self) {
        if let Some(name) = self.pg_name.take() {
            drop_postgres_database(name);
        }
    }
}

impl TestDb {
    /// A database that another value owns (an [`EmptyDb`] a restore filled), opened as it is.
    pub async fn open(url: &str) -> TestDb {
        TestDb {
            url: url.to_owned(),
            db: Db::connect(url).await.expect("open the database"),
            _dir: None,
            pg_name: None,
        }
    }

    pub async fn new() -> TestDb {
        if on_postgres() {
            let (name, url) = create_postgres_database().await;
            let db = Db::connect(&url).await.expect("connect test database");
            db.migrate().await.expect("migrate");
            TestDb {
                url,
                db,
                _dir: None,
                pg_name: Some(name),
            }
        } else {
            let dir = tempfile::tempdir().expect("temp dir");
            let url = format!("sqlite:{}", dir.path().join("onramp.sqlite3").display());
            let db = Db::connect(&url).await.expect("open SQLite");
            db.migrate().await.expect("migrate");
            TestDb {
                url,
                db,
                _dir: Some(dir),
                pg_name: None,
            }
        }
    }
}

/// What the demo data of this test binary depends on: the binary itself (it holds the demo code
/// and the migrations) and today's date (the demo is dated relative to it).
/// The day part of template names (`_20261123`).
fn template_day() -> String {
    format!("_{}", onramp_web::time::today().format("%Y%m%d"))
}

fn template_key() -> String {
    let exe = std::env::current_exe().expect("the test binary");
    let meta = std::fs::metadata(&exe).expect("the test binary's metadata");
    let built = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| d.as_secs())
        .unwrap_or(0);
    // The demo is dated from the server's today (Brussels): a new day, a new template.
    format!("{built:x}{:x}{}", meta.len(), template_day())
}

impl TestDb {
    /// A fresh database that `onramp generate` filled with `participants` people from `seed`,
    /// up to 2026-11-22, its statistics refreshed as after any load.
    pub async fn generated(participants: usize, seed: u64) -> TestDb {
        let test = TestDb::new().await;
        let scale = onramp::generate::Scale::named(&participants.to_string()).expect("a scale");
        let until = chrono::NaiveDate::from_ymd_opt(2026, 11, 22).expect("a date");
        onramp::generate::generate(&test.db, scale, seed, until)
            .await
            .expect("generate");
        test
    }

    /// The actor of an account, as the server builds it at sign-in.
    pub async fn actor(&self, email: &str) -> onramp_domain::policy::Actor {
        let mut conn = self.db.conn().await.expect("a connection");
        onramp_store::users::find_by_email(&mut conn, email)
            .await
            .expect("read the account")
            .unwrap_or_else(|| panic!("no account {email}"))
            .actor()
    }

    /// A fresh database holding the demo data, copied from a template that the first test of
    /// this build fills (a file copy on SQLite, `CREATE DATABASE ... TEMPLATE` on PostgreSQL).
    pub async fn with_demo() -> TestDb {
        if on_postgres() {
            Self::postgres_from_template().await
        } else {
            Self::sqlite_from_template().await
        }
    }

    async fn sqlite_from_template() -> TestDb {
        let templates = std::env::temp_dir().join("onramp-test-templates");
        std::fs::create_dir_all(&templates).expect("template directory");
        let template = templates.join(format!("{}.sqlite3", template_key()));
        if !template.exists() {
            // Built under a name of its own, then renamed: others never see half a template.
            let building = templates.join(format!("{}.{}.building", template_key(), std::process::id()));
            let url = format!("sqlite:{}", building.display());
            let db = Db::connect(&url).await.expect("open the template");
            db.migrate().await.expect("migrate the template");
            assert!(onramp::demo::fill(&db).await.expect("demo data"));
            if let Db::Sqlite { writer, .. } = &db {
                sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                    .execute(writer)
                    .await
                    .expect("checkpoint");
            }
            db.close().await;
            let _ = std::fs::rename(&building, &template);
            for stale in ["-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{stale}", building.display()));
            }
            // Templates of earlier days are of no further use. Today's may belong to another
            // build whose tests are running now, so they stay until tomorrow.
            for entry in std::fs::read_dir(&templates).into_iter().flatten().flatten() {
                let name = entry.file_name().to_string_lossy().into_owned();
                if name.ends_with(".sqlite3") && !name.contains(&template_day()) {
                    let _ = std::fs::remove_file(entry.path());
                }
            }
        }
        let dir = tempfile::tempdir().expect("temp dir");
        let file = dir.path().join("onramp.sqlite3");
        std::fs::copy(&template, &file).expect("copy the template");
        let url = format!("sqlite:{}", file.display());
        let db = Db::connect(&url).await.expect("open SQLite");
        TestDb {
            url,
            db,
            _dir: Some(dir),
            pg_name: None,
        }
    }

    async fn postgres_from_template() -> TestDb {
        let template = format!("onramp_tpl_{}", template_key());
        let admin = Db::connect(&postgres_admin_url())
            .await
            .expect("PostgreSQL for tests is reachable");
        let Db::Postgres(pool) = &admin else {
            unreachable!("the admin URL is PostgreSQL")
        };
        let base = postgres_admin_url();
        let server = base.rsplit_once('/').expect("URL has a database").0.to_owned();
        // One test process builds the template; the others wait on the lock.
        let mut lock = pool.acquire().await.expect("a connection");
        sqlx::query("SELECT pg_advisory_lock(727001)")
            .execute(&mut *lock)
            .await
            .expect("lock");
        let exists: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
            .bind(&template)
            .fetch_one(&mut *lock)
            .await
            .expect("look for the template");
        if !exists {
            let building = format!("{template}_building");
            for sql in [
                format!("DROP DATABASE IF EXISTS {building} WITH (FORCE)"),
                format!("CREATE DATABASE {building}"),
                quick_commits(&building),
            ] {
                sqlx::query(sqlx::AssertSqlSafe(sql))
                    .execute(&mut *lock)
                    .await
                    .expect("prepare the template");
            }
            let db = Db::connect(&format!("{server}/{building}"))
                .await
                .expect("connect the template");
            db.migrate().await.expect("migrate the template");
            assert!(onramp::demo::fill(&db).await.expect("demo data"));
            db.close().await;
            // Only earlier days' templates: today's may serve another build's running tests.
            let stale: Vec<String> = sqlx::query_scalar(
                "SELECT datname FROM pg_database WHERE datname LIKE 'onramp_tpl_%' AND datname <> $1
                   AND datname NOT LIKE $2",
            )
            .bind(&building)
            .bind(format!("%{}%", template_day()))
            .fetch_all(&mut *lock)
            .await
            .expect("list old templates");
            for name in stale {
                let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                let _ = sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&mut *lock).await;
            }
            let sql = format!("ALTER DATABASE {building} RENAME TO {template}");
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .execute(&mut *lock)
                .await
                .expect("publish the template");
        }
        sqlx::query("SELECT pg_advisory_unlock(727001)")
            .execute(&mut *lock)
            .await
            .expect("unlock");
        let name = format!("onramp_test_{}", uuid::Uuid::now_v7().simple());
        for sql in [
            format!("CREATE DATABASE {name} TEMPLATE {template}"),
            quick_commits(&name),
        ] {
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .execute(&mut *lock)
                .await
                .expect("copy the template");
        }
        drop(lock);
        admin.close().await;
        let url = format!("{server}/{name}");
        let db = Db::connect(&url).await.expect("connect test database");
        TestDb {
            url,
            db,
            _dir: None,
            pg_name: Some(name),
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some(name) = self.pg_name.take() {
            drop_postgres_database(name);
        }
    }
}

/// Drops a test's PostgreSQL database, from a thread of its own: Drop cannot await.
fn drop_postgres_database(name: String) {
    let _ = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        runtime.block_on(async {
            if let Ok(Db::Postgres(pool)) = Db::connect(&postgres_admin_url()).await {
                let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                let _ = sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&pool).await;
                pool.close().await;
            }
        });
    })
    .join();
}

/// One number the database answers, on either engine.
pub async fn count(db: &Db, sql: &'static str) -> i64 {
    let mut conn = db.conn().await.unwrap();
    onramp_store::run!(&mut conn, c => sqlx::query_scalar(sql).fetch_one(c).await).unwrap()
}

/// How many audit entries hold `text` in any of their text columns.
pub async fn audit_mentions(db: &Db, text: &str) -> i64 {
    let sql = "SELECT COUNT(*) FROM audit_log WHERE actor_label LIKE $1 OR action LIKE $1 OR entity_type LIKE $1
               OR entity_id LIKE $1 OR address LIKE $1 OR request_id LIKE $1 OR before_json LIKE $1
               OR after_json LIKE $1 OR purpose LIKE $1 OR actor_role LIKE $1 OR actor_organisations LIKE $1
               OR subjects LIKE $1";
    let pattern = format!("%{text}%");
    let mut conn = db.conn().await.unwrap();
    onramp_store::run!(&mut conn, c => sqlx::query_scalar(sql).bind(&pattern).fetch_one(c).await).unwrap()
}

/// How many trajectories do not hold the due date of their soonest open check-in in
/// `next_check_in_on` (the due lists walk them by it): 0 whenever the writes keep it.
pub const STALE_NEXT_CHECK_INS: &str = "SELECT COUNT(*) FROM trajectories t WHERE next_check_in_on IS DISTINCT FROM
    (SELECT min(c.due_on) FROM check_ins c WHERE c.trajectory_id = t.id AND c.done_on IS NULL)";

/// How many trajectories do not hold the due date of their soonest open action-plan step in
/// `next_step_due_on` (the caseload's filter "steps due" walks them by it): 0 whenever kept.
pub const STALE_NEXT_STEPS: &str = "SELECT COUNT(*) FROM trajectories t WHERE next_step_due_on IS DISTINCT FROM
    (SELECT min(s.due_on) FROM action_steps_open s WHERE s.trajectory_id = t.id)";

/// The trajectory's `next_check_in_on`, as ISO text.
pub async fn next_check_in(db: &Db, trajectory: &str) -> Option<String> {
    let id: uuid::Uuid = trajectory.parse().expect("a trajectory id");
    let sql = "SELECT next_check_in_on FROM trajectories WHERE id = $1";
    let mut conn = db.conn().await.unwrap();
    let next: Option<chrono::NaiveDate> =
        onramp_store::run!(&mut conn, c => sqlx::query_scalar(sql).bind(id).fetch_one(c).await).unwrap();
    next.map(|d| d.to_string())
}

pub struct TestApp {
    pub base: String,
    pub db: Db,
    _test_db: TestDb,
}

impl TestApp {
    /// The server on a fresh database with the demo data.
    pub async fn spawn() -> TestApp {
        let test_db = TestDb::with_demo().await;
        let base = start_server(test_db.db.clone()).await;
        TestApp {
            base,
            db: test_db.db.clone(),
            _test_db: test_db,
        }
    }

    /// The server on a database of its own, as the test prepared it.
    pub async fn spawn_on(test_db: TestDb) -> TestApp {
        let base = start_server(test_db.db.clone()).await;
        TestApp {
            base,
            db: test_db.db.clone(),
            _test_db: test_db,
        }
    }

    /// The server on a freshly migrated database holding the demo's organisations and accounts but
    /// no participants: where an export of another database is imported.
    pub async fn spawn_without_caseload() -> TestApp {
        let test_db = TestDb::new().await;
        assert!(
            onramp::demo::fill_without_caseload(&test_db.db)
                .await
                .expect("demo accounts")
        );
        Self::spawn_on(test_db).await
    }

    /// The server with the demo data and a configuration of the test's own.
    pub async fn spawn_with(config: Config) -> TestApp {
        let test_db = TestDb::with_demo().await;
        let base = start_server_with(test_db.db.clone(), config).await;
        TestApp {
            base,
            db: test_db.db.clone(),
            _test_db: test_db,
        }
    }

    /// The server with the demo data and a configuration of the test's own, on a listener the
    /// test bound already (so that the configuration may hold the server's own address).
    pub async fn spawn_listening(listener: tokio::net::TcpListener, config: Config) -> TestApp {
        let test_db = TestDb::with_demo().await;
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        let state = AppState {
            db: test_db.db.clone(),
            config: Arc::new(config),
        };
        tokio::spawn(onramp_web::serve(listener, state));
        TestApp {
            base,
            db: test_db.db.clone(),
            _test_db: test_db,
        }
    }

    /// The server with the demo data, sending e-mail to a local SMTP sink.
    pub async fn spawn_with_mail(sink: &MailSink) -> TestApp {
        let test_db = TestDb::with_demo().await;
        let config = Config {
            mailer: Some(
                onramp_web::mail::Mailer::new(
                    &format!("smtp://127.0.0.1:{}", sink.port),
                    "onramp <noreply@onramp.test>",
                )
                .expect("mailer"),
            ),
            ..Config::default()
        };
        let base = start_server_with(test_db.db.clone(), config).await;
        TestApp {
            base,
            db: test_db.db.clone(),
            _test_db: test_db,
        }
    }

    /// The URL of the server's database, for the command line.
    pub fn database_url(&self) -> &str {
        &self._test_db.url
    }

    /// A second server node on the same database.
    pub async fn second_node(&self) -> String {
        start_server(self.db.clone()).await
    }

    /// The actor of an account, as the server builds it at sign-in.
    pub async fn actor(&self, email: &str) -> onramp_domain::policy::Actor {
        self._test_db.actor(email).await
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// A client with a cookie jar that does not follow redirects (tests look at them).
    pub fn client() -> Client {
        Client::builder()
            .cookie_store(true)
            .redirect(redirect::Policy::none())
            .build()
            .expect("client")
    }

    /// A client signed in through the API.
    pub async fn api_as(&self, email: &str) -> Client {
        api_as_at(&self.base, email).await
    }

    /// A client signed in through the sign-in form, as a browser would.
    pub async fn browser_as(&self, email: &str) -> Client {
        let client = Self::client();
        let csrf = self.csrf(&client, "/login").await;
        let response = client
            .post(self.url("/login"))
            .form(&[
                ("csrf", csrf.as_str()),
                ("email", email),
                ("password", PASSWORD),
                ("next", "/"),
            ])
            .send()
            .await
            .expect("sign in");
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "sign-in form of {email}");
        client
    }

    /// A browser signed in as `email` whose account speaks English (a user's choice beats the browser's).
    pub async fn english_browser_as(&self, email: &str) -> Client {
        let client = self.browser_as(email).await;
        let (_, me) = self.get_json(&client, "/api/v1/me").await;
        let body = json!({"display_name": me["display_name"], "language": "en"});
        let (status, _) = self.send_json(&client, "PATCH", "/api/v1/me", body).await;
        assert_eq!(status, StatusCode::OK);
        client
    }

    /// The anti-forgery token of the form on `path`.
    pub async fn csrf(&self, client: &Client, path: &str) -> String {
        let html = client
            .get(self.url(path))
            .send()
            .await
            .expect("page")
            .text()
            .await
            .expect("html");
        csrf_in(&html)
    }

    /// The HTML of the page at `path`, whatever its status.
    pub async fn html(&self, client: &Client, path: &str) -> String {
        let response = client.get(self.url(path)).send().await.expect("page");
        response.text().await.expect("html")
    }

    pub async fn get_json(&self, client: &Client, path: &str) -> (StatusCode, Value) {
        let response = client.get(self.url(path)).send().await.expect("request");
        status_and_json(response).await
    }

    pub async fn send_json(&self, client: &Client, method: &str, path: &str, body: Value) -> (StatusCode, Value) {
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
        let response = client
            .request(method, self.url(path))
            .json(&body)
            .send()
            .await
            .expect("request");
        status_and_json(response).await
    }

    /// The id of the organisation with this exact name.
    /// Starts a trajectory for a participant (`body` as the API takes it); it must succeed.
    pub async fn start_trajectory(&self, client: &Client, participant: &str, body: Value) -> Value {
        let path = format!("/api/v1/participants/{participant}/trajectories");
        let (status, trajectory) = self.send_json(client, "POST", &path, body).await;
        assert_eq!(status, StatusCode::CREATED, "{trajectory}");
        trajectory
    }

    pub async fn organisation_id(&self, name: &str) -> String {
        let mut conn = self.db.conn().await.expect("conn");
        onramp_store::organisations::find(&mut conn, name)
            .await
            .expect("query")
            .expect("organisation exists")
            .id
            .to_string()
    }

    pub async fn region_id(&self, code: &str) -> String {
        let mut conn = self.db.conn().await.expect("conn");
        onramp_store::regions::find_by_code(&mut conn, code)
            .await
            .expect("query")
            .expect("region exists")
            .id
            .to_string()
    }

    /// Audit entries with this action, newest first.
    pub async fn audit(&self, action: &str) -> Vec<onramp_store::audit::Entry> {
        let mut conn = self.db.conn().await.expect("conn");
        let filter = onramp_store::audit::Filter {
            action: Some(action.into()),
            ..Default::default()
        };
        onramp_store::audit::list(&mut conn, &filter, 1000)
            .await
            .expect("audit")
    }
}

/// A client signed in through the API of the server at `base` (one the test may run as a process).
pub async fn api_as_at(base: &str, email: &str) -> Client {
    let client = TestApp::client();
    let response = client
        .post(format!("{base}/api/v1/sessions"))
        .json(&json!({"email": email, "password": PASSWORD}))
        .send()
        .await
        .expect("sign in");
    assert_eq!(response.status(), StatusCode::CREATED, "sign-in of {email}");
    client
}

async fn start_server(db: Db) -> String {
    start_server_with(db, Config::default()).await
}

async fn start_server_with(db: Db, config: Config) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let state = AppState {
        db,
        config: Arc::new(config),
    };
    tokio::spawn(onramp_web::serve(listener, state));
    format!("http://{addr}")
}

pub async fn status_and_json(response: Response) -> (StatusCode, Value) {
    let status = response.status();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let text = response.text().await.expect("body");
    if status.is_client_error() || status.is_server_error() {
        assert_eq!(
            content_type, "application/problem+json",
            "errors are problem documents: {text}"
        );
    }
    let value = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).expect("JSON body")
    };
    (status, value)
}

pub fn csrf_in(html: &str) -> String {
    let marker = "name=\"csrf\" value=\"";
    let start = html.find(marker).expect("page has a form with an anti-forgery token") + marker.len();
    html[start..].split('"').next().expect("token").to_owned()
}

/// The field codes of a 422 problem, as (field, code) pairs.
pub fn field_errors(problem: &Value) -> Vec<(String, String)> {
    problem["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .map(|e| {
                    (
                        e["field"].as_str().unwrap_or("").to_owned(),
                        e["code"].as_str().unwrap_or("").to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The message of the problem's error on `field` (empty when there is none).
pub fn message_of(problem: &Value, field: &str) -> String {
    problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["field"] == field)
        .map(|e| e["message"].as_str().unwrap().to_owned())
        .unwrap_or_default()
}

pub fn has_error(problem: &Value, field: &str, code: &str) -> bool {
    field_errors(problem).iter().any(|(f, c)| f == field && c == code)
}

/// The repository's root, for the Python helpers in `tests-py` (their venv is made by `scripts/test`).
pub fn python() -> (String, String) {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../..").to_owned();
    let python = std::env::var("ONRAMP_TEST_PYTHON").unwrap_or_else(|_| format!("{root}/tests-py/.venv/bin/python"));
    (python, root)
}

/// Runs an independent reader from `tests-py/` (the venv `scripts/test` sets up) on `input` and
/// parses the JSON it prints.
pub fn read_with_python(script: &str, input: &[u8]) -> Value {
    run_python(script, &[], input)
}

/// Runs a script of `tests-py/` with arguments and `input` on its standard input, and parses the
/// JSON it prints. Blocking: from an async test, call it in `spawn_blocking` when the script
/// talks to the server.
pub fn run_python(script: &str, args: &[&str], input: &[u8]) -> Value {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let (python, root) = python();
    let mut child = Command::new(&python)
        .arg(format!("{root}/tests-py/{script}"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{python} (run scripts/test once to create the venv): {e}"));
    child.stdin.take().unwrap().write_all(input).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).unwrap()
}

/// A local SMTP server (Python's aiosmtpd) that keeps each message it receives as a file.
pub struct MailSink {
    pub port: u16,
    dir: tempfile::TempDir,
    child: std::process::Child,
}

impl MailSink {
    pub fn start() -> MailSink {
        use std::io::BufRead;
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let dir = tempfile::tempdir().expect("a directory for the mail");
        let (python, root) = python();
        let mut child = std::process::Command::new(&python)
            .arg(format!("{root}/tests-py/smtp_sink.py"))
            .arg(port.to_string())
            .arg(dir.path())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("{python} (run scripts/test once to create the venv): {e}"));
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .expect("the sink starts");
        assert_eq!(line.trim(), "ready");
        MailSink { port, dir, child }
    }

    /// The messages received so far, raw, in the order they came.
    pub fn messages(&self) -> Vec<String> {
        let mut files: Vec<_> = std::fs::read_dir(self.dir.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort_by_key(|p| {
            p.file_stem()
                .and_then(|s| s.to_str())
                .and_then(|s| s.parse::<u32>().ok())
                .unwrap_or(0)
        });
        files.iter().map(|p| std::fs::read_to_string(p).unwrap()).collect()
    }
}

impl Drop for MailSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The participant's check-ins after exit as their file shows them: (months after exit, due date).
pub async fn check_in_schedule(app: &TestApp, client: &reqwest::Client, participant: &str) -> Vec<(i64, String)> {
    let (_, file) = app
        .get_json(client, &format!("/api/v1/participants/{participant}"))
        .await;
    file["check_ins"]
        .as_array()
        .expect("a participant file")
        .iter()
        .map(|c| {
            let months = c["months_after_exit"].as_i64().unwrap();
            (months, c["due_on"].as_str().unwrap().to_owned())
        })
        .collect()
}

/// Percent-encodes a query value (a cursor may hold '+', '~' or spaces).
pub fn urlencode(value: &str) -> String {
    value
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b == b'-' {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}
