//! The consent to take part is the participant's: once withdrawn, nothing new is recorded for any
//! of their trajectories (contacts, plans, ratings, outcomes, barriers, phases, handovers,
//! enrolments, attendance, check-ins, new trajectories), with an error that says why, on pages
//! and in the API; ending a trajectory stays possible, and a new consent opens the file again.

use crate::caseload::today;
use crate::group_sessions::location_of;
use crate::participants::{programme_id, register};
use crate::support::*;
use chrono::Days;
use reqwest::StatusCode;
use serde_json::{Value, json};

fn refused(status: StatusCode, problem: &Value, field: &str, what: &str) {
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{what}: {problem}");
    assert!(has_error(problem, field, "consent-withdrawn"), "{what}: {problem}");
}

#[tokio::test]
async fn after_the_consent_to_take_part_is_withdrawn_only_an_exit_is_recorded() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let maasland = app.organisation_id("Revalidatieziekenhuis Maasland").await;
    let wgtw = programme_id(&app, &coach, "we-go-to-work").await;
    let boost = programme_id(&app, &coach, "boost2work").await;
    let id = register(&app, &coach, &maasland, "Tine", "Terug", "1983-08-08").await;
    let consent = json!({"purpose": "participation", "version": "2026-01", "given_on": "2026-01-05"});
    let consents = format!("/api/v1/participants/{id}/consents");
    let (status, given) = app.send_json(&coach, "POST", &consents, consent.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{given}");
    let body = json!({"programme_id": wgtw, "organisation_id": maasland,
                      "started_on": (today() - Days::new(60)).to_string()});
    let t = app.start_trajectory(&coach, &id, body).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // Enrolled in a series before the withdrawal.
    let location = location_of(&app, &coach, &maasland).await;
    let series = json!({
        "programme_id": wgtw, "module": "module_2", "title": "Group", "organisation_id": maasland,
        "location_id": location, "capacity": 8, "first_date": (today() - Days::new(7)).to_string(),
        "start_time": "10:00", "minutes": 120, "sessions": 2, "weeks_between": 1
    });
    let (_, sessions) = app.send_json(&coach, "POST", "/api/v1/session-series", series).await;
    let (first, second) = (sessions[0]["id"].as_str().unwrap(), sessions[1]["id"].as_str().unwrap());
    let enrol = |session: &str| format!("/api/v1/sessions/{session}/enrolments");
    let (status, _) = app
        .send_json(&coach, "POST", &enrol(first), json!({"participant_id": id}))
        .await;
    assert_eq!(status, StatusCode::CREATED);

    let withdraw = format!("{consents}/{}/withdraw", given["id"].as_str().unwrap());
    let (status, _) = app.send_json(&coach, "POST", &withdraw, json!({})).await;
    assert_eq!(status, StatusCode::OK);

    let on = today().to_string();
    let (status, problem) = app
        .send_json(
            &coach,
            "POST",
            &format!("/api/v1/participants/{id}/outcomes"),
            json!({"trajectory_id": t, "kind": "volunteer_work", "on": on}),
        )
        .await;
    refused(status, &problem, "consent", "an outcome");
    let message = problem["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains("withdrew their consent to take part"), "{message}");
    let (status, problem) = app
        .send_json(
            &coach,
            "POST",
            &format!("/api/v1/participants/{id}/barriers"),
            json!({"trajectory_id": t, "code": "pain", "noted_on": on}),
        )
        .await;
    refused(status, &problem, "consent", "a barrier");
    let (status, problem) = app
        .send_json(
            &coach,
            "POST",
            &format!("/api/v1/participants/{id}/icf-measurements"),
            json!({"measured_on": on, "moment": "during", "rater": "coach", "ratings": {"d240": "2"}}),
        )
        .await;
    refused(status, &problem, "consent", "a rating");
    let (status, problem) = app
        .send_json(
            &coach,
            "PUT",
            &format!("/api/v1/trajectories/{t}/plans/recovery"),
            json!({"base_version": 0, "sections": {"triggers": "Noise"}}),
        )
        .await;
    refused(status, &problem, "consent", "a plan");
    let (status, problem) = app
        .send_json(
            &coach,
            "POST",
            &format!("/api/v1/trajectories/{t}/phase"),
            json!({"phase": "engagement", "on": on}),
        )
        .await;
    refused(status, &problem, "consent", "a phase");
    let (status, problem) = app
        .send_json(
            &coach,
            "POST",
            &format!("/api/v1/participants/{id}/trajectories"),
            json!({"programme_id": boost, "organisation_id": maasland, "started_on": on}),
        )
        .await;
    refused(status, &problem, "consent", "a new trajectory");
    let (status, problem) = app
        .send_json(&coach, "POST", &enrol(second), json!({"participant_id": id}))
        .await;
    refused(status, &problem, "consent", "an enrolment");
    let marks = json!({"marks": [{"participant_id": id, "attendance": "present"}]});
    let (status, problem) = app
        .send_json(&coach, "PUT", &format!("/api/v1/sessions/{first}/attendance"), marks)
        .await;
    refused(status, &problem, "marks[0].participant_id", "attendance");
    let (_, detail) = app.get_json(&coach, &format!("/api/v1/sessions/{first}")).await;
    assert_eq!(detail["enrolments"][0]["consent_withdrawn"], true);

    // A contact through the page: the form says why.
    let page = app.english_browser_as(COACH_LIMBURG).await;
    let path = format!("/participants/{id}");
    let html = page.get(app.url(&path)).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("Consent to take part withdrawn on"), "the file says so");
    let csrf = csrf_in(&html);
    let contact = [
        ("csrf", csrf.as_str()),
        ("trajectory_id", t.as_str()),
        ("on", on.as_str()),
        ("minutes", "30"),
        ("mode", "phone"),
        ("topic", "How are things?"),
    ];
    let response = page
        .post(app.url(&format!("{path}/contacts")))
        .form(&contact)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    assert!(
        html.contains("The participant withdrew their consent to take part on"),
        "{html}"
    );
    let (_, file) = app.get_json(&coach, &format!("/api/v1/participants/{id}")).await;
    assert_eq!(file["contacts"], json!([]), "nothing written");
    assert_eq!(file["outcomes"], json!([]));
    assert_eq!(file["can_record"], false);

    // Ending the trajectory stays open; nobody is followed up after it without their consent: its
    // check-ins close at once, fall due nowhere, and are not recorded either.
    let (status, ended) = app
        .send_json(
            &coach,
            "POST",
            &format!("/api/v1/trajectories/{t}/exit"),
            json!({"on": on, "reason": "declined"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{ended}");
    let (_, file) = app.get_json(&coach, &format!("/api/v1/participants/{id}")).await;
    let check_ins = file["check_ins"].as_array().unwrap();
    assert_eq!(check_ins.len(), 4);
    assert!(
        check_ins.iter().all(|c| c["closed_as"] == "consent_withdrawn"),
        "{check_ins:?}"
    );
    assert_eq!(next_check_in(&app.db, &t).await, None);
    let check_in = file["check_ins"][0]["id"].as_str().unwrap().to_owned();
    let (status, problem) = app
        .send_json(
            &coach,
            "POST",
            &format!("/api/v1/check-ins/{check_in}"),
            json!({"done_on": on, "contact_made": false}),
        )
        .await;
    refused(status, &problem, "consent", "a check-in");

    // Given again, the consent opens the file to new records.
    let consent = json!({"purpose": "participation", "version": "2026-02", "given_on": on});
    let (status, _) = app.send_json(&coach, "POST", &consents, consent).await;
    assert_eq!(status, StatusCode::CREATED);
    let response = page
        .post(app.url(&format!("{path}/contacts")))
        .form(&contact)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_withdrawal_in_dutch_says_why_and_people_without_a_consent_recorded_are_not_refused() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let maasland = app.organisation_id("Revalidatieziekenhuis Maasland").await;
    let wgtw = programme_id(&app, &coach, "we-go-to-work").await;
    // No consent recorded at all: nothing was withdrawn.
    let id = register(&app, &coach, &maasland, "Nele", "Zonder", "1990-09-09").await;
    let body = json!({"programme_id": wgtw, "organisation_id": maasland, "started_on": today().to_string()});
    let t = app.start_trajectory(&coach, &id, body).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let barrier = json!({"trajectory_id": t, "code": "fatigue", "noted_on": today().to_string()});
    let barriers = format!("/api/v1/participants/{id}/barriers");
    let (status, _) = app.send_json(&coach, "POST", &barriers, barrier.clone()).await;
    assert_eq!(status, StatusCode::CREATED);
    // Two consents to take part, one withdrawn: the other is still in force.
    let consents = format!("/api/v1/participants/{id}/consents");
    for version in ["2025-01", "2026-01"] {
        let consent = json!({"purpose": "participation", "version": version, "given_on": "2026-01-05"});
        assert_eq!(
            app.send_json(&coach, "POST", &consents, consent).await.0,
            StatusCode::CREATED
        );
    }
    let (_, file) = app.get_json(&coach, &format!("/api/v1/participants/{id}")).await;
    let ids: Vec<String> = file["consents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_owned())
        .collect();
    let withdraw = |consent: &str| format!("{consents}/{consent}/withdraw");
    assert_eq!(
        app.send_json(&coach, "POST", &withdraw(&ids[0]), json!({})).await.0,
        StatusCode::OK
    );
    let (status, _) = app.send_json(&coach, "POST", &barriers, barrier.clone()).await;
    assert_eq!(
        status,
        StatusCode::CREATED,
        "one consent to take part is still in force"
    );
    assert_eq!(
        app.send_json(&coach, "POST", &withdraw(&ids[1]), json!({})).await.0,
        StatusCode::OK
    );
    let (status, problem) = app.send_json(&coach, "POST", &barriers, barrier).await;
    refused(status, &problem, "consent", "a barrier");
    assert_eq!(app.audit("check_in.close").await.len(), 0, "no check-ins to close");
    // The Dutch page says why.
    let page = app.browser_as(COACH_LIMBURG).await;
    let path = format!("/participants/{id}");
    let csrf = app.csrf(&page, &path).await;
    let form = [
        ("csrf", csrf.as_str()),
        ("trajectory_id", t.as_str()),
        ("code", "stress"),
        ("noted_on", "2026-12-01"),
    ];
    let response = page
        .post(app.url(&format!("{path}/barriers")))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    assert!(html.contains("trok op"), "{html}");
    assert!(html.contains("de toestemming om deel te nemen in"));
}

/// How many of the person's check-ins fall due (ever) in the coach's list.
async fn due_for(app: &TestApp, coach: &reqwest::Client, id: &str) -> usize {
    let (_, due) = app.get_json(coach, "/api/v1/check-ins/due?until=2030-01-01").await;
    due.as_array()
        .unwrap()
        .iter()
        .filter(|c| c["participant_id"] == id)
        .count()
}

#[tokio::test]
async fn a_withdrawal_closes_the_check_ins_still_due() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let maasland = app.organisation_id("Revalidatieziekenhuis Maasland").await;
    let wgtw = programme_id(&app, &coach, "we-go-to-work").await;
    let id = register(&app, &coach, &maasland, "Joke", "Opgevolgd", "1972-02-02").await;
    let consents = format!("/api/v1/participants/{id}/consents");
    let consent = json!({"purpose": "participation", "version": "2024-01", "given_on": "2024-01-02"});
    let (_, given) = app.send_json(&coach, "POST", &consents, consent).await;
    let body = json!({"programme_id": wgtw, "organisation_id": maasland, "started_on": "2024-01-02"});
    let t = app.start_trajectory(&coach, &id, body).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let exit = json!({"on": (today() - Days::new(200)).to_string(), "reason": "completed"});
    let (status, _) = app
        .send_json(&coach, "POST", &format!("/api/v1/trajectories/{t}/exit"), exit)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(due_for(&app, &coach, &id).await, 4);
    let withdraw = format!("{consents}/{}/withdraw", given["id"].as_str().unwrap());
    assert_eq!(
        app.send_json(&coach, "POST", &withdraw, json!({})).await.0,
        StatusCode::OK
    );
    assert_eq!(
        due_for(&app, &coach, &id).await,
        0,
        "nothing the coach could record stays due"
    );
    let (_, file) = app.get_json(&coach, &format!("/api/v1/participants/{id}")).await;
    assert!(
        file["check_ins"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["closed_as"] == "consent_withdrawn" && c["done_on"] == today().to_string().as_str())
    );
    assert_eq!(next_check_in(&app.db, &t).await, None);
    assert_eq!(app.audit("check_in.close").await.len(), 1);
    let html = app
        .english_browser_as(COACH_LIMBURG)
        .await
        .get(app.url(&format!("/participants/{id}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(
        html.matches("the person withdrew their consent to take part").count(),
        4
    );
}

/// On the file, withdrawing a consent first says what will stop and asks to confirm; once
/// confirmed, the same screen offers to record the consent again; and the intake's consent box is
/// never ticked in advance.
#[tokio::test]
async fn a_withdrawal_on_the_page_asks_to_confirm_says_what_stops_and_can_be_undone() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let maasland = app.organisation_id("Revalidatieziekenhuis Maasland").await;
    let id = register(&app, &coach, &maasland, "Wim", "Weerom", "1980-04-04").await;
    let consents = format!("/api/v1/participants/{id}/consents");
    let consent = json!({"purpose": "participation", "version": "2026-01", "given_on": "2026-01-05"});
    let (_, given) = app.send_json(&coach, "POST", &consents, consent).await;
    let consent_id = given["id"].as_str().unwrap().to_owned();
    let withdrawn_on = |file: &Value| file["participation_withdrawn_on"].clone();

    let page = app.english_browser_as(COACH_LIMBURG).await;
    let html = app.html(&page, &format!("/participants/{id}")).await;
    let csrf = csrf_in(&html);
    let withdraw = app.url(&format!("/participants/{id}/consents/{consent_id}/withdraw"));
    let asked = page
        .post(withdraw.clone())
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(asked.status(), StatusCode::OK);
    let asked = asked.text().await.unwrap();
    assert!(asked.contains("Record the withdrawal of a consent?"), "{asked}");
    assert!(
        asked.contains("nothing new can be recorded"),
        "says what stops: {asked}"
    );
    assert!(asked.contains("name=\"confirm\" value=\"yes\""), "{asked}");
    let (_, file) = app.get_json(&coach, &format!("/api/v1/participants/{id}")).await;
    assert!(
        withdrawn_on(&file).is_null(),
        "nothing withdrawn before the confirmation"
    );

    let done = page
        .post(withdraw)
        .form(&[("csrf", csrf.as_str()), ("confirm", "yes")])
        .send()
        .await
        .unwrap();
    assert_eq!(done.status(), StatusCode::SEE_OTHER);
    let to = done.headers()["location"].to_str().unwrap().to_owned();
    assert!(to.contains(&format!("undo={consent_id}")), "{to}");
    let html = app.html(&page, &to).await;
    assert!(html.contains("A mistake? Record it again"), "{html}");
    let (_, file) = app.get_json(&coach, &format!("/api/v1/participants/{id}")).await;
    assert_eq!(withdrawn_on(&file), json!(today().to_string()));

    // The undo on the same screen records the consent again, as of today.
    let undo_at = html.find("A mistake?").unwrap();
    let form = &html[undo_at..html[undo_at..].find("</form>").unwrap() + undo_at];
    let value = |name: &str| {
        let at = form.find(&format!("name=\"{name}\" value=\"")).unwrap() + name.len() + 15;
        form[at..at + form[at..].find('"').unwrap()].to_owned()
    };
    let fields = ["csrf", "purpose", "organisation_id", "version", "given_on"].map(|n| (n, value(n)));
    let again = page
        .post(app.url(&format!("/participants/{id}/consents")))
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::SEE_OTHER);
    let (_, file) = app.get_json(&coach, &format!("/api/v1/participants/{id}")).await;
    assert!(withdrawn_on(&file).is_null(), "taking part again: {file}");
    let active = file["consents"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["purpose"] == "participation" && c["withdrawn_on"].is_null())
        .count();
    assert_eq!(active, 1);

    // The intake's consent box starts empty.
    let intake = app.html(&page, "/participants/new").await;
    let box_at = intake.find("name=\"consent_participation\"").expect("the consent box");
    let tag_end = box_at + intake[box_at..].find('>').unwrap();
    assert!(!intake[box_at..tag_end].contains("checked"), "not ticked in advance");
}

/// The intake records the consent to take part only with the start of a trajectory: ticked
/// without a programme, the box is refused by name and nothing is written.
#[tokio::test]
async fn the_intake_refuses_a_consent_to_take_part_without_a_trajectory() {
    let app = TestApp::spawn().await;
    let maasland = app.organisation_id("Revalidatieziekenhuis Maasland").await;
    let page = app.english_browser_as(COACH_LIMBURG).await;
    let csrf = app.csrf(&page, "/participants/new").await;
    let today = today().to_string();
    let response = page
        .post(app.url("/participants/new"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("organisation_id", maasland.as_str()),
            ("first_name", "Zonder"),
            ("last_name", "Traject"),
            ("birth_date", "1980-01-01"),
            ("language", "nl"),
            ("consent_participation", "on"),
            ("consent_version", "2026-01"),
            ("given_on", today.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    assert!(html.contains("recorded when a trajectory starts"), "{html}");
    assert!(
        html.contains("href=\"#f-consent_participation\""),
        "the summary leads to the box"
    );
    assert!(app.audit("participant.create").await.is_empty(), "nothing written");
}
