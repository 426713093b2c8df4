//! A consent may be given up to an end date, its last day. From the day after, it counts as
//! withdrawn, at once and with nothing written: sharing with a care team stops, the consent to
//! take part allows nothing new but an exit. A consent ending today still holds. The end date is
//! checked (a date, not before the start) on the page and in the API.

use crate::caseload::today;
use crate::participants::{programme_id, register};
use crate::support::*;
use chrono::Days;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

fn yesterday() -> String {
    (today() - Days::new(1)).to_string()
}

fn days_ago(n: u64) -> String {
    (today() - Days::new(n)).to_string()
}

async fn give(app: &TestApp, client: &Client, participant: &str, consent: Value) -> Value {
    let path = format!("/api/v1/participants/{participant}/consents");
    let (status, given) = app.send_json(client, "POST", &path, consent).await;
    assert_eq!(status, StatusCode::CREATED, "{given}");
    given
}

/// Whether the care team finds the person: their file, and their trajectory in its caseload.
async fn care_team_sees(app: &TestApp, care: &Client, id: &str, last_name: &str) -> bool {
    let (status, _) = app.get_json(care, &format!("/api/v1/participants/{id}")).await;
    let (listed, caseload) = app
        .get_json(care, &format!("/api/v1/caseload?q={last_name}&status=all"))
        .await;
    assert_eq!(listed, StatusCode::OK, "{caseload}");
    let in_caseload = caseload["rows"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["participant_id"] == id);
    assert_eq!(status == StatusCode::OK, in_caseload, "the file and the caseload agree");
    in_caseload
}

#[tokio::test]
async fn a_sharing_consent_past_its_end_closes_the_care_teams_access_and_one_ending_today_does_not() {
    let app = TestApp::spawn().await;
    let coach = app.api_as("an.peeters@gtb.demo").await;
    let care = app.api_as(CARE_ANTWERPEN).await;
    let scheldeoever = app.organisation_id("Revalidatieziekenhuis Scheldeoever").await;
    let wgtw = programme_id(&app, &coach, "we-go-to-work").await;
    let mut people = Vec::new();
    for last in ["Eindigtgisteren", "Eindigtvandaag"] {
        let id = register(&app, &coach, &scheldeoever, "Lena", last, "1985-05-05").await;
        let body = json!({"programme_id": wgtw, "organisation_id": scheldeoever, "started_on": days_ago(30)});
        app.start_trajectory(&coach, &id, body).await;
        people.push(id);
    }
    let share = |ends_on: String| {
        json!({"purpose": "share_care_team", "organisation_id": scheldeoever, "version": "2026-01",
               "given_on": days_ago(20), "ends_on": ends_on})
    };
    let ended = give(&app, &coach, &people[0], share(yesterday())).await;
    assert_eq!(ended["ends_on"], yesterday().as_str());
    assert_eq!(ended["in_force"], false);
    let holds = give(&app, &coach, &people[1], share(today().to_string())).await;
    assert_eq!(holds["in_force"], true);

    assert!(
        !care_team_sees(&app, &care, &people[0], "Eindigtgisteren").await,
        "the day after its end, the consent shares nothing"
    );
    assert!(
        care_team_sees(&app, &care, &people[1], "Eindigtvandaag").await,
        "on its last day, the consent still shares"
    );

    // The same as a withdrawal: withdrawn, the one that still held shares nothing either.
    let withdraw = format!(
        "/api/v1/participants/{}/consents/{}/withdraw",
        people[1],
        holds["id"].as_str().unwrap()
    );
    assert_eq!(
        app.send_json(&coach, "POST", &withdraw, json!({})).await.0,
        StatusCode::OK
    );
    assert!(!care_team_sees(&app, &care, &people[1], "Eindigtvandaag").await);

    // The file's summary and its list of consents say it expired.
    let page = app.english_browser_as("an.peeters@gtb.demo").await;
    let html = app.html(&page, &format!("/participants/{}", people[0])).await;
    let expired = format!("expired on {}", (today() - Days::new(1)).format("%d-%m-%Y"));
    assert_eq!(html.matches(&expired).count(), 2, "summary and list: {html}");
}

