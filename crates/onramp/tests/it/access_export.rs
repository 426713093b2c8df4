//! The access export (GDPR Art. 15 and 20): one ZIP with everything held about a person, read back
//! with Python's zipfile and jsonschema (against docs/access-export.schema.json) and poppler's
//! pdftotext; nothing of the person met in the same group session or case consultation; audited;
//! the same from the command line; refused to all but the data protection officer and administrators.

use crate::cli::onramp;
use crate::participants::programme_id;
use crate::plans::{first_plan, path as plan_path, pdf_text};
use crate::support::*;
use chrono::{Days, NaiveDate};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use std::io::Read;

const DPO: &str = "dpo@onramp.demo";

fn today() -> NaiveDate {
    crate::caseload::today()
}

fn day(n: u64) -> String {
    (today() - Days::new(n)).to_string()
}

/// Two people followed by the Limburg coach at Maasland: Amélie (French) with a record of every
/// kind, and Zebulon, who shares a group session and a case consultation with her.
struct Files {
    app: TestApp,
    amelie: String,
    zebulon: String,
}

async fn person(app: &TestApp, coach: &Client, first: &str, last: &str, language: &str) -> (String, String) {
    let maasland = app.organisation_id("Revalidatieziekenhuis Maasland").await;
    let body = json!({
        "organisation_id": maasland, "first_name": first, "last_name": last, "birth_date": "1980-02-03",
        "health_category": "burn_out", "situation": "employed_on_sick_leave", "incapacity_since": "2026-03-01",
        "language": language, "email": format!("{}@example.org", first.to_lowercase()), "phone": "0470 12 34 56",
        "notes": format!("Note about {first}"), "postcode": "3500", "disability": "yes"
    });
    let (status, created) = app.send_json(coach, "POST", "/api/v1/participants", body).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["id"].as_str().unwrap().to_owned();
    let programme = programme_id(app, coach, "we-go-to-work").await;
    let body = json!({"programme_id": programme, "organisation_id": maasland, "started_on": day(60)});
    let trajectory = app.start_trajectory(coach, &id, body).await;
    (id, trajectory["id"].as_str().unwrap().to_owned())
}

async fn created(app: &TestApp, client: &Client, method: &str, path: &str, body: Value) -> Value {
    let (status, answer) = app.send_json(client, method, path, body).await;
    assert!(status.is_success(), "{path}: {status} {answer}");
    answer
}

