//! Intake, duplicate detection, the participant file and who may open it.

use crate::support::*;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

/// Registers a person at `organisation` and returns their id.
pub async fn register(
    app: &TestApp,
    client: &Client,
    organisation: &str,
    first: &str,
    last: &str,
    born: &str,
) -> String {
    let body = json!({
        "organisation_id": organisation, "first_name": first, "last_name": last, "birth_date": born,
        "health_category": "chronic_pain", "situation": "employed_on_sick_leave", "incapacity_since": "2026-09-01",
        "notes": "Talks about pain at night."
    });
    let (status, participant) = app.send_json(client, "POST", "/api/v1/participants", body).await;
    assert_eq!(status, StatusCode::CREATED, "{participant}");
    participant["id"].as_str().unwrap().to_owned()
}

pub async fn programme_id(app: &TestApp, client: &Client, code: &str) -> String {
    let (_, list) = app.get_json(client, "/api/v1/programmes").await;
    list.as_array().unwrap().iter().find(|g| g["code"] == code).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn intake_checks_every_field() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let maasland = app.organisation_id("Revalidatieziekenhuis Maasland").await;
    let body = json!({
        "organisation_id": maasland, "first_name": " ", "last_name": "X", "birth_date": "31/12/1980",
        "national_register": "12345678901", "email": "x@", "phone": "abc", "gender": "other",
        "health_category": "flu", "situation": "", "incapacity_since": "2099-01-01"
    });
    let (status, problem) = app.send_json(&coach, "POST", "/api/v1/participants", body).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    for (field, code) in [
        ("first_name", "required"),
        ("birth_date", "invalid-date"),
        ("national_register", "invalid-national-register"),
        ("email", "invalid-email"),
        ("phone", "invalid-phone"),
        ("gender", "invalid-choice"),
        ("health_category", "invalid-choice"),
        ("situation", "required"),
    ] {
        assert!(has_error(&problem, field, code), "{field} {code}: {problem}");
    }
    let (status, problem) = app
        .send_json(
            &coach,
            "POST",
            "/api/v1/participants",
            json!({"organisation_id": "nope"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&problem, "organisation_id", "invalid-reference"));
    assert!(app.audit("participant.create").await.is_empty(), "nothing written");
}

#[tokio::test]
async fn intake_warns_about_working_age_and_shows_months_of_sickness() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let maasland = app.organisation_id("Revalidatieziekenhuis Maasland").await;
    let id = register(&app, &coach, &maasland, "Oud", "Gediende", "1950-05-05").await;
    let (_, file) = app.get_json(&coach, &format!("/api/v1/participants/{id}")).await;
    assert_eq!(file["participant"]["working_age"], false, "registered, with a warning");
    let sickness = &file["participant"]["sickness_at_intake"];
    let months = sickness["months"].as_i64().unwrap();
    let expected = {
        use chrono::Datelike;
        // The server's day is Brussels's: around midnight it is not UTC's, nor at a month's end.
        let today = onramp_web::time::today();
        let mut m = (today.year() - 2026) * 12 + today.month() as i32 - 9;
        if today.day() < 1 {
            m -= 1;
        }
        m as i64
    };
    assert_eq!(months, expected);
    assert_eq!(sickness["past_four_months"], months >= 4);
    assert_eq!(sickness["in_early_window"], (1..3).contains(&months));
}

#[tokio::test]
async fn intake_finds_likely_duplicates_and_offers_the_existing_file() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let maasland = app.organisation_id("Revalidatieziekenhuis Maasland").await;
    let first = register(&app, &coach, &maasland, "Hélène", "Dupré", "1985-03-14").await;
    let again = json!({
        "organisation_id": maasland, "first_name": "helene", "last_name": "DUPRE", "birth_date": "1985-03-14",
        "health_category": "oncology", "situation": "inactive"
    });
    let (status, problem) = app
        .send_json(&coach, "POST", "/api/v1/participants", again.clone())
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(
        problem["duplicates"][0]["id"],
        first.as_str(),
        "accents and case do not hide a duplicate"
    );
    assert_eq!(problem["hidden_duplicates"], 0);

    // A coach elsewhere is told there is a match, without seeing who.
    let other = app.api_as("an.peeters@gtb.demo").await;
    let (_, list) = app.get_json(&other, "/api/v1/organisations").await;
    let theirs = list
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["kind"] != "provider")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut elsewhere = again.clone();
    elsewhere["organisation_id"] = json!(theirs);
    let (status, problem) = app.send_json(&other, "POST", "/api/v1/participants", elsewhere).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(problem.get("duplicates").is_none());
    assert_eq!(problem["hidden_duplicates"], 1);

    // Confirmed as someone else, the intake goes through.
    let mut confirmed = again;
    confirmed["confirmed_new_person"] = json!(true);
    let (status, _) = app.send_json(&coach, "POST", "/api/v1/participants", confirmed).await;
    assert_eq!(status, StatusCode::CREATED);
}

