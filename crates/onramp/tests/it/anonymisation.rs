//! Anonymisation and erasure (docs/retention.md), through the running server: every dashboard
//! figure and the ESF+ indicators stay the same, no trace of the person's identifiers or notes is
//! left in any text column of any table, the audit log still verifies; an erasure removes every
//! row of the person and nothing of anyone else; other roles are refused, a reason is required.

use crate::caseload::today;
use crate::participants::programme_id;
use crate::support::*;
use chrono::Days;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

const DPO: &str = "dpo@onramp.demo";

/// A person with something to forget in every kind of record.
pub struct Person {
    pub id: String,
    pub trajectory: String,
    /// Every identifier and free text of theirs that must not survive an anonymisation.
    pub secrets: Vec<String>,
}

/// Registers a person at Maasland in We go to work (an ESF programme of the demo's operation),
/// with a contact, an outcome, a barrier, an ICF measurement, an action plan with a comment, a
/// phase change, and an exit, each with free text of its own. `tag` makes the texts unique.
pub async fn person_with_a_file(app: &TestApp, coach: &Client, tag: &str, n: u32) -> Person {
    let maasland = app.organisation_id("Revalidatieziekenhuis Maasland").await;
    let first = format!("Wilhelmina{tag}");
    let last = format!("Zwartkopvogel{tag}");
    let email = format!("w.zwartkop{}@mail.test", tag.to_lowercase());
    let phone = format!("04719988{n:02}");
    // Born 1985-07-23: a register number with its check digits.
    let body = 850_723_000 + u64::from(100 + n);
    let register = format!("{body:09}{:02}", 97 - body % 97);
    let secret = |what: &str| format!("{what} geheim{tag}");
    let intake = json!({
        "organisation_id": maasland, "first_name": first, "last_name": last, "birth_date": "1985-07-23",
        "gender": "female", "national_register": register, "email": email, "phone": phone,
        "health_category": "burn_out", "situation": "employed_on_sick_leave", "incapacity_since": "2025-11-03",
        "referrer": secret("Verwijzer"), "notes": secret("Dossiernotitie"), "postcode": "3500",
    });
    let (status, created) = app.send_json(coach, "POST", "/api/v1/participants", intake).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["id"].as_str().unwrap().to_owned();
    let consent = json!({"purpose": "participation", "version": "2026-01", "given_on": "2025-12-01"});
    let (status, _) = app
        .send_json(coach, "POST", &format!("/api/v1/participants/{id}/consents"), consent)
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let wgtw = programme_id(app, coach, "we-go-to-work").await;
    let started = (today() - Days::new(120)).to_string();
    let body = json!({"programme_id": wgtw, "organisation_id": maasland, "started_on": started});
    let t = app.start_trajectory(coach, &id, body).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let on = (today() - Days::new(30)).to_string();
    let writes = [
        (
            format!("/api/v1/participants/{id}/contacts"),
            json!({"trajectory_id": t, "on": on, "minutes": 45, "mode": "in_person", "place": secret("Contactplaats"),
                   "topic": secret("Contactonderwerp"), "notes": secret("Contactnotitie"), "next_step": secret("Volgendestap")}),
        ),
        (
            format!("/api/v1/participants/{id}/outcomes"),
            json!({"trajectory_id": t, "kind": "volunteer_work", "on": on, "place": secret("Werkplek"),
                   "note": secret("Uitkomstnotitie")}),
        ),
        (
            format!("/api/v1/participants/{id}/barriers"),
            json!({"trajectory_id": t, "code": "pain", "noted_on": on, "note": secret("Drempelnotitie")}),
        ),
        (
            format!("/api/v1/participants/{id}/icf-measurements"),
            json!({"trajectory_id": t, "measured_on": on, "moment": "intake", "rater": "coach",
                   "ratings": {"d845": "2", "e310": "+1"}, "competences": {}, "note": secret("Icfnotitie")}),
        ),
        (
            format!("/api/v1/trajectories/{t}/plans/action/comments"),
            json!({"body": secret("Plancommentaar")}),
        ),
    ];
    let plan = json!({"base_version": 0, "note": secret("Versienotitie"), "goals": [{"title": secret("Doeltitel"),
        "steps": [{"description": secret("Stapomschrijving"), "owner": "participant",
                   "due_on": (today() + Days::new(20)).to_string(), "status": "planned"}]}]});
    let (status, saved) = app
        .send_json(coach, "PUT", &format!("/api/v1/trajectories/{t}/plans/action"), plan)
        .await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    for (path, body) in writes {
        let (status, answer) = app.send_json(coach, "POST", &path, body).await;
        assert!(status.is_success(), "{path}: {answer}");
    }
    let (status, answer) = app
        .send_json(
            coach,
            "POST",
            &format!("/api/v1/trajectories/{t}/phase"),
            json!({"phase": "engagement", "on": on, "note": secret("Fasenotitie")}),
        )
        .await;
    assert!(status.is_success(), "{answer}");
    let (status, answer) = app
        .send_json(
            coach,
            "POST",
            &format!("/api/v1/trajectories/{t}/exit"),
            json!({"on": (today() - Days::new(2)).to_string(), "reason": "work", "situation": "in_employment",
                   "note": secret("Exitnotitie")}),
        )
        .await;
    assert!(status.is_success(), "{answer}");
    let secrets = [
        first.clone(),
        last.clone(),
        email,
        phone,
        register,
        secret("Verwijzer"),
        secret("Dossiernotitie"),
        secret("Contactplaats"),
        secret("Contactonderwerp"),
        secret("Contactnotitie"),
        secret("Volgendestap"),
        secret("Werkplek"),
        secret("Uitkomstnotitie"),
        secret("Drempelnotitie"),
        secret("Icfnotitie"),
        secret("Plancommentaar"),
        secret("Versienotitie"),
        secret("Doeltitel"),
        secret("Stapomschrijving"),
        secret("Fasenotitie"),
        secret("Exitnotitie"),
    ];
    Person {
        id,
        trajectory: t,
        secrets: secrets.into_iter().collect(),
    }
}

