//! Private iCalendar feeds: read with an independent parser (Python's `icalendar`),
//! never showing who takes part, and gone (404) once revoked.

use crate::participants::{programme_id, register};
use crate::support::*;
use chrono::{DateTime, Days, Utc};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

/// Parses iCalendar text with `tests-py/read_ics.py`.
pub fn parse_ics(text: &str) -> Value {
    read_with_python("read_ics.py", text.as_bytes())
}

async fn plan(app: &TestApp, coach: &Client, online: bool) -> Vec<Value> {
    let maasland = app.organisation_id("Revalidatieziekenhuis Maasland").await;
    let (_, o) = app.get_json(coach, &format!("/api/v1/organisations/{maasland}")).await;
    let wgtw = programme_id(app, coach, "we-go-to-work").await;
    let first = crate::caseload::today() + Days::new(3);
    let body = json!({
        "programme_id": wgtw, "module": "module_1", "title": "Information session on return to work",
        "organisation_id": maasland, "location_id": o["locations"][0]["id"], "online": online, "capacity": 20,
        "first_date": first.to_string(), "start_time": "10:00", "minutes": 90, "sessions": 2, "weeks_between": 2
    });
    let (status, sessions) = app.send_json(coach, "POST", "/api/v1/session-series", body).await;
    assert_eq!(status, StatusCode::CREATED, "{sessions}");
    sessions.as_array().unwrap().clone()
}

/// The feed UIDs of planned sessions.
fn uids(sessions: &[Value]) -> Vec<String> {
    sessions
        .iter()
        .map(|s| format!("{}@onramp", s["id"].as_str().unwrap()))
        .collect()
}

pub async fn fetch(url: &str) -> (StatusCode, String) {
    // No session cookie: the secret address is the only key.
    let response = Client::new().get(url).send().await.unwrap();
    let status = response.status();
    let text = response.text().await.unwrap();
    (status, text)
}

