//! The `onramp` command line, run as a user would.

use crate::support::*;
use std::io::Write;
use std::process::{Command, Stdio};

/// Runs the `onramp` binary on the database at `url`: whether it succeeded, its output and errors.
pub(crate) fn onramp(url: &str, args: &[&str], stdin: &str) -> (bool, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_onramp"))
        .args(args)
        .env("ONRAMP_DATABASE_URL", url)
        .env("ONRAMP_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run onramp");
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    let output = child.wait_with_output().unwrap();
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into(),
        String::from_utf8_lossy(&output.stderr).into(),
    )
}

#[tokio::test]
async fn help_and_version() {
    let (ok, out, _) = onramp("sqlite::memory:", &["--help"], "");
    assert!(ok && out.contains("serve") && out.contains("migrate") && out.contains("demo") && out.contains("user"));
    let (ok, out, _) = onramp("sqlite::memory:", &["--version"], "");
    assert!(ok && out.starts_with("onramp "));
}

#[tokio::test]
async fn the_command_line_sets_up_regions_organisations_locations_and_users() {
    let test_db = TestDb::new().await;
    let url = test_db.url.clone();
    // The five provinces come with the database (migrations); others are added.
    let (ok, _, err) = onramp(&url, &["region", "add", "limburg", "Limburg"], "");
    assert!(!ok && err.contains("code: This is already in use."), "{err}");
    let (ok, _, err) = onramp(&url, &["region", "add", "brussel", "Brussel"], "");
    assert!(ok, "{err}");
    let (ok, _, err) = onramp(
        &url,
        &[
            "org",
            "add",
            "Pijnkliniek Genk",
            "--kind",
            "castle",
            "--region",
            "limburg",
        ],
        "",
    );
    assert!(!ok && err.contains("kind: Choose one of the options."), "{err}");
    let (ok, _, err) = onramp(
        &url,
        &[
            "org",
            "add",
            "Pijnkliniek Genk",
            "--kind",
            "pain_clinic",
            "--region",
            "limburg",
        ],
        "",
    );
    assert!(ok, "{err}");
    let (ok, _, err) = onramp(
        &url,
        &[
            "location",
            "add",
            "Campus Noord",
            "--org",
            "pijnkliniek genk",
            "--postcode",
            "3600",
        ],
        "",
    );
    assert!(ok, "{err}");
    let (ok, _, err) = onramp(
        &url,
        &[
            "user",
            "add",
            "coach@gtb.be",
            "--role",
            "coach",
            "--org",
            "Pijnkliniek Genk",
        ],
        "short\n",
    );
    assert!(!ok && err.contains("password"), "{err}");
    let (ok, out, err) = onramp(
        &url,
        &[
            "user",
            "add",
            "coach@gtb.be",
            "--role",
            "coach",
            "--org",
            "Pijnkliniek Genk",
        ],
        "a long enough password\n",
    );
    assert!(ok, "{err}");
    assert!(uuid::Uuid::parse_str(out.trim()).is_ok(), "prints the new id");
    let (ok, _, err) = onramp(
        &url,
        &["user", "add", "c@gtb.be", "--role", "coordinator"],
        "a long enough password\n",
    );
    assert!(!ok && err.contains("regions: This field is required."), "{err}");

    // The account signs in on a server over the same database.
    let mut conn = test_db.db.conn().await.unwrap();
    let (user, hash) = onramp_store::users::credentials(&mut conn, "coach@gtb.be")
        .await
        .unwrap()
        .unwrap();
    assert!(onramp_store::passwords::verify("a long enough password", &hash));
    assert_eq!(user.organisations.len(), 1);
    drop(conn);
    let mut conn = test_db.db.conn().await.unwrap();
    let filter = onramp_store::audit::Filter {
        actor: Some("cli".into()),
        ..Default::default()
    };
    let entries = onramp_store::audit::list(&mut conn, &filter, 100).await.unwrap();
    assert_eq!(
        entries.len(),
        4,
        "region, organisation, location and user creation audited as cli"
    );
}

