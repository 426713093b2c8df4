//! What an import does to the data itself: text with control characters is a bad row.

use crate::support::*;
use reqwest::{Client, StatusCode};
use serde_json::Value;

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