async fn files() -> Files {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let (amelie, t) = person(&app, &coach, "Amélie", "Dufresne", "fr").await;
    let (zebulon, _) = person(&app, &coach, "Zebulon", "Quaghebeur", "nl").await;
    let maasland = app.organisation_id("Revalidatieziekenhuis Maasland").await;
    let file = format!("/api/v1/participants/{amelie}");

    let consent =
        json!({"purpose": "participation", "version": "consent-v7", "given_on": day(59), "ends_on": "2030-12-31"});
    created(&app, &coach, "POST", &format!("{file}/consents"), consent).await;
    let research = json!({"purpose": "research", "version": "research-v2", "given_on": day(59)});
    let research = created(&app, &coach, "POST", &format!("{file}/consents"), research).await;
    let withdraw = format!("{file}/consents/{}/withdraw", research["id"].as_str().unwrap());
    created(&app, &coach, "POST", &withdraw, json!({"on": day(5)})).await;

    let phase = json!({"phase": "engagement", "on": day(50), "note": "Came to module 2"});
    created(&app, &coach, "POST", &format!("/api/v1/trajectories/{t}/phase"), phase).await;
    let contact = json!({"trajectory_id": t, "on": day(45), "minutes": 40, "mode": "phone",
        "topic": "Talk with the employer about mornings", "notes": "Afraid of the first day back.",
        "next_step": "Visit the workplace together"});
    created(&app, &coach, "POST", &format!("{file}/contacts"), contact).await;

    // A group session both attend, and a case consultation that discusses both.
    let location = crate::group_sessions::location_of(&app, &coach, &maasland).await;
    let programme = programme_id(&app, &coach, "we-go-to-work").await;
    let series = json!({"programme_id": programme, "module": "module_2", "title": "Wishes and possibilities",
        "organisation_id": maasland, "location_id": location, "capacity": 10, "first_date": day(14),
        "start_time": "13:30", "minutes": 120, "sessions": 1, "weeks_between": 1});
    let sessions = created(&app, &coach, "POST", "/api/v1/session-series", series).await;
    let session = sessions[0]["id"].as_str().unwrap().to_owned();
    for who in [&amelie, &zebulon] {
        let body = json!({"participant_id": who, "rest_of_series": false});
        created(
            &app,
            &coach,
            "POST",
            &format!("/api/v1/sessions/{session}/enrolments"),
            body,
        )
        .await;
    }
    let marks = json!({"marks": [{"participant_id": amelie, "attendance": "present"},
                                 {"participant_id": zebulon, "attendance": "absent"}]});
    created(
        &app,
        &coach,
        "PUT",
        &format!("/api/v1/sessions/{session}/attendance"),
        marks,
    )
    .await;
    let consultation = json!({"organisation_id": maasland, "on": day(10), "minutes": 75,
        "attendees": "Dr. Janssens", "participant_ids": [amelie, zebulon],
        "decisions": "Zebulon Quaghebeur starts part time."});
    created(&app, &coach, "POST", "/api/v1/consultations", consultation).await;

    let action = json!({"kind": "info_point", "organisation_id": maasland, "on": day(70), "minutes": 120,
        "reached": 14, "description": "Stand in the hall"});
    let action = created(&app, &coach, "POST", "/api/v1/presence-actions", action).await;
    let link = format!(
        "/api/v1/presence-actions/{}/participants",
        action["id"].as_str().unwrap()
    );
    created(&app, &coach, "POST", &link, json!({"participant_id": amelie})).await;

    created(&app, &coach, "PUT", &plan_path(&t, "action"), first_plan()).await;
    let mut second = first_plan();
    second["base_version"] = json!(1);
    second["note"] = json!("Second version after the visit");
    created(&app, &coach, "PUT", &plan_path(&t, "action"), second).await;
    let comment = json!({"body": "Comment on the plan by the coach"});
    created(
        &app,
        &coach,
        "POST",
        &format!("{}/comments", plan_path(&t, "action")),
        comment,
    )
    .await;

    let measurement = json!({"measured_on": day(40), "moment": "intake", "rater": "coach",
        "ratings": {"b130": "3"}, "competences": {"motivation": 4}});
    created(&app, &coach, "POST", &format!("{file}/icf-measurements"), measurement).await;
    let outcome = json!({"trajectory_id": t, "kind": "volunteer_work", "on": day(20), "hours_per_week": 6,
        "place": "Kringwinkel Hasselt"});
    created(&app, &coach, "POST", &format!("{file}/outcomes"), outcome).await;
    let barrier = json!({"trajectory_id": t, "code": "pain", "noted_on": day(30), "note": "Back pain in the mornings"});
    created(&app, &coach, "POST", &format!("{file}/barriers"), barrier).await;
    let exit = json!({"on": day(1), "reason": "work", "situation": "in_employment"});
    created(&app, &coach, "POST", &format!("/api/v1/trajectories/{t}/exit"), exit).await;
    Files { app, amelie, zebulon }
}

/// The ZIP's members as Python reads them: the JSON (checked against the schema) and the PDF's text.
fn read_zip(bytes: &[u8]) -> (Vec<String>, Value, String) {
    let read = read_with_python("read_access_export.py", bytes);
    assert_eq!(read["schema_errors"], json!([]), "the JSON follows its schema");
    let names = read["names"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap().to_owned())
        .collect();
    // The PDF, from the same archive read with the zip crate.
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut pdf = Vec::new();
    archive
        .by_name("participant.pdf")
        .unwrap()
        .read_to_end(&mut pdf)
        .unwrap();
    assert_eq!(read["pdf_bytes"].as_u64(), Some(pdf.len() as u64));
    (names, read["json"].clone(), pdf_text(&pdf))
}

async fn download(app: &TestApp, client: &Client, id: &str) -> reqwest::Response {
    client
        .get(app.url(&format!("/api/v1/participants/{id}/access-export")))
        .send()
        .await
        .unwrap()
}

