//! User accounts: created and changed by administrators; the policy on roles and scope.

use crate::support::*;
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn api_creates_an_account_that_can_sign_in() {
    let app = TestApp::spawn().await;
    let admin = app.api_as(ADMIN).await;
    let maasland = app.organisation_id("Revalidatieziekenhuis Maasland").await;
    let body = json!({
        "email": "Nieuwe.Coach@GTB.demo", "display_name": "Nieuwe Coach", "role": "coach",
        "language": "fr", "organisations": [maasland], "password": "a long enough password"
    });
    let (status, user) = app.send_json(&admin, "POST", "/api/v1/users", body).await;
    assert_eq!(status, StatusCode::CREATED, "{user}");
    assert_eq!(user["email"], "nieuwe.coach@gtb.demo");
    assert_eq!(user["organisations"], json!([maasland]));
    let entry = &app.audit("user.create").await[0];
    assert!(
        !entry.after_json.as_deref().unwrap().contains("argon2"),
        "no password hash in the audit log"
    );

    let client = TestApp::client();
    let body = json!({"email": "nieuwe.coach@gtb.demo", "password": "a long enough password"});
    let (status, me) = app.send_json(&client, "POST", "/api/v1/sessions", body).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(me["language"], "fr");
}

#[tokio::test]
async fn api_reports_every_bad_field_of_an_account() {
    let app = TestApp::spawn().await;
    let admin = app.api_as(ADMIN).await;
    let body =
        json!({"email": "not an email", "display_name": "", "role": "boss", "language": "de", "password": "short"});
    let (status, problem) = app.send_json(&admin, "POST", "/api/v1/users", body).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    for (field, code) in [
        ("email", "invalid-email"),
        ("display_name", "required"),
        ("role", "invalid-choice"),
        ("language", "invalid-choice"),
        ("password", "password-too-short"),
    ] {
        assert!(has_error(&problem, field, code), "{field} {code}: {problem}");
    }

    let body = json!({"email": "coord@x.be", "display_name": "C", "role": "coordinator", "password": "a long enough password"});
    let (_, problem) = app.send_json(&admin, "POST", "/api/v1/users", body).await;
    assert!(has_error(&problem, "regions", "required"), "coordinators need a region");
    let body =
        json!({"email": "care@x.be", "display_name": "C", "role": "care_team", "password": "a long enough password"});
    let (_, problem) = app.send_json(&admin, "POST", "/api/v1/users", body).await;
    assert!(
        has_error(&problem, "organisations", "required"),
        "care-team members need an organisation"
    );

    let body = json!({"email": ADMIN, "display_name": "Twin", "role": "funder", "password": "a long enough password"});
    let (_, problem) = app.send_json(&admin, "POST", "/api/v1/users", body).await;
    assert!(has_error(&problem, "email", "taken"));
}

#[tokio::test]
async fn a_failed_account_creation_writes_nothing() {
    let app = TestApp::spawn().await;
    let admin = app.api_as(ADMIN).await;
    let missing = uuid::Uuid::now_v7().to_string();
    let body = json!({"email": "half@x.be", "display_name": "Half", "role": "coach", "organisations": [missing], "password": "a long enough password"});
    let (status, problem) = app.send_json(&admin, "POST", "/api/v1/users", body).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&problem, "organisations", "invalid-reference"));
    let (_, page) = app.get_json(&admin, "/api/v1/users?q=half").await;
    assert!(
        page["users"].as_array().unwrap().is_empty(),
        "the account row was rolled back with the membership"
    );
    assert!(app.audit("user.create").await.is_empty());
}

