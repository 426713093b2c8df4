//! Individual coaching contacts on the participant file and the caseload, and coach hours
//! against the agreement: the hours view sums exactly what was recorded.

use crate::participants::{programme_id, register};
use crate::support::*;
use chrono::{Datelike, Days};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

fn today() -> chrono::NaiveDate {
    crate::caseload::today()
}

/// A participant at Maasland with a We go to work trajectory; returns (participant, trajectory).
async fn followed_participant(app: &TestApp, coach: &Client, first: &str) -> (String, String) {
    let maasland = app.organisation_id("Revalidatieziekenhuis Maasland").await;
    let id = register(app, coach, &maasland, first, "Coenen", "1979-05-06").await;
    let wgtw = programme_id(app, coach, "we-go-to-work").await;
    let started = (today() - Days::new(40)).to_string();
    let (status, t) = app
        .send_json(
            coach,
            "POST",
            &format!("/api/v1/participants/{id}/trajectories"),
            json!({"programme_id": wgtw, "organisation_id": maasland, "started_on": started}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{t}");
    (id, t["id"].as_str().unwrap().to_owned())
}

fn contact(trajectory: &str, days_ago: u64, minutes: i32) -> Value {
    json!({
        "trajectory_id": trajectory, "on": (today() - Days::new(days_ago)).to_string(), "minutes": minutes,
        "mode": "phone", "topic": "Talk with the employer", "notes": "Afraid of the first day back.",
        "next_step": "Visit the workplace together"
    })
}

#[tokio::test]
async fn a_contact_lands_on_the_file_the_timeline_and_the_caseload() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let (id, t) = followed_participant(&app, &coach, "Wout").await;
    let (status, created) = app
        .send_json(
            &coach,
            "POST",
            &format!("/api/v1/participants/{id}/contacts"),
            contact(&t, 3, 45),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["coach_name"], "Sofie Maes");
    // An older contact recorded later does not move "last contact" back.
    let (status, _) = app
        .send_json(
            &coach,
            "POST",
            &format!("/api/v1/participants/{id}/contacts"),
            contact(&t, 10, 30),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);

    let (_, file) = app.get_json(&coach, &format!("/api/v1/participants/{id}")).await;
    let contacts = file["contacts"].as_array().unwrap();
    assert_eq!(contacts.len(), 2);
    assert_eq!(contacts[0]["minutes"], 45, "newest first");
    assert_eq!(contacts[0]["notes"], "Afraid of the first day back.");
    let last = (today() - Days::new(3)).to_string();
    assert_eq!(file["trajectories"][0]["last_contact_on"], last);

    let (_, caseload) = app.get_json(&coach, "/api/v1/caseload?q=wout").await;
    assert_eq!(caseload["rows"][0]["last_contact_on"], last);

    let page = app.english_browser_as(COACH_LIMBURG).await;
    let html = page
        .get(app.url(&format!("/participants/{id}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("Coaching contact (Phone): Talk with the employer"),
        "on the timeline"
    );
    assert!(html.contains("Visit the workplace together"));
    assert_eq!(app.audit("contact.create").await.len(), 2);
}

#[tokio::test]
async fn contact_notes_follow_the_participant_notes_rule() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let (id, t) = followed_participant(&app, &coach, "Mats").await;
    let (status, _) = app
        .send_json(
            &coach,
            "POST",
            &format!("/api/v1/participants/{id}/contacts"),
            contact(&t, 1, 60),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    // The region's coordinator sees the file and the contact, not its notes, and may not add one.
    let coordinator = app.api_as(COORDINATOR_LIMBURG).await;
    let (status, file) = app.get_json(&coordinator, &format!("/api/v1/participants/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(file["contacts"][0]["topic"], "Talk with the employer");
    assert!(file["contacts"][0]["notes"].is_null());
    let (status, _) = app
        .send_json(
            &coordinator,
            "POST",
            &format!("/api/v1/participants/{id}/contacts"),
            contact(&t, 1, 60),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // A coach elsewhere does not learn the person exists, even with bad input.
    let other = app.api_as("an.peeters@gtb.demo").await;
    let (status, _) = app
        .send_json(
            &other,
            "POST",
            &format!("/api/v1/participants/{id}/contacts"),
            json!({"minutes": 0}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn bad_contacts_are_refused_field_by_field_and_write_nothing() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let (id, _) = followed_participant(&app, &coach, "Lander").await;
    let (other_id, other_t) = followed_participant(&app, &coach, "Jens").await;
    let future = (today() + Days::new(2)).to_string();
    let body = json!({"trajectory_id": "nope", "on": future, "minutes": 601, "mode": "pigeon", "topic": ""});
    let (status, problem) = app
        .send_json(&coach, "POST", &format!("/api/v1/participants/{id}/contacts"), body)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    for (field, code) in [
        ("trajectory_id", "invalid-reference"),
        ("on", "date-in-future"),
        ("minutes", "out-of-range"),
        ("mode", "invalid-choice"),
        ("topic", "required"),
    ] {
        assert!(has_error(&problem, field, code), "{field} {code}: {problem}");
    }
    // Another participant's trajectory is not one of this person's.
    let (status, problem) = app
        .send_json(
            &coach,
            "POST",
            &format!("/api/v1/participants/{id}/contacts"),
            contact(&other_t, 1, 30),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&problem, "trajectory_id", "invalid-reference"));
    for person in [&id, &other_id] {
        let (_, file) = app.get_json(&coach, &format!("/api/v1/participants/{person}")).await;
        assert!(file["contacts"].as_array().unwrap().is_empty());
    }
    assert!(app.audit("contact.create").await.is_empty());
}

#[tokio::test]
async fn the_contact_form_shows_its_errors_and_records_a_contact() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let (id, t) = followed_participant(&app, &coach, "Bert").await;
    let page = app.english_browser_as(COACH_LIMBURG).await;
    let path = format!("/participants/{id}");
    let csrf = app.csrf(&page, &path).await;
    let form = [
        ("csrf", csrf.as_str()),
        ("trajectory_id", t.as_str()),
        ("on", "2026-01-01"),
        ("minutes", "0"),
        ("mode", "phone"),
        ("topic", "Work wishes"),
    ];
    let response = page
        .post(app.url(&format!("{path}/contacts")))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    assert!(html.contains("id=\"contact-e-minutes\""), "the error sits by its field");
    assert!(html.contains("value=\"Work wishes\""), "what was typed is kept");
    let on = today().to_string();
    let form = [
        ("csrf", csrf.as_str()),
        ("trajectory_id", t.as_str()),
        ("on", on.as_str()),
        ("minutes", "50"),
        ("mode", "home_visit"),
        ("topic", "Work wishes"),
    ];
    let response = page
        .post(app.url(&format!("{path}/contacts")))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    // Follow the redirect the server gave, and find the contact in the file's timeline.
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let html = page.get(app.url(&location)).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("The coaching contact has been recorded."));
    assert!(
        html.contains("Coaching contact (Home visit): Work wishes"),
        "in the timeline"
    );
}

async fn hours(app: &TestApp, client: &Client, organisation: &str, coach: Option<&str>) -> Value {
    let year = today().year();
    let coach = coach.map(|c| format!("&coach_id={c}")).unwrap_or_default();
    let (status, view) = app
        .get_json(
            client,
            &format!("/api/v1/organisations/{organisation}/hours?year={year}{coach}"),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{view}");
    view
}

fn used(view: &Value, category: &str) -> i64 {
    view["locations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l[category]["used_minutes"].as_i64().unwrap())
        .sum()
}

#[tokio::test]
async fn the_hours_view_sums_exactly_what_was_recorded() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let maasland = app.organisation_id("Revalidatieziekenhuis Maasland").await;
    let (_, me) = app.get_json(&coach, "/api/v1/me").await;
    let me = me["id"].as_str().unwrap().to_owned();
    let before = hours(&app, &coach, &maasland, Some(&me)).await;
    // The agreement commits the seeds' norm at the partner's first location.
    let committed: f64 = before["locations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["total"]["committed"].as_f64().unwrap())
        .sum();
    assert!(committed > 0.0, "the demo agreement commits hours this year: {before}");
    if today().year() == 2026 {
        assert_eq!(committed, 350.0, "{before}");
    }

    let (id, t) = followed_participant(&app, &coach, "Dries").await;
    for minutes in [45, 30] {
        let (status, _) = app
            .send_json(
                &coach,
                "POST",
                &format!("/api/v1/participants/{id}/contacts"),
                contact(&t, 0, minutes),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED);
    }
    let on = today().to_string();
    let (status, entry) = app
        .send_json(
            &coach,
            "POST",
            "/api/v1/hours",
            json!({"organisation_id": maasland, "on": on, "category": "administration", "minutes": 90,
                   "note": "Monthly report"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{entry}");
    let after = hours(&app, &coach, &maasland, Some(&me)).await;
    assert_eq!(used(&after, "individual") - used(&before, "individual"), 75);
    assert_eq!(used(&after, "administration") - used(&before, "administration"), 90);
    assert_eq!(used(&after, "group"), used(&before, "group"));
    let entries = after["entries"].as_array().unwrap();
    assert!(
        entries
            .iter()
            .any(|e| e["note"] == "Monthly report" && e["minutes"] == 90)
    );

    // The coordinator of the region sees the same figures; a coach of another region does not see the partner.
    let coordinator = app.api_as(COORDINATOR_LIMBURG).await;
    let seen = hours(&app, &coordinator, &maasland, Some(&me)).await;
    assert_eq!(seen["locations"], after["locations"]);
    let other = app.api_as("an.peeters@gtb.demo").await;
    let (status, _) = app
        .get_json(&other, &format!("/api/v1/organisations/{maasland}/hours"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // Only the partner's coaches register hours there.
    let (status, _) = app
        .send_json(
            &coordinator,
            "POST",
            "/api/v1/hours",
            json!({"organisation_id": maasland, "on": on, "category": "group", "minutes": 60}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn bad_hours_are_refused_field_by_field() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let maasland = app.organisation_id("Revalidatieziekenhuis Maasland").await;
    // A location of the provider, another organisation of the same coach.
    let (_, other) = app
        .get_json(
            &coach,
            &format!("/api/v1/organisations/{}", app.organisation_id("GTB Vlaanderen").await),
        )
        .await;
    let stranger = other["locations"][0]["id"]
        .as_str()
        .expect("GTB has a location")
        .to_owned();
    let (status, problem) = app
        .send_json(
            &coach,
            "POST",
            "/api/v1/hours",
            json!({"organisation_id": maasland, "location_id": stranger, "on": "yesterday", "category": "coffee",
                   "minutes": -5}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    for (field, code) in [
        ("on", "invalid-date"),
        ("category", "invalid-choice"),
        ("minutes", "out-of-range"),
    ] {
        assert!(has_error(&problem, field, code), "{field} {code}: {problem}");
    }
    // A location of another organisation is not one of this partner's.
    let (status, problem) = app
        .send_json(
            &coach,
            "POST",
            "/api/v1/hours",
            json!({"organisation_id": maasland, "location_id": stranger, "on": today().to_string(),
                   "category": "group", "minutes": 60}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&problem, "location_id", "invalid-reference"), "{problem}");
    let (status, problem) = app
        .get_json(&coach, &format!("/api/v1/organisations/{maasland}/hours?year=1200"))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&problem, "year", "out-of-range"));
}

#[tokio::test]
async fn the_hours_page_shows_the_agreement_and_registers_hours() {
    let app = TestApp::spawn().await;
    let maasland = app.organisation_id("Revalidatieziekenhuis Maasland").await;
    let page = app.english_browser_as(COACH_LIMBURG).await;
    let path = format!("/hours?organisation_id={maasland}");
    let html = page.get(app.url(&path)).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("Case and team consultations"));
    assert!(html.contains("Projected to year end"));
    let csrf = app.csrf(&page, &path).await;
    let response = page
        .post(app.url("/hours"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("organisation_id", maasland.as_str()),
            ("on", ""),
            ("category", "group"),
            ("minutes", "abc"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    assert!(html.contains("id=\"entry-e-minutes\"") && html.contains("id=\"entry-e-on\""));
    let on = today().to_string();
    let response = page
        .post(app.url("/hours"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("organisation_id", maasland.as_str()),
            ("on", on.as_str()),
            ("category", "group"),
            ("minutes", "120"),
            ("note", "Preparing module 2"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let target = response.headers()["location"].to_str().unwrap().to_owned();
    let html = page.get(app.url(&target)).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("The hours have been registered."));
    assert!(html.contains("Preparing module 2"));
}

fn consultation_minutes(view: &Value) -> i64 {
    used(view, "consultation")
}

#[tokio::test]
async fn a_consultation_reaches_the_files_discussed_and_the_hours() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let maasland = app.organisation_id("Revalidatieziekenhuis Maasland").await;
    let (_, me) = app.get_json(&coach, "/api/v1/me").await;
    let me = me["id"].as_str().unwrap().to_owned();
    let (a, _) = followed_participant(&app, &coach, "Kobe").await;
    let (b, _) = followed_participant(&app, &coach, "Lore").await;
    let before = hours(&app, &coach, &maasland, Some(&me)).await;
    let body = json!({
        "organisation_id": maasland, "on": today().to_string(), "minutes": 75,
        "attendees": "Dr. Janssens (physiatrist), occupational therapist", "participant_ids": [a, b],
        "decisions": "Try two mornings a week at the old employer."
    });
    let (status, created) = app.send_json(&coach, "POST", "/api/v1/consultations", body).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["discussed"], 2);
    let after = hours(&app, &coach, &maasland, Some(&me)).await;
    assert_eq!(consultation_minutes(&after) - consultation_minutes(&before), 75);

    let (_, file) = app.get_json(&coach, &format!("/api/v1/participants/{a}")).await;
    assert_eq!(
        file["consultations"][0]["decisions"],
        "Try two mornings a week at the old employer."
    );
    let coordinator = app.api_as(COORDINATOR_LIMBURG).await;
    let (_, file) = app.get_json(&coordinator, &format!("/api/v1/participants/{b}")).await;
    assert_eq!(
        file["consultations"][0]["attendees"],
        "Dr. Janssens (physiatrist), occupational therapist"
    );
    assert!(
        file["consultations"][0]["decisions"].is_null(),
        "decisions follow the notes rule"
    );
    let (_, list) = app
        .get_json(&coordinator, &format!("/api/v1/organisations/{maasland}/consultations"))
        .await;
    let (status, problem) = app
        .get_json(
            &coordinator,
            &format!("/api/v1/organisations/{maasland}/consultations?from=2026-06-01&to=2026-01-01"),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&problem, "to", "before-start"), "{problem}");
    let ours = list
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["id"] == created["id"])
        .expect("listed");
    assert!(ours["decisions"].is_null());
    assert_eq!(app.audit("consultation.discuss").await.len(), 2);
}

#[tokio::test]
async fn a_consultation_about_someone_not_followed_is_refused_whole() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let maasland = app.organisation_id("Revalidatieziekenhuis Maasland").await;
    let (mine, _) = followed_participant(&app, &coach, "Mona").await;
    let other = app.api_as("an.peeters@gtb.demo").await;
    let (_, me) = app.get_json(&other, "/api/v1/me").await;
    let gtb = app.organisation_id("GTB Vlaanderen").await;
    let partner = me["organisations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o.as_str().unwrap().to_owned())
        .find(|o| *o != gtb)
        .unwrap();
    let stranger = register(&app, &other, &partner, "Nils", "Aerts", "1969-09-09").await;
    let body = json!({"organisation_id": maasland, "on": today().to_string(), "minutes": 60,
                      "attendees": "Care team", "participant_ids": [mine, stranger]});
    let (status, problem) = app.send_json(&coach, "POST", "/api/v1/consultations", body).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&problem, "participant_ids", "invalid-reference"), "{problem}");
    let (_, file) = app.get_json(&coach, &format!("/api/v1/participants/{mine}")).await;
    assert!(
        file["consultations"].as_array().unwrap().is_empty(),
        "nothing was written"
    );
    let future = (today() + Days::new(1)).to_string();
    let body = json!({"organisation_id": maasland, "on": future, "minutes": 0, "attendees": " "});
    let (_, problem) = app.send_json(&coach, "POST", "/api/v1/consultations", body).await;
    for (field, code) in [
        ("on", "date-in-future"),
        ("minutes", "out-of-range"),
        ("attendees", "required"),
    ] {
        assert!(has_error(&problem, field, code), "{field} {code}: {problem}");
    }
    // A coordinator does not record consultations.
    let coordinator = app.api_as(COORDINATOR_LIMBURG).await;
    let body = json!({"organisation_id": maasland, "on": today().to_string(), "minutes": 60, "attendees": "x"});
    let (status, _) = app.send_json(&coordinator, "POST", "/api/v1/consultations", body).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_consultation_page_records_one_with_the_people_ticked() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let maasland = app.organisation_id("Revalidatieziekenhuis Maasland").await;
    let (a, _) = followed_participant(&app, &coach, "Pieter").await;
    let page = app.english_browser_as(COACH_LIMBURG).await;
    let path = format!("/consultations?organisation_id={maasland}");
    let html = page.get(app.url(&path)).send().await.unwrap().text().await.unwrap();
    assert!(
        html.contains(&format!("value=\"{a}\"")),
        "the coach's people at the partner are offered"
    );
    let csrf = csrf_in(&html);
    let on = today().to_string();
    let bad = [
        ("csrf", csrf.as_str()),
        ("organisation_id", maasland.as_str()),
        ("on", on.as_str()),
        ("minutes", "60"),
        ("attendees", ""),
        ("participant_ids", a.as_str()),
    ];
    let response = page.post(app.url("/consultations")).form(&bad).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    assert!(html.contains("id=\"consultation-e-attendees\""));
    assert!(
        html.contains(&format!("value=\"{a}\" checked")),
        "the ticked person stays ticked"
    );
    let good = [
        ("csrf", csrf.as_str()),
        ("organisation_id", maasland.as_str()),
        ("on", on.as_str()),
        ("minutes", "60"),
        ("attendees", "Care team of the pain clinic"),
        ("participant_ids", a.as_str()),
    ];
    let response = page.post(app.url("/consultations")).form(&good).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let html = page
        .get(app.url(&format!("/participants/{a}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Case and team consultation with Care team of the pain clinic"));
}

/// The file opens with where the person stands: the running trajectory's phase, the last contact,
/// the open barriers, the consents at a glance, the actions a coach takes most, and a menu of the
/// sections; "step to work" and the action plan's steps are named apart.
#[tokio::test]
async fn the_file_starts_with_a_summary_of_where_the_person_stands() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let (id, t) = followed_participant(&app, &coach, "Greet").await;
    let contacts = format!("/api/v1/participants/{id}/contacts");
    let (status, _) = app.send_json(&coach, "POST", &contacts, contact(&t, 3, 30)).await;
    assert_eq!(status, StatusCode::CREATED);
    let barrier = json!({"trajectory_id": t, "code": "pain", "noted_on": today().to_string()});
    let barriers = format!("/api/v1/participants/{id}/barriers");
    let (status, _) = app.send_json(&coach, "POST", &barriers, barrier).await;
    assert_eq!(status, StatusCode::CREATED);
    let consent = json!({"purpose": "participation", "version": "2026-01", "given_on": "2026-01-05"});
    let (status, _) = app
        .send_json(&coach, "POST", &format!("/api/v1/participants/{id}/consents"), consent)
        .await;
    assert_eq!(status, StatusCode::CREATED);

    let page = app.english_browser_as(COACH_LIMBURG).await;
    let html = app.html(&page, &format!("/participants/{id}")).await;
    let start = html.find("id=\"summary-title\"").expect("a summary");
    let end = start + html[start..].find("</section>").unwrap();
    let summary = &html[start..end];
    assert!(
        html.find("id=\"summary-title\"") < html.find("id=\"identity-title\""),
        "first"
    );
    let last_contact = (today() - Days::new(3)).format("%d-%m-%Y").to_string();
    assert!(summary.contains(&last_contact), "the last contact: {summary}");
    assert!(
        summary.contains("<a href=\"#barriers-title\">1</a>"),
        "one open barrier: {summary}"
    );
    assert!(summary.contains("given on 05-01-2026"), "the consent: {summary}");
    assert!(summary.contains("Next action-plan step due"), "{summary}");
    assert!(summary.contains("Record a step to work"), "{summary}");
    for section in ["consents-title", "outcomes-title", "coaching-title", "timeline-title"] {
        assert!(summary.contains(&format!("href=\"#{section}\"")), "menu to {section}");
        assert!(html.contains(&format!("id=\"{section}\"")), "{section} exists");
    }
}
