//! Two-factor sign-in (TOTP, RFC 6238) through the real server: enrolment, the code step of
//! sign-in, replays, recovery codes, throttling, `--require-two-factor` and an administrator's
//! reset. Codes come from the test's own RFC 6238 implementation below.

use crate::support::*;
use hmac::{Hmac, KeyInit, Mac};
use reqwest::{Client, StatusCode};
use serde_json::json;

/// RFC 4648 base32 without padding, as the server hands out secrets.
fn base32_decode(text: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let (mut bits, mut buffer, mut out) = (0u32, 0u64, Vec::new());
    for c in text.bytes().filter(|c| !c.is_ascii_whitespace()) {
        let value = ALPHABET.iter().position(|a| *a == c).expect("a base32 letter") as u64;
        buffer = (buffer << 5) | value;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
        }
    }
    out
}

/// RFC 6238 with HMAC-SHA-1, 30-second steps and six digits: the code of time step `step`.
fn code_at(secret: &str, step: u64) -> String {
    let mut mac = Hmac::<sha1::Sha1>::new_from_slice(&base32_decode(secret)).expect("any key length");
    mac.update(&step.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let at = usize::from(digest[19] & 0x0f);
    let number = u32::from_be_bytes([digest[at] & 0x7f, digest[at + 1], digest[at + 2], digest[at + 3]]);
    format!("{:06}", number % 1_000_000)
}

#[test]
fn the_tests_totp_matches_rfc_6238() {
    // Appendix B's SHA-1 secret, "12345678901234567890"; its 8-digit codes end in these six.
    let secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
    assert_eq!(code_at(secret, 59 / 30), "287082");
    assert_eq!(code_at(secret, 1_111_111_109 / 30), "081804");
    assert_eq!(code_at(secret, 2_000_000_000 / 30), "279037");
}

/// The current time step, after waiting if it ends within 12 seconds, so that codes of the step
/// before, this one and the next stay in the server's window while a test runs.
async fn fresh_step() -> u64 {
    let now = || {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs()
    };
    if now() % 30 >= 18 {
        tokio::time::sleep(std::time::Duration::from_secs(30 - now() % 30)).await;
    }
    now() / 30
}

/// A six-digit code that is none of the codes the server accepts around `step`.
fn wrong_code(secret: &str, step: u64) -> String {
    let taken: Vec<String> = (step - 2..=step + 2).map(|s| code_at(secret, s)).collect();
    (0..10)
        .map(|d| format!("{d}{d}{d}{d}{d}{d}"))
        .find(|c| !taken.contains(c))
        .unwrap()
}

/// Turns two-factor sign-in on for the API client's account, confirming with the code of `step`;
/// returns the secret and the recovery codes.
async fn enrol(app: &TestApp, client: &Client, step: u64) -> (String, Vec<String>) {
    let (status, setup) = app.send_json(client, "POST", "/api/v1/me/two-factor", json!({})).await;
    assert_eq!(status, StatusCode::CREATED, "{setup}");
    let secret = setup["secret"].as_str().unwrap().to_owned();
    let uri = setup["otpauth_uri"].as_str().unwrap();
    assert!(
        uri.starts_with("otpauth://totp/") && uri.contains(&format!("secret={secret}")),
        "{uri}"
    );
    let body = json!({"code": code_at(&secret, step)});
    let (status, confirmed) = app
        .send_json(client, "POST", "/api/v1/me/two-factor/confirm", body)
        .await;
    assert_eq!(status, StatusCode::OK, "{confirmed}");
    let codes: Vec<String> = confirmed["recovery_codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_owned())
        .collect();
    (secret, codes)
}

/// Signs in with the form's password step; returns the client waiting at the code step.
async fn password_step(app: &TestApp, email: &str) -> Client {
    let client = TestApp::client();
    let csrf = app.csrf(&client, "/login").await;
    let response = client
        .post(app.url("/login"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("email", email),
            ("password", PASSWORD),
            ("next", "/caseload"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()["location"], "/login/two-factor");
    client
}

/// Sends a code at the code step; the response's status and where it leads.
async fn code_step(app: &TestApp, client: &Client, code: &str) -> (StatusCode, String) {
    let csrf = app.csrf(client, "/login/two-factor").await;
    let response = client
        .post(app.url("/login/two-factor"))
        .form(&[("csrf", csrf.as_str()), ("code", code)])
        .send()
        .await
        .unwrap();
    let location = response
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (response.status(), location)
}

async fn signed_in(app: &TestApp, client: &Client) -> bool {
    app.get_json(client, "/api/v1/me").await.0 == StatusCode::OK
}

#[tokio::test]
async fn enrol_then_sign_in_with_a_code_once_and_a_recovery_code_once() {
    let app = TestApp::spawn().await;
    let step = fresh_step().await;
    let api = app.api_as(COACH_LIMBURG).await;
    let (status, view) = app.get_json(&api, "/api/v1/me/two-factor").await;
    assert_eq!((status, &view["enabled"]), (StatusCode::OK, &json!(false)));

    // A setup not yet confirmed changes nothing; a wrong first code does not confirm it.
    let (_, setup) = app.send_json(&api, "POST", "/api/v1/me/two-factor", json!({})).await;
    let secret = setup["secret"].as_str().unwrap().to_owned();
    let body = json!({"code": wrong_code(&secret, step)});
    let (status, problem) = app.send_json(&api, "POST", "/api/v1/me/two-factor/confirm", body).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&problem, "code", "wrong-code"), "{problem}");
    assert!(signed_in(&app, &app.browser_as(COACH_LIMBURG).await).await);

    let (secret, recovery) = enrol(&app, &api, step - 1).await;
    assert_eq!(recovery.len(), 10);
    assert_eq!(
        app.get_json(&api, "/api/v1/me/two-factor").await.1["enabled"],
        json!(true)
    );
    assert_eq!(app.audit("two_factor.enable").await.len(), 1);

    // The password alone no longer signs in: it leads to the code step, not a session.
    let client = password_step(&app, COACH_LIMBURG).await;
    assert!(!signed_in(&app, &client).await);
    let page = app.html(&client, "/login/two-factor").await;
    assert!(
        page.contains("name=\"code\"") && page.contains("one-time-code"),
        "{page}"
    );
    let (status, _) = code_step(&app, &client, &wrong_code(&secret, step)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!signed_in(&app, &client).await);
    let (status, location) = code_step(&app, &client, &code_at(&secret, step)).await;
    assert_eq!((status, location.as_str()), (StatusCode::SEE_OTHER, "/caseload"));
    assert!(signed_in(&app, &client).await);

    // The same code again is a replay, and so is the confirming step's.
    for used in [step, step - 1] {
        let again = password_step(&app, COACH_LIMBURG).await;
        let (status, _) = code_step(&app, &again, &code_at(&secret, used)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "step {used} accepted twice");
        assert!(!signed_in(&app, &again).await);
    }

    // A recovery code works once, typed loosely.
    let loose = recovery[3].to_uppercase().replace('-', " ");
    let with_recovery = password_step(&app, COACH_LIMBURG).await;
    assert_eq!(code_step(&app, &with_recovery, &loose).await.0, StatusCode::SEE_OTHER);
    assert!(signed_in(&app, &with_recovery).await);
    let again = password_step(&app, COACH_LIMBURG).await;
    assert_eq!(
        code_step(&app, &again, &recovery[3]).await.0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        app.get_json(&api, "/api/v1/me/two-factor").await.1["recovery_codes_left"],
        json!(9)
    );

    // The API's sign-in takes the code in its body.
    let fresh = TestApp::client();
    let body = json!({"email": COACH_LIMBURG, "password": PASSWORD});
    let (status, problem) = app.send_json(&fresh, "POST", "/api/v1/sessions", body).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&problem, "code", "required"), "{problem}");
    let body = json!({"email": COACH_LIMBURG, "password": PASSWORD, "code": code_at(&secret, step + 1)});
    assert_eq!(
        app.send_json(&fresh, "POST", "/api/v1/sessions", body).await.0,
        StatusCode::CREATED
    );
    assert!(signed_in(&app, &fresh).await);

    // Audited like sign-in: the failures, and each success with its second factor.
    assert!(app.audit("login.code_failure").await.len() >= 4);
    let successes = app.audit("login.success").await;
    let factors: Vec<String> = successes.iter().filter_map(|e| e.after_json.clone()).collect();
    assert!(factors.iter().any(|a| a.contains("totp")), "{factors:?}");
    assert!(factors.iter().any(|a| a.contains("recovery_code")), "{factors:?}");
}