/// Every kind of record, non-empty, with the values written.
fn assert_every_kind(export: &Value) {
    let members = [
        "consents",
        "trajectories",
        "coaching_contacts",
        "group_sessions",
        "case_consultations",
        "plans",
        "icf_measurements",
        "outcomes",
        "barriers",
        "check_ins",
        "consultations_of_file",
    ];
    for member in members {
        assert!(
            export[member].as_array().is_some_and(|a| !a.is_empty()),
            "{member} is empty"
        );
    }
    let p = &export["participant"];
    assert_eq!(
        (p["first_name"].as_str(), p["last_name"].as_str()),
        (Some("Amélie"), Some("Dufresne"))
    );
    assert_eq!(p["notes"], "Note about Amélie");
    assert_eq!(export["esf_answers"]["disability"], "yes");
    let consents = export["consents"].as_array().unwrap();
    let research = consents.iter().find(|c| c["version"] == "research-v2").unwrap();
    assert_eq!(research["withdrawn_on"], day(5));
    let participation = consents.iter().find(|c| c["version"] == "consent-v7").unwrap();
    assert_eq!(participation["ends_on"], "2030-12-31");
    let trajectory = &export["trajectories"][0];
    let kinds: Vec<&str> = trajectory["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"phase") && kinds.contains(&"exit"), "{kinds:?}");
    assert_eq!(trajectory["coach_name"], "Sofie Maes");
    assert_eq!(
        export["coaching_contacts"][0]["topic"],
        "Talk with the employer about mornings"
    );
    assert_eq!(export["group_sessions"][0]["title"], "Wishes and possibilities");
    assert_eq!(export["group_sessions"][0]["attendance"], "present");
    assert_eq!(export["case_consultations"][0]["minutes"], 75);
    assert_eq!(export["presence_action"]["kind"], "info_point");
    let plan = &export["plans"][0];
    assert_eq!(plan["kind"], "action");
    assert_eq!(plan["versions"].as_array().unwrap().len(), 2, "every version");
    assert_eq!(plan["versions"][1]["note"], "Second version after the visit");
    assert_eq!(plan["comments"][0]["body"], "Comment on the plan by the coach");
    assert_eq!(export["icf_measurements"][0]["ratings"]["b130"], "3");
    assert_eq!(export["icf_measurements"][0]["competences"]["motivation"], 4);
    assert_eq!(export["outcomes"][0]["place"], "Kringwinkel Hasselt");
    assert_eq!(export["barriers"][0]["note"], "Back pain in the mornings");
    assert!(export["check_ins"][0]["due_on"].is_string());
}

/// Nothing of the other person: not their name, not their id, not the consultation's decisions.
fn assert_nothing_of(zebulon: &str, json_text: &str, pdf: &str) {
    for needle in [zebulon, "Zebulon", "Quaghebeur", "zebulon@example.org", "Dr. Janssens"] {
        assert!(!json_text.contains(needle), "the JSON holds {needle}");
        assert!(!pdf.contains(needle), "the PDF holds {needle}");
    }
}

#[tokio::test]
async fn the_export_holds_every_kind_of_record_and_nothing_of_anyone_else() {
    let Files { app, amelie, zebulon } = files().await;
    let officer = app.api_as(DPO).await;
    // A read before the export, with its purpose: the officer's look at the log.
    let (status, _) = app
        .get_json(&officer, &format!("/api/v1/participants/{amelie}/consultations"))
        .await;
    assert_eq!(status, StatusCode::OK);

    let response = download(&app, &officer, &amelie).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "application/zip");
    let bytes = response.bytes().await.unwrap();
    let (names, export, pdf) = read_zip(&bytes);
    assert_eq!(names, ["participant.json", "participant.pdf"]);
    assert_eq!(export["format"], "onramp-access-export/1");
    assert_every_kind(&export);
    assert_nothing_of(&zebulon, &export.to_string(), &pdf);

    // The log lists the reads before it, with their purposes, by role and not by e-mail.
    let log = export["consultations_of_file"].as_array().unwrap();
    let has = |action: &str, purpose: &str| log.iter().any(|e| e["action"] == action && e["purpose"] == purpose);
    assert!(has("privacy.consultations", "data_protection"), "{log:?}");
    assert!(
        log.iter()
            .any(|e| e["action"] == "participant.create" && e["actor_role"] == "coach")
    );
    assert!(
        !export.to_string().contains("sofie.maes@gtb.demo"),
        "staff by role, not e-mail"
    );

    // The PDF in French: the person's language, with the records in it.
    for text in [
        "Tout ce qu",
        "Sessions de groupe",
        "Concertations de cas",
        "Amélie Dufresne",
        "Sofie Maes",
        "Wishes and possibilities",
        "Comment on the plan by the coach",
        "Kringwinkel",
        "Changement de phase",
        "consent-v7",
    ] {
        assert!(pdf.contains(text), "the PDF lacks {text}: {pdf}");
    }
    assert!(!pdf.contains("Group sessions"), "not in English");

    // Audited as a read for an access request, on the person's file.
    let entries = app.audit("participant.access_export").await;
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].purpose.as_deref(), Some("access_request"));
    assert_eq!(entries[0].participant_id.map(|p| p.to_string()), Some(amelie.clone()));
}

