//! Issue 22's request-security points, each through the running server: where sign-in may send
//! you, cross-site requests on the API, what may be cached, the throttled page's Retry-After,
//! slow headers, the "last seen" touch off the request's path, and intake as one transaction.

use crate::support::*;
use reqwest::StatusCode;
use serde_json::json;

fn location(response: &reqwest::Response) -> String {
    response.headers()["location"].to_str().unwrap().to_owned()
}

/// The hidden `next` field of the sign-in form.
fn hidden_next(html: &str) -> String {
    let marker = "name=\"next\" value=\"";
    let start = html.find(marker).expect("the sign-in form carries next") + marker.len();
    html[start..].split('"').next().unwrap().to_owned()
}

#[tokio::test]
async fn sign_in_and_the_language_switch_only_go_to_plain_paths_on_this_site() {
    let app = TestApp::spawn().await;
    // Browsers drop a tab or a newline in a Location, so "/\t/evil.example" is //evil.example.
    let hostile = [
        "%2F%09%2Fevil.example",
        "%2F%0A%2Fevil.example",
        "%2F%5Cevil.example",
        "%2F%2Fevil.example",
    ];

    // Signed out: the form carries the home page instead, and nothing fails.
    let anonymous = TestApp::client();
    for next in hostile {
        let response = anonymous
            .get(app.url(&format!("/login?next={next}")))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{next}");
        assert_eq!(hidden_next(&response.text().await.unwrap()), "/", "{next}");
    }
    let html = anonymous
        .get(app.url("/login?next=%2Fcaseload%3Fmine%3Dtrue"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(hidden_next(&html), "/caseload?mine=true", "a path of this site is kept");

    // Signing in with a hostile next goes home.
    for next in [
        "/\t/evil.example",
        "/\n/evil.example",
        "/\\evil.example",
        "https://evil.example/",
    ] {
        let client = TestApp::client();
        let csrf = app.csrf(&client, "/login").await;
        let form = [
            ("csrf", csrf.as_str()),
            ("email", ADMIN),
            ("password", PASSWORD),
            ("next", next),
        ];
        let response = client.post(app.url("/login")).form(&form).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{next:?}");
        assert_eq!(location(&response), "/", "{next:?}");
    }

    // Signed in, /login sends you on at once: home, never elsewhere, never a 500.
    let browser = app.browser_as(ADMIN).await;
    for next in hostile {
        let response = browser
            .get(app.url(&format!("/login?next={next}")))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{next}");
        assert_eq!(location(&response), "/", "{next}");
    }
    let response = browser.get(app.url("/login?next=%2Fcaseload")).send().await.unwrap();
    assert_eq!(location(&response), "/caseload");

    // The language switch comes back the same way.
    let csrf = app.csrf(&browser, "/account").await;
    for next in ["/\t/evil.example", "//evil.example", "/\r\n/evil.example"] {
        let form = [("csrf", csrf.as_str()), ("language", "en"), ("next", next)];
        let response = browser.post(app.url("/language")).form(&form).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{next:?}");
        assert_eq!(location(&response), "/", "{next:?}");
    }
    let form = [("csrf", csrf.as_str()), ("language", "en"), ("next", "/account")];
    let response = browser.post(app.url("/language")).form(&form).send().await.unwrap();
    assert_eq!(location(&response), "/account");
}

fn cache_control(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("cache-control")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

#[tokio::test]
async fn pages_files_and_answers_with_personal_data_are_never_stored() {
    let app = TestApp::spawn().await;
    let coach = app.browser_as(COACH_LIMBURG).await;
    let (_, caseload) = app.get_json(&coach, "/api/v1/caseload?limit=1").await;
    let row = &caseload["rows"][0];
    let participant = row["participant_id"].as_str().unwrap();
    let (status, feed) = app.send_json(&coach, "POST", "/api/v1/calendar-feeds", json!({})).await;
    assert_eq!(status, StatusCode::CREATED);
    let feed = feed["url"].as_str().unwrap().to_owned();
    for path in [
        "/caseload".to_owned(),
        format!("/participants/{participant}"),
        format!("/participants/{participant}/icf/pdf"),
        format!("/api/v1/participants/{participant}"),
        "/api/v1/caseload".to_owned(),
        "/api/v1/me".to_owned(),
        "/export/participants.csv".to_owned(),
        "/export/participants.xlsx".to_owned(),
        "/api/v1/exports/participants.csv".to_owned(),
        "/api/v1/exports/participants.xlsx".to_owned(),
        "/api/v1/nothing-here".to_owned(),
        "/login".to_owned(),
    ] {
        let response = coach.get(app.url(&path)).send().await.unwrap();
        assert!(
            cache_control(&response).contains("no-store"),
            "{path}: {:?}",
            response.headers()
        );
    }
    let response = TestApp::client().get(&feed).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(cache_control(&response).contains("no-store"), "the calendar feed");
    let response = coach.get(app.url("/static/app.css")).send().await.unwrap();
    assert_eq!(
        cache_control(&response),
        "public, max-age=3600",
        "the stylesheet keeps its cache"
    );
}

#[tokio::test]
async fn the_throttled_sign_in_page_says_when_to_try_again() {
    let app = TestApp::spawn().await;
    let client = TestApp::client();
    for _ in 0..onramp_store::throttle::MAX_FAILURES_PER_ACCOUNT {
        let body = json!({"email": COACH_LIMBURG, "password": "guessing wrongly"});
        let (status, _) = app.send_json(&client, "POST", "/api/v1/sessions", body).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let csrf = app.csrf(&client, "/login").await;
    let form = [
        ("csrf", csrf.as_str()),
        ("email", COACH_LIMBURG),
        ("password", PASSWORD),
        ("next", "/"),
    ];
    let response = client.post(app.url("/login")).form(&form).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(response.headers()["retry-after"], "900", "as the API's 429");
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
}

/// The server on a fresh database whose clients have `timeout` to send a request's headers.
async fn serve_with_header_timeout(timeout: std::time::Duration) -> (std::net::SocketAddr, TestDb) {
    let test_db = TestDb::new().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let config = onramp_web::Config {
        header_read_timeout: timeout,
        ..onramp_web::Config::default()
    };
    let state = onramp_web::AppState {
        db: test_db.db.clone(),
        config: std::sync::Arc::new(config),
    };
    tokio::spawn(onramp_web::serve(listener, state));
    (addr, test_db)
}

/// Waits until the server closes the connection (end of stream or reset); how long that took.
async fn closed_after(reader: &mut tokio::net::tcp::OwnedReadHalf) -> std::time::Duration {
    use tokio::io::AsyncReadExt;
    let started = std::time::Instant::now();
    let mut buffer = Vec::new();
    let read = tokio::time::timeout(std::time::Duration::from_secs(10), reader.read_to_end(&mut buffer)).await;
    assert!(read.is_ok(), "the connection is still open after 10 s");
    started.elapsed()
}

#[tokio::test]
async fn a_connection_sending_its_headers_slowly_is_closed() {
    use tokio::io::AsyncWriteExt;
    let bound = std::time::Duration::from_secs(1);
    let (addr, _db) = serve_with_header_timeout(bound).await;
    let response = TestApp::client()
        .get(format!("http://{addr}/healthz"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK, "a whole request is answered");

    // Part of a request line, then silence.
    let (mut reader, mut writer) = tokio::net::TcpStream::connect(addr).await.unwrap().into_split();
    writer.write_all(b"GET /healthz HTT").await.unwrap();
    let waited = closed_after(&mut reader).await;
    assert!(waited < bound * 3, "closed after {waited:?}");

    // A byte every 200 ms: each byte comes in time, the headers as a whole do not.
    let (mut reader, mut writer) = tokio::net::TcpStream::connect(addr).await.unwrap().into_split();
    let trickle = tokio::spawn(async move {
        for byte in b"GET /healthz HTTP/1.1\r\nHost: onramp\r\nX-Slow: ".iter().cycle() {
            if writer.write_all(&[*byte]).await.is_err() {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        }
    });
    let waited = closed_after(&mut reader).await;
    assert!(waited < bound * 3, "closed after {waited:?}");
    trickle.abort();
}
