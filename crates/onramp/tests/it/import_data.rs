//! What an import does to the data itself: text with control characters is a bad row; notes are
//! never erased; a failing database is an internal error, not a problem of the file.

use crate::support::*;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

async fn import(
    app: &TestApp,
    client: &Client,
    body: Vec<u8>,
    content_type: &str,
    dry_run: bool,
) -> (StatusCode, Value) {
    let response = client
        .post(app.url(&format!("/api/v1/imports/participants?dry_run={dry_run}")))
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    status_and_json(response).await
}

/// Registers someone through the API with these fields (on top of the required ones).
async fn register(app: &TestApp, client: &Client, born: &str, fields: Value) -> String {
    let maasland = app.organisation_id("Revalidatieziekenhuis Maasland").await;
    let mut body = json!({
        "organisation_id": maasland, "birth_date": born, "health_category": "chronic_pain",
        "situation": "inactive", "notes": "Heeft het over pijn 's nachts.\nVolgt op."
    });
    for (key, value) in fields.as_object().unwrap() {
        body[key] = value.clone();
    }
    let (status, participant) = app.send_json(client, "POST", "/api/v1/participants", body).await;
    assert_eq!(status, StatusCode::CREATED, "{participant}");
    participant["id"].as_str().unwrap().to_owned()
}

/// A name of control characters would be stored (NUL in a name, an escape sequence in a referrer).
#[tokio::test]
async fn control_characters_are_a_bad_row() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let file = "first_name;last_name;birth_date;health_category;situation;reached_at;referrer\n\
                Be\u{7}l;Een;1980-01-01;chronic_pain;inactive;Revalidatieziekenhuis Maasland;\n\
                Twee;\u{0}\u{1};1980-01-02;chronic_pain;inactive;Revalidatieziekenhuis Maasland;\n\
                Drie;Drie;1980-01-03;chronic_pain;inactive;Revalidatieziekenhuis Maasland;Dr.\tX\u{1b}[2J\n\
                Vier;Vier;1980-01-04;chronic_pain;inactive;Revalidatieziekenhuis Maasland;Dr. Janssens\n";
    let (status, report) = import(&app, &coach, file.as_bytes().to_vec(), "text/csv", true).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    let errors: Vec<(u64, &str, &str)> = report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["line"].as_u64().unwrap(),
                e["column"].as_str().unwrap(),
                e["code"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        errors,
        [
            (2, "first_name", "control-characters"),
            (3, "last_name", "control-characters"),
            (4, "referrer", "control-characters"),
        ]
    );
    let message = report["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains("stuurtekens"), "in the coach's language: {message}");
}

/// Renames a table under the running server, so that every read of it fails.
async fn break_table(app: &TestApp, table: &str) {
    let mut tx = app.db.begin().await.unwrap();
    let sql = format!("ALTER TABLE {table} RENAME TO {table}_gone");
    onramp_store::run!(&mut tx, c => sqlx::query(sqlx::AssertSqlSafe(sql)).execute(c).await.map(|r| r.rows_affected()))
        .unwrap();
    tx.commit().await.unwrap();
}

/// A database error while importing was reported as a bad row (`invalid-reference`), as if the
/// file named a programme that does not exist.
#[tokio::test]
async fn a_failing_database_is_an_internal_error_not_a_bad_row() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let file = "first_name;last_name;birth_date;health_category;situation;reached_at;programme;partner;started_on\n\
                Fout;Database;1980-01-01;chronic_pain;inactive;Revalidatieziekenhuis Maasland;we-go-to-work;Revalidatieziekenhuis Maasland;2026-01-05\n";
    let (status, report) = import(&app, &coach, file.as_bytes().to_vec(), "text/csv", true).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(report["errors"], json!([]), "{report}");
    break_table(&app, "programmes").await;
    for dry_run in [true, false] {
        let (status, problem) = import(&app, &coach, file.as_bytes().to_vec(), "text/csv", dry_run).await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR, "{problem}");
        assert_eq!(problem["type"], "urn:onramp:problem:internal", "{problem}");
        assert!(problem["import"].is_null(), "no report of bad rows: {problem}");
    }
}

/// Notes are not in the exchange format: a row about someone registered updates their record and
/// keeps their notes. When the database fails part-way through such a row, the import stops with
/// an internal error and writes nothing (it read the notes as missing and wrote them away).
#[tokio::test]
async fn a_merge_keeps_the_notes_and_stops_when_the_database_fails() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let id = register(
        &app,
        &coach,
        "1979-09-09",
        json!({"first_name": "Nora", "last_name": "Notities"}),
    )
    .await;
    let path = format!("/api/v1/participants/{id}");
    let (_, before) = app.get_json(&coach, &path).await;
    let notes = before["participant"]["notes"].clone();
    assert_eq!(notes, "Heeft het over pijn 's nachts.\nVolgt op.", "{before}");
    let file = |phone: &str| {
        format!(
            "participant_id;first_name;last_name;birth_date;health_category;situation;reached_at;phone\n\
             {id};Nora;Notities;1979-09-09;chronic_pain;inactive;Revalidatieziekenhuis Maasland;{phone}\n"
        )
        .into_bytes()
    };
    let (status, report) = import(&app, &coach, file("0475 11 11 11"), "text/csv", false).await;
    assert_eq!(status, StatusCode::CREATED, "{report}");
    assert_eq!(report["participants_updated"], 1, "{report}");
    let (_, after) = app.get_json(&coach, &path).await;
    let after = &after["participant"];
    assert_eq!(
        (after["phone"].clone(), after["notes"].clone()),
        (json!("0475 11 11 11"), notes.clone())
    );

    // Who may change the file is read from the trajectories: that read fails now.
    break_table(&app, "trajectories").await;
    let (status, problem) = import(&app, &coach, file("0475 22 22 22"), "text/csv", false).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR, "{problem}");
    let mut conn = app.db.conn().await.unwrap();
    let stored = onramp_store::participants::get(&mut conn, id.parse().unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.record.phone.as_deref(), Some("0475 11 11 11"), "nothing written");
    assert_eq!(stored.record.notes.as_deref(), notes.as_str(), "the notes kept");
}