#[tokio::test]
async fn demo_data_loads_once() {
    let test_db = TestDb::new().await;
    let (ok, out, err) = onramp(&test_db.url, &["demo"], "");
    assert!(ok && out.contains("demo data loaded"), "{err}");
    let (ok, out, _) = onramp(&test_db.url, &["demo"], "");
    assert!(ok && out.contains("already holds data"));
    let mut conn = test_db.db.conn().await.unwrap();
    assert_eq!(onramp_store::regions::list(&mut conn).await.unwrap().len(), 5);
    let everything = onramp_domain::policy::OrganisationScope {
        all: true,
        by_membership: false,
        by_region: false,
    };
    let organisations =
        onramp_store::organisations::list(&mut conn, everything, uuid::Uuid::nil(), &Default::default())
            .await
            .unwrap();
    let partners = organisations
        .iter()
        .filter(|o| o.kind != onramp_domain::organisations::OrganisationKind::Provider)
        .count();
    assert!((35..=45).contains(&partners), "about 35 partners, got {partners}");
    assert!(onramp_store::users::count(&mut conn).await.unwrap() >= 20);
    // Recovery plans worked out in a module 3 group session name it, and only the plan of someone
    // who was there, of the trajectory that ran that day, names a session.
    let cited = "SELECT COUNT(*) FROM plan_versions v JOIN plans p ON p.id = v.plan_id
                 JOIN trajectories t ON t.id = p.trajectory_id
                 JOIN group_sessions s ON s.id = v.group_session_id JOIN session_series r ON r.id = s.series_id
                 JOIN session_enrolments e ON e.session_id = s.id AND e.participant_id = t.participant_id
                 WHERE p.kind = 'recovery' AND r.module = 'module_3' AND e.attendance = 'present'
                   AND s.starts_at <= CURRENT_TIMESTAMP
                   AND s.on_date >= t.started_on AND (t.ended_on IS NULL OR s.on_date <= t.ended_on)";
    assert!(
        count(&test_db.db, cited).await > 0,
        "a recovery plan names its module 3 session"
    );
    let outside = "SELECT COUNT(*) FROM session_enrolments e JOIN group_sessions s ON s.id = e.session_id
                   WHERE NOT EXISTS (SELECT 1 FROM trajectories t WHERE t.participant_id = e.participant_id
                       AND t.started_on <= s.on_date AND (t.ended_on IS NULL OR s.on_date <= t.ended_on))";
    assert_eq!(count(&test_db.db, outside).await, 0, "enrolled while followed");
    let naming = "SELECT COUNT(*) FROM plan_versions WHERE group_session_id IS NOT NULL";
    assert_eq!(count(&test_db.db, naming).await, count(&test_db.db, cited).await);
}

