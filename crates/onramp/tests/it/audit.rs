//! The audit log: written with every change, browsed by administrators, never changed.

use crate::support::*;
use onramp_store::run;
use reqwest::StatusCode;

#[tokio::test]
async fn administrators_browse_and_filter_the_audit_log() {
    let app = TestApp::spawn().await;
    let _ = app
        .send_json(
            &TestApp::client(),
            "POST",
            "/api/v1/sessions",
            serde_json::json!({"email": COACH_LIMBURG, "password": "nope"}),
        )
        .await;
    let admin = app.api_as(ADMIN).await;
    let (status, page) = app.get_json(&admin, "/api/v1/audit?action=login.").await;
    assert_eq!(status, StatusCode::OK);
    let actions: Vec<&str> = page["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        ["login.success", "login.failure"],
        "newest first, family filter"
    );
    let (_, page) = app
        .get_json(&admin, &format!("/api/v1/audit?actor={COACH_LIMBURG}"))
        .await;
    assert_eq!(page["entries"].as_array().unwrap().len(), 1);
    let (_, page) = app
        .get_json(&admin, "/api/v1/audit?from=2000-01-01&until=2000-01-31")
        .await;
    assert!(page["entries"].as_array().unwrap().is_empty());
    let (status, problem) = app.get_json(&admin, "/api/v1/audit?from=yesterday").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&problem, "from", "invalid-date"));

    let browser = app.browser_as(ADMIN).await;
    let html = browser
        .get(app.url("/audit?action=login.failure"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains(COACH_LIMBURG) && html.contains("login.failure"));
}

#[tokio::test]
async fn the_audit_log_is_append_only_in_the_database() {
    let app = TestApp::spawn().await;
    app.api_as(ADMIN).await;
    let mut tx = app.db.begin().await.unwrap();
    let update = run!(&mut tx, c => sqlx::query("UPDATE audit_log SET actor_label = 'someone else'").execute(c).await.map(|_| ()));
    assert!(update.is_err(), "updates are refused");
    drop(tx);
    let mut tx = app.db.begin().await.unwrap();
    let delete = run!(&mut tx, c => sqlx::query("DELETE FROM audit_log").execute(c).await.map(|_| ()));
    assert!(delete.is_err(), "deletes are refused");
    drop(tx);
    assert_eq!(app.audit("login.success").await.len(), 1);
}
