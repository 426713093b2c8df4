//! The tamper-evident audit log (docs/audit.md): concurrent writers, the sealer and `onramp audit
//! verify` on an untouched log; the same command naming the entry changed, removed or inserted
//! once the triggers are dropped and the table rewritten; redaction that keeps the chain whole.

use crate::cli::onramp;
use crate::support::*;
use onramp_domain::purposes::Purpose;
use onramp_store::audit::{self, Event, Part, Who};
use onramp_store::{Db, run};
use reqwest::StatusCode;
use serde_json::json;

/// Runs SQL on the database's writer, in one transaction.
async fn exec(db: &Db, sql: &str) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await.expect("begin");
    run!(&mut tx, c => sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_owned())).execute(c).await.map(|_| ()))?;
    tx.commit().await.expect("commit");
    Ok(())
}

/// What an intruder with the database's password does first.
async fn drop_triggers(db: &Db) {
    let sql = if on_postgres() {
        "DROP TRIGGER audit_log_no_change ON audit_log; DROP TRIGGER audit_log_insert_unsealed ON audit_log;"
    } else {
        "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete; DROP TRIGGER audit_log_insert_unsealed;"
    };
    exec(db, sql).await.expect("drop the triggers");
}

async fn scalar(db: &Db, sql: String) -> i64 {
    let mut conn = db.conn().await.unwrap();
    run!(&mut conn, c => sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).fetch_one(c).await).unwrap()
}

async fn id_at(db: &Db, seq: i64) -> i64 {
    scalar(db, format!("SELECT id FROM audit_log WHERE seq = {seq}")).await
}

/// `onramp audit ARGS` on the database at `url`, off the async runtime: success and output.
async fn audit_cli(url: &str, args: &[&str]) -> (bool, String) {
    let url = url.to_owned();
    let mut all = vec!["audit".to_owned()];
    all.extend(args.iter().map(|a| (*a).to_owned()));
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = all.iter().map(String::as_str).collect();
        let (ok, out, err) = onramp(&url, &args, "");
        (ok, format!("{out}{err}"))
    })
    .await
    .unwrap()
}