#[tokio::test]
async fn only_the_officer_and_administrators_export_and_the_page_links_it() {
    let Files { app, amelie, .. } = files().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let response = download(&app, &coach, &amelie).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(response.headers()["content-type"], "application/problem+json");
    let admin = app.api_as(ADMIN).await;
    let response = download(&app, &admin, &amelie).await;
    assert_eq!(response.status(), StatusCode::OK);
    let officer = app.api_as(DPO).await;
    let unknown = download(&app, &officer, &uuid::Uuid::now_v7().to_string()).await;
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    assert_eq!(unknown.headers()["content-type"], "application/problem+json");
    let bad = download(&app, &officer, "not-an-id").await;
    assert!(
        [StatusCode::NOT_FOUND, StatusCode::UNPROCESSABLE_ENTITY].contains(&bad.status()),
        "{}",
        bad.status()
    );
    assert_eq!(bad.headers()["content-type"], "application/problem+json");
    assert_eq!(
        app.audit("participant.access_export").await.len(),
        1,
        "only the allowed one"
    );

    // The page: a link on the file's data-protection page, the download behind it.
    let browser = app.browser_as(DPO).await;
    let html = app.html(&browser, &format!("/participants/{amelie}/privacy")).await;
    let link = format!("/participants/{amelie}/access-export.zip");
    assert!(html.contains(&format!("href=\"{link}\"")), "{html}");
    let response = browser.get(app.url(&link)).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "application/zip");
    let (names, export, _) = read_zip(&response.bytes().await.unwrap());
    assert_eq!(names.len(), 2);
    assert_eq!(export["participant"]["id"], amelie.as_str());
    let coach_page = app.browser_as(COACH_LIMBURG).await;
    let response = coach_page.get(app.url(&link)).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_command_line_writes_the_same_members_and_is_audited() {
    let Files { app, amelie, zebulon } = files().await;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("amelie.zip");
    let (url, id, file) = (
        app.database_url().to_owned(),
        amelie.clone(),
        out.to_str().unwrap().to_owned(),
    );
    let run = move |id: String| {
        let (url, file) = (url.clone(), file.clone());
        tokio::task::spawn_blocking(move || onramp(&url, &["participant", "access-export", &id, "--out", &file], ""))
    };
    let (ok, _, err) = run(id.clone()).await.unwrap();
    assert!(ok, "{err}");
    let (names, export, pdf) = read_zip(&std::fs::read(&out).unwrap());
    assert_eq!(names, ["participant.json", "participant.pdf"]);
    assert_every_kind(&export);
    assert_nothing_of(&zebulon, &export.to_string(), &pdf);
    let entries = app.audit("participant.access_export").await;
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].purpose.as_deref(), Some("access_request"));
    assert_eq!(entries[0].actor_label, "cli");
    // An existing file is never overwritten; an unknown person is an error.
    let (ok, _, err) = run(id).await.unwrap();
    assert!(!ok && err.contains("exists"), "{err}");
    std::fs::remove_file(&out).unwrap();
    let (ok, _, _) = run(uuid::Uuid::now_v7().to_string()).await.unwrap();
    assert!(!ok && !out.exists());
}