#[tokio::test]
async fn a_feed_shows_the_sessions_one_leads_and_dies_when_revoked() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let sessions = plan(&app, &coach, true).await;
    let maasland = app.organisation_id("Revalidatieziekenhuis Maasland").await;
    let person = register(&app, &coach, &maasland, "Yara", "Geerts", "1983-08-08").await;
    let wgtw = programme_id(&app, &coach, "we-go-to-work").await;
    let body = json!({"programme_id": wgtw, "organisation_id": maasland,
                      "started_on": crate::caseload::today().to_string()});
    app.send_json(
        &coach,
        "POST",
        &format!("/api/v1/participants/{person}/trajectories"),
        body,
    )
    .await;
    let path = format!("/api/v1/sessions/{}/enrolments", sessions[0]["id"].as_str().unwrap());
    let (status, _) = app
        .send_json(&coach, "POST", &path, json!({"participant_id": person}))
        .await;
    assert_eq!(status, StatusCode::CREATED);

    let (status, created) = app.send_json(&coach, "POST", "/api/v1/calendar-feeds", json!({})).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let url = created["url"].as_str().unwrap().to_owned();
    assert!(url.starts_with(&app.base) && url.ends_with(".ics"), "{url}");
    let (status, text) = fetch(&url).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        !text.contains("Yara") && !text.contains("Geerts"),
        "a feed never names participants"
    );
    let parsed = parse_ics(&text);
    let ours = uids(&sessions);
    let events: Vec<&Value> = parsed["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| ours.contains(&e["uid"].as_str().unwrap().to_owned()))
        .collect();
    assert_eq!(events.len(), 2, "both sessions of the series: {parsed}");
    let first = events.iter().find(|e| e["uid"] == ours[0]).expect("the first session");
    assert_eq!(first["uid"], format!("{}@onramp", sessions[0]["id"].as_str().unwrap()));
    assert_eq!(first["summary"], "Information session on return to work (1/2)");
    let starts: DateTime<Utc> = sessions[0]["starts_at"].as_str().unwrap().parse().unwrap();
    let parsed_start: DateTime<Utc> = DateTime::parse_from_rfc3339(first["start"].as_str().unwrap())
        .unwrap()
        .into();
    assert_eq!(parsed_start, starts);
    let parsed_end: DateTime<Utc> = DateTime::parse_from_rfc3339(first["end"].as_str().unwrap())
        .unwrap()
        .into();
    assert_eq!((parsed_end - parsed_start).num_minutes(), 90);
    assert!(
        first["url"]
            .as_str()
            .unwrap()
            .starts_with("https://meet.jit.si/onramp-")
    );

    // Someone else's feed shows none of these sessions.
    let other = app.api_as("karim.elamrani@gtb.demo").await;
    let (_, theirs) = app.send_json(&other, "POST", "/api/v1/calendar-feeds", json!({})).await;
    let (_, text) = fetch(theirs["url"].as_str().unwrap()).await;
    let theirs = parse_ics(&text);
    let shown = |e: &Value| ours.contains(&e["uid"].as_str().unwrap().to_owned());
    assert!(!theirs["events"].as_array().unwrap().iter().any(shown), "{theirs}");

    let id = created["feed"]["id"].as_str().unwrap();
    let (status, _) = app
        .send_json(
            &other,
            "POST",
            &format!("/api/v1/calendar-feeds/{id}/revoke"),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "only the owner revokes a feed");
    let (status, _) = app
        .send_json(
            &coach,
            "POST",
            &format!("/api/v1/calendar-feeds/{id}/revoke"),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(fetch(&url).await.0, StatusCode::NOT_FOUND);
    assert_eq!(
        fetch(&format!("{}/calendar/not-a-secret.ics", app.base)).await.0,
        StatusCode::NOT_FOUND
    );
    let (_, feeds) = app.get_json(&coach, "/api/v1/calendar-feeds").await;
    assert!(feeds[0]["revoked_at"].is_string());
    assert_eq!(app.audit("calendar_feed.revoke").await.len(), 1);
}

#[tokio::test]
async fn a_location_feed_is_for_those_who_work_there() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let sessions = plan(&app, &coach, false).await;
    let maasland = app.organisation_id("Revalidatieziekenhuis Maasland").await;
    let (_, o) = app.get_json(&coach, &format!("/api/v1/organisations/{maasland}")).await;
    let location = o["locations"][0]["id"].as_str().unwrap().to_owned();
    let far = app.api_as("an.peeters@gtb.demo").await;
    let (status, problem) = app
        .send_json(&far, "POST", "/api/v1/calendar-feeds", json!({"location_id": location}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&problem, "location_id", "invalid-reference"));
    let (_, problem) = app
        .send_json(&far, "POST", "/api/v1/calendar-feeds", json!({"location_id": "x"}))
        .await;
    assert!(has_error(&problem, "location_id", "invalid-reference"));
    let coordinator = app.api_as(COORDINATOR_LIMBURG).await;
    let (status, created) = app
        .send_json(
            &coordinator,
            "POST",
            "/api/v1/calendar-feeds",
            json!({"location_id": location}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let (_, text) = fetch(created["url"].as_str().unwrap()).await;
    let ours = uids(&sessions);
    let events: Vec<Value> = parse_ics(&text)["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| ours.contains(&e["uid"].as_str().unwrap().to_owned()))
        .cloned()
        .collect();
    assert_eq!(events.len(), 2);
    assert!(
        events[0]["location"]
            .as_str()
            .unwrap()
            .starts_with("Revalidatieziekenhuis Maasland · ")
    );
}

#[tokio::test]
async fn the_calendars_page_shows_a_new_address_once() {
    let app = TestApp::spawn().await;
    let page = app.english_browser_as(COACH_LIMBURG).await;
    let csrf = app.csrf(&page, "/calendars").await;
    let response = page
        .post(app.url("/calendars"))
        .form(&[("csrf", csrf.as_str()), ("location_id", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let html = response.text().await.unwrap();
    assert!(html.contains("it is not shown again"));
    let start = html.find("/calendar/").expect("the new address");
    let end = start + html[start..].find(".ics").unwrap() + 4;
    let url = format!("{}{}", app.base, &html[start..end]);
    assert_eq!(fetch(&url).await.0, StatusCode::OK);
    let again = page
        .get(app.url("/calendars"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!again.contains(&html[start..end]), "the address is not kept");
    assert_eq!(
        again.matches("/revoke\" class=\"inline\"").count(),
        1,
        "the new feed is listed once, with a way to revoke it"
    );
}
