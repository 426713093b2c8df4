//! Single sign-on through a real OpenID Connect provider: the certified `oidc-provider` from npm
//! (tests-oidc/, installed by scripts/test), started on a port of its own for each test, with
//! its people in a fixture file the test may change between sign-ins.

use crate::support::{ADMIN, COACH_LIMBURG, COORDINATOR_LIMBURG, PASSWORD, TestApp, audit_mentions, count, csrf_in};
use onramp_web::Config;
use onramp_web::sso::{Provider, Settings};
use reqwest::{Client, StatusCode, Url, header};
use serde_json::json;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

const CLIENT_ID: &str = "onramp-tests";
const CLIENT_SECRET: &str = "a-client-secret-for-the-tests-only";

/// The provider, running; stopped when dropped.
struct OidcProvider {
    child: Child,
    issuer: String,
    people: PathBuf,
    _dir: tempfile::TempDir,
}

impl Drop for OidcProvider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl OidcProvider {
    /// Starts the provider for an onramp at `onramp` (its redirect and sign-out addresses).
    async fn start(onramp: &str) -> OidcProvider {
        let package = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests-oidc");
        assert!(
            package.join("node_modules/oidc-provider").is_dir(),
            "the single sign-on tests need the OpenID Connect provider of {}: run `npm ci` there \
             (scripts/test does it) with Node.js 20 or later",
            package.display()
        );
        if let Err(error) = Command::new("node").arg("--version").output() {
            panic!("the single sign-on tests need Node.js 20 or later (`node` on the PATH): {error}");
        }
        let dir = tempfile::tempdir().expect("temp dir");
        let people = dir.path().join("people.json");
        write_people(
            &people,
            json!({
                "sofie": {"sub": "sub-sofie", "email": COACH_LIMBURG, "email_verified": true},
                "stranger": {"sub": "sub-stranger", "email": "nobody@elsewhere.example", "email_verified": true},
                "unverified": {"sub": "sub-unverified", "email": COORDINATOR_LIMBURG, "email_verified": false},
            }),
        );
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let child = Command::new("node")
            .arg(package.join("provider.mjs"))
            .args(["--port", &port.to_string(), "--client-id", CLIENT_ID])
            .args(["--client-secret", CLIENT_SECRET])
            .args(["--redirect-uri", &format!("{onramp}/sign-in/oidc/oidc/callback")])
            .args(["--post-logout-redirect-uri", &format!("{onramp}/login")])
            .arg("--accounts")
            .arg(&people)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start the OpenID Connect provider with node");
        let provider = OidcProvider {
            child,
            issuer: format!("http://127.0.0.1:{port}"),
            people,
            _dir: dir,
        };
        let discovery = format!("{}/.well-known/openid-configuration", provider.issuer);
        for _ in 0..100 {
            if reqwest::get(&discovery).await.is_ok_and(|r| r.status().is_success()) {
                return provider;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!("the OpenID Connect provider did not answer at {discovery} within 10 s");
    }

    fn write_people(&self, people: serde_json::Value) {
        write_people(&self.people, people);
    }
}

/// The provider's people: it reads them at every sign-in.
fn write_people(path: &std::path::Path, people: serde_json::Value) {
    std::fs::write(path, people.to_string()).expect("write the provider's people");
}

/// onramp with the demo data and single sign-on through a fresh provider.
async fn spawn(password_sign_in: bool) -> (TestApp, OidcProvider) {
    spawn_with(Config {
        password_sign_in,
        ..Config::default()
    })
    .await
}

/// As [`spawn`], with `config` for everything but the provider.
async fn spawn_with(config: Config) -> (TestApp, OidcProvider) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let provider = OidcProvider::start(&base).await;
    let sso = Provider::new(Settings {
        key: "oidc".into(),
        name: "GTB account".into(),
        issuer: provider.issuer.clone(),
        client_id: CLIENT_ID.into(),
        client_secret: CLIENT_SECRET.into(),
        public_url: base,
    })
    .expect("a provider");
    let config = Config {
        sso: vec![sso],
        ..config
    };
    (TestApp::spawn_listening(listener, config).await, provider)
}

/// Presses "Sign in with GTB account" and signs in at the provider as `login`; returns the
/// address the provider sends the browser back to, not visited yet.
async fn through_provider(app: &TestApp, client: &Client, login: &str) -> String {
    let html = app.html(client, "/login").await;
    assert!(html.contains("Sign in with GTB account"), "the button: {html}");
    let csrf = csrf_in(&html);
    let response = client
        .post(app.url("/sign-in/oidc/oidc"))
        .form(&[("csrf", csrf.as_str()), ("next", "/caseload")])
        .send()
        .await
        .expect("start");
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let mut url = Url::parse(location(&response)).expect("the provider's address");
    let query: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    for (name, value) in [("code_challenge_method", "S256"), ("response_type", "code")] {
        assert!(query.contains(&(name.into(), value.into())), "{name} in {url}");
    }
    for name in ["state", "nonce", "code_challenge"] {
        assert!(query.iter().any(|(n, v)| n == name && v.len() >= 43), "{name} in {url}");
    }
    for _ in 0..10 {
        if url.as_str().starts_with(&app.base) {
            return url.to_string();
        }
        let response = client.get(url.clone()).send().await.expect("the provider");
        if response.status().is_redirection() {
            url = url.join(location(&response)).expect("a redirect");
            continue;
        }
        let page = response.text().await.expect("the provider's page");
        let action = between(&page, "action=\"", "\"").unwrap_or_else(|| panic!("a form: {page}"));
        let response = client
            .post(url.join(action).expect("the form's action"))
            .form(&[("login", login)])
            .send()
            .await
            .expect("sign in at the provider");
        assert!(response.status().is_redirection(), "signed in at the provider");
        url = url.join(location(&response)).expect("a redirect");
    }
    panic!("the provider did not send the browser back");
}

/// A browser keeping cookies that reads English and shows the test each redirect.
fn browser() -> Client {
    let mut headers = header::HeaderMap::new();
    headers.insert(header::ACCEPT_LANGUAGE, header::HeaderValue::from_static("en"));
    Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .default_headers(headers)
        .build()
        .expect("client")
}

fn location(response: &reqwest::Response) -> &str {
    response.headers()[header::LOCATION].to_str().expect("a location")
}

fn between<'a>(text: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let from = text.find(start)? + start.len();
    Some(&text[from..from + text[from..].find(end)?])
}

