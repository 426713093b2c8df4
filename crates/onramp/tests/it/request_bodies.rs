//! What a JSON body may hold: an object (not an array read as a struct's fields in order), and
//! text without control characters (one line for a name, lines and tabs in notes).

use crate::support::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

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

fn intake(organisation: &str, fields: Value) -> Value {
    let mut body = json!({
        "organisation_id": organisation, "first_name": "Clean", "last_name": "Name", "birth_date": "1980-02-02",
        "health_category": "chronic_pain", "situation": "inactive"
    });
    for (key, value) in fields.as_object().unwrap() {
        body[key] = value.clone();
    }
    body
}

/// A NUL byte in a name was stored; a name of control characters only was stored too.
#[tokio::test]
async fn control_characters_are_refused_field_by_field() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let admin = app.api_as(ADMIN).await;
    let maasland = app.organisation_id("Revalidatieziekenhuis Maasland").await;
    for (fields, field) in [
        (json!({"first_name": "Jan\u{0}"}), "first_name"),
        (json!({"last_name": "\u{1}\u{2}\u{3}"}), "last_name"),
        (json!({"last_name": "Peeters\u{1b}[2J"}), "last_name"),
        (json!({"first_name": "An\nNa"}), "first_name"),
        (json!({"referrer": "Dr.\tJanssens"}), "referrer"),
        (json!({"notes": "Eerste\u{0}regel"}), "notes"),
        (json!({"notes": "Eerste\rregel"}), "notes"),
    ] {
        let (status, problem) = app
            .send_json(
                &coach,
                "POST",
                "/api/v1/participants",
                intake(&maasland, fields.clone()),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{fields}: {problem}");
        assert_eq!(
            field_errors(&problem),
            [(field.to_owned(), "control-characters".to_owned())],
            "{fields}"
        );
    }
    // Notes keep their lines and tabs.
    let notes = "Eerste regel\r\nTweede regel\n\tingesprongen";
    let (status, created) = app
        .send_json(
            &coach,
            "POST",
            "/api/v1/participants",
            intake(&maasland, json!({"notes": notes})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["notes"], notes);

    let limburg = app.region_id("limburg").await;
    let body = json!({"name": "Kliniek\u{0}", "kind": "pain_clinic", "region_id": limburg});
    let (status, problem) = app.send_json(&admin, "POST", "/api/v1/organisations", body).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert!(has_error(&problem, "name", "control-characters"), "{problem}");
    let body = json!({"name": "\u{7f}\u{85}", "kind": "pain_clinic", "region_id": limburg});
    let (status, problem) = app.send_json(&admin, "POST", "/api/v1/organisations", body).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert!(has_error(&problem, "name", "control-characters"), "{problem}");
}