#[tokio::test]
async fn generated_data_is_consistent_and_the_same_for_the_same_seed() {
    let first = TestDb::new().await;
    let args = ["generate", "--scale", "400", "--seed", "7", "--until", "2026-11-22"];
    let (ok, out, err) = onramp(&first.url, &args, "");
    assert!(ok, "{err}");
    assert!(out.contains("generated 400 participants"), "{out}");
    let db = &first.db;
    assert_eq!(count(db, "SELECT COUNT(*) FROM participants").await, 400);
    assert_eq!(count(db, "SELECT COUNT(*) FROM trajectories").await, 400);
    let contacts = count(db, "SELECT COUNT(*) FROM coaching_contacts").await;
    assert!(contacts > 400 * 5, "contacts every few weeks: {contacts}");
    // The indexes set aside while the rows went in are all back, as the migrations made them.
    let fresh = TestDb::new().await;
    let expected = index_definitions(&fresh.db).await;
    assert!(expected.len() > 100, "{} indexes", expected.len());
    assert_eq!(index_definitions(db).await, expected);
    // Every activity falls within its trajectory, and every trajectory ends within its programme's maximum.
    let outside = "SELECT COUNT(*) FROM coaching_contacts c JOIN trajectories t ON t.id = c.trajectory_id
                   WHERE c.on_date < t.started_on OR (t.ended_on IS NOT NULL AND c.on_date > t.ended_on)";
    assert_eq!(count(db, outside).await, 0);
    let early = "SELECT COUNT(*) FROM outcomes o JOIN trajectories t ON t.id = o.trajectory_id
                 WHERE o.on_date < t.started_on OR o.participant_id <> t.participant_id";
    assert_eq!(count(db, early).await, 0);
    let late = "SELECT COUNT(*) FROM trajectories WHERE ended_on > ends_by OR ended_on < started_on";
    assert_eq!(count(db, late).await, 0);
    let unexplained = "SELECT COUNT(*) FROM trajectories WHERE (ended_on IS NULL) <> (exit_reason IS NULL)";
    assert_eq!(
        count(db, unexplained).await,
        0,
        "an ended trajectory has an exit reason"
    );
    // Group sessions: attended at the participant's own partner while the trajectory ran, never
    // beyond the places.
    let enrolments = count(db, "SELECT COUNT(*) FROM session_enrolments").await;
    assert!(enrolments > 400 * 2, "people attend group sessions: {enrolments}");
    let astray = "SELECT COUNT(*) FROM session_enrolments e JOIN group_sessions s ON s.id = e.session_id
                  JOIN trajectories t ON t.participant_id = e.participant_id
                  WHERE s.organisation_id <> t.organisation_id OR s.on_date < t.started_on
                     OR (t.ended_on IS NOT NULL AND s.on_date > t.ended_on)";
    assert_eq!(count(db, astray).await, 0);
    // A session's date is the Brussels day of its start: the session lists rely on it.
    let mut conn = db.conn().await.unwrap();
    let sql = "SELECT starts_at, on_date FROM group_sessions";
    let sessions: Vec<(chrono::DateTime<chrono::Utc>, chrono::NaiveDate)> =
        onramp_store::run!(&mut conn, c => sqlx::query_as(sql).fetch_all(c).await).unwrap();
    assert!(!sessions.is_empty());
    let elsewhere: Vec<_> = sessions
        .iter()
        .filter(|&&(at, on)| onramp_domain::sessions::local_day(at) != on)
        .collect();
    assert!(
        elsewhere.is_empty(),
        "dated on another day than they start: {elsewhere:?}"
    );
    let over = "SELECT COUNT(*) FROM group_sessions s
                WHERE (SELECT COUNT(*) FROM session_enrolments e WHERE e.session_id = s.id) > s.capacity";
    assert_eq!(count(db, over).await, 0);
    let stepped = count(db, "SELECT COUNT(DISTINCT trajectory_id) FROM outcomes").await;
    assert!(
        (80..=190).contains(&stepped),
        "about one in three takes a step: {stepped}"
    );
    // An ICF measurement at the start of each trajectory and at each exit, rating the core set.
    let ended = count(db, "SELECT COUNT(*) FROM trajectories WHERE ended_on IS NOT NULL").await;
    assert_eq!(count(db, "SELECT COUNT(*) FROM icf_measurements").await, 400 + ended);
    let unrated = "SELECT COUNT(*) FROM icf_measurements m
                   WHERE (SELECT COUNT(*) FROM icf_ratings r WHERE r.measurement_id = m.id) <> 13
                      OR (SELECT COUNT(*) FROM competence_ratings c WHERE c.measurement_id = m.id) <> 3";
    assert_eq!(count(db, unrated).await, 0);
    let measured_outside = "SELECT COUNT(*) FROM icf_measurements m JOIN trajectories t ON t.id = m.trajectory_id
                            WHERE m.measured_on < t.started_on OR m.measured_on > COALESCE(t.ended_on, '2026-11-22')";
    assert_eq!(count(db, measured_outside).await, 0);
    // Check-ins only after an exit, at its follow-up months, none done in the future.
    let check_ins = count(db, "SELECT COUNT(*) FROM check_ins").await;
    assert!(check_ins >= ended, "check-ins after the exits: {check_ins} for {ended}");
    let astray = "SELECT COUNT(*) FROM check_ins c JOIN trajectories t ON t.id = c.trajectory_id
                  WHERE t.ended_on IS NULL OR c.due_on <= t.ended_on OR c.done_on > '2026-11-22'";
    assert_eq!(count(db, astray).await, 0);
    // Each trajectory knows its soonest open check-in, as the due lists walk them by it.
    let open = count(
        db,
        "SELECT COUNT(*) FROM trajectories WHERE next_check_in_on IS NOT NULL",
    )
    .await;
    assert!(open > 20, "ended trajectories with a check-in to come: {open}");
    assert_eq!(count(db, STALE_NEXT_CHECK_INS).await, 0);
    // Action plans with open dated steps, kept as the application keeps them.
    assert!(count(db, "SELECT COUNT(*) FROM action_steps_open").await > 50);
    assert_eq!(count(db, STALE_NEXT_STEPS).await, 0);
    // The ESF+ characteristics at entry, in plausible shares: a postcode for everyone (in the
    // DEGURBA table, some rural), the length of unemployment for the unemployed only, and each
    // yes-or-no question with some who prefer not to say.
    let placed = "SELECT COUNT(*) FROM participants p JOIN postcode_degurba d ON d.postcode = p.postcode";
    assert_eq!(count(db, placed).await, 400);
    let rural = "SELECT COUNT(*) FROM participants p JOIN postcode_degurba d ON d.postcode = p.postcode
                 WHERE d.degurba = 3";
    let rural = count(db, rural).await;
    assert!(
        (40..=160).contains(&rural),
        "about one in four in the countryside: {rural}"
    );
    let stray = "SELECT COUNT(*) FROM participants WHERE unemployed_months IS NOT NULL AND situation <> 'unemployed'";
    assert_eq!(count(db, stray).await, 0);
    let measured = "SELECT COUNT(*) FROM participants WHERE unemployed_months IS NOT NULL";
    assert!(count(db, measured).await > 80, "most of the unemployed say how long");
    let disabled = count(db, "SELECT COUNT(*) FROM participants WHERE disability = 'yes'").await;
    assert!((100..=220).contains(&disabled), "about four in ten: {disabled}");
    let fewest = |answer: &str| {
        format!(
            "SELECT MIN(n) FROM ({}) AS answers",
            [
                "disability",
                "third_country_national",
                "foreign_background",
                "minority",
                "homeless"
            ]
            .map(|c| format!("SELECT COUNT(*) AS n FROM participants WHERE {c} = '{answer}'"))
            .join(" UNION ALL ")
        )
    };
    assert!(
        count(db, fewest("declined").leak()).await > 0,
        "each question: some prefer not to say"
    );
    assert!(count(db, fewest("no").leak()).await > 200, "each question: mostly no");
    // The dashboard's counts were made for every generated trajectory.
    assert_eq!(count(db, "SELECT COUNT(*) FROM dashboard_facts").await, 400);
    let scope = onramp_store::dashboard::Scope::period("2024-03-10".parse().unwrap(), "2025-08-20".parse().unwrap());
    let mut conn = db.conn().await.unwrap();
    let all = onramp_store::dashboard::counts::Unit::All;
    let kept = onramp_store::dashboard::counts::tally(&mut conn, all, scope)
        .await
        .unwrap();
    assert!(kept.get("started") > 50, "{kept:?}");
    assert_eq!(kept, onramp_store::dashboard::recount(&mut conn, scope).await.unwrap());
    drop(conn);

    let second = TestDb::new().await;
    let (ok, again, err) = onramp(&second.url, &args, "");
    assert!(ok, "{err}");
    let rows = |out: &str| out.split(" rows in ").next().unwrap().to_owned();
    assert_eq!(rows(&again), rows(&out), "the same seed, the same data");
    let minutes = "SELECT COALESCE(SUM(minutes), 0) FROM coaching_contacts";
    assert_eq!(count(&second.db, minutes).await, count(db, minutes).await);
    let esf = "SELECT COUNT(*) * 100000 + COALESCE(SUM(unemployed_months), 0) FROM participants
               WHERE disability = 'yes' OR foreign_background = 'declined' OR postcode LIKE '3%'";
    assert_eq!(
        count(&second.db, esf).await,
        count(db, esf).await,
        "the same ESF+ answers"
    );

    let (ok, _, err) = onramp(&first.url, &args, "");
    assert!(!ok && err.contains("already holds data"), "{err}");
}

