//! The participant's own onramp (docs/portal.md): invitations by code and by e-mail, opening the
//! account, what the participant reads and does there, the confinement to the portal (404 for
//! every staff page and API path, from the router's own list and the OpenAPI document), and
//! ending the access.

use crate::support::*;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

pub(crate) const NEW_PASSWORD: &str = "my own long password";

/// Two people the Limburg coach follows: (the one invited, another).
pub(crate) async fn two_people(app: &TestApp, coach: &Client) -> (String, String) {
    let (status, caseload) = app.get_json(coach, "/api/v1/caseload?limit=5&mine=true").await;
    assert_eq!(status, StatusCode::OK, "{caseload}");
    let rows = caseload["rows"].as_array().expect("rows").clone();
    assert!(rows.len() >= 2, "the demo coach follows people");
    let id = |i: usize| rows[i]["participant_id"].as_str().unwrap().to_owned();
    (id(0), id(1))
}

/// Invites `person` with a printed code; returns the code.
pub(crate) async fn code_for(app: &TestApp, coach: &Client, person: &str) -> String {
    let path = format!("/api/v1/participants/{person}/portal/invitations");
    let (status, issued) = app.send_json(coach, "POST", &path, json!({"kind": "code"})).await;
    assert_eq!(status, StatusCode::CREATED, "{issued}");
    issued["code"].as_str().expect("the code, shown once").to_owned()
}

/// Opens the account with a code through the API; returns the participant's signed-in client.
pub(crate) async fn activate(app: &TestApp, code: &str) -> Client {
    let client = TestApp::client();
    let body = json!({"code": code.to_lowercase().replace('-', " "), "password": NEW_PASSWORD, "accept_terms": true});
    let (status, opened) = app.send_json(&client, "POST", "/api/v1/portal/activation", body).await;
    assert_eq!(status, StatusCode::CREATED, "{opened}");
    client
}

