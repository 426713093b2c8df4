//! Programmes as configurable templates.

use crate::support::*;
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn both_seed_programmes_ship_built_in() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let (status, list) = app.get_json(&coach, "/api/v1/programmes").await;
    assert_eq!(status, StatusCode::OK);
    let wgtw = list
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["code"] == "we-go-to-work")
        .unwrap();
    assert_eq!(wgtw["max_duration_months"], 24);
    assert_eq!(wgtw["built_in"], true);
    assert!(wgtw["follow_up_months"].as_array().unwrap().contains(&json!(18)));
    assert_eq!(wgtw["phases"][0]["code"], "contact");
    let boost = list
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["code"] == "boost2work")
        .unwrap();
    assert_eq!(boost["max_duration_months"], 6);
    assert_eq!(
        (boost["min_sick_months"].clone(), boost["max_sick_months"].clone()),
        (json!(1), json!(12))
    );
    let funder = app.api_as(FUNDER).await;
    assert_eq!(
        app.get_json(&funder, "/api/v1/programmes").await.0,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn an_administrator_defines_a_third_programme_without_code() {
    let app = TestApp::spawn().await;
    let admin = app.api_as(ADMIN).await;
    let body = json!({
        "code": "werkfit", "name": "Werkfit West", "max_duration_months": 9, "follow_up_months": [3, 6],
        "situations": ["inactive"], "min_age": 18, "max_age": 64,
        "phases": [{"code": "intake", "name": "Intake"}, {"code": "coaching", "name": "Coaching"}],
        "modules": [{"code": "individual", "name": "Individual coaching"}]
    });
    let (status, created) = app.send_json(&admin, "POST", "/api/v1/programmes", body.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["built_in"], false);
    let (status, problem) = app.send_json(&admin, "POST", "/api/v1/programmes", body).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&problem, "code", "taken"));

    let bad = json!({"code": "Bad Code", "name": "", "max_duration_months": 0, "follow_up_months": [12, 6], "phases": [], "min_age": 60, "max_age": 20});
    let (_, problem) = app.send_json(&admin, "POST", "/api/v1/programmes", bad).await;
    for (field, code) in [
        ("code", "invalid-code"),
        ("name", "required"),
        ("max_duration_months", "out-of-range"),
        ("follow_up_months", "months-not-ascending"),
        ("phases", "required"),
        ("max_age", "range-inverted"),
    ] {
        assert!(has_error(&problem, field, code), "{field} {code}: {problem}");
    }
    let coach = app.api_as(COACH_LIMBURG).await;
    let (status, _) = app
        .send_json(&coach, "POST", "/api/v1/programmes", json!({"code": "x"}))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn phases_in_use_cannot_be_removed() {
    let app = TestApp::spawn().await;
    let admin = app.api_as(ADMIN).await;
    let (_, list) = app.get_json(&admin, "/api/v1/programmes").await;
    let boost = list
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["code"] == "boost2work")
        .unwrap()
        .clone();
    let id = boost["id"].as_str().unwrap();
    // The demo has open Boost2work trajectories in the intake phase.
    let mut body = boost.clone();
    body["phases"] = json!([{"code": "canvas", "name": "Canvas"}]);
    body["max_duration_months"] = json!(6);
    let (status, problem) = app
        .send_json(&admin, "PUT", &format!("/api/v1/programmes/{id}"), body)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&problem, "phases", "phase-in-use"));
    let mut body = boost.clone();
    body["max_duration_months"] = json!(4);
    let (status, updated) = app
        .send_json(&admin, "PUT", &format!("/api/v1/programmes/{id}"), body)
        .await;
    assert_eq!(status, StatusCode::OK, "the original pilot form: 4 months");
    assert_eq!(updated["max_duration_months"], 4);
}

#[tokio::test]
async fn the_programme_form_creates_a_programme() {
    let app = TestApp::spawn().await;
    let browser = app.browser_as(ADMIN).await;
    let csrf = app.csrf(&browser, "/programmes/new").await;
    let form = [
        ("csrf", csrf.as_str()),
        ("code", "pilot"),
        ("name", "Pilot"),
        ("max_duration_months", "x"),
        ("phases", ""),
    ];
    let response = browser
        .post(app.url("/programmes/new"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    assert!(
        html.contains("id=\"e-max_duration_months\"")
            && html.contains("id=\"e-phases\"")
            && html.contains("value=\"Pilot\"")
    );
    let form = [
        ("csrf", csrf.as_str()),
        ("code", "pilot"),
        ("name", "Pilot"),
        ("max_duration_months", "9"),
        ("follow_up_months", "3, 6"),
        ("phases", "intake: Intake\nCoaching"),
        ("situations", "inactive"),
    ];
    let response = browser
        .post(app.url("/programmes/new"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let html = browser
        .get(app.url(response.headers()["location"].to_str().unwrap()))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    // The code is for imports and the API: the page shows it only in the administrator's form.
    assert!(html.contains("coaching: Coaching"), "a code made from the name");
}