/// `--sqlite-reader-cache-mib` sizes each reading connection's page cache, and refuses what no
/// cache can be.
#[tokio::test]
async fn the_readers_page_cache_is_set_by_the_operator() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("cache.sqlite3").display());
    for bad in ["0", "5000", "lots"] {
        let (ok, _, err) = onramp(&url, &["--sqlite-reader-cache-mib", bad, "migrate"], "");
        assert!(!ok && err.contains("--sqlite-reader-cache-mib"), "{bad}: {err}");
    }
    let (ok, _, err) = onramp(&url, &["--sqlite-reader-cache-mib", "3", "migrate"], "");
    assert!(ok, "{err}");

    let cache_of = |db: onramp_store::Db| async move {
        let mut conn = db.conn().await.unwrap();
        let onramp_store::Backend::Sqlite(c) = onramp_store::Access::backend(&mut conn) else {
            unreachable!("a SQLite URL")
        };
        sqlx::query_scalar::<_, i64>("PRAGMA cache_size")
            .fetch_one(c)
            .await
            .unwrap()
    };
    let chosen = onramp_store::Db::connect_with(&url, 3).await.unwrap();
    assert_eq!(cache_of(chosen).await, -3 * 1024, "3 MiB, as a negative number of KiB");
    let default = onramp_store::Db::connect(&url).await.unwrap();
    let expected = -i64::from(onramp_store::DEFAULT_READER_CACHE_MIB) * 1024;
    assert_eq!(cache_of(default).await, expected);
}

