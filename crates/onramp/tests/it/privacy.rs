//! People's data-protection rights: every read records its purpose and who read as what; list
//! views are audited in one entry per page, found per person; the data protection officer finds
//! the file a request is about and answers "who consulted this file, when and why".

use crate::cli::onramp;
use crate::support::*;
use reqwest::StatusCode;
use serde_json::Value;

const DPO: &str = "dpo@onramp.demo";

/// The log of one participant as the API gives it: (action, purpose, actor role) per entry.
async fn log_of(app: &TestApp, client: &reqwest::Client, participant: &str) -> Vec<(String, String, String)> {
    let (status, page) = app
        .get_json(client, &format!("/api/v1/audit?participant_id={participant}"))
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    page["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let text = |k: &str| e[k].as_str().unwrap_or("").to_owned();
            (text("action"), text("purpose"), text("actor_role"))
        })
        .collect()
}

#[tokio::test]
async fn every_read_says_why_and_the_officer_sees_who_consulted_a_file() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    // The coach's caseload: a list view, one entry for the page.
    let (status, caseload) = app.get_json(&coach, "/api/v1/caseload?limit=5&mine=true").await;
    assert_eq!(status, StatusCode::OK, "{caseload}");
    let rows = caseload["rows"]
        .as_array()
        .or(caseload.as_array())
        .expect("rows")
        .clone();
    assert!(rows.len() >= 2, "the demo coach follows people");
    let person = rows[0]["participant_id"].as_str().unwrap().to_owned();
    let other = rows[1]["participant_id"].as_str().unwrap().to_owned();
    // The coach opens the file; the region's coordinator consults it.
    assert_eq!(
        app.get_json(&coach, &format!("/api/v1/participants/{person}")).await.0,
        StatusCode::OK
    );
    let coordinator = app.api_as(COORDINATOR_LIMBURG).await;
    assert_eq!(
        app.get_json(&coordinator, &format!("/api/v1/participants/{person}"))
            .await
            .0,
        StatusCode::OK
    );

    // The data protection officer reads who consulted it, newest first, with purposes and roles.
    let officer = app.api_as(DPO).await;
    let log = log_of(&app, &officer, &person).await;
    let has =
        |action: &str, purpose: &str, role: &str| log.iter().any(|(a, p, r)| a == action && p == purpose && r == role);
    assert!(has("participant.read", "consultation", "coordinator"), "{log:?}");
    assert!(has("participant.read", "follow_up", "coach"), "{log:?}");
    assert!(
        has("caseload.list", "follow_up", "coach"),
        "the list that showed them: {log:?}"
    );
    assert_eq!(log[0].0, "participant.read", "newest first: {log:?}");
    assert_eq!(log[0].2, "coordinator");
    // The other person of the list shares its entry, not the file reads.
    let theirs = log_of(&app, &officer, &other).await;
    assert!(theirs.iter().any(|(a, _, _)| a == "caseload.list"), "{theirs:?}");
    assert!(!theirs.iter().any(|(a, _, _)| a == "participant.read"), "{theirs:?}");

    // The API's entry names the actor's organisations as they were, and a list's people.
    let (_, page) = app
        .get_json(
            &officer,
            &format!("/api/v1/audit?participant_id={person}&action=caseload.list"),
        )
        .await;
    let entry = &page["entries"][0];
    assert!(!entry["actor_organisations"].as_array().unwrap().is_empty(), "{entry}");
    let shown: Vec<&str> = entry["participants_shown"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(
        shown.contains(&person.as_str()) && shown.contains(&other.as_str()),
        "{entry}"
    );

    // The same log on the file's data-protection page, in words.
    let (status, consultations) = app
        .get_json(&officer, &format!("/api/v1/participants/{person}/consultations"))
        .await;
    assert_eq!(status, StatusCode::OK, "{consultations}");
    let first = &consultations["entries"][0];
    assert_eq!(first["purpose"], "consultation");
    let by_coach = consultations["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["actor_role"] == "coach")
        .expect("the coach's reads");
    assert!(
        !by_coach["organisations"].as_array().unwrap().is_empty(),
        "named: {by_coach}"
    );
    let browser = app.english_browser_as(DPO).await;
    let html = app.html(&browser, &format!("/participants/{person}/privacy")).await;
    assert!(html.contains("Who consulted this file"), "{html}");
    assert!(html.contains("Consultation by staff who may see the file"));
    assert!(html.contains("Follow-up by their own coach"));
    assert!(html.contains("Shown in a list"));
    assert!(html.contains(COORDINATOR_LIMBURG));
    // Reading the log is itself a read of the file, for data protection.
    let log = log_of(&app, &officer, &person).await;
    assert!(
        log.iter()
            .any(|(a, p, r)| a == "privacy.consultations" && p == "data_protection" && r == "data_protection_officer")
    );

    // The officer never opens the file itself; a coach never reads the log.
    let (status, _) = app.get_json(&officer, &format!("/api/v1/participants/{person}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    for path in [
        format!("/api/v1/participants/{person}/consultations"),
        format!("/api/v1/audit?participant_id={person}"),
    ] {
        let (status, problem) = app.get_json(&coach, &path).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
        assert_eq!(problem["type"], "urn:onramp:problem:not-for-your-role");
    }
    let coach_browser = app.browser_as(COACH_LIMBURG).await;
    let response = coach_browser
        .get(app.url(&format!("/participants/{person}/privacy")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    // Bad input is named.
    let (status, problem) = app.get_json(&officer, "/api/v1/audit?participant_id=someone").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&problem, "participant_id", "invalid-reference"), "{problem}");
    let unknown = uuid::Uuid::now_v7();
    let (status, _) = app
        .get_json(&officer, &format!("/api/v1/participants/{unknown}/consultations"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Sealed, a list is found through its index rows, one per person shown.
    onramp_store::audit::seal(&app.db).await.unwrap();
    let theirs = log_of(&app, &officer, &other).await;
    assert!(theirs.iter().any(|(a, _, _)| a == "caseload.list"), "{theirs:?}");
    let indexed = count(&app.db, "SELECT COUNT(*) FROM audit_subjects").await;
    assert!(indexed >= 2, "{indexed}");
    // Everything written stays in a chain that verifies.
    let url = app.database_url().to_owned();
    let (ok, out, err) = tokio::task::spawn_blocking(move || onramp(&url, &["audit", "verify"], ""))
        .await
        .unwrap();
    assert!(ok, "{out}{err}");
}

#[tokio::test]
async fn the_officer_finds_the_file_a_request_names() {
    let app = TestApp::spawn().await;
    let admin = app.api_as(ADMIN).await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let (_, caseload) = app.get_json(&coach, "/api/v1/caseload?limit=1&mine=true").await;
    let rows = caseload["rows"]
        .as_array()
        .or(caseload.as_array())
        .expect("rows")
        .clone();
    let person = rows[0]["participant_id"].as_str().unwrap().to_owned();
    let (_, file) = app.get_json(&admin, &format!("/api/v1/participants/{person}")).await;
    let birth = file["participant"]["birth_date"].as_str().unwrap().to_owned();
    let last_name = file["participant"]["last_name"].as_str().unwrap().to_owned();
    // The person's national register number, as intake records it.
    let id: uuid::Uuid = person.parse().unwrap();
    let sql = "UPDATE participants SET national_register = '85073003328' WHERE id = $1";
    let mut tx = app.db.begin().await.unwrap();
    onramp_store::run!(&mut tx, c => sqlx::query(sql).bind(id).execute(c).await.map(|r| r.rows_affected())).unwrap();
    tx.commit().await.unwrap();

    let officer = app.api_as(DPO).await;
    let ids = |found: &Value| -> Vec<String> {
        found
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let (status, found) = app
        .get_json(&officer, "/api/v1/privacy/participants?national_register=85073003328")
        .await;
    assert_eq!(status, StatusCode::OK, "{found}");
    assert_eq!(ids(&found), std::slice::from_ref(&person));
    let part = &last_name[..last_name.len().min(4)];
    let (status, found) = app
        .get_json(
            &officer,
            &format!("/api/v1/privacy/participants?birth_date={birth}&name={part}"),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{found}");
    assert!(ids(&found).contains(&person), "{found}");
    // The search is a list view for data protection.
    let entries = app.audit("privacy.search").await;
    assert_eq!(entries.len(), 2);
    assert!(entries.iter().all(|e| e.purpose.as_deref() == Some("data_protection")));

    // What names nobody finds nobody; what is not valid is named, field by field.
    for query in ["birth_date=1985-07-30", "name=Peeters", "", "birth_date=&name="] {
        let (status, found) = app
            .get_json(&officer, &format!("/api/v1/privacy/participants?{query}"))
            .await;
        assert_eq!((status, found), (StatusCode::OK, serde_json::json!([])), "{query}");
    }
    for (query, field, code) in [
        (
            "national_register=12345",
            "national_register",
            "invalid-national-register",
        ),
        ("birth_date=1985-13-40&name=Peeters", "birth_date", "invalid-date"),
        ("birth_date=AAA", "birth_date", "invalid-date"),
        ("birth_date=1985-07-30&name=P", "name", "required"),
    ] {
        let (status, problem) = app
            .get_json(&officer, &format!("/api/v1/privacy/participants?{query}"))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{query}");
        assert!(has_error(&problem, field, code), "{query}: {problem}");
    }
    // Others may not search.
    let (status, _) = app
        .get_json(&coach, "/api/v1/privacy/participants?national_register=85073003328")
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // The page: a form with its errors, the files found linked to their data-protection page.
    let browser = app.english_browser_as(DPO).await;
    let html = app.html(&browser, "/privacy?national_register=85073003328").await;
    assert!(html.contains(&format!("/participants/{person}/privacy")), "{html}");
    let html = app.html(&browser, "/privacy?national_register=1234").await;
    assert!(html.contains("aria-invalid=\"true\""), "{html}");
    // The page asks for what is missing.
    let html = app.html(&browser, "/privacy?birth_date=1985-07-30").await;
    assert!(html.contains("aria-invalid=\"true\""), "{html}");
    let home = app.html(&browser, "/").await;
    assert!(home.contains("href=\"/privacy\"") && home.contains("href=\"/audit\""));
    assert!(!home.contains("href=\"/caseload\""), "the officer has no caseload");
}
