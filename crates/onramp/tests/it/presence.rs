//! Presence actions: anonymous reach, participants linked, group hours, kinds, who may record.

use crate::participants::{programme_id, register};
use crate::support::*;
use chrono::{Datelike, Days};
use reqwest::StatusCode;
use serde_json::{Value, json};

fn today() -> chrono::NaiveDate {
    crate::caseload::today()
}

fn action(organisation: &str, kind: &str, reached: i64) -> Value {
    json!({"kind": kind, "organisation_id": organisation, "on": today().to_string(), "minutes": 120,
           "reached": reached, "description": "Stand in the hall of the day hospital"})
}

#[tokio::test]
async fn an_action_adds_to_the_reach_the_participants_and_the_group_hours() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let maasland = app.organisation_id("Revalidatieziekenhuis Maasland").await;
    let (_, me) = app.get_json(&coach, "/api/v1/me").await;
    let me = me["id"].as_str().unwrap().to_owned();
    let year_path = format!("/api/v1/organisations/{maasland}/presence?year={}", today().year());
    let hours_path = format!(
        "/api/v1/organisations/{maasland}/hours?year={}&coach_id={me}",
        today().year()
    );
    let group = |view: &Value| -> i64 {
        view["locations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["group"]["used_minutes"].as_i64().unwrap())
            .sum()
    };
    let (_, before) = app.get_json(&coach, &year_path).await;
    let (_, hours_before) = app.get_json(&coach, &hours_path).await;
    let (status, created) = app
        .send_json(
            &coach,
            "POST",
            "/api/v1/presence-actions",
            action(&maasland, "info_point", 14),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let (_, after) = app.get_json(&coach, &year_path).await;
    assert_eq!(
        after["reached"].as_i64().unwrap() - before["reached"].as_i64().unwrap(),
        14
    );
    assert_eq!(after["norm_per_fte"], 200);
    assert_eq!(after["reach_target"], 200, "the demo agreement's target: {after}");
    let (_, hours_after) = app.get_json(&coach, &hours_path).await;
    assert_eq!(group(&hours_after) - group(&hours_before), 120);

    let id = register(&app, &coach, &maasland, "Sien", "Bogaerts", "1988-06-06").await;
    let wgtw = programme_id(&app, &coach, "we-go-to-work").await;
    let body = json!({"programme_id": wgtw, "organisation_id": maasland, "started_on": today().to_string()});
    app.start_trajectory(&coach, &id, body).await;
    let link = format!(
        "/api/v1/presence-actions/{}/participants",
        created["id"].as_str().unwrap()
    );
    let (status, _) = app
        .send_json(&coach, "POST", &link, json!({"participant_id": id}))
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, after) = app.get_json(&coach, &year_path).await;
    let ours = after["actions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == created["id"])
        .unwrap()
        .clone();
    assert_eq!(ours["became_participants"], 1);

    // The coordinator sees the reach but records nothing; a coach elsewhere sees nothing.
    let coordinator = app.api_as(COORDINATOR_LIMBURG).await;
    assert_eq!(app.get_json(&coordinator, &year_path).await.0, StatusCode::OK);
    let (status, _) = app
        .send_json(
            &coordinator,
            "POST",
            "/api/v1/presence-actions",
            action(&maasland, "info_point", 3),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let far = app.api_as("an.peeters@gtb.demo").await;
    assert_eq!(app.get_json(&far, &year_path).await.0, StatusCode::NOT_FOUND);
    let (status, _) = app.send_json(&far, "POST", &link, json!({"participant_id": id})).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn bad_actions_and_kinds_are_refused_field_by_field() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let maasland = app.organisation_id("Revalidatieziekenhuis Maasland").await;
    let (status, problem) = app
        .send_json(
            &coach,
            "POST",
            "/api/v1/presence-actions",
            action(&maasland, "flyer_drop", 5),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&problem, "kind", "invalid-choice"));
    let mut body = action(&maasland, "info_point", -1);
    body["on"] = json!((today() + Days::new(1)).to_string());
    body["minutes"] = json!(null);
    let (_, problem) = app.send_json(&coach, "POST", "/api/v1/presence-actions", body).await;
    for (field, code) in [
        ("reached", "out-of-range"),
        ("on", "date-in-future"),
        ("minutes", "required"),
    ] {
        assert!(has_error(&problem, field, code), "{field} {code}: {problem}");
    }
    // Kinds: administrators add them; codes are unique.
    let (status, _) = app
        .send_json(
            &coach,
            "POST",
            "/api/v1/presence-kinds",
            json!({"code": "job_fair", "name": "Job fair"}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let admin = app.api_as(ADMIN).await;
    let (status, kind) = app
        .send_json(
            &admin,
            "POST",
            "/api/v1/presence-kinds",
            json!({"code": "job_fair", "name": "Job fair"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{kind}");
    let (status, problem) = app
        .send_json(
            &admin,
            "POST",
            "/api/v1/presence-kinds",
            json!({"code": "job_fair", "name": "Again"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&problem, "code", "taken"), "{problem}");
    let (status, _) = app
        .send_json(
            &coach,
            "POST",
            "/api/v1/presence-actions",
            action(&maasland, "job_fair", 40),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "the new kind is usable at once");
}

#[tokio::test]
async fn the_presence_page_records_an_action_and_shows_its_errors() {
    let app = TestApp::spawn().await;
    let maasland = app.organisation_id("Revalidatieziekenhuis Maasland").await;
    let page = app.english_browser_as(COACH_LIMBURG).await;
    let path = format!("/presence?organisation_id={maasland}");
    let html = page.get(app.url(&path)).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("Storytelling on the internal TV channel"));
    let csrf = csrf_in(&html);
    let on = today().to_string();
    let coach = app.api_as(COACH_LIMBURG).await;
    let year_path = format!("/api/v1/organisations/{maasland}/presence?year={}", today().year());
    let (_, before) = app.get_json(&coach, &year_path).await;
    let response = page
        .post(app.url("/presence"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("organisation_id", maasland.as_str()),
            ("kind", "info_session"),
            ("on", on.as_str()),
            ("minutes", "90"),
            ("reached", "lots"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(response.text().await.unwrap().contains("id=\"presence-e-reached\""));
    let response = page
        .post(app.url("/presence"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("organisation_id", maasland.as_str()),
            ("kind", "info_session"),
            ("on", on.as_str()),
            ("minutes", "90"),
            ("reached", "23"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, after) = app.get_json(&coach, &year_path).await;
    assert_eq!(
        after["reached"].as_i64().unwrap() - before["reached"].as_i64().unwrap(),
        23,
        "the action the form recorded counts in the year's reach, the refused one nothing"
    );
}

#[tokio::test]
async fn a_bad_year_is_a_field_error_in_the_api_and_on_the_page() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let maasland = app.organisation_id("Revalidatieziekenhuis Maasland").await;
    for (path, code) in [
        (
            format!("/api/v1/organisations/{maasland}/presence?year=last"),
            "invalid-number",
        ),
        (
            format!("/api/v1/organisations/{maasland}/presence?year=1800"),
            "out-of-range",
        ),
        (
            format!("/api/v1/organisations/{maasland}/hours?year=soon"),
            "invalid-number",
        ),
    ] {
        let (status, problem) = app.get_json(&coach, &path).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{path}");
        assert!(has_error(&problem, "year", code), "{path}: {problem}");
    }
    let page = app.english_browser_as(COACH_LIMBURG).await;
    let response = page
        .get(app.url(&format!("/presence?organisation_id={maasland}&year=last")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
}
