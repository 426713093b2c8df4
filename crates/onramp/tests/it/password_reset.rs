//! Password reset by e-mail through the real server, with mail caught by a local SMTP sink: the
//! same answer for any address, a single-use link built from the configured public URL, expiry,
//! sessions ended, throttling.

use crate::support::*;
use reqwest::{Client, StatusCode};
use serde_json::json;

const PUBLIC_URL: &str = "https://onramp.example.org";

async fn spawn(sink: &MailSink, public_url: Option<&str>) -> TestApp {
    TestApp::spawn_with(onramp_web::Config {
        mailer: Some(
            onramp_web::mail::Mailer::new(
                &format!("smtp://127.0.0.1:{}", sink.port),
                "onramp <noreply@onramp.test>",
            )
            .expect("mailer"),
        ),
        public_url: public_url.map(str::to_owned),
        ..onramp_web::Config::default()
    })
    .await
}

/// Asks for a link with the form; the status and the page.
async fn ask(app: &TestApp, client: &Client, email: &str) -> (StatusCode, String) {
    let csrf = app.csrf(client, "/login/forgot").await;
    let response = client
        .post(app.url("/login/forgot"))
        .form(&[("csrf", csrf.as_str()), ("email", email)])
        .send()
        .await
        .unwrap();
    (response.status(), response.text().await.unwrap())
}

/// The reset mails received so far, raw (the digest's mail to coaches comes along too).
fn reset_mails(sink: &MailSink) -> Vec<String> {
    sink.messages()
        .into_iter()
        .filter(|raw| {
            read_with_python("read_mail.py", raw.as_bytes())["text"]
                .as_str()
                .unwrap()
                .contains("/password-reset/")
        })
        .collect()
}