#[tokio::test]
async fn the_same_national_register_number_is_never_registered_twice() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let maasland = app.organisation_id("Revalidatieziekenhuis Maasland").await;
    let body = |first: &str| {
        json!({
            "organisation_id": maasland, "first_name": first, "last_name": "Janssens", "birth_date": "1985-07-30",
            "national_register": "85.07.30-033.28", "health_category": "burn_out", "situation": "unemployed",
            "confirmed_new_person": true
        })
    };
    assert_eq!(
        app.send_json(&coach, "POST", "/api/v1/participants", body("Jan"))
            .await
            .0,
        StatusCode::CREATED
    );
    let (status, problem) = app
        .send_json(&coach, "POST", "/api/v1/participants", body("Johan"))
        .await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "confirmation cannot override the same number"
    );
    assert_eq!(problem["duplicates"][0]["same_national_register"], true);
}

/// Opens a file as `email`; returns the status and the file.
async fn open_as(app: &TestApp, email: &str, id: &str) -> (StatusCode, Value) {
    let client = app.api_as(email).await;
    app.get_json(&client, &format!("/api/v1/participants/{id}")).await
}

#[tokio::test]
async fn who_may_open_a_participant_file() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let maasland = app.organisation_id("Revalidatieziekenhuis Maasland").await;
    let id = register(&app, &coach, &maasland, "Karel", "Claes", "1979-02-02").await;
    let wgtw = programme_id(&app, &coach, "we-go-to-work").await;
    let today = onramp_web::time::today().to_string();
    let body = json!({"programme_id": wgtw, "organisation_id": maasland, "started_on": today});
    let (status, _) = app
        .send_json(&coach, "POST", &format!("/api/v1/participants/{id}/trajectories"), body)
        .await;
    assert_eq!(status, StatusCode::CREATED);

    let (status, file) = open_as(&app, COACH_LIMBURG, &id).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(file["participant"]["notes"], "Talks about pain at night.");
    assert_eq!(open_as(&app, ADMIN, &id).await.0, StatusCode::OK);
    let (status, file) = open_as(&app, COORDINATOR_LIMBURG, &id).await;
    assert_eq!(status, StatusCode::OK, "the coordinator of the region");
    assert!(file["participant"]["notes"].is_null(), "coordinators do not read notes");
    for outsider in [
        "coordinator.antwerpen@onramp.demo",
        "an.peeters@gtb.demo",
        CARE_ANTWERPEN,
        PEER,
        FUNDER,
    ] {
        let (status, problem) = open_as(&app, outsider, &id).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{outsider}: {problem}");
    }
    assert_eq!(
        open_as(&app, COACH_LIMBURG, &uuid::Uuid::now_v7().to_string()).await.0,
        StatusCode::NOT_FOUND
    );
    let reads = app.audit("participant.read").await;
    assert_eq!(
        reads.len(),
        3,
        "every opening is audited, refused ones are not openings"
    );
    assert!(
        reads
            .iter()
            .all(|e| e.participant_id.map(|p| p.to_string()) == Some(id.clone()))
    );
}

#[tokio::test]
async fn a_care_team_sees_a_file_only_with_consent_to_share_with_them() {
    let app = TestApp::spawn().await;
    let coach = app.api_as("an.peeters@gtb.demo").await;
    let scheldeoever = app.organisation_id("Revalidatieziekenhuis Scheldeoever").await;
    let id = register(&app, &coach, &scheldeoever, "Mia", "Wouters", "1990-10-10").await;
    assert_eq!(
        open_as(&app, CARE_ANTWERPEN, &id).await.0,
        StatusCode::NOT_FOUND,
        "no consent yet"
    );

    let consent = json!({"purpose": "share_care_team", "version": "2026-01", "given_on": "2026-11-01"});
    let (status, problem) = app
        .send_json(
            &coach,
            "POST",
            &format!("/api/v1/participants/{id}/consents"),
            consent.clone(),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        has_error(&problem, "organisation_id", "required"),
        "sharing names the partner"
    );
    let mut consent = consent;
    consent["organisation_id"] = json!(scheldeoever);
    let (status, given) = app
        .send_json(&coach, "POST", &format!("/api/v1/participants/{id}/consents"), consent)
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, file) = open_as(&app, CARE_ANTWERPEN, &id).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        file["participant"]["notes"].is_null(),
        "the care team does not read the coach's notes"
    );
    assert_eq!(file["can_edit"], false);
    let care = app.api_as(CARE_ANTWERPEN).await;
    let (status, _) = app
        .send_json(&care, "PUT", &format!("/api/v1/participants/{id}"), json!({}))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let consent_id = given["id"].as_str().unwrap();
    let path = format!("/api/v1/participants/{id}/consents/{consent_id}/withdraw");
    let (status, withdrawn) = app.send_json(&coach, "POST", &path, json!({})).await;
    assert_eq!(status, StatusCode::OK);
    assert!(withdrawn["withdrawn_on"].is_string());
    assert_eq!(
        open_as(&app, CARE_ANTWERPEN, &id).await.0,
        StatusCode::NOT_FOUND,
        "withdrawal stops sharing at once"
    );
    assert_eq!(
        app.send_json(&coach, "POST", &path, json!({})).await.0,
        StatusCode::NOT_FOUND,
        "already withdrawn"
    );
}