/// A consultation about both people, naming both in its text.
async fn consultation_about(app: &TestApp, coach: &Client, a: &Person, b: &Person, b_name: &str) {
    let maasland = app.organisation_id("Revalidatieziekenhuis Maasland").await;
    let body = json!({
        "organisation_id": maasland, "on": (today() - Days::new(20)).to_string(), "minutes": 60,
        "attendees": format!("Care team, {} and {b_name}", a.secrets[1]),
        "participant_ids": [a.id, b.id],
        "decisions": format!("{} {} starts mornings; {b_name} waits.", a.secrets[0], a.secrets[1]),
    });
    let (status, created) = app.send_json(coach, "POST", "/api/v1/consultations", body).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
}

/// Every text column of every table: (table, column), from the engine's own catalogue.
pub async fn text_columns(app: &TestApp) -> Vec<(String, String)> {
    let mut conn = app.db.conn().await.unwrap();
    let sql = if on_postgres() {
        "SELECT table_name::TEXT, column_name::TEXT FROM information_schema.columns
         WHERE table_schema = current_schema() AND data_type IN ('text', 'character varying')
           AND table_name NOT LIKE '\\_sqlx%'"
    } else {
        "SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p
         WHERE m.type = 'table' AND m.name NOT LIKE '\\_sqlx%' ESCAPE '\\' AND m.name <> 'sqlite_sequence'
           AND upper(p.type) IN ('TEXT', '')"
    };
    let columns: Vec<(String, String)> =
        onramp_store::run!(&mut conn, c => sqlx::query_as(sql).fetch_all(c).await).unwrap();
    assert!(columns.len() > 100, "every text column: {}", columns.len());
    columns
}