/// Visits the address the provider sent back; returns the status and the page or the redirect.
async fn come_back(client: &Client, callback: &str) -> (StatusCode, String) {
    let response = client.get(callback).send().await.expect("the callback");
    let status = response.status();
    if status.is_redirection() {
        return (status, location(&response).to_owned());
    }
    (status, response.text().await.expect("page"))
}

/// Whether the client is signed in: the caseload shows, instead of a redirect to sign-in.
async fn signed_in(app: &TestApp, client: &Client) -> bool {
    let response = client.get(app.url("/caseload")).send().await.expect("caseload");
    match response.status() {
        StatusCode::OK => true,
        StatusCode::SEE_OTHER | StatusCode::FOUND => {
            assert!(location(&response).starts_with("/login"), "to sign-in");
            false
        }
        other => panic!("caseload answered {other}"),
    }
}

async fn user_id(app: &TestApp, email: &str) -> uuid::Uuid {
    app.actor(email).await.user_id
}

async fn sql(app: &TestApp, statement: &'static str, value: &str) {
    let mut tx = app.db.begin().await.expect("a transaction");
    onramp_store::run!(&mut tx, c => sqlx::query(statement).bind(value).execute(c).await.map(|r| r.rows_affected()))
        .expect("the statement");
    tx.commit().await.expect("commit");
}