/// The reset mails once `count` have come (the mail leaves after the answer).
async fn wait_for_mail(sink: &MailSink, count: usize) -> Vec<String> {
    for _ in 0..50 {
        if reset_mails(sink).len() >= count {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    reset_mails(sink)
}

/// The path of the reset link in a raw message, checking it starts with the public URL.
fn link_path(raw: &str) -> String {
    let mail = read_with_python("read_mail.py", raw.as_bytes());
    let text = mail["text"].as_str().unwrap();
    let link = text
        .split_whitespace()
        .find(|w| w.contains("/password-reset/"))
        .unwrap_or_else(|| panic!("no link in {mail}"));
    assert!(link.starts_with(&format!("{PUBLIC_URL}/password-reset/")), "{link}");
    link[PUBLIC_URL.len()..].to_owned()
}

async fn set_password(app: &TestApp, client: &Client, path: &str, new: &str, again: &str) -> StatusCode {
    let csrf = app.csrf(client, "/login").await;
    let response = client
        .post(app.url(path))
        .form(&[
            ("csrf", csrf.as_str()),
            ("new_password", new),
            ("confirm_password", again),
        ])
        .send()
        .await
        .unwrap();
    response.status()
}

async fn password_works(app: &TestApp, email: &str, password: &str) -> bool {
    let body = json!({"email": email, "password": password});
    app.send_json(&TestApp::client(), "POST", "/api/v1/sessions", body)
        .await
        .0
        == StatusCode::CREATED
}

/// The page's main text, without the anti-forgery token.
fn main_text(page: &str) -> String {
    let start = page.find("<main").expect("a main element");
    let end = page.find("</main>").expect("its end");
    page[start..end].to_owned()
}

#[tokio::test]
async fn a_mailed_link_sets_a_new_password_once_and_ends_every_session() {
    let sink = MailSink::start();
    let app = spawn(&sink, Some(PUBLIC_URL)).await;
    let old_session = app.browser_as(COACH_LIMBURG).await;
    let client = TestApp::client();
    let login = app.html(&client, "/login").await;
    assert!(
        login.contains("href=\"/login/forgot\""),
        "the sign-in page offers the reset"
    );

    let (status, known) = ask(&app, &client, COACH_LIMBURG).await;
    assert_eq!(status, StatusCode::OK);
    let messages = wait_for_mail(&sink, 1).await;
    assert_eq!(messages.len(), 1);
    let path = link_path(&messages[0]);

    // An address without an account gets the same page, and no mail.
    let (status, unknown) = ask(&app, &client, "nobody@nowhere.example").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(main_text(&known), main_text(&unknown));
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(reset_mails(&sink).len(), 1, "no mail for an unknown address");

    assert!(app.html(&client, &path).await.contains("new_password"));
    let status = set_password(&app, &client, &path, "a new long password", "another one").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let status = set_password(&app, &client, &path, "short", "short").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let new = "correct horse battery staple";
    assert_eq!(
        set_password(&app, &client, &path, new, new).await,
        StatusCode::SEE_OTHER
    );

    assert_eq!(
        app.get_json(&old_session, "/api/v1/me").await.0,
        StatusCode::UNAUTHORIZED
    );
    assert!(password_works(&app, COACH_LIMBURG, new).await);
    assert!(!password_works(&app, COACH_LIMBURG, PASSWORD).await);
    // Spent: the link works once.
    let response = client.get(app.url(&path)).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        set_password(&app, &client, &path, "yet another password", "yet another password").await,
        StatusCode::NOT_FOUND
    );
    assert!(password_works(&app, COACH_LIMBURG, new).await);

    assert_eq!(app.audit("password_reset.request").await.len(), 1);
    assert_eq!(app.audit("password_reset.unknown").await.len(), 1);
    assert_eq!(app.audit("password_reset.complete").await.len(), 1);
}

#[tokio::test]
async fn an_expired_link_is_refused() {
    let sink = MailSink::start();
    let app = spawn(&sink, Some(PUBLIC_URL)).await;
    let client = TestApp::client();
    let body = json!({"email": COACH_LIMBURG});
    let (status, _) = app.send_json(&client, "POST", "/api/v1/password-resets", body).await;
    assert_eq!(status, StatusCode::ACCEPTED);
    let path = link_path(&wait_for_mail(&sink, 1).await[0]);
    let token = path.rsplit('/').next().unwrap().to_owned();

    // 31 minutes later, as far as the link knows.
    let mut tx = app.db.begin().await.unwrap();
    let past = chrono::Utc::now() - chrono::Duration::minutes(1);
    let sql = "UPDATE password_resets SET expires_at = $1";
    let changed =
        onramp_store::run!(&mut tx, c => sqlx::query(sql).bind(past).execute(c).await.map(|r| r.rows_affected()));
    assert_eq!(changed.unwrap(), 1);
    tx.commit().await.unwrap();
    assert_eq!(
        client.get(app.url(&path)).send().await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
    let body = json!({"token": token, "new_password": "a long enough password"});
    let (status, problem) = app
        .send_json(&client, "POST", "/api/v1/password-resets/complete", body)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{problem}");
    assert!(password_works(&app, COACH_LIMBURG, PASSWORD).await);
}

#[tokio::test]
async fn the_api_resets_too_and_requests_are_throttled_per_address_and_client() {
    let sink = MailSink::start();
    let app = spawn(&sink, Some(PUBLIC_URL)).await;
    let client = TestApp::client();
    let body = json!({"email": COACH_LIMBURG});
    assert_eq!(
        app.send_json(&client, "POST", "/api/v1/password-resets", body).await.0,
        StatusCode::ACCEPTED
    );
    let token = link_path(&wait_for_mail(&sink, 1).await[0])
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned();
    let body = json!({"token": token, "new_password": "short"});
    let (status, problem) = app
        .send_json(&client, "POST", "/api/v1/password-resets/complete", body)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&problem, "new_password", "password-too-short"), "{problem}");
    let body = json!({"token": token, "new_password": "a long enough password"});
    let (status, _) = app
        .send_json(&client, "POST", "/api/v1/password-resets/complete", body)
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert!(password_works(&app, COACH_LIMBURG, "a long enough password").await);

    // Two more for this address pass; the fourth in the window is refused, known or not.
    for expected in [
        StatusCode::ACCEPTED,
        StatusCode::ACCEPTED,
        StatusCode::TOO_MANY_REQUESTS,
    ] {
        let body = json!({"email": COACH_LIMBURG});
        assert_eq!(
            app.send_json(&client, "POST", "/api/v1/password-resets", body).await.0,
            expected
        );
    }
    for expected in [
        StatusCode::ACCEPTED,
        StatusCode::ACCEPTED,
        StatusCode::ACCEPTED,
        StatusCode::TOO_MANY_REQUESTS,
    ] {
        let body = json!({"email": "nobody@nowhere.example"});
        assert_eq!(
            app.send_json(&client, "POST", "/api/v1/password-resets", body).await.0,
            expected
        );
    }
    // Per client: 20 requests in the window, whatever the addresses (8 so far).
    for i in 0..13 {
        let body = json!({"email": format!("someone.{i}@nowhere.example")});
        let expected = if i < 12 {
            StatusCode::ACCEPTED
        } else {
            StatusCode::TOO_MANY_REQUESTS
        };
        assert_eq!(
            app.send_json(&client, "POST", "/api/v1/password-resets", body).await.0,
            expected,
            "request {i}"
        );
    }
}

#[tokio::test]
async fn without_a_public_url_there_is_no_reset_by_mail() {
    let sink = MailSink::start();
    let app = spawn(&sink, None).await;
    let client = TestApp::client();
    let page = app.html(&client, "/login/forgot").await;
    assert!(!page.contains("name=\"email\""), "no form to ask with");
    let body = json!({"email": COACH_LIMBURG});
    let (status, problem) = app.send_json(&client, "POST", "/api/v1/password-resets", body).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "a service not offered here");
    assert_eq!(problem["type"], "urn:onramp:problem:password-reset-off");
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(reset_mails(&sink).is_empty());
}
