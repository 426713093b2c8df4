//! Regions: listed for most roles, managed by administrators.

use crate::support::*;
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn the_five_regions_are_there_and_new_ones_are_checked() {
    let app = TestApp::spawn().await;
    let admin = app.api_as(ADMIN).await;
    let (status, list) = app.get_json(&admin, "/api/v1/regions").await;
    assert_eq!(status, StatusCode::OK);
    let codes: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        [
            "antwerpen",
            "limburg",
            "oost-vlaanderen",
            "vlaams-brabant",
            "west-vlaanderen"
        ]
    );

    let (status, problem) = app
        .send_json(
            &admin,
            "POST",
            "/api/v1/regions",
            json!({"code": "Limburg", "name": "Limburg 2"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        has_error(&problem, "code", "taken"),
        "codes are unique, case-insensitively"
    );
    let (_, problem) = app
        .send_json(
            &admin,
            "POST",
            "/api/v1/regions",
            json!({"code": "brussel hoofdstad", "name": ""}),
        )
        .await;
    assert!(has_error(&problem, "code", "invalid-code"));
    assert!(has_error(&problem, "name", "required"));

    let (status, region) = app
        .send_json(
            &admin,
            "POST",
            "/api/v1/regions",
            json!({"code": "brussel", "name": "Brussel"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let id = region["id"].as_str().unwrap();
    let (status, renamed) = app
        .send_json(
            &admin,
            "PUT",
            &format!("/api/v1/regions/{id}"),
            json!({"code": "brussel", "name": "Brussels Gewest"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(renamed["name"], "Brussels Gewest");
    let entries = app.audit("region.update").await;
    assert!(entries[0].before_json.as_deref().unwrap().contains("\"Brussel\""));
}

#[tokio::test]
async fn the_regions_page_creates_and_renames() {
    let app = TestApp::spawn().await;
    let browser = app.browser_as(ADMIN).await;
    let csrf = app.csrf(&browser, "/regions").await;
    let response = browser
        .post(app.url("/regions"))
        .form(&[("csrf", csrf.as_str()), ("code", "?"), ("name", "Brussel")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(response.text().await.unwrap().contains("value=\"Brussel\""));
    let response = browser
        .post(app.url("/regions"))
        .form(&[("csrf", csrf.as_str()), ("code", "brussel"), ("name", "Brussel")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let limburg = app.region_id("limburg").await;
    let form = [("csrf", csrf.as_str()), ("code", "limburg"), ("name", "")];
    let response = browser
        .post(app.url(&format!("/regions/{limburg}")))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        response.text().await.unwrap().contains("<details open>"),
        "the failed rename stays open"
    );
    let coach = app.browser_as(COACH_LIMBURG).await;
    let html = coach
        .get(app.url("/regions"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("Brussel") && !html.contains("action=\"/regions\""),
        "coaches read, do not manage"
    );
}
