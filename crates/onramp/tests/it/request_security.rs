//! Issue 22's request-security points, each through the running server: where sign-in may send
//! you, cross-site requests on the API, what may be cached, the throttled page's Retry-After,
//! slow headers, the "last seen" touch off the request's path, and intake as one transaction.

use crate::support::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

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

/// A browser session and an API token of the coach, both due to be marked as used.
async fn session_and_token_due(app: &TestApp) -> (reqwest::Client, String) {
    let browser = app.browser_as(COACH_LIMBURG).await;
    let (status, created) = app
        .send_json(&browser, "POST", "/api/v1/me/tokens", json!({"name": "touch test"}))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let secret = created["secret"].as_str().unwrap().to_owned();
    let five_minutes_ago = chrono::Utc::now() - chrono::Duration::minutes(5);
    let mut tx = app.db.begin().await.unwrap();
    for sql in [
        "UPDATE sessions SET last_seen_at = $1",
        "UPDATE api_tokens SET last_used_at = $1",
    ] {
        onramp_store::run!(&mut tx, c => sqlx::query(sql).bind(five_minutes_ago).execute(c).await.map(|r| r.rows_affected())).unwrap();
    }
    tx.commit().await.unwrap();
    (browser, secret)
}

/// When the latest session was last marked as used.
async fn last_seen(app: &TestApp) -> chrono::DateTime<chrono::Utc> {
    let mut conn = app.db.conn().await.unwrap();
    let sql = "SELECT MAX(last_seen_at) FROM sessions";
    onramp_store::run!(&mut conn, c => sqlx::query_scalar(sql).fetch_one(c).await).unwrap()
}

/// A page by session cookie and an API call by token, each answered within `bound`. (The page
/// shows no participant: a read of participant data is audited, and so waits for the writer.)
async fn both_answer_within(app: &TestApp, browser: &reqwest::Client, secret: &str, bound: std::time::Duration) {
    let started = std::time::Instant::now();
    let response = browser.get(app.url("/account")).timeout(bound).send().await;
    let response = response.unwrap_or_else(|e| panic!("the page did not answer within {bound:?}: {e}"));
    assert_eq!(response.status(), StatusCode::OK, "the page, by session");
    let response = reqwest::Client::new()
        .get(app.url("/api/v1/me"))
        .bearer_auth(secret)
        .timeout(bound)
        .send()
        .await;
    let response = response.unwrap_or_else(|e| panic!("the API did not answer within {bound:?}: {e}"));
    assert_eq!(response.status(), StatusCode::OK, "the API, by token");
    assert!(started.elapsed() < bound * 2, "took {:?}", started.elapsed());
}