#[tokio::test]
async fn editing_a_file_checks_fields_and_keeps_the_caseload_name_in_step() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let maasland = app.organisation_id("Revalidatieziekenhuis Maasland").await;
    let id = register(&app, &coach, &maasland, "Piet", "Zzyzx", "1981-01-01").await;
    let boost = programme_id(&app, &coach, "boost2work").await;
    let today = onramp_web::time::today().to_string();
    let body = json!({"programme_id": boost, "organisation_id": maasland, "started_on": today});
    app.start_trajectory(&coach, &id, body).await;
    let bad = json!({"first_name": "Piet", "last_name": "", "birth_date": "1981-01-01", "health_category": "oncology", "situation": "inactive"});
    let (status, problem) = app
        .send_json(&coach, "PUT", &format!("/api/v1/participants/{id}"), bad)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&problem, "last_name", "required"));
    let good = json!({"first_name": "Piet", "last_name": "Aaberg", "birth_date": "1981-01-01", "health_category": "oncology", "situation": "inactive"});
    let (status, _) = app
        .send_json(&coach, "PUT", &format!("/api/v1/participants/{id}"), good)
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, page) = app.get_json(&coach, "/api/v1/caseload?q=aaberg").await;
    assert_eq!(page["rows"][0]["last_name"], "Aaberg");
    let entry = &app.audit("participant.update").await[0];
    assert!(entry.before_json.as_deref().unwrap().contains("Zzyzx"));
    let stranger = app.api_as("an.peeters@gtb.demo").await;
    let (status, _) = app
        .send_json(&stranger, "PUT", &format!("/api/v1/participants/{id}"), json!({}))
        .await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "bad input from a stranger reveals nothing"
    );
}

#[tokio::test]
async fn the_intake_form_registers_starts_a_trajectory_and_records_consent() {
    let app = TestApp::spawn().await;
    let browser = app.browser_as(COACH_LIMBURG).await;
    let csrf = app.csrf(&browser, "/participants/new").await;
    let maasland = app.organisation_id("Revalidatieziekenhuis Maasland").await;
    let wgtw = {
        let api = app.api_as(COACH_LIMBURG).await;
        programme_id(&app, &api, "we-go-to-work").await
    };
    let today = onramp_web::time::today().to_string();
    let mut form = vec![
        ("csrf", csrf.clone()),
        ("organisation_id", maasland.clone()),
        ("first_name", "Lies".into()),
        ("last_name", "".into()),
        ("birth_date", "1988-08-08".into()),
        ("health_category", "burn_out".into()),
        ("situation", "employed_on_sick_leave".into()),
        ("programme_id", wgtw.clone()),
        ("started_on", today.clone()),
        ("consent_participation", "on".into()),
        ("consent_version", "2026-01".into()),
        ("given_on", today.clone()),
    ];
    let response = browser
        .post(app.url("/participants/new"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    assert!(html.contains("id=\"e-last_name\"") && html.contains("value=\"Lies\""));
    form[3].1 = "Vos".into();
    let response = browser
        .post(app.url("/participants/new"))
        .form(&form)
        .send()
        .await
        .unwrap();
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
    assert!(html.contains("<h1>Lies Vos</h1>"));
    assert!(
        html.contains("We go to work") && html.contains("action=\"/trajectories/"),
        "trajectory with its forms"
    );
    assert_eq!(app.audit("consent.give").await.len(), 1);

    // The same person again: the form offers the existing file.
    let response = browser
        .post(app.url("/participants/new"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CONFLICT);
    let html = response.text().await.unwrap();
    assert!(html.contains(&format!("href=\"{}\"", location.split('?').next().unwrap())));
    assert!(html.contains("name=\"confirmed_new_person\""));
}