#[tokio::test]
async fn a_consent_to_take_part_past_its_end_allows_nothing_new_but_an_exit() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let maasland = app.organisation_id("Revalidatieziekenhuis Maasland").await;
    let wgtw = programme_id(&app, &coach, "we-go-to-work").await;
    let mut trajectories = Vec::new();
    let mut people = Vec::new();
    for (last, ends_on) in [("Verlopen", yesterday()), ("Geldig", today().to_string())] {
        let id = register(&app, &coach, &maasland, "Bram", last, "1979-07-07").await;
        let body = json!({"programme_id": wgtw, "organisation_id": maasland, "started_on": days_ago(90)});
        let t = app.start_trajectory(&coach, &id, body).await["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let consent = json!({"purpose": "participation", "version": "2026-01", "given_on": days_ago(90),
                             "ends_on": ends_on});
        give(&app, &coach, &id, consent).await;
        people.push(id);
        trajectories.push(t);
    }
    let contact = |t: &str| json!({"trajectory_id": t, "on": today().to_string(), "minutes": 30, "mode": "phone", "topic": "Call"});
    let contacts = |id: &str| format!("/api/v1/participants/{id}/contacts");

    // Ending today: it still holds.
    let (status, done) = app
        .send_json(&coach, "POST", &contacts(&people[1]), contact(&trajectories[1]))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{done}");

    // Ended yesterday: as withdrawn, with the end named.
    let (status, problem) = app
        .send_json(&coach, "POST", &contacts(&people[0]), contact(&trajectories[0]))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert!(has_error(&problem, "consent", "consent-withdrawn"), "{problem}");
    let message = message_of(&problem, "consent");
    let end = (today() - Days::new(1)).format("%d-%m-%Y").to_string();
    assert!(
        message.contains("consent to take part expired on") && message.contains(&end),
        "{message}"
    );
    let (_, file) = app
        .get_json(&coach, &format!("/api/v1/participants/{}", people[0]))
        .await;
    assert_eq!(file["participation_withdrawn_on"], yesterday().as_str());
    assert_eq!(file["participation_expired"], true);
    assert_eq!(file["can_record"], false);
    assert_eq!(file["contacts"], json!([]), "nothing written");
    let page = app.english_browser_as(COACH_LIMBURG).await;
    let html = app.html(&page, &format!("/participants/{}", people[0])).await;
    assert!(
        html.contains(&format!("Consent to take part expired on {end}")),
        "the file says so"
    );

    // The exit stays open, and nobody is followed up after it.
    let exit = json!({"on": today().to_string(), "reason": "declined"});
    let path = format!("/api/v1/trajectories/{}/exit", trajectories[0]);
    let (status, ended) = app.send_json(&coach, "POST", &path, exit).await;
    assert_eq!(status, StatusCode::OK, "{ended}");
    let (_, file) = app
        .get_json(&coach, &format!("/api/v1/participants/{}", people[0]))
        .await;
    let check_ins = file["check_ins"].as_array().unwrap();
    assert!(!check_ins.is_empty() && check_ins.iter().all(|c| c["closed_as"] == "consent_withdrawn"));
}

#[tokio::test]
async fn check_ins_of_someone_whose_consent_to_take_part_ended_fall_due_nowhere() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let maasland = app.organisation_id("Revalidatieziekenhuis Maasland").await;
    let wgtw = programme_id(&app, &coach, "we-go-to-work").await;
    let id = register(&app, &coach, &maasland, "Joke", "Afgelopen", "1972-02-02").await;
    let body = json!({"programme_id": wgtw, "organisation_id": maasland, "started_on": "2024-01-02"});
    let t = app.start_trajectory(&coach, &id, body).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let exit = json!({"on": days_ago(200), "reason": "completed"});
    let exited = app
        .send_json(&coach, "POST", &format!("/api/v1/trajectories/{t}/exit"), exit)
        .await;
    assert_eq!(exited.0, StatusCode::OK);
    let due = || async {
        let (_, due) = app.get_json(&coach, "/api/v1/check-ins/due?until=2030-01-01").await;
        due.as_array()
            .unwrap()
            .iter()
            .filter(|c| c["participant_id"] == id.as_str())
            .count()
    };
    assert_eq!(due().await, 4, "followed up while no consent says otherwise");
    let consent = json!({"purpose": "participation", "version": "2024-01", "given_on": "2024-01-02",
                         "ends_on": yesterday()});
    give(&app, &coach, &id, consent).await;
    assert_eq!(due().await, 0, "nothing the coach could record stays due");
}