/// Where any of `needles` still stands, as "table.column: needle" (ignoring case).
pub async fn traces(app: &TestApp, needles: &[String]) -> Vec<String> {
    let mut found = Vec::new();
    let mut conn = app.db.conn().await.unwrap();
    for (table, column) in text_columns(app).await {
        let sql = format!("SELECT COUNT(*) FROM \"{table}\" WHERE lower(CAST(\"{column}\" AS TEXT)) LIKE $1");
        for needle in needles {
            let pattern = format!("%{}%", needle.to_lowercase());
            let n: i64 = onramp_store::run!(&mut conn, c => sqlx::query_scalar(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(&pattern).fetch_one(c).await)
            .unwrap();
            if n > 0 {
                found.push(format!("{table}.{column}: {needle}"));
            }
        }
    }
    found
}

/// Every dashboard figure the administrator sees (all time, and this year per programme and
/// partner) and every operation's ESF+ indicators, cumulative and per year.
pub async fn figures(app: &TestApp, admin: &Client) -> Vec<(String, Value)> {
    let year = today().format("%Y").to_string();
    let mut paths = vec![
        "/api/v1/dashboard".to_owned(),
        format!("/api/v1/dashboard?from=2000-01-01&to={}", today()),
        format!("/api/v1/dashboard?from={year}-01-01&to={year}-12-31"),
        format!("/api/v1/dashboard/regions?from=2000-01-01&to={}", today()),
    ];
    let (_, operations) = app.get_json(admin, "/api/v1/operations").await;
    for operation in operations.as_array().unwrap() {
        let id = operation["id"].as_str().unwrap();
        paths.push(format!("/api/v1/operations/{id}/indicators?period=cumulative"));
        paths.push(format!("/api/v1/operations/{id}/indicators?period={year}"));
    }
    let mut out = Vec::new();
    for path in paths {
        let (status, body) = app.get_json(admin, &path).await;
        assert_eq!(status, StatusCode::OK, "{path}: {body}");
        out.push((path, body));
    }
    out
}

async fn verify_audit(app: &TestApp) {
    onramp_store::audit::seal(&app.db).await.unwrap();
    let report = onramp_store::audit::verify(&app.db, None).await.unwrap();
    assert!(
        report.problem.is_none(),
        "the audit chain verifies: {:?}",
        report.problem
    );
    assert_eq!(report.unsealed, 0);
}

#[tokio::test]
async fn anonymisation_keeps_every_figure_and_leaves_no_trace() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let admin = app.api_as(ADMIN).await;
    let dpo = app.api_as(DPO).await;
    let person = person_with_a_file(&app, &coach, "Anon", 1).await;
    let other = person_with_a_file(&app, &coach, "Ander", 2).await;
    consultation_about(&app, &coach, &person, &other, "Odilia Tegenbosch").await;
    // Some entries sealed before, some waiting for the sealer when they are redacted.
    onramp_store::audit::seal(&app.db).await.unwrap();
    let late = json!({"purpose": "research", "version": "2026-02", "given_on": today().to_string()});
    let (status, body) = app
        .send_json(
            &coach,
            "POST",
            &format!("/api/v1/participants/{}/consents", person.id),
            late,
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let unsealed = count(
        &app.db,
        "SELECT COUNT(*) FROM audit_log WHERE seq IS NULL AND after_json IS NOT NULL",
    )
    .await;
    assert!(unsealed > 0, "an entry with an image waits for the sealer");
    let (status, _) = app
        .get_json(&coach, &format!("/api/v1/participants/{}", person.id))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        !traces(&app, &person.secrets).await.is_empty(),
        "the search finds what is there"
    );
    let before = figures(&app, &admin).await;

    let path = format!("/api/v1/participants/{}/anonymisation", person.id);
    let (status, done) = app
        .send_json(&dpo, "POST", &path, json!({"reason": "request of the person, 2026-12"}))
        .await;
    assert_eq!(status, StatusCode::OK, "{done}");
    assert_eq!(done["outcome"], "anonymised");
    assert_eq!(done["trajectories"], 1);
    assert!(done["redacted_entries"].as_u64().unwrap() > 5, "{done}");

    let after = figures(&app, &admin).await;
    for ((path, b), (_, a)) in before.iter().zip(&after) {
        assert_eq!(b, a, "{path} is the same before and after");
    }
    assert_eq!(
        traces(&app, &person.secrets).await,
        Vec::<String>::new(),
        "no trace left"
    );
    // The other person's data is untouched, in the shared consultation too.
    let left = traces(&app, &other.secrets).await;
    assert!(left.iter().any(|t| t.starts_with("participants.last_name")), "{left:?}");
    assert!(
        traces(&app, &["starts mornings; Odilia Tegenbosch waits.".to_owned()])
            .await
            .iter()
            .any(|t| t.starts_with("consultations.decisions")),
        "the shared text keeps the others"
    );
    verify_audit(&app).await;

    // The file can no longer be opened as a person's; what happened is in the log.
    for client in [&coach, &admin] {
        let (status, problem) = app
            .get_json(client, &format!("/api/v1/participants/{}", person.id))
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{problem}");
    }
    let entries = app.audit("participant.anonymise").await;
    assert_eq!(entries.len(), 1);
    let entry = &entries[0];
    assert_eq!(entry.participant_id.map(|p| p.to_string()), Some(person.id.clone()));
    assert!(entry.after_json.as_deref().unwrap().contains("request of the person"));
    // Once is enough.
    let (status, problem) = app.send_json(&dpo, "POST", &path, json!({"reason": "again"})).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(has_error(&problem, "reason", "already-anonymised"), "{problem}");
}