#[tokio::test]
async fn deactivating_an_account_ends_its_sessions_and_sign_ins() {
    let app = TestApp::spawn().await;
    let admin = app.api_as(ADMIN).await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let (_, me) = app.get_json(&coach, "/api/v1/me").await;
    let id = me["id"].as_str().unwrap();
    let mut body = json!({
        "email": COACH_LIMBURG, "display_name": "Sofie Maes", "role": "coach", "language": "nl",
        "active": false, "organisations": me["organisations"], "regions": []
    });
    let (status, updated) = app
        .send_json(&admin, "PUT", &format!("/api/v1/users/{id}"), body.clone())
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(updated["active"], false);
    let (status, _) = app.get_json(&coach, "/api/v1/me").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = app
        .send_json(
            &TestApp::client(),
            "POST",
            "/api/v1/sessions",
            json!({"email": COACH_LIMBURG, "password": PASSWORD}),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    body["active"] = json!(true);
    app.send_json(&admin, "PUT", &format!("/api/v1/users/{id}"), body).await;
    app.api_as(COACH_LIMBURG).await;
}

#[tokio::test]
async fn an_administrator_cannot_lock_themselves_out() {
    let app = TestApp::spawn().await;
    let admin = app.api_as(ADMIN).await;
    let (_, me) = app.get_json(&admin, "/api/v1/me").await;
    let id = me["id"].as_str().unwrap();
    let body = json!({"email": ADMIN, "display_name": "Me", "role": "funder", "active": true});
    let (status, problem) = app.send_json(&admin, "PUT", &format!("/api/v1/users/{id}"), body).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&problem, "role", "own-account"));
    let body = json!({"email": ADMIN, "display_name": "Me", "role": "administrator", "active": false});
    let (_, problem) = app.send_json(&admin, "PUT", &format!("/api/v1/users/{id}"), body).await;
    assert!(has_error(&problem, "active", "own-account"));
}

#[tokio::test]
async fn the_user_list_pages_with_a_cursor_and_filters() {
    let app = TestApp::spawn().await;
    let admin = app.api_as(ADMIN).await;
    let (_, first) = app.get_json(&admin, "/api/v1/users?limit=5").await;
    assert_eq!(first["users"].as_array().unwrap().len(), 5);
    let next = first["next"].as_str().unwrap();
    let (_, second) = app
        .get_json(&admin, &format!("/api/v1/users?limit=5&after={}", urlencode(next)))
        .await;
    let first_ids: Vec<_> = first["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["id"].clone())
        .collect();
    assert!(
        second["users"]
            .as_array()
            .unwrap()
            .iter()
            .all(|u| !first_ids.contains(&u["id"])),
        "pages do not overlap"
    );
    let (_, coaches) = app.get_json(&admin, "/api/v1/users?role=coach&limit=200").await;
    assert_eq!(coaches["users"].as_array().unwrap().len(), 10);
    assert!(coaches["next"].is_null());
    let (status, _) = app.get_json(&admin, "/api/v1/users?limit=0").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) = app.get_json(&admin, "/api/v1/users?after=garbage").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn the_user_form_creates_an_account_with_organisations() {
    let app = TestApp::spawn().await;
    let browser = app.browser_as(ADMIN).await;
    let csrf = app.csrf(&browser, "/users/new").await;
    let maasland = app.organisation_id("Revalidatieziekenhuis Maasland").await;
    let haspengouw = app.organisation_id("Pijnkliniek Haspengouw").await;
    let bad = [
        ("csrf", csrf.as_str()),
        ("email", "peer@x.be"),
        ("display_name", "Peer"),
        ("role", "peer_expert"),
        ("language", "nl"),
        ("password", "a long enough password"),
        ("active", "on"),
    ];
    let response = browser.post(app.url("/users/new")).form(&bad).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    assert!(
        html.contains("id=\"e-organisations\""),
        "organisations required for a peer expert"
    );
    assert!(!html.contains("a long enough password"), "passwords are not sent back");

    let mut good = bad.to_vec();
    good.push(("organisations", &maasland));
    good.push(("organisations", &haspengouw));
    let response = browser.post(app.url("/users/new")).form(&good).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let html = browser
        .get(app.url(&location))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains(&format!("value=\"{maasland}\" checked"))
            && html.contains(&format!("value=\"{haspengouw}\" checked"))
    );

    let path = location.split('?').next().unwrap();
    let reset = [("csrf", csrf.as_str()), ("password", "short")];
    let response = browser
        .post(app.url(&format!("{path}/password")))
        .form(&reset)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let reset = [("csrf", csrf.as_str()), ("password", "another long password")];
    let response = browser
        .post(app.url(&format!("{path}/password")))
        .form(&reset)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (status, _) = app
        .send_json(
            &TestApp::client(),
            "POST",
            "/api/v1/sessions",
            json!({"email": "peer@x.be", "password": "another long password"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
}