#[tokio::test]
async fn failed_codes_are_throttled_like_passwords() {
    let app = TestApp::spawn().await;
    let step = fresh_step().await;
    let api = app.api_as(COACH_LIMBURG).await;
    let (secret, _) = enrol(&app, &api, step - 1).await;
    let client = password_step(&app, COACH_LIMBURG).await;
    for _ in 0..5 {
        assert_eq!(
            code_step(&app, &client, &wrong_code(&secret, step)).await.0,
            StatusCode::UNPROCESSABLE_ENTITY
        );
    }
    // Now even the right code is refused for a while, and so is the password.
    let (status, _) = code_step(&app, &client, &code_at(&secret, step)).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert!(!signed_in(&app, &client).await);
    let body = json!({"email": COACH_LIMBURG, "password": PASSWORD, "code": code_at(&secret, step + 1)});
    let (status, _) = app
        .send_json(&TestApp::client(), "POST", "/api/v1/sessions", body)
        .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert!(!app.audit("login.throttled").await.is_empty());
}

#[tokio::test]
async fn turning_it_off_takes_a_code_or_the_password() {
    let app = TestApp::spawn().await;
    let step = fresh_step().await;
    let api = app.api_as(COACH_LIMBURG).await;
    let (secret, _) = enrol(&app, &api, step - 1).await;
    let refused = [
        json!({}),
        json!({"code": wrong_code(&secret, step)}),
        json!({"password": "not the password"}),
    ];
    for body in refused {
        let (status, problem) = app.send_json(&api, "POST", "/api/v1/me/two-factor/disable", body).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    }
    assert_eq!(
        app.get_json(&api, "/api/v1/me/two-factor").await.1["enabled"],
        json!(true)
    );
    let body = json!({"password": PASSWORD});
    let (status, _) = app.send_json(&api, "POST", "/api/v1/me/two-factor/disable", body).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(app.audit("two_factor.disable").await.len(), 1);
    assert!(signed_in(&app, &app.browser_as(COACH_LIMBURG).await).await);
}

