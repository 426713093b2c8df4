//! The participant's self-ratings and personal calendar feed in the portal (docs/portal.md): they
//! score their programme's competences and read back only their own scores (never the coach's
//! or another person's), bad scores are named field by field with nothing written, the coach sees
//! the self-ratings on the ICF profile, and the feed holds only the person's own sessions until
//! it is stopped.

use crate::calendars::{fetch, parse_ics};
use crate::portal::{activate, code_for, two_people};
use crate::support::*;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

const RATINGS: &str = "/api/v1/portal/self-ratings";
const FEEDS: &str = "/api/v1/portal/calendar-feeds";

/// The codes of the competences the portal asks `participant` to score.
async fn asked(app: &TestApp, participant: &Client) -> Vec<String> {
    let (status, own) = app.get_json(participant, RATINGS).await;
    assert_eq!(status, StatusCode::OK, "{own}");
    own["competences"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["asked"] == true)
        .map(|c| c["code"].as_str().unwrap().to_owned())
        .collect()
}

/// The person's measurements as the coach reads them on the ICF profile.
async fn measurements(app: &TestApp, coach: &Client, person: &str) -> Vec<Value> {
    let (status, profile) = app.get_json(coach, &format!("/api/v1/participants/{person}/icf")).await;
    assert_eq!(status, StatusCode::OK, "{profile}");
    profile["measurements"].as_array().unwrap().clone()
}

/// The self-ratings among measurements: rater participant, with competences scored.
fn self_rated(measurements: &[Value]) -> Vec<Value> {
    measurements
        .iter()
        .filter(|m| m["rater"] == "participant" && !m["competences"].as_object().unwrap().is_empty())
        .map(|m| m["competences"].clone())
        .collect()
}

