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

/// The demo server trusting the proxies of `network`.
async fn behind_proxy_at(network: &str) -> TestApp {
    let config = Config {
        trusted_proxies: vec![network.parse().unwrap()],
        ..Config::default()
    };
    TestApp::spawn_with(config).await
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_client_is_throttled_and_logged_on_its_own() {
    let app = behind_proxy_at("127.0.0.1/32").await;
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
    let app = behind_proxy_at("127.0.0.0/8").await;
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

/// Runs `onramp serve` behind a pretend proxy on 127.0.0.1, makes a few requests and returns the
/// lines it logged at the default level, as JSON.
async fn logged_lines(requests: &[(&str, &str)]) -> Vec<serde_json::Value> {
    use std::process::{Command, Stdio};
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let addr = format!("127.0.0.1:{port}");
    let mut child = Command::new(env!("CARGO_BIN_EXE_onramp"))
        .args(["serve", "--addr", &addr, "--trusted-proxy", "127.0.0.1/32"])
        .env(
            "ONRAMP_DATABASE_URL",
            format!("sqlite:{}", dir.path().join("log.sqlite3").display()),
        )
        .env("ONRAMP_LOG_JSON", "true")
        .env_remove("ONRAMP_LOG")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run onramp serve");
    let client = TestApp::client();
    let base = format!("http://{addr}");
    let mut up = false;
    for _ in 0..100 {
        if client
            .get(format!("{base}/healthz"))
            .send()
            .await
            .is_ok_and(|r| r.status() == StatusCode::OK)
        {
            up = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(up, "the server starts");
    for (path, forwarded_for) in requests {
        client
            .get(format!("{base}{path}"))
            .header("x-forwarded-for", *forwarded_for)
            .send()
            .await
            .unwrap();
    }
    child.kill().unwrap();
    let output = child.wait_with_output().unwrap();
    String::from_utf8_lossy(&output.stderr)
        .lines()
        .filter_map(|line| serde_json::from_str(line).ok())
        .collect()
}

#[tokio::test]
async fn each_request_logs_one_line_with_its_route_never_its_ids_or_secrets() {
    let person = "0192f3c4-0000-7000-8000-00000000abcd";
    let secret = "feedsecret0123456789abcdef";
    let lines = logged_lines(&[
        (&format!("/api/v1/participants/{person}"), "198.51.100.7"),
        (&format!("/calendar/{secret}.ics"), "203.0.113.5"),
    ])
    .await;
    let all: String = lines.iter().map(|l| l.to_string()).collect();
    assert!(
        !all.contains(person) && !all.contains(secret),
        "no id, no secret: {all}"
    );
    let finished: Vec<&serde_json::Value> = lines
        .iter()
        .filter(|l| l["fields"]["message"] == "finished processing request")
        .collect();
    let line = finished
        .iter()
        .find(|l| l["span"]["route"] == "/api/v1/participants/{id}")
        .unwrap_or_else(|| panic!("the participant request's line: {all}"));
    assert_eq!(line["level"], "INFO", "{line}");
    assert_eq!(line["fields"]["status"], 401, "{line}");
    assert_eq!(line["span"]["method"], "GET", "{line}");
    assert_eq!(line["span"]["client"], "198.51.100.7", "{line}");
    assert!(line["fields"]["latency"].is_string(), "the duration: {line}");
    assert!(
        line["span"]["request_id"].as_str().is_some_and(|id| id.len() >= 32),
        "{line}"
    );
    let feed = finished
        .iter()
        .find(|l| l["span"]["client"] == "203.0.113.5")
        .unwrap_or_else(|| panic!("the feed request's line: {all}"));
    assert_eq!(feed["span"]["route"], "/calendar/{file}", "{feed}");
}