/// A database whose log holds 60 entries as the application writes them (reads, changes with
/// both images, sign-ins), sealed in three rounds: how many entries it holds.
async fn sealed_demo() -> (TestDb, i64) {
    let test_db = TestDb::new().await;
    let who = Who {
        user_id: Some(uuid::Uuid::now_v7()),
        label: COACH_LIMBURG.into(),
        address: Some("192.0.2.7".into()),
        request_id: Some("req-1".into()),
        role: Some(onramp_domain::identity::Role::Coach),
        organisations: vec![uuid::Uuid::now_v7()],
    };
    for round in 0..3 {
        let mut tx = test_db.db.begin().await.unwrap();
        for n in 0..20 {
            let person = uuid::Uuid::now_v7();
            let event = match n % 3 {
                0 if n % 2 == 0 => {
                    Event::read("participant.read", "participant", person, Purpose::FollowUp).for_participant(person)
                }
                0 => Event::list("caseload.list", Purpose::FollowUp, vec![person, uuid::Uuid::now_v7()]),
                1 => Event::new("participant.update", "participant", person)
                    .for_participant(person)
                    .before(&json!({"last_name": format!("Maes{n}"), "phone": "0470 12 34 56"}))
                    .after(&json!({"last_name": format!("Maes{n}"), "phone": "0470 65 43 21"})),
                _ => Event::new("login.success", "user", round),
            };
            audit::record(&mut tx, &who, event).await.unwrap();
        }
        tx.commit().await.unwrap();
        audit::seal(&test_db.db).await.expect("seal");
    }
    let entries = audit::entries(&test_db.db).await.unwrap();
    assert_eq!(entries, 60);
    (test_db, entries)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_writers_on_two_nodes_leave_a_chain_that_verifies() {
    let app = TestApp::spawn().await;
    let second = app.second_node().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let maasland = app.organisation_id("Revalidatieziekenhuis Maasland").await;
    let mut writers = Vec::new();
    for writer in 0..6 {
        let (coach, organisation) = (coach.clone(), maasland.clone());
        let base = if writer % 2 == 0 {
            app.base.clone()
        } else {
            second.clone()
        };
        writers.push(tokio::spawn(async move {
            for n in 0..12 {
                let body = json!({"organisation_id": organisation, "first_name": "Parallel", "last_name": format!("Schrijver{writer}x{n}"),
                                  "birth_date": "1980-01-01", "health_category": "chronic_pain", "situation": "inactive"});
                let response = coach.post(format!("{base}/api/v1/participants")).json(&body).send().await.unwrap();
                assert_eq!(response.status(), StatusCode::CREATED);
                let person: serde_json::Value = response.json().await.unwrap();
                let id = person["id"].as_str().unwrap();
                let read = coach.get(format!("{base}/api/v1/participants/{id}")).send().await.unwrap();
                assert_eq!(read.status(), StatusCode::OK);
            }
        }));
    }
    for writer in writers {
        writer.await.expect("a writer ran without failing");
    }
    audit::seal(&app.db).await.expect("seal");
    let entries = audit::entries(&app.db).await.unwrap();
    let (ok, out) = audit_cli(app.database_url(), &["verify"]).await;
    assert!(ok, "{out}");
    assert!(out.contains(&format!("verified {entries} entries")), "{out}");
    assert_eq!(
        scalar(&app.db, "SELECT COUNT(DISTINCT seq) FROM audit_log".into()).await,
        entries,
        "every entry has a place of its own"
    );

    // The head, kept outside: the chain must still hold it, which also finds the end cut off.
    let (ok, checkpoint) = audit_cli(app.database_url(), &["checkpoint"]).await;
    assert!(ok, "{checkpoint}");
    let head: serde_json::Value = serde_json::from_str(checkpoint.trim()).expect("one JSON line");
    assert_eq!(head["count"], entries);
    let (ok, out) = audit_cli(app.database_url(), &["verify", "--against", checkpoint.trim()]).await;
    assert!(ok, "{out}");
    drop_triggers(&app.db).await;
    exec(&app.db, &format!("DELETE FROM audit_log WHERE seq = {entries}"))
        .await
        .unwrap();
    let (ok, _) = audit_cli(app.database_url(), &["verify"]).await;
    assert!(
        ok,
        "without a checkpoint, the last entry's removal leaves a chain that verifies"
    );
    let (ok, out) = audit_cli(app.database_url(), &["verify", "--against", checkpoint.trim()]).await;
    assert!(!ok, "{out}");
    assert!(out.contains(&format!("entry seq {entries} was removed")), "{out}");
}

#[tokio::test]
async fn verify_names_the_entry_changed() {
    let (test_db, entries) = sealed_demo().await;
    let k = entries / 2;
    let id = id_at(&test_db.db, k).await;
    drop_triggers(&test_db.db).await;
    exec(
        &test_db.db,
        &format!("UPDATE audit_log SET actor_label = 'someone else' WHERE id = {id}"),
    )
    .await
    .unwrap();
    let (ok, out) = audit_cli(&test_db.url, &["verify"]).await;
    assert!(!ok, "{out}");
    assert!(
        out.contains(&format!("FAILED: entry id {id} (seq {k}) was changed")),
        "{out}"
    );
    assert!(out.contains(&format!("{} entries before it verified", k - 1)), "{out}");
}

#[tokio::test]
async fn verify_names_the_entry_removed() {
    let (test_db, entries) = sealed_demo().await;
    let k = entries / 3;
    let next = id_at(&test_db.db, k + 1).await;
    drop_triggers(&test_db.db).await;
    exec(&test_db.db, &format!("DELETE FROM audit_log WHERE seq = {k}"))
        .await
        .unwrap();
    let (ok, out) = audit_cli(&test_db.url, &["verify"]).await;
    assert!(!ok, "{out}");
    assert!(
        out.contains(&format!(
            "FAILED: entry seq {k} was removed (just before entry id {next})"
        )),
        "{out}"
    );
}

/// Puts a forged entry into the chain at place `k` (the entries from `k` on moving one place
/// up), its hash following from the entry before as the sealer would have made it: its id.
async fn insert_forged(db: &Db, k: i64) -> i64 {
    drop_triggers(db).await;
    // Room at place k (through negative places: the unique index checks each row), then a forged
    // entry there.
    exec(db, &format!("UPDATE audit_log SET seq = -seq - 1 WHERE seq >= {k}"))
        .await
        .unwrap();
    exec(db, "UPDATE audit_log SET seq = -seq WHERE seq < 0").await.unwrap();
    let copy = "INSERT INTO audit_log (at, actor_user_id, actor_label, action, entity_type, entity_id, participant_id,
                    address, request_id, before_json, after_json)
                SELECT at, actor_user_id, 'forger@example.org', action, entity_type, entity_id, participant_id,
                    address, request_id, before_json, after_json FROM audit_log WHERE seq = 1";
    exec(db, copy).await.unwrap();
    let forged = scalar(db, "SELECT MAX(id) FROM audit_log".into()).await;
    let mut conn = db.conn().await.unwrap();
    let before = audit::sealing::link(&mut conn, id_at(db, k - 1).await)
        .await
        .unwrap()
        .unwrap();
    let link = audit::sealing::link(&mut conn, forged).await.unwrap().unwrap();
    drop(conn);
    let prev: [u8; 32] = before.hash.unwrap().try_into().unwrap();
    let hash = link.hash_at(&prev, k).unwrap();
    let mut tx = db.begin().await.unwrap();
    run!(&mut tx, c => sqlx::query("UPDATE audit_log SET seq = $1, hash = $2 WHERE id = $3")
        .bind(k).bind(hash.to_vec()).bind(forged).execute(c).await.map(|_| ()))
    .unwrap();
    tx.commit().await.unwrap();
    forged
}