#[tokio::test]
async fn a_participant_scores_their_competences_and_reads_back_only_their_own() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let (person, other) = two_people(&app, &coach).await;
    let participant = activate(&app, &code_for(&app, &coach, &person).await).await;
    let neighbour = activate(&app, &code_for(&app, &coach, &other).await).await;

    // The competences of the programme, named in the person's language.
    let (_, own) = app.get_json(&participant, RATINGS).await;
    let codes = asked(&app, &participant).await;
    assert!(!codes.is_empty(), "the programme asks competences: {own}");
    assert!(
        own["competences"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| !c["name"].as_str().unwrap().is_empty()),
        "{own}"
    );
    let code = codes[0].clone();

    // The coach rates the person too, with a note of their own: neither shows in the portal.
    let note = "Coach's worry about the motivation";
    let body = json!({"measured_on": crate::caseload::today().to_string(), "moment": "during", "rater": "coach",
                      "competences": {code.as_str(): 1}, "note": note});
    let path = format!("/api/v1/participants/{person}/icf-measurements");
    assert_eq!(app.send_json(&coach, "POST", &path, body).await.0, StatusCode::CREATED);
    let before = measurements(&app, &coach, &person).await;
    let (_, theirs_before) = app.get_json(&neighbour, RATINGS).await;

    // Out of range, not a number, not asked, nothing at all: each named, nothing written.
    let mut bad = serde_json::Map::new();
    bad.insert(code.clone(), json!(11));
    if let Some(second) = codes.get(1) {
        bad.insert(second.clone(), json!("seven"));
    }
    let (status, problem) = app
        .send_json(&participant, "POST", RATINGS, json!({"competences": bad}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert!(
        has_error(&problem, &format!("competences.{code}"), "score-out-of-range"),
        "{problem}"
    );
    if let Some(second) = codes.get(1) {
        assert!(
            has_error(&problem, &format!("competences.{second}"), "score-out-of-range"),
            "{problem}"
        );
    }
    let (status, problem) = app
        .send_json(&participant, "POST", RATINGS, json!({"competences": {"juggling": 5}}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert!(
        has_error(&problem, "competences.juggling", "invalid-choice"),
        "{problem}"
    );
    for empty in [json!({}), json!({"competences": {code.as_str(): " "}})] {
        let (status, problem) = app.send_json(&participant, "POST", RATINGS, empty).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
        assert!(has_error(&problem, "competences", "nothing-scored"), "{problem}");
    }
    assert_eq!(measurements(&app, &coach, &person).await, before, "nothing written");

    // A good one: today's, as a self-rating in the middle of the programme.
    let (status, recorded) = app
        .send_json(
            &participant,
            "POST",
            RATINGS,
            json!({"competences": {code.as_str(): 7}}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{recorded}");
    assert_eq!(recorded["moment"], "during", "{recorded}");
    assert_eq!(recorded["measured_on"], crate::caseload::today().to_string());

    // The portal shows exactly the self-ratings the coach's profile holds, the new one last:
    // not the coach's rating, not the note.
    let after = measurements(&app, &coach, &person).await;
    assert_eq!(after.len(), before.len() + 1);
    let (_, own) = app.get_json(&participant, RATINGS).await;
    let shown: Vec<Value> = own["ratings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["scores"].clone())
        .collect();
    assert_eq!(shown, self_rated(&after), "{own}");
    assert_eq!(shown.last().unwrap(), &json!({code.as_str(): 7}));
    assert!(!own.to_string().contains(note), "{own}");

    // The coach sees it on the profile as the participant's self-rating, recorded by them.
    let new = after
        .iter()
        .find(|m| m["id"] == recorded["id"])
        .expect("on the profile");
    assert_eq!(new["rater"], "participant", "{new}");
    assert_eq!(new["moment"], "during", "{new}");
    let staff = app.english_browser_as(COACH_LIMBURG).await;
    let html = app.html(&staff, &format!("/participants/{person}/icf")).await;
    assert!(
        html.contains("Participant (self-rating)"),
        "the self-rating's series on the page"
    );

    // Another participant's portal never shows it.
    let (_, theirs) = app.get_json(&neighbour, RATINGS).await;
    assert_eq!(theirs["ratings"], theirs_before["ratings"], "{theirs}");

    // Reads audited as the person's own; the write as the staff's measurements are.
    let reads = app.audit("portal.self_ratings").await;
    assert!(
        reads.iter().any(|e| e.purpose.as_deref() == Some("own_file")
            && e.participant_id.map(|p| p.to_string()) == Some(person.clone())),
        "{reads:?}"
    );
    let writes = app.audit("icf_measurement.create").await;
    let write = writes
        .iter()
        .find(|e| e.entity_id.as_deref() == recorded["id"].as_str())
        .expect("the write audited");
    assert_eq!(write.actor_role.as_deref(), Some("participant"));
    assert!(
        write
            .after_json
            .as_deref()
            .unwrap()
            .contains("\"rater\":\"participant\"")
    );

    // Staff find nothing at these paths.
    assert_eq!(app.get_json(&coach, RATINGS).await.0, StatusCode::NOT_FOUND);
    let body = json!({"competences": {code.as_str(): 5}});
    assert_eq!(
        app.send_json(&coach, "POST", RATINGS, body).await.0,
        StatusCode::NOT_FOUND
    );
    let page = app.browser_as(COACH_LIMBURG).await;
    let response = page.get(app.url("/portal/ratings")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert_eq!(measurements(&app, &coach, &person).await.len(), after.len());
}

/// Posts the ratings form with `fields`.
async fn post_form(app: &TestApp, browser: &Client, fields: &[(String, &str)]) -> reqwest::Response {
    let csrf = csrf_in(&app.html(browser, "/portal/ratings").await);
    let mut form: Vec<(String, &str)> = vec![("csrf".to_owned(), csrf.as_str())];
    form.extend(fields.iter().cloned());
    browser
        .post(app.url("/portal/ratings"))
        .form(&form)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn the_page_names_each_bad_score_and_draws_the_progress_with_its_table() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let (person, _) = two_people(&app, &coach).await;
    let browser = activate(&app, &code_for(&app, &coach, &person).await).await;
    let codes = asked(&app, &browser).await;
    let field = |code: &str| format!("competences.{code}");

    let html = app.html(&browser, "/portal/ratings").await;
    for code in &codes {
        assert!(
            html.contains(&format!("name=\"{}\"", field(code))),
            "a field per competence"
        );
    }
    assert!(
        html.contains("href=\"/portal/ratings\" aria-current=\"page\""),
        "in the navigation"
    );
    let home = app.html(&browser, "/portal").await;
    assert!(home.contains("href=\"/portal/ratings\""), "the home page leads there");

    // Nothing filled in: the form's error, linked from the summary.
    let blank: Vec<(String, &str)> = codes.iter().map(|c| (field(c), "")).collect();
    let response = post_form(&app, &browser, &blank).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    assert!(
        html.contains("href=\"#f-competences\"") && html.contains("id=\"f-competences\""),
        "{html}"
    );

    // Out of range: that field, marked invalid, with what was typed kept.
    let response = post_form(&app, &browser, &[(field(&codes[0]), "12")]).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    assert!(html.contains(&format!("href=\"#f-{}\"", field(&codes[0]))), "{html}");
    assert!(
        html.contains("aria-invalid=\"true\"") && html.contains("value=\"12\""),
        "{html}"
    );

    // Saved: a notice, the chart (named for assistive technology) and the table with the score.
    let response = post_form(&app, &browser, &[(field(&codes[0]), "8")]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let html = app.html(&browser, &location).await;
    assert!(html.contains("role=\"status\""), "the notice");
    assert!(html.contains("<svg class=\"chart lines\""), "{html}");
    assert!(html.contains("<title id=\"progress-title\">") && html.contains("<desc id=\"progress-desc\">"));
    assert!(html.contains("<td class=\"number\">8</td>"), "the score in the table");
    let (_, own) = app.get_json(&browser, RATINGS).await;
    let rows = own["ratings"].as_array().unwrap().len();
    assert_eq!(
        html.matches("<th scope=\"row\">").count(),
        rows,
        "a row per self-rating"
    );
}

/// Enrols `person` in the first coming session (online when `online`) that takes them, other
/// than `not`; returns its id.
async fn enrol(app: &TestApp, coach: &Client, person: &str, online: bool, not: Option<&str>) -> String {
    let (status, list) = app.get_json(coach, "/api/v1/sessions?whose=all&limit=200").await;
    assert_eq!(status, StatusCode::OK, "{list}");
    for session in list["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["online"] == online)
    {
        let id = session["id"].as_str().unwrap();
        if Some(id) == not {
            continue;
        }
        let path = format!("/api/v1/sessions/{id}/enrolments");
        let body = json!({"participant_id": person, "rest_of_series": false});
        if app.send_json(coach, "POST", &path, body).await.0 == StatusCode::CREATED {
            return id.to_owned();
        }
    }
    panic!("no coming session takes {person}");
}

#[tokio::test]
async fn the_calendar_feed_holds_the_persons_own_sessions_and_stops_when_revoked() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let (person, other) = two_people(&app, &coach).await;
    let participant = activate(&app, &code_for(&app, &coach, &person).await).await;
    let neighbour = activate(&app, &code_for(&app, &coach, &other).await).await;
    let mine = enrol(&app, &coach, &person, true, None).await;
    let theirs = enrol(&app, &coach, &other, false, Some(&mine)).await;
    let (_, sessions) = app.get_json(&participant, "/api/v1/portal/sessions").await;
    let own_ids: Vec<String> = sessions
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["session_id"].as_str().unwrap().to_owned())
        .collect();
    let (_, other_file) = app.get_json(&coach, &format!("/api/v1/participants/{other}")).await;
    let other_name = other_file["participant"]["last_name"].as_str().unwrap().to_owned();

    let (status, created) = app.send_json(&participant, "POST", FEEDS, json!({})).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let url = created["url"].as_str().unwrap().to_owned();
    assert!(url.starts_with(&app.base) && url.ends_with(".ics"), "{url}");
    let (_, listed) = app.get_json(&participant, FEEDS).await;
    assert_eq!(listed.as_array().unwrap().len(), 1, "{listed}");

    // Read with an independent parser: the person's sessions, the online room, nobody else.
    let (status, text) = fetch(&url).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!text.contains(&other_name), "nothing about other participants");
    let parsed = parse_ics(&text);
    let uids: Vec<String> = parsed["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["uid"].as_str().unwrap().to_owned())
        .collect();
    assert!(uids.contains(&format!("{mine}@onramp")), "{parsed}");
    assert!(
        !uids.contains(&format!("{theirs}@onramp")) || own_ids.contains(&theirs),
        "{parsed}"
    );
    assert!(
        uids.iter()
            .all(|u| own_ids.iter().any(|id| u == &format!("{id}@onramp"))),
        "only their own sessions: {parsed}"
    );
    let online = parsed["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["uid"] == format!("{mine}@onramp"))
        .unwrap();
    assert!(online["url"].as_str().unwrap().starts_with("https://"), "{online}");
    let reads = app.audit("portal.calendar_feed").await;
    assert!(
        reads.iter().any(|e| e.purpose.as_deref() == Some("own_file")),
        "{reads:?}"
    );

    // Nobody else stops it; the person does, and it is gone.
    let id = created["feed"]["id"].as_str().unwrap();
    let revoke = format!("{FEEDS}/{id}/revoke");
    assert_eq!(
        app.send_json(&neighbour, "POST", &revoke, json!({})).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(fetch(&url).await.0, StatusCode::OK);
    assert_eq!(
        app.send_json(&participant, "POST", &revoke, json!({})).await.0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(fetch(&url).await.0, StatusCode::NOT_FOUND);
    assert_eq!(
        app.send_json(&participant, "POST", &revoke, json!({})).await.0,
        StatusCode::NOT_FOUND
    );

    // On the sessions page: made there, its address shown once, stopped there.
    let csrf = csrf_in(&app.html(&participant, "/portal/sessions").await);
    let response = participant
        .post(app.url("/portal/sessions/feeds"))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let html = response.text().await.unwrap();
    let shown = html.split("id=\"new-feed-url\"").nth(1).expect("the address shown");
    let page_url = shown
        .split("value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    assert_eq!(fetch(&page_url).await.0, StatusCode::OK);
    let again = app.html(&participant, "/portal/sessions").await;
    assert!(!again.contains(&page_url), "shown once");
    let (_, listed) = app.get_json(&participant, FEEDS).await;
    let page_feed = listed[0]["id"].as_str().unwrap().to_owned();
    let response = participant
        .post(app.url(&format!("/portal/sessions/feeds/{page_feed}/revoke")))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(fetch(&page_url).await.0, StatusCode::NOT_FOUND);

    // A feed stops too when the portal access ends.
    let (_, last) = app.send_json(&participant, "POST", FEEDS, json!({})).await;
    let last = last["url"].as_str().unwrap().to_owned();
    assert_eq!(fetch(&last).await.0, StatusCode::OK);
    let path = format!("/api/v1/participants/{person}/portal");
    assert_eq!(
        app.send_json(&coach, "DELETE", &path, json!({})).await.0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(fetch(&last).await.0, StatusCode::NOT_FOUND);

    // Staff make no feed here.
    assert_eq!(
        app.send_json(&coach, "POST", FEEDS, json!({})).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(app.get_json(&coach, FEEDS).await.0, StatusCode::NOT_FOUND);
}