#[tokio::test]
async fn single_sign_on_binds_by_verified_email_then_knows_the_subject() {
    let (app, provider) = spawn(true).await;
    let sofie = user_id(&app, COACH_LIMBURG).await;
    let client = browser();
    let callback = through_provider(&app, &client, "sofie").await;
    assert_eq!(
        come_back(&client, &callback).await,
        (StatusCode::SEE_OTHER, "/caseload".into())
    );
    assert!(signed_in(&app, &client).await);
    let bound = "SELECT COUNT(*) FROM user_identities WHERE subject = 'sub-sofie'";
    assert_eq!(count(&app.db, bound).await, 1);
    let binding = app.audit("user.identity_bound").await;
    assert_eq!(binding.len(), 1);
    assert_eq!(binding[0].entity_id.as_deref(), Some(sofie.to_string().as_str()));
    let success = app.audit("login.success").await;
    let last = success
        .iter()
        .find(|e| e.actor_user_id == Some(sofie))
        .expect("a sign-in of hers");
    assert!(last.after_json.as_deref().unwrap_or("").contains("oidc"), "{last:?}");

    // Sign-out ends the onramp session and offers the provider's.
    let csrf = csrf_in(&app.html(&client, "/caseload").await);
    let response = client
        .post(app.url("/logout"))
        .form(&[("csrf", csrf)])
        .send()
        .await
        .unwrap();
    assert_eq!(location(&response), "/login?notice=signed-out");
    assert!(!signed_in(&app, &client).await);
    let page = app.html(&client, "/login?notice=signed-out").await;
    let end = between(&page, "<li><a href=\"", "\"")
        .expect("the provider's sign-out")
        .replace("&#x2f;", "/");
    assert!(end.starts_with(&format!("{}/session/end?", provider.issuer)), "{end}");
    assert!(end.contains(&format!("client_id={CLIENT_ID}")), "{end}");
    assert!(end.contains("post_logout_redirect_uri="), "{end}");
    // In her account's language, which the sign-in put in a cookie.
    assert!(page.contains("Meld je ook af bij GTB account</a>"), "{page}");

    // Her address changes, at the provider and in onramp: she is known by her subject.
    provider
        .write_people(json!({"sofie": {"sub": "sub-sofie", "email": "s.maes@new.example", "email_verified": true}}));
    sql(
        &app,
        "UPDATE users SET email = $1 WHERE email = 'sofie.maes@gtb.demo'",
        "sofie@gtb.example",
    )
    .await;
    let client = browser();
    let callback = through_provider(&app, &client, "sofie").await;
    assert_eq!(come_back(&client, &callback).await.0, StatusCode::SEE_OTHER);
    assert!(signed_in(&app, &client).await);
    let (_, me) = app.get_json(&client, "/api/v1/me").await;
    assert_eq!(me["id"], sofie.to_string());

    // The administrator sees the binding and undoes it: her next sign-in goes by e-mail address
    // again, and that address matches no account now.
    let admin = app.english_browser_as(ADMIN).await;
    let page = app.html(&admin, &format!("/users/{sofie}")).await;
    assert!(page.contains("Bound to a person at GTB account."), "{page}");
    let csrf = csrf_in(&page);
    let response = admin
        .post(app.url(&format!("/users/{sofie}/sign-on/oidc/unbind")))
        .form(&[("csrf", csrf)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(count(&app.db, bound).await, 0);
    assert_eq!(app.audit("user.identity_unbound").await.len(), 1);
    assert!(
        app.html(&admin, &format!("/users/{sofie}"))
            .await
            .contains("Not bound to GTB account yet.")
    );
    let client = browser();
    let callback = through_provider(&app, &client, "sofie").await;
    let (status, page) = come_back(&client, &callback).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(page.contains("You have no onramp account"), "{page}");
    assert!(!signed_in(&app, &client).await);
}

#[tokio::test]
async fn single_sign_on_refuses_strangers_and_unverified_addresses() {
    let (app, _provider) = spawn(true).await;
    let attempts = "SELECT COUNT(*) FROM login_attempts WHERE NOT succeeded";
    for (login, message) in [
        ("stranger", "You have no onramp account"),
        ("unverified", "has not verified your e-mail address"),
    ] {
        let client = browser();
        let callback = through_provider(&app, &client, login).await;
        let (status, page) = come_back(&client, &callback).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{login}");
        assert!(page.contains(message), "{login}: {page}");
        assert!(!signed_in(&app, &client).await, "{login}");
    }
    assert_eq!(count(&app.db, "SELECT COUNT(*) FROM user_identities").await, 0);
    assert_eq!(
        count(
            &app.db,
            "SELECT COUNT(*) FROM users WHERE email LIKE '%elsewhere.example'"
        )
        .await,
        0
    );
    assert_eq!(count(&app.db, attempts).await, 2);
    let failures = app.audit("login.failure").await;
    assert_eq!(failures.len(), 2);
    assert!(
        failures
            .iter()
            .any(|e| e.after_json.as_deref().unwrap_or("").contains("unverified"))
    );
    // Of people the provider knows and onramp does not, the audit log keeps nothing.
    for kept in [
        "elsewhere.example",
        "sub-stranger",
        "sub-unverified",
        COORDINATOR_LIMBURG,
    ] {
        assert_eq!(audit_mentions(&app.db, kept).await, 0, "{kept}");
    }
}

#[tokio::test]
async fn single_sign_on_refuses_a_wrong_or_replayed_state_and_a_wrong_nonce() {
    let (app, _provider) = spawn(true).await;
    let client = browser();
    let callback = through_provider(&app, &client, "sofie").await;
    let mut url = Url::parse(&callback).unwrap();
    let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    let code = pairs.iter().find(|(n, _)| n == "code").expect("a code").1.clone();
    url.query_pairs_mut()
        .clear()
        .append_pair("code", &code)
        .append_pair("state", "forged-state");
    let (status, page) = come_back(&client, url.as_str()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("could not be completed"), "{page}");
    url.query_pairs_mut().clear().append_pair("code", &code);
    assert_eq!(
        come_back(&client, url.as_str()).await.0,
        StatusCode::BAD_REQUEST,
        "no state"
    );
    assert!(!signed_in(&app, &client).await);

    // The real answer still works once; played again, it is refused.
    assert_eq!(come_back(&client, &callback).await.0, StatusCode::SEE_OTHER);
    assert!(signed_in(&app, &client).await);
    let other = browser();
    assert_eq!(
        come_back(&other, &callback).await.0,
        StatusCode::BAD_REQUEST,
        "replayed"
    );
    assert!(!signed_in(&app, &other).await);

    // A nonce that is not the one sent: the ID token does not carry it.
    let client = browser();
    let callback = through_provider(&app, &client, "sofie").await;
    sql(
        &app,
        "UPDATE oidc_pending_logins SET nonce = $1",
        "not-the-nonce-that-was-sent",
    )
    .await;
    let (status, _) = come_back(&client, &callback).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "wrong nonce");
    assert!(!signed_in(&app, &client).await);
    assert_eq!(count(&app.db, "SELECT COUNT(*) FROM oidc_pending_logins").await, 0);

    // The provider's genuine answer opened in another browser than the one that started the
    // sign-in (a link someone was sent): refused, so nobody is signed in as another person.
    let client = browser();
    let callback = through_provider(&app, &client, "sofie").await;
    let stranger = browser();
    let (status, _) = come_back(&stranger, &callback).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "another browser");
    assert!(!signed_in(&app, &stranger).await);
    let failures = app.audit("login.failure").await;
    assert_eq!(failures.len(), 5, "{failures:?}");
    // Refused for their state (forged, missing, replayed: onramp's own check, before the provider
    // could refuse a code used twice) and for the ID token (the nonce).
    let reason = |r: &str| {
        let r = format!("\"reason\":\"{r}\"");
        failures
            .iter()
            .filter(|e| e.after_json.as_deref().unwrap_or("").contains(&r))
            .count()
    };
    assert_eq!(
        (reason("state"), reason("id-token"), reason("state-of-another-browser")),
        (3, 1, 1),
        "{failures:?}"
    );

    // Throttled like password failures: too many from one address, and even a good answer waits.
    let mut tx = app.db.begin().await.expect("a transaction");
    for _ in 0..30 {
        onramp_store::throttle::record(&mut tx, "sso:oidc", "127.0.0.1", false)
            .await
            .expect("a failure");
    }
    tx.commit().await.expect("commit");
    let client = browser();
    let callback = through_provider(&app, &client, "sofie").await;
    assert_eq!(come_back(&client, &callback).await.0, StatusCode::TOO_MANY_REQUESTS);
    assert!(!signed_in(&app, &client).await);
}

