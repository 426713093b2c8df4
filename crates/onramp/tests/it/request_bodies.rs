//! What a JSON body may hold: an object (not an array read as a struct's fields in order).

use crate::support::*;
use reqwest::StatusCode;
use serde_json::json;

/// `[7, 8, 9, 10]` set a location's four kinds of hours: serde reads a sequence as a struct's
/// fields in order.
#[tokio::test]
async fn a_json_body_must_be_an_object() {
    let app = TestApp::spawn().await;
    let coordinator = app.api_as(COORDINATOR_LIMBURG).await;
    let maasland = app.organisation_id("Revalidatieziekenhuis Maasland").await;
    let gtb = app.organisation_id("GTB Vlaanderen").await;
    let body = json!({"provider_id": gtb, "starts_on": "2027-01-01", "ends_on": "2027-12-31", "reach_target": 180,
                      "steps_target_percent": 12.5, "fte": 0.8});
    let path = format!("/api/v1/organisations/{maasland}/agreements");
    let (status, agreement) = app.send_json(&coordinator, "POST", &path, body).await;
    assert_eq!(status, StatusCode::CREATED, "{agreement}");
    let id = agreement["id"].as_str().unwrap();
    let (_, detail) = app
        .get_json(&coordinator, &format!("/api/v1/organisations/{maasland}"))
        .await;
    let location = detail["locations"][0]["id"].as_str().unwrap();
    let hours = format!("/api/v1/agreements/{id}/locations/{location}");
    for body in [
        json!([7, 8, 9, 10]),
        json!([]),
        json!(42),
        json!("text"),
        json!(null),
        json!(true),
    ] {
        let (status, problem) = app.send_json(&coordinator, "PUT", &hours, body.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}: {problem}");
        assert_eq!(problem["type"], "urn:onramp:problem:malformed-body", "{body}");
    }
    let (_, agreement) = app.get_json(&coordinator, &format!("/api/v1/agreements/{id}")).await;
    assert_eq!(agreement["hours"], json!([]), "nothing set: {agreement}");
    // An object still sets them.
    let (status, set) = app
        .send_json(&coordinator, "PUT", &hours, json!({"individual": 7, "group": 8}))
        .await;
    assert_eq!(status, StatusCode::OK, "{set}");
    assert_eq!(
        (set[0]["individual"].clone(), set[0]["group"].clone()),
        (json!(7), json!(8))
    );
    // Any JSON body, on any endpoint: a sign-in too.
    let client = TestApp::client();
    let response = client
        .post(app.url("/api/v1/sessions"))
        .json(&json!([ADMIN, PASSWORD]))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
}