#[tokio::test]
async fn a_failing_last_seen_write_does_not_fail_the_request() {
    let app = TestApp::spawn().await;
    let (browser, secret) = session_and_token_due(&app).await;
    // The database refuses to mark a session or token as used, as a full disk or a broken
    // connection would.
    let sql = if on_postgres() {
        "CREATE FUNCTION refuse_touch() RETURNS trigger LANGUAGE plpgsql AS
           $$ BEGIN RAISE EXCEPTION 'touch refused by the test'; END $$;
         CREATE TRIGGER refuse_session_touch BEFORE UPDATE OF last_seen_at ON sessions
           FOR EACH ROW EXECUTE FUNCTION refuse_touch();
         CREATE TRIGGER refuse_token_touch BEFORE UPDATE OF last_used_at ON api_tokens
           FOR EACH ROW EXECUTE FUNCTION refuse_touch();"
    } else {
        "CREATE TRIGGER refuse_session_touch BEFORE UPDATE OF last_seen_at ON sessions
           BEGIN SELECT RAISE(ABORT, 'touch refused by the test'); END;
         CREATE TRIGGER refuse_token_touch BEFORE UPDATE OF last_used_at ON api_tokens
           BEGIN SELECT RAISE(ABORT, 'touch refused by the test'); END;"
    };
    let mut tx = app.db.begin().await.unwrap();
    onramp_store::run!(&mut tx, c => sqlx::raw_sql(sql).execute(c).await.map(|_| ())).unwrap();
    tx.commit().await.unwrap();
    for _ in 0..3 {
        both_answer_within(&app, &browser, &secret, std::time::Duration::from_secs(5)).await;
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let seen = last_seen(&app).await;
    assert!(
        seen < chrono::Utc::now() - chrono::Duration::minutes(4),
        "the session was indeed not marked as used"
    );
}

#[tokio::test]
async fn a_request_does_not_wait_for_a_busy_writer_to_mark_the_session_as_used() {
    let app = TestApp::spawn().await;
    let (browser, secret) = session_and_token_due(&app).await;
    let due = last_seen(&app).await;
    // A long write holds the writer (as an import does), and with it the rows of every session and
    // token: SQLite's one writer connection is taken, PostgreSQL's rows are locked.
    let mut held = app.db.begin().await.unwrap();
    for sql in [
        "UPDATE sessions SET last_seen_at = last_seen_at",
        "UPDATE api_tokens SET last_used_at = last_used_at",
    ] {
        onramp_store::run!(&mut held, c => sqlx::query(sql).execute(c).await.map(|r| r.rows_affected())).unwrap();
    }
    // Well below SQLite's busy timeout and the pools' acquire timeouts (10 s and more).
    both_answer_within(&app, &browser, &secret, std::time::Duration::from_secs(2)).await;
    drop(held);

    // Once the writer is free, the next request marks the session as used after all.
    let mut seen = due;
    for _ in 0..50 {
        both_answer_within(&app, &browser, &secret, std::time::Duration::from_secs(5)).await;
        seen = last_seen(&app).await;
        if seen > due {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    assert!(seen > due, "the session is marked as used once the writer is free");
}

async fn participants(app: &TestApp) -> i64 {
    count(&app.db, "SELECT COUNT(*) FROM participants").await
}

#[tokio::test]
async fn the_api_refuses_what_another_site_may_have_sent_with_the_session_cookie() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let cross_site = |response: reqwest::Response| async {
        let (status, problem) = status_and_json(response).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{problem}");
        assert_eq!(problem["type"], "urn:onramp:problem:cross-site-request");
    };

    // A form on another site can post text/plain; the import read it as a file and wrote it.
    let before = participants(&app).await;
    let file = include_str!("../../../../docs/import-example.csv");
    let response = coach
        .post(app.url("/api/v1/imports/participants"))
        .header("content-type", "text/plain")
        .body(file)
        .send()
        .await
        .unwrap();
    cross_site(response).await;
    assert_eq!(participants(&app).await, before, "nothing imported");

    // Body-less actions need the header a cross-site form cannot send.
    let (status, feed) = app.send_json(&coach, "POST", "/api/v1/calendar-feeds", json!({})).await;
    assert_eq!(status, StatusCode::CREATED, "JSON passes");
    let revoke = app.url(&format!(
        "/api/v1/calendar-feeds/{}/revoke",
        feed["feed"]["id"].as_str().unwrap()
    ));
    cross_site(coach.post(&revoke).send().await.unwrap()).await;
    let response = coach
        .post(&revoke)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("a=b")
        .send()
        .await
        .unwrap();
    cross_site(response).await;
    let (_, feeds) = app.get_json(&coach, "/api/v1/calendar-feeds").await;
    assert!(feeds[0]["revoked_at"].is_null(), "the feed still lives");
    let response = coach
        .post(&revoke)
        .header("x-requested-with", "XMLHttpRequest")
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        StatusCode::NO_CONTENT,
        "with X-Requested-With it passes"
    );

    // Saying it comes from another site is refused, JSON or not.
    let token = json!({"name": "from elsewhere"});
    for (name, value) in [
        ("origin", "https://evil.example".to_owned()),
        ("origin", "null".to_owned()),
        ("sec-fetch-site", "cross-site".to_owned()),
        ("sec-fetch-site", "same-site".to_owned()),
    ] {
        let response = coach
            .post(app.url("/api/v1/me/tokens"))
            .header(name, value)
            .header("x-requested-with", "XMLHttpRequest")
            .json(&token)
            .send()
            .await
            .unwrap();
        cross_site(response).await;
    }
    let response = coach
        .post(app.url("/api/v1/me/tokens"))
        .header("origin", app.base.clone())
        .header("sec-fetch-site", "same-origin")
        .json(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED, "from this site it passes");
    let (_, tokens) = app.get_json(&coach, "/api/v1/me/tokens").await;
    assert_eq!(
        tokens.as_array().unwrap().len(),
        1,
        "only the request from this site made a token"
    );

    // A bearer token is not sent by browsers on their own: no header needed.
    let (_, created) = app
        .send_json(&coach, "POST", "/api/v1/me/tokens", json!({"name": "script"}))
        .await;
    let secret = created["secret"].as_str().unwrap().to_owned();
    let (status, feed) = app.send_json(&coach, "POST", "/api/v1/calendar-feeds", json!({})).await;
    assert_eq!(status, StatusCode::CREATED);
    let revoke = app.url(&format!(
        "/api/v1/calendar-feeds/{}/revoke",
        feed["feed"]["id"].as_str().unwrap()
    ));
    let response = reqwest::Client::new()
        .post(&revoke)
        .bearer_auth(&secret)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT, "bearer, body-less");
    let response = reqwest::Client::new()
        .post(app.url("/api/v1/imports/participants?dry_run=true"))
        .bearer_auth(&secret)
        .header("content-type", "text/csv")
        .body(file)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK, "bearer, a CSV upload");
    // Reading is not concerned.
    let response = coach
        .get(app.url("/api/v1/me"))
        .header("sec-fetch-site", "cross-site")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
}

/// How many participants and consents the database holds.
async fn people_and_consents(app: &TestApp) -> (i64, i64) {
    (
        participants(app).await,
        count(&app.db, "SELECT COUNT(*) FROM consents").await,
    )
}