#[tokio::test]
async fn erasure_removes_every_row_of_the_person_and_nothing_else() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let admin = app.api_as(ADMIN).await;
    let before = figures(&app, &admin).await;
    let person = person_with_a_file(&app, &coach, "Weg", 3).await;
    let other = person_with_a_file(&app, &coach, "Blijf", 4).await;
    consultation_about(&app, &coach, &person, &other, "Odilia Tegenbosch").await;
    let (status, other_file) = app
        .get_json(&coach, &format!("/api/v1/participants/{}", other.id))
        .await;
    assert_eq!(status, StatusCode::OK);
    let with_both = figures(&app, &admin).await;
    assert_ne!(before, with_both, "the two count");

    let response = admin
        .delete(app.url(&format!("/api/v1/participants/{}", person.id)))
        .json(&json!({"reason": "registered twice by mistake"}))
        .send()
        .await
        .unwrap();
    let (status, done) = status_and_json(response).await;
    assert_eq!(status, StatusCode::OK, "{done}");
    assert_eq!(done["outcome"], "erased");

    // No row names the person's id, in any table (ids are stored as bytes on SQLite, as uuid on
    // PostgreSQL: every column that holds participant or trajectory ids is asked).
    let id: uuid::Uuid = person.id.parse().unwrap();
    let t: uuid::Uuid = person.trajectory.parse().unwrap();
    let mut conn = app.db.conn().await.unwrap();
    for (table, column, value) in [
        ("participants", "id", id),
        ("trajectories", "participant_id", id),
        ("consents", "participant_id", id),
        ("coaching_contacts", "participant_id", id),
        ("outcomes", "participant_id", id),
        ("barriers", "participant_id", id),
        ("check_ins", "participant_id", id),
        ("icf_measurements", "participant_id", id),
        ("consultation_participants", "participant_id", id),
        ("session_enrolments", "participant_id", id),
        ("participant_name_words", "participant_id", id),
        ("esf_counted", "participant_id", id),
        ("plans", "trajectory_id", t),
        ("trajectory_events", "trajectory_id", t),
        ("dashboard_facts", "trajectory_id", t),
        ("action_steps_open", "trajectory_id", t),
    ] {
        let sql = format!("SELECT COUNT(*) FROM {table} WHERE {column} = $1");
        let n: i64 = onramp_store::run!(&mut conn, c => sqlx::query_scalar(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(value).fetch_one(c).await)
        .unwrap();
        assert_eq!(n, 0, "{table} keeps no row of the person");
    }
    drop(conn);
    assert_eq!(
        traces(&app, &person.secrets).await,
        Vec::<String>::new(),
        "no trace left"
    );
    // The other person is as they were, and the figures count only them again.
    let (_, file) = app
        .get_json(&coach, &format!("/api/v1/participants/{}", other.id))
        .await;
    assert_eq!(file["participant"], other_file["participant"]);
    assert_eq!(file["trajectories"], other_file["trajectories"]);
    assert_eq!(file["consultations"].as_array().unwrap().len(), 1, "{file}");
    let (status, _) = app
        .get_json(&coach, &format!("/api/v1/participants/{}", person.id))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let entries = app.audit("participant.erase").await;
    assert_eq!(entries.len(), 1);
    verify_audit(&app).await;
    // Erasing the other one too brings every figure back to what it was.
    let response = admin
        .delete(app.url(&format!("/api/v1/participants/{}", other.id)))
        .json(&json!({"reason": "test file"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let after = figures(&app, &admin).await;
    for ((path, b), (_, a)) in before.iter().zip(&after) {
        assert_eq!(b, a, "{path} is back to what it was");
    }
}

#[tokio::test]
async fn data_rights_are_refused_to_other_roles_and_need_a_reason() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let dpo = app.api_as(DPO).await;
    let person = person_with_a_file(&app, &coach, "Weigering", 5).await;
    let anonymise = format!("/api/v1/participants/{}/anonymisation", person.id);
    let reason = json!({"reason": "request of the person"});
    for email in [COACH_LIMBURG, COORDINATOR_LIMBURG, CARE_ANTWERPEN, FUNDER, PEER] {
        let client = app.api_as(email).await;
        let response = client.post(app.url(&anonymise)).json(&reason).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{email}");
        assert_eq!(response.headers()["content-type"], "application/problem+json");
        let response = client
            .delete(app.url(&format!("/api/v1/participants/{}", person.id)))
            .json(&reason)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{email}");
        let (status, _) = app.get_json(&client, "/api/v1/retention").await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{email}");
        let browser = app.browser_as(email).await;
        let page = browser
            .get(app.url(&format!("/participants/{}/anonymise", person.id)))
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), StatusCode::FORBIDDEN, "{email}");
    }
    // A reason is required; an unknown file is 404.
    let (status, problem) = app.send_json(&dpo, "POST", &anonymise, json!({"reason": "  "})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&problem, "reason", "required"), "{problem}");
    let (status, problem) = app.send_json(&dpo, "POST", &anonymise, json!({})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&problem, "reason", "required"), "{problem}");
    let unknown = uuid::Uuid::now_v7();
    let (status, problem) = app
        .send_json(
            &dpo,
            "POST",
            &format!("/api/v1/participants/{unknown}/anonymisation"),
            reason.clone(),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{problem}");
    let response = dpo
        .delete(app.url(&format!("/api/v1/participants/{unknown}")))
        .json(&reason)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert_eq!(response.headers()["content-type"], "application/problem+json");
    let (_, file) = app
        .get_json(&coach, &format!("/api/v1/participants/{}", person.id))
        .await;
    assert_eq!(
        file["participant"]["last_name"], "ZwartkopvogelWeigering",
        "nothing happened"
    );

    // The page: the form, its field errors, then the anonymisation.
    let browser = app.english_browser_as(DPO).await;
    let form_path = format!("/participants/{}/anonymise", person.id);
    let html = app.html(&browser, &form_path).await;
    assert!(html.contains("Delete as registered by mistake"), "{html}");
    let csrf = csrf_in(&html);
    let response = browser
        .post(app.url(&form_path))
        .form(&[("csrf", csrf.as_str()), ("treatment", "anonymise"), ("reason", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    assert!(html.contains("Confirm first"), "the confirmation is required");
    assert!(html.contains("error-summary"), "{html}");
    let response = browser
        .post(app.url(&form_path))
        .form(&[
            ("csrf", csrf.as_str()),
            ("treatment", "anonymise"),
            ("reason", "request of the person"),
            ("confirm", "on"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (status, _) = app
        .get_json(&coach, &format!("/api/v1/participants/{}", person.id))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "anonymised through the page");
}
