//! Signing in and out, over the API and the sign-in form; throttling; sessions across nodes.

use crate::support::*;
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn health_check_answers_when_the_database_does() {
    let app = TestApp::spawn().await;
    let response = TestApp::client().get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    app.db.close().await;
    let response = TestApp::client().get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
}

#[tokio::test]
async fn api_sign_in_sets_a_session_cookie_and_sign_out_ends_it() {
    let app = TestApp::spawn().await;
    let client = TestApp::client();
    let response = client
        .post(app.url("/api/v1/sessions"))
        .json(&json!({"email": " Admin@Onramp.Demo ", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let cookie = response
        .headers()
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert!(cookie.starts_with("onramp_session="), "{cookie}");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    let (status, me) = app.get_json(&client, "/api/v1/me").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["email"], ADMIN);
    assert_eq!(me["role"], "administrator");

    let response = client
        .delete(app.url("/api/v1/sessions/current"))
        .header("x-requested-with", "onramp-tests")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let (status, _) = app.get_json(&client, "/api/v1/me").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(app.audit("logout").await.len(), 1);
}

#[tokio::test]
async fn unauthenticated_api_calls_get_401_problem() {
    let app = TestApp::spawn().await;
    for path in ["/api/v1/me", "/api/v1/organisations", "/api/v1/users", "/api/v1/audit"] {
        let (status, problem) = app.get_json(&TestApp::client(), path).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{path}");
        assert_eq!(problem["status"], 401);
        assert_eq!(problem["type"], "urn:onramp:problem:unauthenticated");
    }
    let bogus = TestApp::client()
        .get(app.url("/api/v1/me"))
        .bearer_auth("onr_not-a-token")
        .send()
        .await
        .unwrap();
    assert_eq!(bogus.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn wrong_password_and_unknown_account_are_refused_alike_and_audited() {
    let app = TestApp::spawn().await;
    let client = TestApp::client();
    let wrong = json!({"email": ADMIN, "password": "not the password"});
    let (status, problem) = app.send_json(&client, "POST", "/api/v1/sessions", wrong).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(problem["type"], "urn:onramp:problem:bad-credentials");
    let unknown = json!({"email": "nobody@onramp.demo", "password": "whatever password"});
    let (status, problem_unknown) = app.send_json(&client, "POST", "/api/v1/sessions", unknown).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(problem, problem_unknown, "no hint whether the account exists");

    let failures = app.audit("login.failure").await;
    assert_eq!(failures.len(), 2);
    assert!(failures.iter().all(|e| e.address.as_deref() == Some("127.0.0.1")));
    // The known account's failure names it; of the unknown address nothing typed is kept.
    let admin = app.actor(ADMIN).await.user_id;
    let known: Vec<_> = failures.iter().filter(|e| e.actor_user_id == Some(admin)).collect();
    assert_eq!(known.len(), 1, "{failures:?}");
    assert_eq!(known[0].actor_label, ADMIN);
    assert_eq!(known[0].entity_id.as_deref(), Some(admin.to_string().as_str()));
    let unknown: Vec<_> = failures.iter().filter(|e| e.actor_user_id.is_none()).collect();
    assert_eq!(unknown.len(), 1, "{failures:?}");
    assert_eq!(unknown[0].entity_id, None);
    assert_eq!(audit_mentions(&app.db, "nobody").await, 0);
    // Throttling still counts the unknown address, and its refusal keeps nothing typed either.
    for _ in 1..onramp_store::throttle::MAX_FAILURES_PER_ACCOUNT {
        let guess = json!({"email": "nobody@onramp.demo", "password": "another guess"});
        let (status, _) = app.send_json(&client, "POST", "/api/v1/sessions", guess).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let guess = json!({"email": "nobody@onramp.demo", "password": "one guess too many"});
    let (status, _) = app.send_json(&client, "POST", "/api/v1/sessions", guess).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(app.audit("login.throttled").await.len(), 1);
    assert_eq!(audit_mentions(&app.db, "nobody").await, 0);
    let (status, _) = app
        .send_json(
            &client,
            "POST",
            "/api/v1/sessions",
            json!({"email": ADMIN, "password": PASSWORD}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(app.audit("login.success").await.len(), 1);
}

#[tokio::test]
async fn sign_in_with_missing_fields_or_bad_json_gets_field_errors() {
    let app = TestApp::spawn().await;
    let client = TestApp::client();
    let (status, problem) = app.send_json(&client, "POST", "/api/v1/sessions", json!({})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&problem, "email", "required"));
    assert!(has_error(&problem, "password", "required"));

    let response = client
        .post(app.url("/api/v1/sessions"))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    let (status, problem) = status_and_json(response).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(problem["type"], "urn:onramp:problem:malformed-body");

    let response = client
        .post(app.url("/api/v1/sessions"))
        .body("email=x")
        .send()
        .await
        .unwrap();
    assert_eq!(
        status_and_json(response).await.0,
        StatusCode::BAD_REQUEST,
        "JSON content type required"
    );
}

#[tokio::test]
async fn repeated_failures_throttle_the_account() {
    let app = TestApp::spawn().await;
    let client = TestApp::client();
    for _ in 0..onramp_store::throttle::MAX_FAILURES_PER_ACCOUNT {
        let body = json!({"email": COACH_LIMBURG, "password": "guessing wrongly"});
        let (status, _) = app.send_json(&client, "POST", "/api/v1/sessions", body).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    // Now even the right password is refused for a while.
    let response = client
        .post(app.url("/api/v1/sessions"))
        .json(&json!({"email": COACH_LIMBURG, "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(response.headers().get("retry-after").unwrap(), "900");
    assert_eq!(app.audit("login.throttled").await.len(), 1);
    // Other accounts are not affected.
    let (status, _) = app
        .send_json(
            &client,
            "POST",
            "/api/v1/sessions",
            json!({"email": ADMIN, "password": PASSWORD}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
}

#[tokio::test]
async fn repeated_failures_from_one_address_throttle_that_address() {
    let app = TestApp::spawn().await;
    let client = TestApp::client();
    for n in 0..onramp_store::throttle::MAX_FAILURES_PER_ADDRESS {
        // A different unknown account each time: only the address is common.
        let body = json!({"email": format!("guess{n}@onramp.demo"), "password": "guessing wrongly"});
        let (status, _) = app.send_json(&client, "POST", "/api/v1/sessions", body).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let (status, _) = app
        .send_json(
            &client,
            "POST",
            "/api/v1/sessions",
            json!({"email": ADMIN, "password": PASSWORD}),
        )
        .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn sign_in_form_works_without_javascript_and_returns_to_the_page_asked_for() {
    let app = TestApp::spawn().await;
    let client = TestApp::client();
    let response = client.get(app.url("/organisations")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()["location"], "/login?next=%2Forganisations");

    let csrf = app.csrf(&client, "/login?next=%2Forganisations").await;
    let form = [
        ("csrf", csrf.as_str()),
        ("email", ADMIN),
        ("password", PASSWORD),
        ("next", "/organisations"),
    ];
    let response = client.post(app.url("/login")).form(&form).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()["location"], "/organisations");
    let html = client
        .get(app.url("/organisations"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Revalidatieziekenhuis Maasland"));
}

#[tokio::test]
async fn sign_in_form_refuses_other_sites_as_next_page() {
    let app = TestApp::spawn().await;
    let client = TestApp::client();
    let csrf = app.csrf(&client, "/login").await;
    let form = [
        ("csrf", csrf.as_str()),
        ("email", ADMIN),
        ("password", PASSWORD),
        ("next", "//evil.example/"),
    ];
    let response = client.post(app.url("/login")).form(&form).send().await.unwrap();
    assert_eq!(response.headers()["location"], "/");
}

#[tokio::test]
async fn sign_in_form_shows_what_went_wrong_and_keeps_the_email() {
    let app = TestApp::spawn().await;
    let client = TestApp::client();
    let csrf = app.csrf(&client, "/login").await;
    let form = [
        ("csrf", csrf.as_str()),
        ("email", ADMIN),
        ("password", "wrong password!"),
        ("next", "/"),
    ];
    let response = client
        .post(app.url("/login"))
        .header("accept-language", "en")
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let html = response.text().await.unwrap();
    assert!(
        html.contains("The e-mail address or password is not correct."),
        "{html}"
    );
    assert!(html.contains(&format!("value=\"{ADMIN}\"")), "typed e-mail kept");
    assert!(!html.contains("wrong password!"), "a password is never echoed");

    let form = [("csrf", csrf.as_str()), ("email", ""), ("password", ""), ("next", "/")];
    let response = client
        .post(app.url("/login"))
        .header("accept-language", "en")
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    assert!(html.contains("aria-invalid=\"true\""));
    assert!(html.contains("This field is required."));
}

#[tokio::test]
async fn forms_without_the_anti_forgery_token_are_refused() {
    let app = TestApp::spawn().await;
    // Before sign-in: the sign-in form itself.
    let client = TestApp::client();
    let response = client
        .post(app.url("/login"))
        .form(&[("email", ADMIN), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(app.audit("login.success").await.is_empty());

    // After sign-in: a token from another session does not count either.
    let admin = app.browser_as(ADMIN).await;
    let other = app.browser_as(COORDINATOR_LIMBURG).await;
    let foreign_token = app.csrf(&other, "/account").await;
    for token in ["", "forged", foreign_token.as_str()] {
        let response = admin
            .post(app.url("/organisations/new"))
            .form(&[
                ("csrf", token),
                ("name", "Forged clinic"),
                ("kind", "pain_clinic"),
                ("region_id", ""),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "token {token:?}");
    }
    assert!(app.audit("organisation.create").await.is_empty(), "nothing was created");
}

#[tokio::test]
async fn sign_out_form_ends_the_session() {
    let app = TestApp::spawn().await;
    let browser = app.browser_as(ADMIN).await;
    let csrf = app.csrf(&browser, "/").await;
    let response = browser
        .post(app.url("/logout"))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let response = browser.get(app.url("/")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "back to sign-in");
}

#[tokio::test]
async fn sessions_live_in_the_database_and_work_on_every_node() {
    let app = TestApp::spawn().await;
    let second = app.second_node().await;
    let client = TestApp::client();
    let response = client
        .post(app.url("/api/v1/sessions"))
        .json(&json!({"email": ADMIN, "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let other_node = TestApp::client();
    let response = other_node
        .get(format!("{second}/api/v1/me"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn responses_carry_security_headers_and_a_request_id() {
    let app = TestApp::spawn().await;
    let response = TestApp::client().get(app.url("/login")).send().await.unwrap();
    let headers = response.headers();
    let csp = headers["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains("frame-ancestors 'none'") && csp.contains("script-src 'self'") && !csp.contains("unsafe-inline")
    );
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["referrer-policy"], "same-origin");
    assert!(headers.contains_key("x-request-id"));
}