#[tokio::test]
async fn an_administrator_resets_someones_second_factor() {
    let app = TestApp::spawn().await;
    let step = fresh_step().await;
    let coach_api = app.api_as(COACH_LIMBURG).await;
    enrol(&app, &coach_api, step - 1).await;
    let coach_id = app.actor(COACH_LIMBURG).await.user_id;

    // Not for anyone else.
    let path = format!("/api/v1/users/{coach_id}/two-factor");
    let (status, _) = app.send_json(&coach_api, "DELETE", &path, json!({})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let admin = app.browser_as(ADMIN).await;
    let page = app.html(&admin, &format!("/users/{coach_id}")).await;
    assert!(
        page.contains(&format!("/users/{coach_id}/two-factor/reset")),
        "the user's page offers the reset"
    );
    let csrf = app.csrf(&admin, &format!("/users/{coach_id}")).await;
    let response = admin
        .post(app.url(&format!("/users/{coach_id}/two-factor/reset")))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let entries = app.audit("two_factor.reset").await;
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].entity_id.as_deref(), Some(coach_id.to_string().as_str()));
    // The password alone signs in again.
    assert!(signed_in(&app, &app.browser_as(COACH_LIMBURG).await).await);
}

/// The secret as the setup page writes it out, grouped for reading.
fn secret_on(page: &str) -> String {
    let start = page.find("class=\"secret-key\"").expect("the secret in text");
    let text = &page[start..];
    let text = &text[text.find('>').unwrap() + 1..text.find("</code>").unwrap()];
    text.split_whitespace().collect()
}

