//! Work shared between partners and over time (issue 23): a host taking attendance in an open
//! series for another partner's participant, handovers that stay where the file can be followed,
//! handovers to job mediation, re-entry closing the old follow-up, and exits that keep the
//! trajectory's outcomes before them.

use crate::caseload::today;
use crate::group_sessions::location_of;
use crate::participants::{programme_id, register};
use crate::support::*;
use chrono::Days;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

const MAASLAND: &str = "Revalidatieziekenhuis Maasland";
const COACH_ANTWERPEN: &str = "an.peeters@gtb.demo";

/// A participant of `coach`, registered at `organisation` with a We go to work trajectory that
/// started `days_ago`: (participant, trajectory).
async fn followed(app: &TestApp, coach: &Client, organisation: &str, first: &str, days_ago: u64) -> (String, String) {
    let id = register(app, coach, organisation, first, "Gedeeld", "1979-05-05").await;
    let wgtw = programme_id(app, coach, "we-go-to-work").await;
    let body = json!({"programme_id": wgtw, "organisation_id": organisation,
                      "started_on": (today() - Days::new(days_ago)).to_string()});
    let trajectory = app.start_trajectory(coach, &id, body).await;
    (id, trajectory["id"].as_str().unwrap().to_owned())
}

/// The first partner (not the provider) the account works at.
async fn own_partner(app: &TestApp, client: &Client) -> String {
    let (_, me) = app.get_json(client, "/api/v1/me").await;
    let gtb = app.organisation_id("GTB Vlaanderen").await;
    me["organisations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o.as_str().unwrap().to_owned())
        .find(|o| *o != gtb)
        .unwrap()
}

async fn user_id(app: &TestApp, email: &str) -> String {
    let (_, me) = app.get_json(&app.api_as(email).await, "/api/v1/me").await;
    me["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn the_host_takes_attendance_of_another_partners_participant_and_their_coach_sees_it() {
    let app = TestApp::spawn().await;
    let host = app.api_as(COACH_LIMBURG).await;
    let maasland = app.organisation_id(MAASLAND).await;
    let wgtw = programme_id(&app, &host, "we-go-to-work").await;
    let location = location_of(&app, &host, &maasland).await;
    let series = json!({
        "programme_id": wgtw, "module": "module_2", "title": "Open group", "organisation_id": maasland,
        "location_id": location, "capacity": 8, "first_date": (today() - Days::new(1)).to_string(),
        "start_time": "10:00", "minutes": 120, "sessions": 1, "weeks_between": 1, "open_to_partners": true
    });
    let (status, sessions) = app.send_json(&host, "POST", "/api/v1/session-series", series).await;
    assert_eq!(status, StatusCode::CREATED, "{sessions}");
    let session = sessions[0]["id"].as_str().unwrap().to_owned();
    // A participant followed in Antwerpen, enrolled by their own coach.
    let guest_coach = app.api_as(COACH_ANTWERPEN).await;
    let partner = own_partner(&app, &guest_coach).await;
    let (guest, _) = followed(&app, &guest_coach, &partner, "Gert", 10).await;
    let path = format!("/api/v1/sessions/{session}/enrolments");
    let (status, _) = app
        .send_json(&guest_coach, "POST", &path, json!({"participant_id": guest}))
        .await;
    assert_eq!(status, StatusCode::CREATED);

    // The host sees whom to take attendance of: the name and id, not the file.
    let (_, detail) = app.get_json(&host, &format!("/api/v1/sessions/{session}")).await;
    let enrolment = &detail["enrolments"][0];
    assert_eq!(enrolment["participant_id"], guest.as_str(), "{detail}");
    assert_eq!(enrolment["name"], "Gert Gedeeld");
    assert_eq!(enrolment["file"], false);
    assert_eq!(detail["can_manage"], true);
    let (status, _) = app.get_json(&host, &format!("/api/v1/participants/{guest}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "the host does not open the file");

    // The guest's own coach does not take the host's attendance; the host does.
    let marks = json!({"marks": [{"participant_id": guest, "attendance": "present"}]});
    let attendance = format!("/api/v1/sessions/{session}/attendance");
    let (status, _) = app.send_json(&guest_coach, "PUT", &attendance, marks.clone()).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, detail) = app.send_json(&host, "PUT", &attendance, marks).await;
    assert_eq!(status, StatusCode::OK, "{detail}");
    assert_eq!(detail["enrolments"][0]["attendance"], "present");

    // The participant's own coach sees it on the file.
    let (_, file) = app
        .get_json(&guest_coach, &format!("/api/v1/participants/{guest}"))
        .await;
    assert_eq!(file["sessions"][0]["session_id"], session.as_str());
    assert_eq!(file["sessions"][0]["attendance"], "present");
    let (_, detail) = app.get_json(&guest_coach, &format!("/api/v1/sessions/{session}")).await;
    assert_eq!(
        (
            detail["enrolments"][0]["file"].as_bool(),
            detail["can_manage"].as_bool()
        ),
        (Some(true), Some(false))
    );

    // The page: the host gets the buttons and the name, without a link to the file.
    let page = app.english_browser_as(COACH_LIMBURG).await;
    let html = page
        .get(app.url(&format!("/sessions/{session}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains(&format!("name=\"attendance-{guest}\" value=\"excused\"")),
        "{html}"
    );
    assert!(html.contains("Gert Gedeeld") && html.contains("followed by another partner"));
    assert!(!html.contains(&format!("/participants/{guest}")));
    assert!(!html.contains("A participant of another partner"));
    let csrf = csrf_in(&html);
    let field = format!("attendance-{guest}");
    let response = page
        .post(app.url(&format!("/sessions/{session}/attendance")))
        .form(&[("csrf", csrf.as_str()), (field.as_str(), "excused")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, file) = app
        .get_json(&guest_coach, &format!("/api/v1/participants/{guest}"))
        .await;
    assert_eq!(file["sessions"][0]["attendance"], "excused");
    let html = app
        .english_browser_as(COACH_ANTWERPEN)
        .await
        .get(app.url(&format!("/participants/{guest}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Group session &#34;Open group&#34;: Excused"), "{html}");
}

#[tokio::test]
async fn a_handover_goes_only_to_a_coach_of_the_trajectorys_partner() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let maasland = app.organisation_id(MAASLAND).await;
    let (id, t) = followed(&app, &coach, &maasland, "Hanne", 30).await;
    let elsewhere = user_id(&app, COACH_ANTWERPEN).await;
    let on = today().to_string();
    let path = format!("/api/v1/trajectories/{t}/handover");
    let (status, problem) = app
        .send_json(&coach, "POST", &path, json!({"coach_id": elsewhere, "on": on}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert!(has_error(&problem, "coach_id", "coach-not-at-partner"), "{problem}");
    assert!(
        message_of(&problem, "coach_id").contains("must work at Revalidatieziekenhuis Maasland"),
        "{problem}"
    );
    // The page says the same next to the field, in the user's language.
    let page = app.english_browser_as(COACH_LIMBURG).await;
    let csrf = app.csrf(&page, &format!("/participants/{id}")).await;
    let response = page
        .post(app.url(&format!("/trajectories/{t}/handover")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("coach_id", elsewhere.as_str()),
            ("on", on.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    let field = format!("handover-{}-e-coach_id", t.replace('-', ""));
    assert!(html.contains(&format!("id=\"{field}\"")), "{html}");
    assert!(html.contains("The coach must work at Revalidatieziekenhuis Maasland"));
    let (_, file) = app.get_json(&coach, &format!("/api/v1/participants/{id}")).await;
    assert_eq!(file["trajectories"][0]["coach_name"], "Sofie Maes", "nothing changed");
    assert_eq!(app.audit("trajectory.handover").await.len(), 0);

    // A colleague who works at Maasland takes it over.
    let admin = app.api_as(ADMIN).await;
    let body = json!({"email": "job.mediator@gtb.demo", "display_name": "Jo Bemiddelaar", "role": "coach",
                      "organisations": [maasland], "password": "a long enough password"});
    let (status, user) = app.send_json(&admin, "POST", "/api/v1/users", body).await;
    assert_eq!(status, StatusCode::CREATED, "{user}");
    let colleague = user["id"].clone();
    let (status, handed) = app
        .send_json(&coach, "POST", &path, json!({"coach_id": colleague, "on": on}))
        .await;
    assert_eq!(status, StatusCode::OK, "{handed}");
    assert_eq!(handed["coach_id"], colleague);
}

#[tokio::test]
async fn a_handover_to_job_mediation_records_where_and_the_follow_up_goes_on() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let maasland = app.organisation_id(MAASLAND).await;
    let vdab = app.organisation_id("VDAB").await;
    let (id, t) = followed(&app, &coach, &maasland, "Mira", 200).await;
    let exit = format!("/api/v1/trajectories/{t}/exit");
    let on = (today() - Days::new(190)).to_string();
    let (status, problem) = app
        .send_json(&coach, "POST", &exit, json!({"on": on, "reason": "job_mediation"}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        has_error(&problem, "mediation_organisation_id", "required"),
        "{problem}"
    );
    assert!(has_error(&problem, "mediation_service", "required"), "{problem}");
    let to_hospital = json!({"on": on, "reason": "job_mediation", "mediation_organisation_id": maasland,
                             "mediation_service": "Jobhunting"});
    let (_, problem) = app.send_json(&coach, "POST", &exit, to_hospital).await;
    assert!(
        has_error(&problem, "mediation_organisation_id", "not-job-mediation"),
        "{problem}"
    );
    assert_eq!(app.audit("trajectory.exit").await.len(), 0, "nothing written");

    let body = json!({"on": on, "reason": "job_mediation", "mediation_organisation_id": vdab,
                      "mediation_service": "GTB trajectbegeleiding"});
    let (status, ended) = app.send_json(&coach, "POST", &exit, body).await;
    assert_eq!(status, StatusCode::OK, "{ended}");
    assert_eq!(ended["exit_reason"], "job_mediation");
    assert_eq!(ended["mediation_organisation_id"], vdab.as_str());
    assert_eq!(ended["mediation_organisation_name"], "VDAB");
    assert_eq!(ended["mediation_service"], "GTB trajectbegeleiding");
    // Monitoring goes on with the person at job mediation: the check-ins are scheduled, say where
    // the person is, fall due in the coach's list, and are recorded.
    let (_, file) = app.get_json(&coach, &format!("/api/v1/participants/{id}")).await;
    let check_ins = file["check_ins"].as_array().unwrap();
    assert_eq!(check_ins.len(), 4);
    assert!(
        check_ins
            .iter()
            .all(|c| c["mediation_organisation_name"] == "VDAB" && c["mediation_service"] == "GTB trajectbegeleiding")
    );
    let (_, due) = app.get_json(&coach, "/api/v1/check-ins/due").await;
    let first = due
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["participant_id"] == id.as_str())
        .expect("the six-month check-in is due");
    assert_eq!(first["mediation_organisation_name"], "VDAB");
    let body = json!({"done_on": today().to_string(), "contact_made": true, "situation": "job_searching"});
    let (status, recorded) = app
        .send_json(
            &coach,
            "POST",
            &format!("/api/v1/check-ins/{}", first["id"].as_str().unwrap()),
            body,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{recorded}");
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
    assert!(html.contains("Handed over to job mediation") && html.contains("VDAB · GTB trajectbegeleiding"));
    assert!(html.contains("at VDAB (GTB trajectbegeleiding)"));
}

#[tokio::test]
async fn a_re_entry_closes_the_old_trajectorys_open_check_ins() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let maasland = app.organisation_id(MAASLAND).await;
    let (id, old) = followed(&app, &coach, &maasland, "Ruth", 800).await;
    let exit = json!({"on": (today() - Days::new(400)).to_string(), "reason": "completed"});
    let (status, _) = app
        .send_json(&coach, "POST", &format!("/api/v1/trajectories/{old}/exit"), exit)
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, file) = app.get_json(&coach, &format!("/api/v1/participants/{id}")).await;
    let first = file["check_ins"][0]["id"].as_str().unwrap().to_owned();
    let back_on = today().to_string();
    let body = json!({"done_on": back_on, "contact_made": true, "situation": "job_searching",
                      "needs_more_service": true});
    let (status, recorded) = app
        .send_json(&coach, "POST", &format!("/api/v1/check-ins/{first}"), body)
        .await;
    assert_eq!(status, StatusCode::OK, "{recorded}");
    let new = recorded["reentry"]["id"].as_str().unwrap().to_owned();

    let (_, file) = app.get_json(&coach, &format!("/api/v1/participants/{id}")).await;
    let check_ins = file["check_ins"].as_array().unwrap();
    assert_eq!(check_ins.len(), 4, "the new trajectory has no check-ins until it ends");
    assert!(check_ins.iter().all(|c| c["trajectory_id"] == old.as_str()));
    assert_eq!(check_ins[0]["closed_as"], Value::Null, "the one held");
    for later in &check_ins[1..] {
        assert_eq!(later["closed_as"], "re_entered", "{later}");
        assert_eq!(later["done_on"], back_on.as_str());
    }
    assert_eq!(next_check_in(&app.db, &old).await, None);
    assert_eq!(next_check_in(&app.db, &new).await, None);
    let (_, due) = app.get_json(&coach, "/api/v1/check-ins/due?until=2030-01-01").await;
    assert!(
        !due.as_array()
            .unwrap()
            .iter()
            .any(|c| c["participant_id"] == id.as_str()),
        "{due}"
    );
    let closing = app.audit("check_in.close").await;
    assert_eq!(closing.len(), 1);
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
    assert_eq!(html.matches("the person re-entered").count(), 3, "{html}");
}

#[tokio::test]
async fn an_exit_before_the_trajectorys_outcomes_is_refused() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let maasland = app.organisation_id(MAASLAND).await;
    let (id, t) = followed(&app, &coach, &maasland, "Emma", 90).await;
    let job_on = today() - Days::new(10);
    let step = json!({"trajectory_id": t, "kind": "new_employer", "on": job_on.to_string(), "contract": "permanent"});
    let (status, outcome) = app
        .send_json(&coach, "POST", &format!("/api/v1/participants/{id}/outcomes"), step)
        .await;
    assert_eq!(status, StatusCode::CREATED, "{outcome}");
    let exit = format!("/api/v1/trajectories/{t}/exit");
    let early = (today() - Days::new(20)).to_string();
    let (status, problem) = app
        .send_json(&coach, "POST", &exit, json!({"on": early, "reason": "work"}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&problem, "on", "outcome-after-exit"), "{problem}");
    let shown = job_on.format("%d-%m-%Y").to_string();
    assert!(message_of(&problem, "on").contains(&shown), "{problem}");
    // The page names the field and the date.
    let page = app.english_browser_as(COACH_LIMBURG).await;
    let csrf = app.csrf(&page, &format!("/participants/{id}")).await;
    let response = page
        .post(app.url(&format!("/trajectories/{t}/exit")))
        .form(&[("csrf", csrf.as_str()), ("on", early.as_str()), ("reason", "work")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    assert!(
        html.contains(&format!("id=\"exit-{}-e-on\"", t.replace('-', ""))),
        "{html}"
    );
    assert!(html.contains(&format!(
        "This trajectory has an outcome on {shown}, after this exit date"
    )));
    let (_, file) = app.get_json(&coach, &format!("/api/v1/participants/{id}")).await;
    assert!(file["trajectories"][0]["ended_on"].is_null(), "still open");

    // On the day of the outcome, or later, it ends; what comes after belongs to the check-ins.
    let (status, ended) = app
        .send_json(
            &coach,
            "POST",
            &exit,
            json!({"on": job_on.to_string(), "reason": "work"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{ended}");
    let later = json!({"trajectory_id": t, "kind": "job_retained", "on": today().to_string()});
    let (status, problem) = app
        .send_json(&coach, "POST", &format!("/api/v1/participants/{id}/outcomes"), later)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&problem, "on", "after-exit"), "{problem}");
}