/// SQLite's writer syncs each commit to disk (`synchronous = FULL`, 2) unless the operator chooses
/// `--sqlite-synchronous normal` (1); a value that is neither is refused by name. The readers do
/// not write, so only the writer's setting matters.
#[tokio::test]
async fn the_writer_syncs_each_commit_unless_the_operator_chooses_otherwise() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("durable.sqlite3").display());
    let (ok, _, err) = onramp(&url, &["--sqlite-synchronous", "sometimes", "migrate"], "");
    assert!(!ok && err.contains("--sqlite-synchronous"), "{err}");
    let (ok, _, err) = onramp(&url, &["--sqlite-synchronous", "normal", "migrate"], "");
    assert!(ok, "{err}");

    let synchronous_of = |db: onramp_store::Db| async move {
        let mut conn = db.write_alone().await.unwrap();
        let onramp_store::Backend::Sqlite(c) = onramp_store::Access::backend(&mut conn) else {
            unreachable!("a SQLite URL")
        };
        sqlx::query_scalar::<_, i64>("PRAGMA synchronous")
            .fetch_one(c)
            .await
            .unwrap()
    };
    let default = onramp_store::Db::connect(&url).await.unwrap();
    assert_eq!(synchronous_of(default).await, 2, "FULL by default");
    let settings = |durability| onramp_store::Settings {
        durability,
        ..onramp_store::Settings::default()
    };
    let normal = onramp_store::Db::connect_set(&url, settings(onramp_store::Durability::Normal))
        .await
        .unwrap();
    assert_eq!(synchronous_of(normal).await, 1, "NORMAL when chosen");
    // The option reaches the settings the server opens its database with.
    use clap::Parser;
    let cli = onramp::cli::Cli::try_parse_from(["onramp", "--sqlite-synchronous", "normal", "migrate"]).unwrap();
    assert_eq!(cli.settings().durability, onramp_store::Durability::Normal);
    let cli = onramp::cli::Cli::try_parse_from(["onramp", "migrate"]).unwrap();
    assert_eq!(cli.settings().durability, onramp_store::Durability::Full);
}