#[tokio::test]
async fn a_required_second_factor_comes_before_any_other_page() {
    let app = TestApp::spawn_with(onramp_web::Config {
        require_two_factor: true,
        ..onramp_web::Config::default()
    })
    .await;
    let coach = app.browser_as(COACH_LIMBURG).await;
    let response = coach.get(app.url("/caseload")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        response.headers()["location"],
        "/account/two-factor?notice=two-factor-required"
    );
    let (status, problem) = app.get_json(&coach, "/api/v1/organisations").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(
        problem["type"].as_str().unwrap().ends_with("two-factor-required"),
        "{problem}"
    );

    // API tokens are not affected; nor are funders, who read no participant data.
    let coach_id = app.actor(COACH_LIMBURG).await.user_id;
    let mut tx = app.db.begin().await.unwrap();
    let (_, secret) = onramp_store::tokens::create(&mut tx, coach_id, "integration")
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let by_token = TestApp::client()
        .get(app.url("/api/v1/organisations"))
        .bearer_auth(&secret)
        .send()
        .await
        .unwrap();
    assert_eq!(by_token.status(), StatusCode::OK);
    let funder = app.browser_as(FUNDER).await;
    assert_eq!(funder.get(app.url("/")).send().await.unwrap().status(), StatusCode::OK);

    // The setup page: QR code with a text alternative, the secret in text, then a first code.
    let step = fresh_step().await;
    let csrf = app.csrf(&coach, "/account/two-factor").await;
    let response = coach
        .post(app.url("/account/two-factor/start"))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let page = app.html(&coach, "/account/two-factor").await;
    assert!(
        page.contains("<svg role=\"img\" aria-label=\""),
        "an inline QR code with its text alternative"
    );
    let secret = secret_on(&page);
    assert_eq!(base32_decode(&secret).len(), 20);
    let response = coach
        .post(app.url("/account/two-factor/confirm"))
        .form(&[("csrf", csrf.as_str()), ("code", &code_at(&secret, step))])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let page = response.text().await.unwrap();
    assert_eq!(page.matches("<li><code>").count(), 10, "ten recovery codes, shown once");
    assert_eq!(
        coach.get(app.url("/caseload")).send().await.unwrap().status(),
        StatusCode::OK
    );
    assert_eq!(app.get_json(&coach, "/api/v1/organisations").await.0, StatusCode::OK);
}

#[tokio::test]
async fn a_participant_turns_it_on_in_the_portal_and_signs_in_with_a_code() {
    use crate::portal::{NEW_PASSWORD, code_for, two_people};
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let (person, _) = two_people(&app, &coach).await;
    let code = code_for(&app, &coach, &person).await;
    let participant = TestApp::client();
    let body = json!({"code": code, "password": NEW_PASSWORD, "accept_terms": true});
    let (status, opened) = app
        .send_json(&participant, "POST", "/api/v1/portal/activation", body)
        .await;
    assert_eq!(status, StatusCode::CREATED, "{opened}");
    let sign_in = opened["sign_in"].as_str().unwrap().to_owned();
    assert!(
        app.html(&participant, "/portal")
            .await
            .contains("href=\"/portal/two-factor\"")
    );

    let step = fresh_step().await;
    let csrf = app.csrf(&participant, "/portal/two-factor").await;
    let started = participant
        .post(app.url("/portal/two-factor/start"))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(started.headers()["location"], "/portal/two-factor");
    let secret = secret_on(&app.html(&participant, "/portal/two-factor").await);
    let confirmed = participant
        .post(app.url("/portal/two-factor/confirm"))
        .form(&[("csrf", csrf.as_str()), ("code", &code_at(&secret, step - 1))])
        .send()
        .await
        .unwrap();
    assert_eq!(confirmed.status(), StatusCode::OK);
    assert_eq!(confirmed.text().await.unwrap().matches("<li><code>").count(), 10);

    // The portal's sign-in leads to the same code step, then back into the portal.
    let client = TestApp::client();
    let csrf = app.csrf(&client, "/portal/sign-in").await;
    let response = client
        .post(app.url("/portal/sign-in"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("email", &sign_in),
            ("password", NEW_PASSWORD),
            ("next", "/portal/plans"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["location"], "/login/two-factor");
    assert_eq!(
        client.get(app.url("/portal")).send().await.unwrap().status(),
        StatusCode::SEE_OTHER
    );
    let (status, location) = code_step(&app, &client, &code_at(&secret, step)).await;
    assert_eq!((status, location.as_str()), (StatusCode::SEE_OTHER, "/portal/plans"));
    assert_eq!(
        client.get(app.url("/portal")).send().await.unwrap().status(),
        StatusCode::OK
    );

    // Lost phone and codes: the coach ends the access and invites again; the new opening resets it.
    let path = format!("/api/v1/participants/{person}/portal");
    assert_eq!(
        app.send_json(&coach, "DELETE", &path, json!({})).await.0,
        StatusCode::NO_CONTENT
    );
    let code = code_for(&app, &coach, &person).await;
    let body = json!({"code": code, "password": NEW_PASSWORD, "accept_terms": true});
    assert_eq!(
        app.send_json(&TestApp::client(), "POST", "/api/v1/portal/activation", body)
            .await
            .0,
        StatusCode::CREATED
    );
    let body = json!({"email": sign_in, "password": NEW_PASSWORD});
    assert_eq!(
        app.send_json(&TestApp::client(), "POST", "/api/v1/sessions", body)
            .await
            .0,
        StatusCode::CREATED
    );
    assert_eq!(app.audit("two_factor.reset").await.len(), 1);
}
