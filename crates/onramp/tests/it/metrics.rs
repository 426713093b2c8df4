//! `GET /metrics` (docs/operations.md, "Metrics"): there only with `--metrics-token`, only for a
//! request bearing it, and in a format the Prometheus project's own parser reads, counting the
//! requests just made by route template and status, the refused sign-ins and the pools.

use crate::support::*;
use onramp_web::Config;
use reqwest::StatusCode;
use serde_json::{Value, json};

const TOKEN: &str = "scrape-me-0123456789";

async fn scrape(app: &TestApp, token: Option<&str>) -> (StatusCode, String) {
    let mut request = TestApp::client().get(app.url("/metrics"));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    (response.status(), response.text().await.unwrap())
}

/// The value of the sample `name` whose labels include `labels`.
fn sample(samples: &Value, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    samples
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == name && labels.iter().all(|(k, v)| s["labels"][*k] == *v))
        .and_then(|s| s["value"].as_f64())
}

#[tokio::test]
async fn metrics_need_their_token_and_count_what_was_just_done() {
    let app = TestApp::spawn_with(Config {
        metrics_token: Some(TOKEN.into()),
        ..Config::default()
    })
    .await;
    assert_eq!(scrape(&app, None).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(scrape(&app, Some("scrape-me-wrong")).await.0, StatusCode::UNAUTHORIZED);
    // A user's session is no way in either.
    let admin = app.api_as(ADMIN).await;
    let response = admin.get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);

    // What the scrape should find: two reads of /api/v1/me, a refused sign-in, a participant's page.
    for _ in 0..2 {
        assert_eq!(app.get_json(&admin, "/api/v1/me").await.0, StatusCode::OK);
    }
    let refused = json!({"email": ADMIN, "password": "not the password"});
    let (status, _) = app
        .send_json(&TestApp::client(), "POST", "/api/v1/sessions", refused)
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let person = "0192f3c4-0000-7000-8000-00000000abcd";
    let (status, _) = app.get_json(&admin, &format!("/api/v1/participants/{person}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let (status, text) = scrape(&app, Some(TOKEN)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!text.contains(person), "routes, never paths");
    let samples = read_with_python("read_metrics.py", text.as_bytes());
    let me = [("method", "GET"), ("route", "/api/v1/me"), ("status", "200")];
    assert_eq!(
        sample(&samples, "onramp_http_requests_total", &me),
        Some(2.0),
        "{samples}"
    );
    let file = [("route", "/api/v1/participants/{id}"), ("status", "404")];
    assert_eq!(sample(&samples, "onramp_http_requests_total", &file), Some(1.0));
    let timed = sample(
        &samples,
        "onramp_http_request_duration_seconds_count",
        &[("route", "/api/v1/me")],
    );
    assert_eq!(timed, Some(2.0), "each request timed");
    assert!(sample(&samples, "onramp_sign_ins_total", &[("outcome", "failure")]) >= Some(1.0));
    assert!(sample(&samples, "onramp_sign_ins_total", &[("outcome", "success")]) >= Some(1.0));
    assert!(sample(&samples, "onramp_db_pool_max_connections", &[("pool", "reads")]) >= Some(1.0));
    assert!(sample(&samples, "onramp_db_pool_acquired", &[("pool", "reads")]) >= Some(1.0));
    assert!(sample(&samples, "onramp_db_pool_wait_seconds", &[("pool", "reads")]).is_some());
}

#[tokio::test]
async fn without_a_token_there_are_no_metrics() {
    let app = TestApp::spawn().await;
    assert_eq!(scrape(&app, None).await.0, StatusCode::NOT_FOUND);
    assert_eq!(scrape(&app, Some(TOKEN)).await.0, StatusCode::NOT_FOUND);
}