#[tokio::test]
async fn an_end_date_is_a_date_not_before_the_start_on_the_page_and_in_the_api() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let maasland = app.organisation_id("Revalidatieziekenhuis Maasland").await;
    let id = register(&app, &coach, &maasland, "Nora", "Datum", "1990-03-03").await;
    let path = format!("/api/v1/participants/{id}/consents");
    for (ends_on, code) in [("2026-01-04", "before-start"), ("31/12/2027", "invalid-date")] {
        let consent = json!({"purpose": "research", "version": "v1", "given_on": "2026-01-05", "ends_on": ends_on});
        let (status, problem) = app.send_json(&coach, "POST", &path, consent).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
        assert!(has_error(&problem, "ends_on", code), "{ends_on}: {problem}");
    }
    let open = json!({"purpose": "research", "version": "v1", "given_on": "2026-01-05", "ends_on": null});
    let given = give(&app, &coach, &id, open).await;
    assert!(given["ends_on"].is_null() && given["in_force"] == true);

    // The page's form: refused with the field named, then recorded with its end.
    let page = app.english_browser_as(COACH_LIMBURG).await;
    let file = format!("/participants/{id}");
    let csrf = app.csrf(&page, &file).await;
    let form = |ends_on: &'static str| {
        [
            ("csrf", csrf.clone()),
            ("purpose", "participation".to_owned()),
            ("organisation_id", String::new()),
            ("version", "2026-01".to_owned()),
            ("given_on", "2026-01-05".to_owned()),
            ("ends_on", ends_on.to_owned()),
        ]
    };
    let response = page
        .post(app.url(&format!("{file}/consents")))
        .form(&form("2025-12-31"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    assert!(html.contains("This date lies before the start."), "{html}");
    let response = page
        .post(app.url(&format!("{file}/consents")))
        .form(&form("2027-12-31"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, file) = app.get_json(&coach, &format!("/api/v1/participants/{id}")).await;
    let participation = file["consents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["purpose"] == "participation")
        .unwrap();
    assert_eq!(participation["ends_on"], "2027-12-31");
    let html = app.html(&page, &format!("/participants/{id}")).await;
    assert!(
        html.contains("given on 05-01-2026, until 31-12-2027"),
        "the summary names the end"
    );
}

/// The worklist's count of check-ins counts who its list shows: someone whose consent to take
/// part has ended falls out of both, and counts again once a consent in force is recorded.
#[tokio::test]
async fn the_worklists_check_in_count_leaves_out_those_whose_consent_to_take_part_ended() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let maasland = app.organisation_id("Revalidatieziekenhuis Maasland").await;
    let wgtw = programme_id(&app, &coach, "we-go-to-work").await;
    let work = || async {
        let (status, list) = app.get_json(&coach, "/api/v1/worklist?kind=check_in&limit=200").await;
        assert_eq!(status, StatusCode::OK, "{list}");
        let count = list["counts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["kind"] == "check_in")
            .map(|c| c["count"].as_i64().unwrap())
            .unwrap();
        let shown = list["items"].as_array().unwrap().len() as i64;
        (count, shown)
    };
    let (before, shown) = work().await;
    assert_eq!(before, shown, "the demo's count and list agree");
    let id = register(&app, &coach, &maasland, "Joke", "Telling", "1972-02-02").await;
    let body = json!({"programme_id": wgtw, "organisation_id": maasland, "started_on": days_ago(500)});
    let t = app.start_trajectory(&coach, &id, body).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let exit = json!({"on": days_ago(200), "reason": "completed"});
    let (status, _) = app
        .send_json(&coach, "POST", &format!("/api/v1/trajectories/{t}/exit"), exit)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        work().await,
        (before + 1, shown + 1),
        "the six months' check-in is overdue"
    );
    let ended = json!({"purpose": "participation", "version": "2024-01", "given_on": days_ago(500),
                       "ends_on": yesterday()});
    give(&app, &coach, &id, ended).await;
    assert_eq!(work().await, (before, shown), "counted as listed: not at all");
    let again = json!({"purpose": "participation", "version": "2026-01", "given_on": today().to_string()});
    give(&app, &coach, &id, again).await;
    assert_eq!(work().await, (before + 1, shown + 1), "a consent in force: due again");
}