#[tokio::test]
async fn password_sign_in_off_leaves_single_sign_on() {
    let (app, _provider) = spawn(false).await;
    let client = browser();
    let page = app.html(&client, "/login").await;
    assert!(!page.contains("name=\"password\""), "no password form");
    let csrf = csrf_in(&page);
    let form = [
        ("csrf", csrf.as_str()),
        ("email", COACH_LIMBURG),
        ("password", PASSWORD),
    ];
    let response = client.post(app.url("/login")).form(&form).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(response.text().await.unwrap().contains("switched off"));
    let body = json!({"email": COACH_LIMBURG, "password": PASSWORD});
    let response = client
        .post(app.url("/api/v1/sessions"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(response.text().await.unwrap().contains("password-sign-in-off"));
    assert!(!signed_in(&app, &client).await);
    let callback = through_provider(&app, &client, "sofie").await;
    assert_eq!(come_back(&client, &callback).await.0, StatusCode::SEE_OTHER);
    assert!(signed_in(&app, &client).await);
}

#[tokio::test]
async fn single_sign_on_says_when_the_provider_cannot_be_reached() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let nobody = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port");
    let sso = Provider::new(Settings {
        key: "oidc".into(),
        name: "GTB account".into(),
        issuer: format!("http://{nobody}"),
        client_id: CLIENT_ID.into(),
        client_secret: CLIENT_SECRET.into(),
        public_url: base,
    })
    .expect("a provider");
    let config = Config {
        sso: vec![sso],
        ..Config::default()
    };
    let app = TestApp::spawn_listening(listener, config).await;
    let client = browser();
    let csrf = csrf_in(&app.html(&client, "/login").await);
    let form = [("csrf", csrf.as_str()), ("next", "/")];
    let response = client
        .post(app.url("/sign-in/oidc/oidc"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(response.text().await.unwrap().contains("cannot be reached just now"));
    assert_eq!(count(&app.db, "SELECT COUNT(*) FROM oidc_pending_logins").await, 0);
    let response = client
        .post(app.url("/sign-in/oidc/elsewhere"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND, "no such provider");
    // Password sign-in is not affected.
    app.browser_as(COACH_LIMBURG).await;
}

/// A provider that goes away between the sign-in and the callback is an outage (503), audited
/// but not counted as a failed sign-in from the address, which password sign-in shares.
#[tokio::test]
async fn a_provider_gone_at_the_callback_is_an_outage_not_a_failed_attempt() {
    let (app, provider) = spawn(true).await;
    let client = browser();
    let callback = through_provider(&app, &client, "sofie").await;
    drop(provider);
    let (status, page) = come_back(&client, &callback).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{page}");
    assert!(!signed_in(&app, &client).await);
    assert_eq!(app.audit("login.failure").await.len(), 1);
    assert_eq!(count(&app.db, "SELECT COUNT(*) FROM login_attempts").await, 0);
}

/// Anyone may start a sign-in, which keeps a row until it comes back: one client gets only so
/// many under way, and another is not hindered by it.
#[tokio::test]
async fn single_sign_ons_under_way_are_bounded_per_client() {
    let (app, _provider) = spawn_with(Config {
        trusted_proxies: vec!["127.0.0.1/32".parse().unwrap()],
        ..Config::default()
    })
    .await;
    let client = browser();
    let csrf = csrf_in(&app.html(&client, "/login").await);
    let start = |from: &'static str| {
        client
            .post(app.url("/sign-in/oidc/oidc"))
            .header("x-forwarded-for", from)
            .form(&[("csrf", csrf.as_str()), ("next", "/")])
            .send()
    };
    for _ in 0..onramp_store::identities::MAX_PENDING_PER_ADDRESS {
        assert_eq!(start("198.51.100.7").await.unwrap().status(), StatusCode::SEE_OTHER);
    }
    let refused = start("198.51.100.7").await.unwrap();
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(refused.headers().contains_key(header::RETRY_AFTER));
    let page = refused.text().await.unwrap();
    assert!(
        page.contains("Too many sign-ins were started from your network"),
        "{page}"
    );
    let pending = "SELECT COUNT(*) FROM oidc_pending_logins";
    assert_eq!(
        count(&app.db, pending).await,
        onramp_store::identities::MAX_PENDING_PER_ADDRESS
    );
    assert_eq!(
        start("203.0.113.20").await.unwrap().status(),
        StatusCode::SEE_OTHER,
        "another client"
    );

    // Sign-ins that never came back stop counting when they expire, and are gone.
    let long_ago = onramp_store::now() - onramp_store::identities::PENDING_LIFETIME;
    let mut tx = app.db.begin().await.unwrap();
    onramp_store::run!(&mut tx, c => sqlx::query("UPDATE oidc_pending_logins SET created_at = $1")
        .bind(long_ago).execute(c).await.map(|r| r.rows_affected()))
    .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(start("198.51.100.7").await.unwrap().status(), StatusCode::SEE_OTHER);
    assert_eq!(count(&app.db, pending).await, 1);
}

/// `--require-two-factor` asks no onramp second factor of a single sign-on (the provider asks its
/// own), but still of the same person signing in with a password.
#[tokio::test]
async fn a_required_second_factor_is_not_asked_of_a_single_sign_on() {
    let (app, _provider) = spawn_with(Config {
        require_two_factor: true,
        ..Config::default()
    })
    .await;
    let client = browser();
    let callback = through_provider(&app, &client, "sofie").await;
    assert_eq!(
        come_back(&client, &callback).await,
        (StatusCode::SEE_OTHER, "/caseload".into())
    );
    assert!(signed_in(&app, &client).await, "her caseload, without enrolling");
    let by_sso = "SELECT COUNT(*) FROM sessions WHERE signed_in_by = 'sso'";
    assert_eq!(count(&app.db, by_sso).await, 1);

    let by_password = app.browser_as(COACH_LIMBURG).await;
    let response = by_password.get(app.url("/caseload")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/account/two-factor?notice=two-factor-required");
}
