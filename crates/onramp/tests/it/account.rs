//! A user's own account: password, language, API tokens.

use crate::support::*;
use chrono::{DateTime, Utc};
use reqwest::StatusCode;
use serde_json::{Value, json};

#[tokio::test]
async fn changing_the_password_checks_the_old_one_and_ends_other_sessions() {
    let app = TestApp::spawn().await;
    let here = app.api_as(COACH_LIMBURG).await;
    let elsewhere = app.api_as(COACH_LIMBURG).await;
    let (status, problem) = app
        .send_json(
            &here,
            "PUT",
            "/api/v1/me/password",
            json!({"current_password": "wrong", "new_password": "a new long password"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&problem, "current_password", "wrong-password"));
    let (_, problem) = app
        .send_json(
            &here,
            "PUT",
            "/api/v1/me/password",
            json!({"current_password": PASSWORD, "new_password": "short"}),
        )
        .await;
    assert!(has_error(&problem, "new_password", "password-too-short"));

    let body = json!({"current_password": PASSWORD, "new_password": "a new long password"});
    let (status, _) = app.send_json(&here, "PUT", "/api/v1/me/password", body).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(
        app.get_json(&here, "/api/v1/me").await.0,
        StatusCode::OK,
        "this session stays"
    );
    assert_eq!(
        app.get_json(&elsewhere, "/api/v1/me").await.0,
        StatusCode::UNAUTHORIZED,
        "others end"
    );
    let old = json!({"email": COACH_LIMBURG, "password": PASSWORD});
    assert_eq!(
        app.send_json(&TestApp::client(), "POST", "/api/v1/sessions", old)
            .await
            .0,
        StatusCode::UNAUTHORIZED
    );
    let new = json!({"email": COACH_LIMBURG, "password": "a new long password"});
    assert_eq!(
        app.send_json(&TestApp::client(), "POST", "/api/v1/sessions", new)
            .await
            .0,
        StatusCode::CREATED
    );
    assert_eq!(app.audit("user.password_change").await.len(), 1);
}

#[tokio::test]
async fn the_password_form_asks_twice() {
    let app = TestApp::spawn().await;
    let browser = app.browser_as(PEER).await;
    let csrf = app.csrf(&browser, "/account").await;
    let form = [
        ("csrf", csrf.as_str()),
        ("current_password", PASSWORD),
        ("new_password", "a new long password"),
        ("confirm_password", "a new long passw0rd"),
    ];
    let response = browser
        .post(app.url("/account/password"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(response.text().await.unwrap().contains("id=\"e-confirm_password\""));
    let form = [
        ("csrf", csrf.as_str()),
        ("current_password", PASSWORD),
        ("new_password", "a new long password"),
        ("confirm_password", "a new long password"),
    ];
    let response = browser
        .post(app.url("/account/password"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["location"], "/account?notice=password-changed");
}

#[tokio::test]
async fn api_tokens_act_for_their_owner_until_revoked() {
    let app = TestApp::spawn().await;
    let admin = app.api_as(ADMIN).await;
    let (status, problem) = app
        .send_json(&admin, "POST", "/api/v1/me/tokens", json!({"name": ""}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&problem, "name", "required"));
    let (status, created) = app
        .send_json(&admin, "POST", "/api/v1/me/tokens", json!({"name": "reporting export"}))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let secret = created["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("onr_") && secret.len() > 40);
    let token_id = created["token"]["id"].as_str().unwrap().to_owned();

    let bare = reqwest::Client::new();
    let response = bare
        .get(app.url("/api/v1/me"))
        .bearer_auth(&secret)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let response = bare
        .get(app.url("/api/v1/users"))
        .bearer_auth(&secret)
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "the token has its owner's permissions"
    );
    // Marking the token as used happens beside the request, so it may take a moment to show.
    let mut tokens = Value::Null;
    for _ in 0..50 {
        tokens = app.get_json(&admin, "/api/v1/me/tokens").await.1;
        if tokens[0]["last_used_at"].is_string() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(tokens[0]["last_used_at"].is_string());
    // Used again within the minute, the token is not written again (no write per request); used
    // after a minute, it is.
    let last_used = |tokens: &Value| {
        tokens[0]["last_used_at"]
            .as_str()
            .unwrap()
            .parse::<DateTime<Utc>>()
            .unwrap()
    };
    let use_it_and_read = async || {
        let me = bare
            .get(app.url("/api/v1/me"))
            .bearer_auth(&secret)
            .send()
            .await
            .unwrap();
        assert_eq!(me.status(), StatusCode::OK);
        last_used(&app.get_json(&admin, "/api/v1/me/tokens").await.1)
    };
    let first_use = last_used(&tokens);
    assert_eq!(use_it_and_read().await, first_use, "not written within the minute");
    let two_minutes_ago = Utc::now() - chrono::Duration::minutes(2);
    let token_uuid: uuid::Uuid = token_id.parse().unwrap();
    let mut tx = app.db.begin().await.unwrap();
    let sql = "UPDATE api_tokens SET last_used_at = $1 WHERE id = $2";
    let changed = onramp_store::run!(&mut tx, c => sqlx::query(sql).bind(two_minutes_ago).bind(token_uuid)
        .execute(c).await.map(|r| r.rows_affected()));
    assert_eq!(changed.unwrap(), 1);
    tx.commit().await.unwrap();
    let mut used = use_it_and_read().await;
    for _ in 0..50 {
        if used > first_use {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        used = use_it_and_read().await;
    }
    assert!(used > first_use, "written again after a minute");
    assert!(tokens[0].get("secret").is_none(), "the secret is never listed");

    // Someone else cannot revoke it; its owner can.
    let other = app.api_as(COACH_LIMBURG).await;
    let response = other
        .delete(app.url(&format!("/api/v1/me/tokens/{token_id}")))
        .header("x-requested-with", "onramp-tests")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let response = admin
        .delete(app.url(&format!("/api/v1/me/tokens/{token_id}")))
        .header("x-requested-with", "onramp-tests")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let response = bare
        .get(app.url("/api/v1/me"))
        .bearer_auth(&secret)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(app.audit("api_token.revoke").await.len(), 1);
}

#[tokio::test]
async fn the_account_page_creates_shows_once_and_revokes_a_token() {
    let app = TestApp::spawn().await;
    let browser = app.browser_as(ADMIN).await;
    let csrf = app.csrf(&browser, "/account").await;
    let response = browser
        .post(app.url("/account/tokens"))
        .form(&[("csrf", csrf.as_str()), ("name", "BI tool")])
        .send()
        .await
        .unwrap();
    let html = response.text().await.unwrap();
    let start = html.find("<code>onr_").expect("secret shown once") + "<code>".len();
    let secret = html[start..].split('<').next().unwrap().to_owned();
    let again = browser
        .get(app.url("/account"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!again.contains(&secret), "not shown a second time");
    let marker = "action=\"/account/tokens/";
    let start = again.find(marker).unwrap() + marker.len();
    let id = again[start..].split('/').next().unwrap();
    let response = browser
        .post(app.url(&format!("/account/tokens/{id}/revoke")))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let response = reqwest::Client::new()
        .get(app.url("/api/v1/me"))
        .bearer_auth(&secret)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn preferences_change_the_language_of_every_page() {
    let app = TestApp::spawn().await;
    let client = app.api_as(COACH_LIMBURG).await;
    let (status, problem) = app
        .send_json(
            &client,
            "PATCH",
            "/api/v1/me",
            json!({"display_name": "", "language": "de"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&problem, "display_name", "required") && has_error(&problem, "language", "invalid-choice"));
    let (status, me) = app
        .send_json(
            &client,
            "PATCH",
            "/api/v1/me",
            json!({"display_name": "Sofie M.", "language": "fr"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["language"], "fr");
    let html = client
        .get(app.url("/account"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("<html lang=\"fr\">"));
    assert!(html.contains("Sofie M."));
}