/// An import's transaction keeps its statement journals (which undo one statement of many rows) in
/// memory on SQLite, which made the import half as fast again (docs/benchmarks.md). Other writes
/// keep the default, files, so that a migration's sort of millions of rows spills to disk; so do the
/// readers.
#[tokio::test]
async fn only_bulk_loads_keep_their_temporary_storage_in_memory() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("temp.sqlite3").display());
    let db = onramp_store::Db::connect(&url).await.unwrap();
    const MEMORY: i64 = 2;
    async fn temp_store(on: &mut impl onramp_store::Access) -> i64 {
        onramp_store::run!(on, c => sqlx::query_scalar("PRAGMA temp_store").fetch_one(c).await).unwrap()
    }
    let mut bulk = db.begin_bulk().await.unwrap();
    assert_eq!(temp_store(&mut bulk).await, MEMORY);
    bulk.commit().await.unwrap();
    for _ in 0..2 {
        let mut tx = db.begin().await.unwrap();
        assert_ne!(
            temp_store(&mut tx).await,
            MEMORY,
            "the same writer, back to the default"
        );
        tx.commit().await.unwrap();
    }
    // A later bulk load sets it again, and the next write resets it again.
    db.begin_bulk().await.unwrap().commit().await.unwrap();
    let mut tx = db.begin().await.unwrap();
    assert_ne!(temp_store(&mut tx).await, MEMORY);
    tx.commit().await.unwrap();
    let mut conn = db.conn().await.unwrap();
    assert_ne!(temp_store(&mut conn).await, MEMORY);
}

/// Every index of the database with the statement that makes it, whatever the engine.
async fn index_definitions(db: &onramp_store::Db) -> Vec<(String, Option<String>)> {
    let sql = match db.engine() {
        onramp_store::Engine::Sqlite => "SELECT name, sql FROM sqlite_schema WHERE type = 'index' ORDER BY name",
        onramp_store::Engine::Postgres => {
            "SELECT indexname::text, indexdef FROM pg_indexes WHERE schemaname = current_schema() ORDER BY indexname"
        }
    };
    let mut conn = db.conn().await.unwrap();
    onramp_store::run!(&mut conn, c => sqlx::query_as(sql).fetch_all(c).await).unwrap()
}

#[tokio::test]
async fn a_load_stopped_before_its_indexes_are_built_is_finished_by_generate_finish() {
    let test = TestDb::new().await;
    let (ok, _, err) = onramp(&test.url, &["generate", "--scale", "300", "--seed", "3"], "");
    assert!(ok, "{err}");
    let whole = index_definitions(&test.db).await;
    // As a load stopped while its indexes were built leaves it (SQLite sets them aside).
    let dropped = [
        "trajectories_participant",
        "audit_log_participant",
        "coaching_contacts_trajectory",
    ];
    if !on_postgres() {
        for name in dropped {
            assert!(whole.iter().any(|(n, _)| n == name), "{name} is an index");
            let mut conn = test.db.write_alone().await.unwrap();
            let sql = format!("DROP INDEX {name}");
            onramp_store::run!(&mut conn, c => sqlx::query(sqlx::AssertSqlSafe(sql.clone())).execute(c).await.map(|_| ())).unwrap();
        }
        assert_eq!(index_definitions(&test.db).await.len(), whole.len() - dropped.len());
    }
    let counted = "SELECT CAST(COALESCE(SUM(trajectories), 0) AS BIGINT) FROM dashboard_counts";
    let before = count(&test.db, counted).await;
    assert!(before > 0);
    let (ok, _, err) = onramp(&test.url, &["generate", "--finish"], "");
    assert!(ok, "{err}");
    let expected = if on_postgres() { 0 } else { dropped.len() };
    assert!(err.contains(&format!("{expected} indexes to build")), "{err}");
    assert_eq!(index_definitions(&test.db).await, whole);
    // The counts were made once: finishing again counts nobody twice.
    assert_eq!(count(&test.db, counted).await, before);
}
