//! Behind a reverse proxy (docs/security.md): with `--trusted-proxy`, the client a trusted proxy
//! names is the one throttled and written into the audit log; a header from anyone else is
//! ignored, and so is any header when no proxy is trusted.

use crate::support::*;
use onramp_web::Config;
use reqwest::StatusCode;
use serde_json::json;

/// A sign-in from `client`, as the proxy passes it on (or as an attacker forges it).
async fn sign_in_from(app: &TestApp, client: &str, email: &str, password: &str) -> StatusCode {
    TestApp::client()
        .post(app.url("/api/v1/sessions"))
        .header("x-forwarded-for", client)
        .json(&json!({"email": email, "password": password}))
        .send()
        .await
        .unwrap()
        .status()
}

/// Fails sign-ins from `client` until its address is blocked, each for another unknown account.
async fn guess_from(app: &TestApp, client: &str) {
    for n in 0..onramp_store::throttle::MAX_FAILURES_PER_ADDRESS {
        let email = format!("guess{n}-{client}@onramp.demo");
        assert_eq!(
            sign_in_from(app, client, &email, "guessing wrongly").await,
            StatusCode::UNAUTHORIZED
        );
    }
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_client_is_throttled_and_logged_on_its_own() {
    let config = Config {
        trusted_proxies: vec!["127.0.0.1/32".parse().unwrap()],
        ..Config::default()
    };
    let app = TestApp::spawn_with(config).await;
    guess_from(&app, "198.51.100.7").await;
    assert_eq!(
        sign_in_from(&app, "198.51.100.7", ADMIN, PASSWORD).await,
        StatusCode::TOO_MANY_REQUESTS,
        "the guessing client is blocked"
    );
    assert_eq!(
        sign_in_from(&app, "203.0.113.20", ADMIN, PASSWORD).await,
        StatusCode::CREATED,
        "another client behind the same proxy is not"
    );
    // A client cannot hide behind a first hop of its own making: the proxy's hop counts.
    assert_eq!(
        sign_in_from(&app, "203.0.113.99, 198.51.100.7", ADMIN, PASSWORD).await,
        StatusCode::TOO_MANY_REQUESTS
    );
    let entries = app.audit("login.success").await;
    assert!(
        entries.iter().any(|e| e.address.as_deref() == Some("203.0.113.20")),
        "the audit log names the client: {entries:?}"
    );
    assert!(entries.iter().all(|e| e.address.as_deref() != Some("127.0.0.1")));
}

#[tokio::test]
async fn without_a_trusted_proxy_a_forged_header_changes_nothing() {
    let app = TestApp::spawn().await;
    // A forged scheme does not make cookies Secure-only over plain HTTP.
    let response = TestApp::client()
        .post(app.url("/api/v1/sessions"))
        .header("x-forwarded-proto", "https")
        .json(&json!({"email": COACH_LIMBURG, "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let cookie = response.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(!cookie.contains("Secure"), "{cookie}");

    guess_from(&app, "198.51.100.7").await;
    // The failures counted for the real peer (127.0.0.1): another claimed address is blocked too.
    assert_eq!(
        sign_in_from(&app, "203.0.113.20", ADMIN, PASSWORD).await,
        StatusCode::TOO_MANY_REQUESTS
    );
    let failures = app.audit("login.failure").await;
    assert!(!failures.is_empty());
    assert!(
        failures.iter().all(|e| e.address.as_deref() == Some("127.0.0.1")),
        "{failures:?}"
    );
}

#[tokio::test]
async fn a_trusted_proxy_that_says_https_makes_cookies_secure() {
    let config = Config {
        trusted_proxies: vec!["127.0.0.0/8".parse().unwrap()],
        ..Config::default()
    };
    let app = TestApp::spawn_with(config).await;
    let response = TestApp::client()
        .post(app.url("/api/v1/sessions"))
        .header("x-forwarded-proto", "https")
        .header("x-forwarded-for", "198.51.100.30")
        .json(&json!({"email": COACH_LIMBURG, "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let cookie = response.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.contains("Secure"), "{cookie}");
}