#[tokio::test]
async fn verify_names_the_entry_inserted() {
    let (test_db, entries) = sealed_demo().await;
    let k = entries / 2;
    let forged = insert_forged(&test_db.db, k).await;
    let (ok, out) = audit_cli(&test_db.url, &["verify"]).await;
    assert!(!ok, "{out}");
    assert!(
        out.contains(&format!("FAILED: entry id {forged} (seq {k}) was inserted")),
        "{out}"
    );
}

/// `verify` cuts the chain into ranges walked at once and joins them at their seams: cut into 1
/// to 8 ranges, it names the same entry as one walk from the start, for a change in the middle
/// of a later range and for a change, a removal and an insertion on either side of a seam (the
/// 60 places cut in 2, 4 or 6 ranges have a seam between 30 and 31).
#[tokio::test]
async fn verify_in_ranges_names_the_entry_in_a_later_range_and_at_a_seam() {
    use audit::chain::Problem;
    assert_eq!(audit::sealing::range_starts(60, 2), [1, 31]);
    assert_eq!(audit::sealing::range_starts(60, 4), [1, 16, 31, 46]);
    let verified = |db: Db| async move {
        let mut found = Vec::new();
        for ranges in 1..=8 {
            let report = audit::sealing::verify_in(&db, None, ranges).await.unwrap();
            found.push((report.problem, report.checked));
        }
        found
    };
    let (test_db, entries) = sealed_demo().await;
    assert_eq!(verified(test_db.db.clone()).await, vec![(None, entries); 8]);

    for seq in [38, 30, 31] {
        let (test_db, _) = sealed_demo().await;
        let db = &test_db.db;
        let id = id_at(db, seq).await;
        drop_triggers(db).await;
        exec(db, &format!("UPDATE audit_log SET action = 'changed' WHERE id = {id}"))
            .await
            .unwrap();
        let changed = (Some(Problem::Changed { id, seq }), seq - 1);
        assert_eq!(verified(db.clone()).await, vec![changed; 8], "changed at {seq}");
        let (ok, out) = audit_cli(&test_db.url, &["verify"]).await;
        assert!(
            !ok && out.contains(&format!("entry id {id} (seq {seq}) was changed")),
            "{out}"
        );
    }
    for seq in [30, 31] {
        let (test_db, _) = sealed_demo().await;
        let db = &test_db.db;
        let next_id = Some(id_at(db, seq + 1).await);
        drop_triggers(db).await;
        exec(db, &format!("DELETE FROM audit_log WHERE seq = {seq}"))
            .await
            .unwrap();
        let removed = (
            Some(Problem::Removed {
                from: seq,
                to: seq,
                next_id,
            }),
            seq - 1,
        );
        assert_eq!(verified(db.clone()).await, vec![removed; 8], "removed at {seq}");
    }
    for k in [30, 31] {
        let (test_db, _) = sealed_demo().await;
        let forged = insert_forged(&test_db.db, k).await;
        let inserted = (Some(Problem::Inserted { id: forged, seq: k }), k);
        assert_eq!(verified(test_db.db.clone()).await, vec![inserted; 8], "inserted at {k}");
    }
}