#[tokio::test]
async fn a_printed_code_opens_the_account_once_and_the_participant_sees_their_own_file() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let (person, other) = two_people(&app, &coach).await;
    let code = code_for(&app, &coach, &person).await;

    // Wrong attempts: field errors, an unknown code 404, nothing opened.
    let anonymous = TestApp::client();
    let attempt = |body: Value| app.send_json(&anonymous, "POST", "/api/v1/portal/activation", body);
    let (status, problem) = attempt(json!({"code": code, "password": "short", "accept_terms": false})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert!(has_error(&problem, "password", "password-too-short"), "{problem}");
    assert!(has_error(&problem, "accept_terms", "terms-not-accepted"), "{problem}");
    let (status, _) = attempt(json!({"code": "ABCD-EFGH-JKMN", "password": NEW_PASSWORD, "accept_terms": true})).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, state) = app
        .get_json(&coach, &format!("/api/v1/participants/{person}/portal"))
        .await;
    assert_eq!(state["invitation"]["used_at"], Value::Null, "{state}");

    // The code as typed (small letters, spaces) opens it, once.
    let participant = activate(&app, &code).await;
    let (status, _) = attempt(json!({"code": code, "password": NEW_PASSWORD, "accept_terms": true})).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "a code works once");

    // Home: their name and programme with their coach.
    let (status, overview) = app.get_json(&participant, "/api/v1/portal").await;
    assert_eq!(status, StatusCode::OK, "{overview}");
    let (_, file) = app.get_json(&coach, &format!("/api/v1/participants/{person}")).await;
    assert_eq!(overview["first_name"], file["participant"]["first_name"], "{overview}");
    assert!(!overview["programmes"].as_array().unwrap().is_empty(), "{overview}");

    // Who consulted the file: the coach's read just now, by role and organisation, never a name;
    // not the participant's own use of the portal.
    let (status, log) = app.get_json(&participant, "/api/v1/portal/access-log").await;
    assert_eq!(status, StatusCode::OK, "{log}");
    let entries = log["entries"].as_array().unwrap();
    assert!(
        entries
            .iter()
            .any(|e| e["action"] == "participant.read" && e["role"] == "coach" && e["kind"] == "read"),
        "{log}"
    );
    assert!(entries.iter().all(|e| e["role"] != "participant"), "{log}");
    assert!(!log.to_string().contains(COACH_LIMBURG), "no staff e-mail: {log}");
    assert!(
        entries
            .iter()
            .any(|e| !e["organisations"].as_array().unwrap().is_empty()),
        "{log}"
    );
    // ...while their own reads are audited, with their purpose.
    let own = app.audit("portal.access_log").await;
    assert!(own.iter().any(|e| e.purpose.as_deref() == Some("own_file")), "{own:?}");

    // Consents: another person's consent is not theirs to withdraw (404); their own withdrawal
    // holds at once, as the coach sees it.
    let (_, theirs) = app.get_json(&coach, &format!("/api/v1/participants/{other}")).await;
    let foreign = theirs["consents"][0]["id"].as_str().expect("a consent").to_owned();
    let path = format!("/api/v1/portal/consents/{foreign}/withdraw");
    assert_eq!(
        app.send_json(&participant, "POST", &path, json!({})).await.0,
        StatusCode::NOT_FOUND
    );
    let (status, consents) = app.get_json(&participant, "/api/v1/portal/consents").await;
    assert_eq!(status, StatusCode::OK, "{consents}");
    let research = consents["consents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["purpose"] != "participation" && c["withdrawn_on"].is_null());
    let target = research.unwrap_or(&consents["consents"][0]);
    let id = target["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/portal/consents/{id}/withdraw");
    let (status, withdrawn) = app.send_json(&participant, "POST", &path, json!({})).await;
    assert_eq!(status, StatusCode::OK, "{withdrawn}");
    assert_eq!(withdrawn["in_force"], false, "{withdrawn}");
    let (_, file) = app.get_json(&coach, &format!("/api/v1/participants/{person}")).await;
    let seen = file["consents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id.as_str())
        .unwrap()
        .clone();
    assert!(!seen["withdrawn_on"].is_null(), "{seen}");
    // Giving: sharing names one of their own partners, no other.
    let (status, problem) = app
        .send_json(
            &participant,
            "POST",
            "/api/v1/portal/consents",
            json!({"purpose": "share_care_team", "organisation_id": uuid::Uuid::now_v7().to_string()}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert!(has_error(&problem, "organisation_id", "not-your-partner"), "{problem}");
    let (status, given) = app
        .send_json(
            &participant,
            "POST",
            "/api/v1/portal/consents",
            json!({"purpose": "research"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{given}");
    assert_eq!(given["in_force"], true);
}

#[tokio::test]
async fn the_download_holds_the_person_and_never_the_staff_notes() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let (person, other) = two_people(&app, &coach).await;
    // The coach writes a working note on the file.
    let (_, file) = app.get_json(&coach, &format!("/api/v1/participants/{person}")).await;
    let mut record = file["participant"].clone();
    let note = "working note the person does not read";
    record["notes"] = json!(note);
    let (status, saved) = app
        .send_json(&coach, "PUT", &format!("/api/v1/participants/{person}"), record)
        .await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    let participant = activate(&app, &code_for(&app, &coach, &person).await).await;

    let response = participant.get(app.url("/api/v1/portal/export")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let bytes = response.bytes().await.unwrap();
    let read = read_with_python("read_access_export.py", &bytes);
    assert_eq!(read["schema_errors"], json!([]), "{}", read["schema_errors"]);
    assert_eq!(read["json"]["participant"]["id"], person.as_str());
    assert!(read["pdf_bytes"].as_u64().unwrap() > 1000);
    let text = read["json"].to_string();
    assert!(!text.contains(note), "no staff notes in the person's download");
    assert!(!text.contains(&other), "nobody else");
    let exported = app.audit("portal.export").await;
    assert_eq!(exported.len(), 1, "{exported:?}");
    assert_eq!(exported[0].purpose.as_deref(), Some("access_request"));
}

/// A path of the router or the document with its parameters filled in: ids of another person.
fn filled(path: &str, other: &str) -> String {
    let mut out = String::new();
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let end = rest[start..].find('}').map(|e| start + e + 1).unwrap_or(rest.len());
        let name = &rest[start + 1..end - 1];
        out.push_str(match name {
            "kind" => "action",
            "file" => "export.csv",
            _ => other,
        });
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

#[tokio::test]
async fn a_participant_finds_nothing_outside_the_portal() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let (person, other) = two_people(&app, &coach).await;
    let participant = activate(&app, &code_for(&app, &coach, &person).await).await;
    let csrf = csrf_in(&app.html(&participant, "/portal").await);

    // Every staff page of the router's own list, read and posted to: 404, in HTML.
    let mut seen = Vec::new();
    for path in onramp_web::staff_page_paths() {
        for own_too in [&other, &person] {
            let url = app.url(&filled(path, own_too));
            let got = participant.get(&url).send().await.unwrap();
            let posted = participant
                .post(&url)
                .form(&[("csrf", csrf.as_str())])
                .send()
                .await
                .unwrap();
            for (method, response) in [("GET", got), ("POST", posted)] {
                if path == "/" {
                    assert_eq!(
                        response.status(),
                        StatusCode::SEE_OTHER,
                        "{method} / sends to the portal"
                    );
                    continue;
                }
                if response.status() != StatusCode::NOT_FOUND {
                    seen.push(format!("{method} {path}: {}", response.status()));
                }
            }
        }
    }
    assert!(seen.is_empty(), "{seen:#?}");
    assert!(onramp_web::staff_page_paths().len() > 100, "the list is the router's");

    // Every API operation of the document outside the portal: 404 as problem+json.
    let (_, document) = app.get_json(&TestApp::client(), "/api/openapi.json").await;
    let mut operations = 0;
    for (path, item) in document["paths"].as_object().unwrap() {
        if onramp_web::participant_may_reach(path) {
            continue;
        }
        for method in item.as_object().unwrap().keys() {
            let method = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            for own_too in [&other, &person] {
                let response = participant
                    .request(method.clone(), app.url(&filled(path, own_too)))
                    .json(&json!({}))
                    .send()
                    .await
                    .unwrap();
                let status = response.status();
                let kind = response
                    .headers()
                    .get("content-type")
                    .map(|v| v.to_str().unwrap().to_owned())
                    .unwrap_or_default();
                if status != StatusCode::NOT_FOUND || !kind.starts_with("application/problem+json") {
                    seen.push(format!("{method} {path}: {status} {kind}"));
                }
            }
            operations += 1;
        }
    }
    assert!(seen.is_empty(), "{seen:#?}");
    assert!(operations > 140, "the document's operations: {operations}");

    // And the portal is the participant's alone: staff find nothing there.
    let (status, _) = app.get_json(&coach, "/api/v1/portal").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let admin = app.api_as(ADMIN).await;
    let (status, _) = app.get_json(&admin, "/api/v1/portal/consents").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let staff_page = app.browser_as(COACH_LIMBURG).await;
    let response = staff_page.get(app.url("/portal")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn ending_the_access_signs_the_participant_out_and_a_new_invitation_opens_it_again() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let (person, _) = two_people(&app, &coach).await;
    let participant = activate(&app, &code_for(&app, &coach, &person).await).await;
    let (_, status) = app
        .get_json(&coach, &format!("/api/v1/participants/{person}/portal"))
        .await;
    assert_eq!(status["active"], true, "{status}");
    let sign_in = status["account"]["sign_in"].as_str().unwrap().to_owned();
    let user_id = status["account"]["user_id"].clone();
    assert!(sign_in.starts_with("p-"), "{sign_in}");

    let path = format!("/api/v1/participants/{person}/portal");
    assert_eq!(
        app.send_json(&coach, "DELETE", &path, json!({})).await.0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        app.get_json(&participant, "/api/v1/portal").await.0,
        StatusCode::UNAUTHORIZED
    );
    let again = TestApp::client();
    let body = json!({"email": sign_in, "password": NEW_PASSWORD});
    assert_eq!(
        app.send_json(&again, "POST", "/api/v1/sessions", body.clone()).await.0,
        StatusCode::UNAUTHORIZED
    );

    // A new code opens the same account again, with the same sign-in name.
    let reopened = activate(&app, &code_for(&app, &coach, &person).await).await;
    assert_eq!(app.get_json(&reopened, "/api/v1/portal").await.0, StatusCode::OK);
    let (_, status) = app
        .get_json(&coach, &format!("/api/v1/participants/{person}/portal"))
        .await;
    assert_eq!(status["account"]["sign_in"], sign_in.as_str());
    assert_eq!(status["account"]["user_id"], user_id, "the same account");

    // The participant ends it themselves.
    let (status, _) = app
        .send_json(&reopened, "DELETE", "/api/v1/portal/access", json!({}))
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(
        app.send_json(&again, "POST", "/api/v1/sessions", body).await.0,
        StatusCode::UNAUTHORIZED
    );
    let ends: Vec<_> = app.audit("portal.end").await;
    assert_eq!(ends.len(), 2, "{ends:?}");

    // Portal accounts are no staff accounts: not listed, not editable, not made by hand.
    let admin = app.api_as(ADMIN).await;
    let (_, users) = app.get_json(&admin, "/api/v1/users?limit=200").await;
    assert!(!users.to_string().contains(&sign_in), "{users}");
    let (status, problem) = app
        .send_json(
            &admin,
            "POST",
            "/api/v1/users",
            json!({"email": "x@onramp.test", "display_name": "X", "role": "participant", "password": NEW_PASSWORD}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert!(has_error(&problem, "role", "invalid-choice"), "{problem}");
}

#[tokio::test]
async fn an_emailed_link_opens_the_account_in_the_browser() {
    let sink = MailSink::start();
    let app = TestApp::spawn_with_mail(&sink).await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let (person, _) = two_people(&app, &coach).await;
    let path = format!("/api/v1/participants/{person}/portal/invitations");
    // The address must be one; a staff member's address is taken.
    let (status, problem) = app
        .send_json(&coach, "POST", &path, json!({"kind": "email", "email": "no"}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert!(has_error(&problem, "email", "invalid-email"), "{problem}");
    let (status, problem) = app
        .send_json(&coach, "POST", &path, json!({"kind": "email", "email": COACH_LIMBURG}))
        .await;
    assert!(has_error(&problem, "email", "taken"), "{status} {problem}");
    let address = "an.portal@example.be";
    let (status, issued) = app
        .send_json(&coach, "POST", &path, json!({"kind": "email", "email": address}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{issued}");
    assert!(issued["code"].is_null(), "a link is never shown to the coach: {issued}");

    let mail = read_with_python("read_mail.py", sink.messages().last().expect("a message").as_bytes());
    assert!(mail["to"].as_str().unwrap().contains(address), "{mail}");
    let text = mail["text"].as_str().unwrap();
    let link = text
        .split_whitespace()
        .find(|w| w.contains("/portal/invitation/"))
        .expect("the link");
    let link_path = &link[link.find("/portal/").unwrap()..];

    // The browser: the form, its errors, then the account, signed in at the portal's home.
    let browser = TestApp::client();
    let page = app.html(&browser, link_path).await;
    assert!(page.contains(address), "the sign-in name is shown");
    let csrf = csrf_in(&page);
    let response = browser
        .post(app.url(link_path))
        .form(&[
            ("csrf", csrf.as_str()),
            ("password", NEW_PASSWORD),
            ("password_again", "other"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text().await.unwrap();
    assert!(page.contains("aria-invalid=\"true\""), "fields marked");
    assert!(!page.contains(NEW_PASSWORD), "a password is never shown again");
    let response = browser
        .post(app.url(link_path))
        .form(&[
            ("csrf", csrf.as_str()),
            ("password", NEW_PASSWORD),
            ("password_again", NEW_PASSWORD),
            ("accept_terms", "yes"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let home = app.html(&browser, "/portal").await;
    assert!(home.contains("/portal/consents"), "the portal's home");
    assert_eq!(
        browser.get(app.url(link_path)).send().await.unwrap().status(),
        StatusCode::NOT_FOUND
    );

    // Signing out and in again on the portal's own page, with the address.
    let csrf = csrf_in(&home);
    browser
        .post(app.url("/logout"))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    let again = TestApp::client();
    let csrf = app.csrf(&again, "/portal/sign-in").await;
    let response = again
        .post(app.url("/portal/sign-in"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("email", address),
            ("password", NEW_PASSWORD),
            ("next", "/caseload"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()["location"], "/portal", "never out of the portal");
}

#[tokio::test]
async fn every_portal_page_speaks_the_three_languages() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let (person, _) = two_people(&app, &coach).await;
    let code = code_for(&app, &coach, &person).await;
    // A browser opens the account with the code on the page.
    let browser = TestApp::client();
    let csrf = app.csrf(&browser, "/portal/start").await;
    let response = browser
        .post(app.url("/portal/start"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("code", "nonsense"),
            ("password", NEW_PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(response.text().await.unwrap().contains("aria-invalid"));
    let response = browser
        .post(app.url("/portal/start"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("code", code.as_str()),
            ("password", NEW_PASSWORD),
            ("password_again", NEW_PASSWORD),
            ("accept_terms", "yes"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);

    let pages = [
        "/portal",
        "/portal/consents",
        "/portal/access-log",
        "/portal/sessions",
        "/portal/ratings",
        "/portal/download",
        "/portal/help",
        "/portal/end",
    ];
    let mut texts = std::collections::HashMap::new();
    for language in ["nl", "fr", "en"] {
        let csrf = csrf_in(&app.html(&browser, "/portal").await);
        browser
            .post(app.url("/language"))
            .form(&[("csrf", csrf.as_str()), ("language", language), ("next", "/portal")])
            .send()
            .await
            .unwrap();
        for page in pages {
            let response = browser.get(app.url(page)).send().await.unwrap();
            assert_eq!(response.status(), StatusCode::OK, "{page} in {language}");
            let html = response.text().await.unwrap();
            assert!(
                html.contains(&format!("<html lang=\"{language}\"")),
                "{page} in {language}"
            );
            texts.insert((language, page), html);
        }
    }
    for page in pages {
        assert_ne!(texts[&("nl", page)], texts[&("en", page)], "{page} is translated");
        assert_ne!(texts[&("fr", page)], texts[&("en", page)], "{page} is translated");
    }
    // The coach's page of the access, with the printed letter's code shown once.
    let (_, status) = app
        .get_json(&coach, &format!("/api/v1/participants/{person}/portal"))
        .await;
    let sign_in = status["account"]["sign_in"].as_str().unwrap().to_owned();
    let staff = app.browser_as(COACH_LIMBURG).await;
    let page = app.html(&staff, &format!("/participants/{person}/portal")).await;
    assert!(page.contains(&sign_in), "the sign-in name: {page}");
    // A new code is shown once, as a letter to print.
    let csrf = csrf_in(&page);
    let response = staff
        .post(app.url(&format!("/participants/{person}/portal/invitations")))
        .form(&[("csrf", csrf.as_str()), ("kind", "code")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let letter = response.text().await.unwrap();
    assert!(
        letter.contains("class=\"code\"") && letter.contains(&sign_in),
        "the letter"
    );
    let again = app.html(&staff, &format!("/participants/{person}/portal")).await;
    assert!(!again.contains("class=\"code\""), "shown once");
}

/// Marks every session as last used `hours` ago.
pub(crate) async fn idle_for(app: &TestApp, hours: i64) {
    let then = chrono::Utc::now() - chrono::Duration::hours(hours);
    let mut tx = app.db.begin().await.unwrap();
    let sql = "UPDATE sessions SET last_seen_at = $1";
    onramp_store::run!(&mut tx, c => sqlx::query(sql).bind(then).execute(c).await.map(|r| r.rows_affected())).unwrap();
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn a_participant_may_take_a_longer_break_than_staff() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let (person, _) = two_people(&app, &coach).await;
    let participant = activate(&app, &code_for(&app, &coach, &person).await).await;
    // Three hours without a request: the coach's session has ended, the participant's has not.
    idle_for(&app, 3).await;
    assert_eq!(app.get_json(&coach, "/api/v1/me").await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(app.get_json(&participant, "/api/v1/portal").await.0, StatusCode::OK);
    // Nine hours: that one too.
    idle_for(&app, 9).await;
    assert_eq!(
        app.get_json(&participant, "/api/v1/portal").await.0,
        StatusCode::UNAUTHORIZED
    );
    // The page says how long.
    let help = app.html(&TestApp::client(), "/portal/help").await;
    assert!(help.contains('8'), "the idle time is stated");
}

#[tokio::test]
async fn the_sessions_say_where_and_give_the_room_of_an_online_one() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let (person, _) = two_people(&app, &coach).await;
    let participant = activate(&app, &code_for(&app, &coach, &person).await).await;
    // The coach enrols the person in coming sessions: an online one and one that is not, if the
    // demo's next weeks hold both.
    let (status, list) = app.get_json(&coach, "/api/v1/sessions?whose=all&limit=200").await;
    assert_eq!(status, StatusCode::OK, "{list}");
    let mut enrolled = Vec::new();
    for online in [true, false] {
        for session in list["sessions"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| s["online"] == online)
        {
            let path = format!("/api/v1/sessions/{}/enrolments", session["id"].as_str().unwrap());
            let body = json!({"participant_id": person, "rest_of_series": false});
            if app.send_json(&coach, "POST", &path, body).await.0 == StatusCode::CREATED {
                enrolled.push((session["id"].clone(), online));
                break;
            }
        }
    }
    assert!(
        enrolled.iter().any(|(_, online)| *online),
        "the demo has a coming online session: {enrolled:?}"
    );
    let (status, own) = app.get_json(&participant, "/api/v1/portal/sessions").await;
    assert_eq!(status, StatusCode::OK, "{own}");
    for (id, online) in enrolled {
        let shown = own
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["session_id"] == id)
            .expect("listed")
            .clone();
        assert_eq!(shown["upcoming"], true, "{shown}");
        assert!(shown["place"].as_str().is_some_and(|p| !p.is_empty()), "{shown}");
        let link = shown["online_link"].as_str();
        assert_eq!(link.is_some(), online, "{shown}");
        if let Some(link) = link {
            assert!(link.starts_with("https://") && link.contains("/onramp-"), "{link}");
            let page = app.html(&participant, "/portal/sessions").await;
            assert!(page.contains(link), "the page links the room");
        }
    }
}

#[tokio::test]
async fn anonymising_or_erasing_a_file_forgets_its_portal_account() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let (person, other) = two_people(&app, &coach).await;
    let participant = activate(&app, &code_for(&app, &coach, &person).await).await;
    let (_, state) = app
        .get_json(&coach, &format!("/api/v1/participants/{person}/portal"))
        .await;
    let sign_in = state["account"]["sign_in"].as_str().unwrap().to_owned();
    let name = state["account"]["user_id"].as_str().unwrap().to_owned();
    let (_, mine) = app.get_json(&participant, "/api/v1/portal").await;
    let first_name = mine["first_name"].as_str().unwrap().to_owned();
    let admin = app.api_as(ADMIN).await;
    let path = format!("/api/v1/participants/{person}/anonymisation");
    let (status, done) = app
        .send_json(&admin, "POST", &path, json!({"reason": "retention"}))
        .await;
    assert_eq!(status, StatusCode::OK, "{done}");
    // Signed out, cannot sign in, and the account keeps neither the name nor the sign-in.
    assert_eq!(
        app.get_json(&participant, "/api/v1/portal").await.0,
        StatusCode::UNAUTHORIZED
    );
    let body = json!({"email": sign_in, "password": NEW_PASSWORD});
    assert_eq!(
        app.send_json(&TestApp::client(), "POST", "/api/v1/sessions", body)
            .await
            .0,
        StatusCode::UNAUTHORIZED
    );
    let user = onramp_store::users::get(&mut app.db.conn().await.unwrap(), name.parse().unwrap())
        .await
        .unwrap()
        .expect("the account stays for the audit log");
    assert!(!user.active && user.display_name.is_empty(), "{user:?}");
    assert!(
        !user.email.contains(&sign_in) && !user.display_name.contains(&first_name),
        "{user:?}"
    );

    // Erasing a file with a portal account and an open invitation works and leaves no link.
    activate(&app, &code_for(&app, &coach, &other).await).await;
    code_for(&app, &coach, &other).await;
    let response = admin
        .delete(app.url(&format!("/api/v1/participants/{other}")))
        .json(&json!({"reason": "registered twice by mistake"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let (status, _) = app
        .get_json(&coach, &format!("/api/v1/participants/{other}/portal"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