async fn programme(app: &TestApp, client: &reqwest::Client, code: &str) -> String {
    let (_, list) = app.get_json(client, "/api/v1/programmes").await;
    list.as_array().unwrap().iter().find(|g| g["code"] == code).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn intake_through_the_page_stores_all_or_nothing() {
    let app = TestApp::spawn().await;
    let browser = app.browser_as(COACH_LIMBURG).await;
    let wgtw = programme(&app, &browser, "we-go-to-work").await;
    let maasland = app.organisation_id("Revalidatieziekenhuis Maasland").await;
    let csrf = app.csrf(&browser, "/participants/new").await;
    let today = onramp_web::time::today();
    let tomorrow = (today + chrono::Duration::days(1)).to_string();
    let before = people_and_consents(&app).await;
    let form = |started_on: &str, programme: &str| {
        vec![
            ("csrf", csrf.clone()),
            ("organisation_id", maasland.clone()),
            ("first_name", "Noor".to_owned()),
            ("last_name", "Alles-of-niets".to_owned()),
            ("birth_date", "1985-05-05".to_owned()),
            ("health_category", "burn_out".to_owned()),
            ("situation", "employed_on_sick_leave".to_owned()),
            ("programme_id", programme.to_owned()),
            ("started_on", started_on.to_owned()),
            ("consent_participation", "on".to_owned()),
            ("consent_version", "2026-01".to_owned()),
            ("given_on", today.to_string()),
        ]
    };
    // The trajectory cannot start (a start tomorrow; a programme that does not exist): the form
    // comes back with the reason, and neither the person nor the consent is stored.
    for (started_on, programme) in [
        (tomorrow.as_str(), wgtw.as_str()),
        (today.to_string().as_str(), "0190a0a0-0000-7000-8000-000000000000"),
    ] {
        let response = browser
            .post(app.url("/participants/new"))
            .form(&form(started_on, programme))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = response.text().await.unwrap();
        assert!(html.contains("value=\"Noor\""), "the form keeps what was typed");
        assert!(
            html.contains("id=\"e-started_on\"") || html.contains("id=\"e-programme_id\""),
            "the start's error is on its field"
        );
        assert_eq!(people_and_consents(&app).await, before, "nothing stored");
    }
    assert!(app.audit("participant.create").await.is_empty());

    // It can start: all three are stored.
    let response = browser
        .post(app.url("/participants/new"))
        .form(&form(&today.to_string(), &wgtw))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(people_and_consents(&app).await, (before.0 + 1, before.1 + 1));
    assert_eq!(app.audit("trajectory.start").await.len(), 1);
}

#[tokio::test]
async fn intake_through_the_api_stores_all_or_nothing() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let wgtw = programme(&app, &coach, "we-go-to-work").await;
    let maasland = app.organisation_id("Revalidatieziekenhuis Maasland").await;
    let today = onramp_web::time::today();
    let tomorrow = (today + chrono::Duration::days(1)).to_string();
    let before = people_and_consents(&app).await;
    let body = |trajectory: Value| {
        json!({
            "organisation_id": maasland, "first_name": "Noor", "last_name": "Alles-of-niets",
            "birth_date": "1985-05-05", "health_category": "burn_out", "situation": "employed_on_sick_leave",
            "consent": {"purpose": "participation", "version": "2026-01", "given_on": today.to_string()},
            "trajectory": trajectory,
        })
    };
    let (status, problem) = app
        .send_json(
            &coach,
            "POST",
            "/api/v1/participants",
            body(json!({"programme_id": wgtw, "started_on": tomorrow})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert!(
        has_error(&problem, "trajectory.started_on", "date-in-future"),
        "{problem}"
    );
    assert_eq!(people_and_consents(&app).await, before, "no participant, no consent");
    let (status, problem) = app
        .send_json(
            &coach,
            "POST",
            "/api/v1/participants",
            body(json!({"programme_id": "0190a0a0-0000-7000-8000-000000000000", "started_on": today.to_string()})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert!(
        has_error(&problem, "trajectory.programme_id", "invalid-reference"),
        "{problem}"
    );
    assert_eq!(people_and_consents(&app).await, before, "no participant, no consent");
    let (_, caseload) = app.get_json(&coach, "/api/v1/caseload?q=alles&status=all").await;
    assert!(caseload["rows"].as_array().unwrap().is_empty(), "{caseload}");

    let (status, participant) = app
        .send_json(
            &coach,
            "POST",
            "/api/v1/participants",
            body(json!({"programme_id": wgtw, "started_on": today.to_string()})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{participant}");
    let path = format!("/api/v1/participants/{}", participant["id"].as_str().unwrap());
    let (_, file) = app.get_json(&coach, &path).await;
    assert_eq!(file["consents"].as_array().unwrap().len(), 1);
    assert_eq!(file["trajectories"].as_array().unwrap().len(), 1);
    assert_eq!(file["trajectories"][0]["organisation_id"], maasland.as_str());
}