#[tokio::test]
async fn only_sealing_and_redaction_change_an_entry_and_the_chain_still_verifies() {
    let (test_db, _) = sealed_demo().await;
    let db = &test_db.db;
    let id = scalar(
        db,
        "SELECT MIN(id) FROM audit_log WHERE after_json IS NOT NULL AND seq IS NOT NULL".into(),
    )
    .await;
    let refused = [
        format!("UPDATE audit_log SET seq = NULL, hash = NULL WHERE id = {id}"),
        format!("UPDATE audit_log SET after_json = NULL WHERE id = {id}"),
        format!(
            "INSERT INTO audit_log (at, actor_label, action, entity_type, seq) SELECT at, 'x', 'x', 'x', 999999 FROM audit_log WHERE id = {id}"
        ),
    ];
    for sql in &refused {
        assert!(exec(db, sql).await.is_err(), "refused: {sql}");
    }

    // A sealed entry redacted, and an unsealed one redacted before its sealing.
    let mut tx = db.begin().await.unwrap();
    assert!(
        audit::redact(&mut tx, id, &[Part::Before, Part::After, Part::Actor])
            .await
            .unwrap()
    );
    tx.commit().await.unwrap();
    let mut tx = db.begin().await.unwrap();
    let event = Event::new("participant.update", "participant", "x").after(&json!({"last_name": "Peeters"}));
    audit::record(&mut tx, &Who::cli(), event).await.unwrap();
    tx.commit().await.unwrap();
    let fresh = scalar(db, "SELECT MAX(id) FROM audit_log".into()).await;
    let mut tx = db.begin().await.unwrap();
    assert!(audit::redact(&mut tx, fresh, &[Part::After]).await.unwrap());
    tx.commit().await.unwrap();
    audit::seal(db).await.unwrap();

    let mut conn = db.conn().await.unwrap();
    let link = audit::sealing::link(&mut conn, id).await.unwrap().unwrap();
    drop(conn);
    assert!(link.entry.after_json.is_none() && link.entry.before_json.is_none() && link.entry.actor_label.is_empty());
    assert!(link.after_digest.is_some_and(|d| d.len() == 32));
    let report = audit::verify(db, None).await.unwrap();
    assert_eq!(report.problem, None);
    assert_eq!(report.unsealed, 0);
    let (ok, out) = audit_cli(&test_db.url, &["verify"]).await;
    assert!(ok, "{out}");

    // Text put back into a redacted part is found.
    assert!(
        exec(db, &format!("UPDATE audit_log SET after_json = '{{}}' WHERE id = {id}"))
            .await
            .is_err()
    );
    drop_triggers(db).await;
    exec(
        db,
        &format!("UPDATE audit_log SET after_json = '{{\"forged\": 1}}' WHERE id = {id}"),
    )
    .await
    .unwrap();
    let (ok, out) = audit_cli(&test_db.url, &["verify"]).await;
    assert!(!ok, "{out}");
    assert!(
        out.contains(&format!("entry id {id} (seq {})", link.seq.unwrap())),
        "{out}"
    );
    assert!(out.contains("after part is marked redacted"), "{out}");
}

/// `onramp generate` writes the application's entries with its records (registrations, trajectory
/// starts, the coach's reads and contacts, caseload pages): each person's log holds them, and the
/// log seals into a chain that verifies.
#[tokio::test]
async fn the_generator_writes_audit_entries_as_the_application_does() {
    let test_db = TestDb::generated(120, 7).await;
    let person: uuid::Uuid = {
        let mut conn = test_db.db.conn().await.unwrap();
        let sql = "SELECT participant_id FROM coaching_contacts ORDER BY participant_id LIMIT 1";
        run!(&mut conn, c => sqlx::query_scalar(sql).fetch_one(c).await).unwrap()
    };
    audit::seal(&test_db.db).await.unwrap();
    let mut conn = test_db.db.conn().await.unwrap();
    let filter = audit::Filter {
        participant_id: Some(person),
        ..Default::default()
    };
    let log = audit::list(&mut conn, &filter, 1000).await.unwrap();
    drop(conn);
    let has = |action: &str| log.iter().any(|e| e.action == action);
    for action in [
        "participant.create",
        "trajectory.start",
        "participant.read",
        "contact.create",
        "caseload.list",
    ] {
        assert!(
            has(action),
            "{action} in {:?}",
            log.iter().map(|e| &e.action).collect::<Vec<_>>()
        );
    }
    assert!(
        log.iter()
            .filter(|e| e.action == "participant.read")
            .all(|e| e.purpose.as_deref() == Some("follow_up"))
    );
    let (ok, out) = audit_cli(&test_db.url, &["verify"]).await;
    assert!(ok, "{out}");
}
