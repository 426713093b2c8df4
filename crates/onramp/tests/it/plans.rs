//! The plans of a trajectory: the action plan's versions and their comparison, sharing with the care
//! team only with consent, the canvas item that becomes a step, the recovery plan, the pages, and
//! the PDFs read back with poppler's pdftotext.

use crate::participants::programme_id;
use crate::support::*;
use chrono::Days;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

const COACH_ANTWERPEN: &str = "an.peeters@gtb.demo";

/// A participant with a trajectory at `partner`; returns (participant, trajectory).
pub(crate) async fn followed(
    app: &TestApp,
    coach: &Client,
    partner: &str,
    first: &str,
    language: &str,
) -> (String, String) {
    let organisation = app.organisation_id(partner).await;
    let body = json!({
        "organisation_id": organisation, "first_name": first, "last_name": "Planmaker", "birth_date": "1981-03-04",
        "health_category": "chronic_pain", "situation": "employed_on_sick_leave", "incapacity_since": "2026-09-01",
        "language": language
    });
    let (status, participant) = app.send_json(coach, "POST", "/api/v1/participants", body).await;
    assert_eq!(status, StatusCode::CREATED, "{participant}");
    let id = participant["id"].as_str().unwrap().to_owned();
    let programme = programme_id(app, coach, "we-go-to-work").await;
    let started = (crate::caseload::today() - Days::new(30)).to_string();
    let body = json!({"programme_id": programme, "organisation_id": organisation, "started_on": started});
    let trajectory = app.start_trajectory(coach, &id, body).await;
    (id, trajectory["id"].as_str().unwrap().to_owned())
}

pub(crate) fn path(trajectory: &str, kind: &str) -> String {
    format!("/api/v1/trajectories/{trajectory}/plans/{kind}")
}

pub(crate) async fn save(
    app: &TestApp,
    client: &Client,
    trajectory: &str,
    kind: &str,
    body: Value,
) -> (StatusCode, Value) {
    app.send_json(client, "PUT", &path(trajectory, kind), body).await
}

pub(crate) fn first_plan() -> Value {
    json!({
        "base_version": 0,
        "note": "Drawn up at intake",
        "goals": [{
            "title": "Back to my job as a cook, part time",
            "steps": [
                {"description": "Talk to the occupational physician", "owner": "participant", "due_on": "2026-12-15",
                 "levers": ["reasonable_adjustment"]},
                {"description": "Visit the kitchen with the coach", "owner": "coach", "status": "in_progress"}
            ]
        }]
    })
}

#[tokio::test]
async fn the_action_plan_keeps_every_version_and_compares_them() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let (participant, t) = followed(&app, &coach, "Revalidatieziekenhuis Maasland", "Versie", "nl").await;
    let (status, empty) = app.get_json(&coach, &path(&t, "action")).await;
    assert_eq!(status, StatusCode::OK, "{empty}");
    assert_eq!(
        (empty["latest_version"].as_i64(), empty["content"]["goals"].clone()),
        (Some(0), json!([]))
    );

    let (status, saved) = save(&app, &coach, &t, "action", first_plan()).await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(saved["version"], 1);
    let (_, v1) = app.get_json(&coach, &path(&t, "action")).await;
    let goal = &v1["content"]["goals"][0];
    let steps = goal["steps"].as_array().unwrap();
    assert_eq!(steps[0]["status"], "planned", "a step is planned unless said otherwise");
    assert_eq!(steps[0]["levers"], json!(["reasonable_adjustment"]));
    assert_eq!(steps[1]["owner"], "coach");

    // Version 2: the first step is done, the visit dropped from the plan, a new step added.
    let mut second = json!({"base_version": 1, "note": "After the first month", "goals": [{
    "id": goal["id"], "title": goal["title"],
    "steps": [
        {"id": steps[0]["id"], "description": "Talk to the occupational physician", "owner": "participant",
         "due_on": "2026-12-15", "status": "done", "levers": ["reasonable_adjustment"]},
        {"description": "Try two mornings a week", "owner": "employer", "levers": ["job_crafting", "growth_job"]}
    ]}]});
    let (status, saved) = save(&app, &coach, &t, "action", second.clone()).await;
    assert_eq!(
        (status, saved["version"].as_i64()),
        (StatusCode::OK, Some(2)),
        "{saved}"
    );

    // Saving on top of version 1 again would overwrite version 2: refused, nothing written.
    second["note"] = json!("A stale tab");
    let (status, problem) = save(&app, &coach, &t, "action", second).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(has_error(&problem, "base_version", "plan-changed"), "{problem}");

    let (status, versions) = app.get_json(&coach, &format!("{}/versions", path(&t, "action"))).await;
    assert_eq!(status, StatusCode::OK);
    let numbers: Vec<i64> = versions
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["version"].as_i64().unwrap())
        .collect();
    assert_eq!(numbers, [2, 1], "newest first, and the stale save left nothing");
    assert_eq!(versions[0]["created_by_name"], "Sofie Maes");
    assert_eq!(versions[1]["note"], "Drawn up at intake");

    let (_, old) = app.get_json(&coach, &format!("{}?version=1", path(&t, "action"))).await;
    assert_eq!(old["version"]["version"], 1);
    assert_eq!(
        old["content"]["goals"][0]["steps"].as_array().unwrap().len(),
        2,
        "version 1 as it was"
    );
    assert_eq!(old["latest_version"], 2);

    let (status, comparison) = app
        .get_json(&coach, &format!("{}/compare?from=1&to=2", path(&t, "action")))
        .await;
    assert_eq!(status, StatusCode::OK, "{comparison}");
    let summary: Vec<(String, String, String)> = comparison["differences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["change"].as_str().unwrap().into(),
                d["what"].as_str().unwrap().into(),
                d["label"].as_str().unwrap().into(),
            )
        })
        .collect();
    let expected = [
        ("changed", "step", "Talk to the occupational physician"),
        ("added", "step", "Try two mornings a week"),
        ("removed", "step", "Visit the kitchen with the coach"),
    ];
    assert_eq!(
        summary,
        expected
            .map(|(a, b, c)| (a.to_owned(), b.to_owned(), c.to_owned()))
            .to_vec()
    );
    assert_eq!(
        comparison["differences"][0]["fields"],
        json!([{"field": "status", "before": "planned", "after": "done"}])
    );
    let (status, problem) = app
        .get_json(&coach, &format!("{}/compare?from=1&to=9", path(&t, "action")))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&problem, "to", "invalid-reference"), "{problem}");

    let saves = app.audit("plan.save").await;
    assert_eq!(
        saves
            .iter()
            .filter(|e| e.participant_id.map(|p| p.to_string()) == Some(participant.clone()))
            .count(),
        2
    );
    let of_participant = |entries: Vec<onramp_store::audit::Entry>| {
        entries
            .iter()
            .filter(|e| e.participant_id.map(|p| p.to_string()) == Some(participant.clone()))
            .count()
    };
    assert_eq!(of_participant(app.audit("plan.read").await), 3, "each read of the plan");
    assert_eq!(of_participant(app.audit("plan.history").await), 1, "the history");
    assert_eq!(
        of_participant(app.audit("plan.compare").await),
        1,
        "the comparison (the bad one read nothing)"
    );
}

#[tokio::test]
async fn every_bad_field_of_a_plan_is_named_and_nothing_is_written() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let (_, t) = followed(&app, &coach, "Revalidatieziekenhuis Maasland", "Fout", "nl").await;
    let bad = json!({"goals": [
        {"title": "", "steps": [{"description": "Ask for a quieter desk", "owner": "boss", "due_on": "next week",
                                 "status": "someday", "levers": ["luck"]}]},
        {"title": "Fine", "steps": [{"description": "", "due_on": "2026-12-01", "owner": "coach"}]}
    ]});
    let (status, problem) = save(&app, &coach, &t, "action", bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let mut named = field_errors(&problem);
    named.sort();
    let mut expected: Vec<(String, String)> = [
        ("base_version", "required"),
        ("goals[0].title", "required"),
        ("goals[0].steps[0].owner", "invalid-choice"),
        ("goals[0].steps[0].due_on", "invalid-date"),
        ("goals[0].steps[0].status", "invalid-choice"),
        ("goals[0].steps[0].levers", "invalid-choice"),
        ("goals[1].steps[0].description", "required"),
    ]
    .map(|(f, c)| (f.to_owned(), c.to_owned()))
    .to_vec();
    expected.sort();
    assert_eq!(named, expected);
    let (_, plan) = app.get_json(&coach, &path(&t, "action")).await;
    assert_eq!(plan["latest_version"], 0, "nothing half-written");

    let unknown = json!({"base_version": 0, "sections": {"triggers": "Noise", "horoscope": "Leo"}});
    let (status, problem) = save(&app, &coach, &t, "recovery", unknown).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&problem, "sections.horoscope", "invalid-choice"), "{problem}");
    let (status, _) = app.get_json(&coach, &path(&t, "diary")).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "only three kinds of plan");
    let (status, problem) = app
        .send_json(&coach, "PUT", &path(&t, "action"), json!("not an object"))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{problem}");
}

#[tokio::test]
async fn the_care_team_reads_a_shared_version_only_with_consent() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_ANTWERPEN).await;
    let care = app.api_as(CARE_ANTWERPEN).await;
    let partner = "Revalidatieziekenhuis Scheldeoever";
    let (participant, t) = followed(&app, &coach, partner, "Gedeeld", "nl").await;
    let mut body = first_plan();
    assert_eq!(save(&app, &coach, &t, "action", body.clone()).await.0, StatusCode::OK);
    assert_eq!(
        app.get_json(&care, &path(&t, "action")).await.0,
        StatusCode::NOT_FOUND,
        "no consent to share with the care team"
    );

    let scheldeoever = app.organisation_id(partner).await;
    let consent = json!({"purpose": "share_care_team", "version": "2026-01", "given_on": "2026-11-01",
                         "organisation_id": scheldeoever});
    let consents = format!("/api/v1/participants/{participant}/consents");
    let (status, given) = app.send_json(&coach, "POST", &consents, consent).await;
    assert_eq!(status, StatusCode::CREATED, "{given}");
    let (status, view) = app.get_json(&care, &path(&t, "action")).await;
    assert_eq!(status, StatusCode::OK, "{view}");
    assert_eq!(
        (view["reach"].as_str(), view["version"].is_null()),
        (Some("shared"), true),
        "nothing shared yet"
    );
    assert_eq!(view["content"]["goals"], json!([]), "an unshared version is not shown");

    body["base_version"] = json!(1);
    body["shared"] = json!(true);
    body["goals"][0]["title"] = json!("Shared goal");
    assert_eq!(save(&app, &coach, &t, "action", body.clone()).await.0, StatusCode::OK);
    body["base_version"] = json!(2);
    body["shared"] = json!(false);
    body["goals"][0]["title"] = json!("A draft the care team does not see");
    assert_eq!(save(&app, &coach, &t, "action", body).await.0, StatusCode::OK);

    let (_, view) = app.get_json(&care, &path(&t, "action")).await;
    assert_eq!(view["version"]["version"], 2, "the latest shared version");
    assert_eq!(view["content"]["goals"][0]["title"], "Shared goal");
    let (status, _) = app.get_json(&care, &format!("{}?version=3", path(&t, "action"))).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "drafts stay with the coach");
    let (status, _) = app.get_json(&care, &format!("{}/versions", path(&t, "action"))).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "the history is not shared");
    let (status, _) = save(&app, &care, &t, "action", json!({"base_version": 3})).await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "the care team reads and comments, it does not write"
    );

    let comments = format!("{}/comments", path(&t, "action"));
    let (status, problem) = app.send_json(&care, "POST", &comments, json!({"body": " "})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&problem, "body", "required"));
    let (status, _) = app
        .send_json(
            &care,
            "POST",
            &comments,
            json!({"body": "Fine for us; start after the physiotherapy block."}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let (_, mine) = app.get_json(&coach, &path(&t, "action")).await;
    assert_eq!(
        mine["comments"][0]["version"], 2,
        "the comment is on the version the care team read"
    );
    assert_eq!(mine["comments"][0]["author_name"], "Dr. Els Vermeulen");
    let (status, _) = app
        .send_json(
            &coach,
            "POST",
            &comments,
            json!({"body": "Draft: wait for the physiatrist first."}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let (_, mine) = app.get_json(&coach, &path(&t, "action")).await;
    assert_eq!(
        mine["comments"][1]["version"], 3,
        "the coach comments on the latest version"
    );
    let (_, theirs) = app.get_json(&care, &path(&t, "action")).await;
    let bodies: Vec<&str> = theirs["comments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["body"].as_str().unwrap())
        .collect();
    assert_eq!(
        bodies,
        ["Fine for us; start after the physiotherapy block."],
        "a comment on a draft stays with the coaches"
    );

    // Sharing by mistake is undone without withdrawing the consent; only the plan's writers may.
    let unshare = format!("{}/unshare", path(&t, "action"));
    assert_eq!(
        app.send_json(&care, "POST", &unshare, json!({})).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.send_json(&coach, "POST", &unshare, json!({})).await.0,
        StatusCode::NO_CONTENT
    );
    let (_, theirs) = app.get_json(&care, &path(&t, "action")).await;
    assert!(
        theirs["version"].is_null() && theirs["comments"] == json!([]),
        "{theirs}"
    );
    assert_eq!(
        app.get_json(&care, &format!("{}?version=2", path(&t, "action")))
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(app.audit("plan.unshare").await.len(), 1);
    let withdraw = format!("{consents}/{}/withdraw", given["id"].as_str().unwrap());
    assert_eq!(
        app.send_json(&coach, "POST", &withdraw, json!({})).await.0,
        StatusCode::OK
    );
    assert_eq!(
        app.get_json(&care, &path(&t, "action")).await.0,
        StatusCode::NOT_FOUND,
        "withdrawing the consent closes the plan again"
    );
    let funder = app.api_as(FUNDER).await;
    assert_eq!(
        app.get_json(&funder, &path(&t, "action")).await.0,
        StatusCode::NOT_FOUND
    );
    let other_coach = app.api_as(COACH_LIMBURG).await;
    assert_eq!(
        app.get_json(&other_coach, &path(&t, "action")).await.0,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_review_names_the_consultation_the_participant_was_discussed_at() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let partner = "Revalidatieziekenhuis Maasland";
    let (participant, t) = followed(&app, &coach, partner, "Overleg", "nl").await;
    let (other, _) = followed(&app, &coach, partner, "Ander", "nl").await;
    let maasland = app.organisation_id(partner).await;
    let mut consultation_ids = Vec::new();
    for discussed in [&participant, &other] {
        let body = json!({"organisation_id": maasland, "on": crate::caseload::today().to_string(), "minutes": 30,
                          "attendees": "Physiatrist, psychologist", "participant_ids": [discussed]});
        let (status, created) = app.send_json(&coach, "POST", "/api/v1/consultations", body).await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        consultation_ids.push(created["id"].as_str().unwrap().to_owned());
    }
    let mut body = first_plan();
    body["consultation_id"] = json!(consultation_ids[1]);
    let (status, problem) = save(&app, &coach, &t, "action", body.clone()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&problem, "consultation_id", "not-discussed"), "{problem}");
    body["consultation_id"] = json!(consultation_ids[0]);
    assert_eq!(save(&app, &coach, &t, "action", body).await.0, StatusCode::OK);
    let (_, view) = app.get_json(&coach, &path(&t, "action")).await;
    assert_eq!(view["version"]["consultation_id"], json!(consultation_ids[0]));
    assert_eq!(
        view["version"]["consultation_on"],
        json!(crate::caseload::today().to_string())
    );
}

/// The recovery plan (WRAP) is drawn up in module 3, in a group: a version names the session, one
/// the participant took part in (enrolled, not marked absent or excused), and the plan, its
/// history, its edit form and its PDF show it.
#[tokio::test]
async fn the_recovery_plan_names_the_module_3_session_it_was_drawn_up_in() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let partner = "Revalidatieziekenhuis Maasland";
    let (participant, t) = followed(&app, &coach, partner, "Groep", "nl").await;
    let maasland = app.organisation_id(partner).await;
    let location = crate::group_sessions::location_of(&app, &coach, &maasland).await;
    // Weekly from 15 days ago: two weeks ago, a week ago, yesterday, and next week.
    let first = crate::caseload::today() - Days::new(15);
    let series = json!({
        "programme_id": programme_id(&app, &coach, "we-go-to-work").await, "module": "module_3",
        "title": "Recovery action plan", "organisation_id": maasland, "location_id": location, "capacity": 8,
        "first_date": first.to_string(), "start_time": "10:00", "minutes": 120, "sessions": 4, "weeks_between": 1
    });
    let (status, sessions) = app.send_json(&coach, "POST", "/api/v1/session-series", series).await;
    assert_eq!(status, StatusCode::CREATED, "{sessions}");
    let session = |i: usize| sessions[i]["id"].as_str().unwrap().to_owned();
    let enrol = json!({"participant_id": participant, "rest_of_series": true});
    let enrolments = format!("/api/v1/sessions/{}/enrolments", session(0));
    assert_eq!(
        app.send_json(&coach, "POST", &enrolments, enrol).await.0,
        StatusCode::CREATED
    );
    for (i, attendance) in [(0, "present"), (1, "absent")] {
        let marks = json!({"marks": [{"participant_id": participant, "attendance": attendance}]});
        let path = format!("/api/v1/sessions/{}/attendance", session(i));
        assert_eq!(app.send_json(&coach, "PUT", &path, marks).await.0, StatusCode::OK);
    }

    let plan = |group_session: &str| {
        json!({"base_version": 0, "group_session_id": group_session,
               "sections": {"triggers": "Lawaai\nKrappe deadlines"}})
    };
    let never_enrolled = uuid::Uuid::now_v7().to_string();
    for (bad, code) in [
        (session(1), "not-taken-part"),
        (session(3), "not-taken-part"),
        (never_enrolled, "not-taken-part"),
        ("session one".to_owned(), "invalid-reference"),
    ] {
        let (status, problem) = save(&app, &coach, &t, "recovery", plan(&bad)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {problem}");
        assert!(has_error(&problem, "group_session_id", code), "{bad}: {problem}");
    }
    let (_, view) = app.get_json(&coach, &path(&t, "recovery")).await;
    assert!(view["version"].is_null(), "nothing written: {view}");

    let page = app.english_browser_as(COACH_LIMBURG).await;
    let edit = format!("/trajectories/{t}/plans/recovery/edit");
    let html = page.get(app.url(&edit)).send().await.unwrap().text().await.unwrap();
    let offered = |i: usize| html.contains(&format!("<option value=\"{}\"", session(i)));
    assert_eq!(
        [offered(0), offered(1), offered(2), offered(3)],
        [true, false, true, false],
        "present and not yet marked, not absent nor still to come"
    );
    // The page names a session not taken part in at its field, with a summary link that lands.
    let post_session = |edit: String, session: String| {
        let (app, page) = (&app, &page);
        async move {
            let csrf = app.csrf(page, &edit).await;
            let form = [
                ("csrf", csrf.as_str()),
                ("base_version", "0"),
                ("group_session_id", session.as_str()),
            ];
            let response = page.post(app.url(&edit)).form(&form).send().await.unwrap();
            assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
            let html = response.text().await.unwrap();
            assert!(html.contains("did not take part in this group session"), "{html}");
            assert_eq!(summary_targets(&html), ["f-group_session_id"]);
            html
        }
    };
    let html = post_session(edit.clone(), session(1)).await;
    assert!(
        html.contains("id=\"e-group_session_id\""),
        "the error sits at its field: {html}"
    );
    // Someone with no session to offer: no list to choose from, and the error still has its place.
    let (_, lonely) = followed(&app, &coach, partner, "Alleen", "nl").await;
    let html = post_session(format!("/trajectories/{lonely}/plans/recovery/edit"), session(1)).await;
    assert!(
        !html.contains("<select id=\"f-group_session_id\""),
        "nothing to choose from"
    );

    assert_eq!(
        save(&app, &coach, &t, "recovery", plan(&session(0))).await.0,
        StatusCode::OK
    );
    let (_, view) = app.get_json(&coach, &path(&t, "recovery")).await;
    let version = &view["version"];
    assert_eq!(version["group_session_id"], json!(session(0)), "{view}");
    assert_eq!(version["group_session_title"], "Recovery action plan");
    assert_eq!(version["group_session_on"], json!(first.to_string()));
    let shown = format!("Recovery action plan · {}", first.format("%d-%m-%Y"));
    for page_path in [path(&t, "recovery"), format!("{}/versions", path(&t, "recovery"))] {
        let page_path = page_path.trim_start_matches("/api/v1");
        let html = page.get(app.url(page_path)).send().await.unwrap().text().await.unwrap();
        assert!(html.contains("Drawn up in the group session"), "{page_path}: {html}");
        assert!(html.contains(&shown), "{page_path}: {html}");
    }
    let pdf = pdf_text(&download(&app, &coach, &format!("{}/pdf", path(&t, "recovery"))).await.2);
    let drawn_up = format!(
        "opgesteld in de groepssessie Recovery action plan van {}",
        first.format("%d-%m-%Y")
    );
    assert!(pdf.contains(&drawn_up), "{pdf}");
}

#[tokio::test]
async fn a_canvas_item_becomes_a_step_and_both_keep_the_link() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let (_, t) = followed(&app, &coach, "Revalidatieziekenhuis Maasland", "Canvas", "nl").await;
    let canvas = json!({"base_version": 0, "items": [
        {"block": "what_i_do", "text": "Cook for groups"},
        {"block": "who_helps_me", "text": "My sister"},
        {"block": "channels", "text": ""}
    ]});
    let (status, saved) = save(&app, &coach, &t, "canvas", canvas).await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    let (_, view) = app.get_json(&coach, &path(&t, "canvas")).await;
    let items = view["content"]["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 2, "an empty item is left out");
    let cook = items[0]["id"].as_str().unwrap().to_owned();

    let step_path = format!("/api/v1/trajectories/{t}/plans/canvas/items/{cook}/step");
    let (status, problem) = app
        .send_json(&coach, "POST", &step_path, json!({"owner": "participant"}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        has_error(&problem, "goal_title", "required"),
        "a new goal needs a title: {problem}"
    );
    let body = json!({"goal_title": "Work in a kitchen again", "owner": "participant", "due_on": "2027-01-31"});
    let (status, made) = app.send_json(&coach, "POST", &step_path, body.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{made}");
    let step = made["id"].as_str().unwrap().to_owned();

    let (_, plan) = app.get_json(&coach, &path(&t, "action")).await;
    let made_step = &plan["content"]["goals"][0]["steps"][0];
    assert_eq!(plan["content"]["goals"][0]["title"], "Work in a kitchen again");
    assert_eq!(
        (made_step["id"].as_str(), made_step["canvas_item"].as_str()),
        (Some(step.as_str()), Some(cook.as_str()))
    );
    assert_eq!(made_step["description"], "Cook for groups");
    let (_, view) = app.get_json(&coach, &path(&t, "canvas")).await;
    assert_eq!(
        view["content"]["items"][0]["step"],
        json!(step),
        "the item names its step"
    );
    assert_eq!(view["latest_version"], 2);
    let (status, problem) = app.send_json(&coach, "POST", &step_path, body.clone()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&problem, "item", "already-a-step"));
    // A step removed from the action plan frees its item to become a step again.
    let (_, plan) = app.get_json(&coach, &path(&t, "action")).await;
    let without = json!({"base_version": plan["latest_version"], "goals": [{"id": plan["content"]["goals"][0]["id"],
        "title": "Work in a kitchen again", "steps": []}]});
    assert_eq!(save(&app, &coach, &t, "action", without).await.0, StatusCode::OK);
    let (status, again) = app.send_json(&coach, "POST", &step_path, body.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{again}");
    let step = again["id"].as_str().unwrap().to_owned();
    let missing = format!("/api/v1/trajectories/{t}/plans/canvas/items/nothere/step");
    assert_eq!(
        app.send_json(&coach, "POST", &missing, json!({"owner": "coach", "goal_title": "x"}))
            .await
            .0,
        StatusCode::NOT_FOUND
    );

    // Editing the item's text keeps the link; the action plan keeps it too.
    let edit = json!({"base_version": 3, "items": [
        {"id": cook, "block": "what_i_do", "text": "Cook for large groups"},
        {"id": items[1]["id"], "block": "who_helps_me", "text": "My sister"}
    ]});
    assert_eq!(save(&app, &coach, &t, "canvas", edit).await.0, StatusCode::OK);
    let (_, view) = app.get_json(&coach, &path(&t, "canvas")).await;
    assert_eq!(view["content"]["items"][0]["step"], json!(step));
    // The PDF names the step and its status in words, and says which blocks are still empty.
    let pdf = pdf_text(
        &download(&app, &coach, &format!("{}/pdf?lang=en", path(&t, "canvas")))
            .await
            .2,
    );
    assert!(
        pdf.contains("Cook for large groups (a step in the action plan: Planned)"),
        "{pdf}"
    );
    assert!(pdf.contains("Nothing written yet."), "{pdf}");
    assert!(!pdf.contains('→') && !pdf.contains('—'), "{pdf}");

    let recovery = json!({"base_version": 0, "sections": {
        "wellness_toolbox": "Walking the dog\nCalling my sister", "triggers": "Deadlines", "early_warning_signs": ""}});
    assert_eq!(save(&app, &coach, &t, "recovery", recovery).await.0, StatusCode::OK);
    let (_, view) = app.get_json(&coach, &path(&t, "recovery")).await;
    assert_eq!(
        view["content"]["sections"],
        json!({"wellness_toolbox": "Walking the dog\nCalling my sister", "triggers": "Deadlines"})
    );
}

/// The fields the error summary links to; each must be on the page.
fn summary_targets(html: &str) -> Vec<String> {
    let summary = html.split("class=\"error-summary\"").nth(1).expect("an error summary");
    let summary = summary.split("</div>").next().unwrap();
    let targets: Vec<String> = summary
        .split("href=\"#")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .map(str::to_owned)
        .collect();
    for target in &targets {
        assert!(
            html.contains(&format!("id=\"{target}\"")),
            "the summary links to {target}, which is on the page"
        );
    }
    targets
}

/// The text of a PDF, as poppler's pdftotext reads it.
pub(crate) fn pdf_text(bytes: &[u8]) -> String {
    assert!(bytes.starts_with(b"%PDF-"), "a PDF");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("document.pdf");
    std::fs::write(&file, bytes).unwrap();
    let output = std::process::Command::new("pdftotext")
        .args([file.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext (poppler-utils) is installed by scripts/test");
    assert!(output.status.success());
    // Table cells wrap over lines; one space between words is what a reader sees.
    String::from_utf8(output.stdout)
        .unwrap()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

pub(crate) async fn download(app: &TestApp, client: &Client, path: &str) -> (StatusCode, String, Vec<u8>) {
    let response = client.get(app.url(path)).send().await.unwrap();
    let status = response.status();
    let kind = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, kind, response.bytes().await.unwrap().to_vec())
}

#[tokio::test]
async fn the_pdfs_carry_the_plans_in_the_participants_language() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let (participant, t) = followed(&app, &coach, "Revalidatieziekenhuis Maasland", "Élodie", "fr").await;
    assert_eq!(save(&app, &coach, &t, "action", first_plan()).await.0, StatusCode::OK);

    let (status, kind, bytes) = download(&app, &coach, &format!("{}/pdf", path(&t, "action"))).await;
    assert_eq!((status, kind.as_str()), (StatusCode::OK, "application/pdf"));
    let text = pdf_text(&bytes);
    for expected in [
        "Plan d'action",
        "Élodie Planmaker",
        "Back to my job as a cook, part time",
        "Talk to the occupational physician",
        "Aménagement raisonnable",
        "15-12-2026",
        "Version 1 du",
        "Job coach : Sofie Maes",
        "Document personnel",
    ] {
        assert!(text.contains(expected), "{expected:?} missing from: {text}");
    }
    assert!(
        !text.contains("04-03-1981"),
        "the participant's copy does not repeat the birth date"
    );

    let physician = format!("{}/pdf?audience=physician", path(&t, "action"));
    let text = pdf_text(&download(&app, &coach, &physician).await.2);
    assert!(
        text.contains("Pour le médecin du travail ou le médecin-conseil"),
        "{text}"
    );
    assert!(text.contains("Élodie Planmaker, né(e) le 04-03-1981"), "{text}");
    assert!(
        text.contains("Confidentiel : à ne transmettre qu'avec le consentement du participant"),
        "{text}"
    );

    let dutch = format!("{}/pdf?lang=nl", path(&t, "action"));
    let text = pdf_text(&download(&app, &coach, &dutch).await.2);
    assert!(
        text.contains("Actieplan") && text.contains("Redelijke aanpassing") && text.contains("Persoonlijk document")
    );

    let recovery = json!({"base_version": 0, "sections": {"triggers": "Le bruit\nLes délais serrés"}});
    assert_eq!(save(&app, &coach, &t, "recovery", recovery).await.0, StatusCode::OK);
    let text = pdf_text(&download(&app, &coach, &format!("{}/pdf", path(&t, "recovery"))).await.2);
    assert!(
        text.contains("Plan de rétablissement (WRAP)") && text.contains("Éléments déclencheurs"),
        "{text}"
    );
    assert!(text.contains("Les délais serrés"), "{text}");
    assert!(
        text.contains("Rien n'est encore écrit."),
        "the empty sections say so: {text}"
    );
    let canvas = json!({"base_version": 0, "items": [{"block": "who_i_am", "text": "Patiente et précise"}]});
    assert_eq!(save(&app, &coach, &t, "canvas", canvas).await.0, StatusCode::OK);
    let text = pdf_text(
        &download(&app, &coach, &format!("{}/pdf?lang=nl", path(&t, "canvas")))
            .await
            .2,
    );
    assert!(
        text.contains("Persoonlijk canvas") && text.contains("Wie ik ben en wat ik heb"),
        "{text}"
    );
    assert!(text.contains("Patiente et précise"), "{text}");

    let measurement = json!({"measured_on": "2026-10-01", "moment": "intake", "rater": "coach",
                             "ratings": {"d240": "3"}, "competences": {"motivation": 6}});
    let measurements = format!("/api/v1/participants/{participant}/icf-measurements");
    assert_eq!(
        app.send_json(&coach, "POST", &measurements, measurement).await.0,
        StatusCode::CREATED
    );
    let icf = format!("/api/v1/participants/{participant}/icf/pdf");
    let text = pdf_text(&download(&app, &coach, &icf).await.2);
    assert!(text.contains("Profil CIF"), "{text}");
    assert!(
        text.contains("d240 Gérer le stress et autres exigences psychologiques"),
        "{text}"
    );
    assert!(text.contains("01-10-2026"), "{text}");

    let (status, _, body) = download(&app, &coach, &format!("{}/pdf?audience=boss", path(&t, "action"))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(String::from_utf8_lossy(&body).contains("audience"));
    let care = app.api_as("psycholoog@maasland.demo").await;
    let (status, _, _) = download(&app, &care, &format!("{}/pdf", path(&t, "action"))).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "no consent, no PDF");
}

#[tokio::test]
async fn the_pages_edit_a_plan_name_bad_rows_and_compare_versions() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let (participant, t) = followed(&app, &coach, "Revalidatieziekenhuis Maasland", "Pagina", "nl").await;
    let page = app.english_browser_as(COACH_LIMBURG).await;
    let file = page
        .get(app.url(&format!("/participants/{participant}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        file.contains(&format!("href=\"/trajectories/{t}/plans/action\"")),
        "the file links to the plans"
    );

    let edit = format!("/trajectories/{t}/plans/action/edit");
    // A coordinator reads the plan but may not write it: no edit form.
    let coordinator = app.english_browser_as(COORDINATOR_LIMBURG).await;
    let plan_page = format!("/trajectories/{t}/plans/action");
    assert_eq!(
        coordinator.get(app.url(&plan_page)).send().await.unwrap().status(),
        StatusCode::OK
    );
    assert_eq!(
        coordinator.get(app.url(&edit)).send().await.unwrap().status(),
        StatusCode::FORBIDDEN
    );
    let html = page.get(app.url(&edit)).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("name=\"goals[0].title\"") && html.contains("name=\"goals[0].steps[1].description\""));
    let csrf = app.csrf(&page, &edit).await;
    let response = page
        .post(app.url(&edit))
        .form(&[
            ("csrf", csrf.as_str()),
            ("base_version", "0"),
            ("goals[0].title", "Back to work"),
            ("goals[0].steps[0].description", "Call the employer"),
            ("goals[0].steps[0].owner", "nobody"),
            ("goals[0].steps[1].description", ""),
            // A crafted id in a hidden field: its error still has a place on the page.
            ("goals[0].id", "not an id"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    assert!(
        html.contains("id=\"e-goals[0].steps[0].owner\""),
        "the error sits at its row"
    );
    assert_eq!(summary_targets(&html).len(), 2, "the owner and the goal's id");
    assert!(html.contains("value=\"Call the employer\""), "what was typed is kept");

    for (base, status) in [("0", "planned"), ("1", "done")] {
        let response = page
            .post(app.url(&edit))
            .form(&[
                ("csrf", csrf.as_str()),
                ("base_version", base),
                ("goals[0].title", "Back to work"),
                ("goals[0].steps[0].description", "Call the employer"),
                ("goals[0].steps[0].owner", "participant"),
                ("goals[0].steps[0].status", status),
                ("goals[0].steps[0].levers", "growth_job"),
                ("goals[0].steps[0].levers", "job_crafting"),
                ("note", "Reviewed"),
                ("shared", "on"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        // The form keeps the ids after the first save: the second version follows the same step.
        if base == "0" {
            let (_, plan) = app.get_json(&coach, &path(&t, "action")).await;
            let goal = &plan["content"]["goals"][0];
            assert_eq!(goal["steps"][0]["levers"], json!(["growth_job", "job_crafting"]));
            let html = page.get(app.url(&edit)).send().await.unwrap().text().await.unwrap();
            assert!(html.contains(&format!("value=\"{}\"", goal["steps"][0]["id"].as_str().unwrap())));
        }
    }
    // The second save above posted no step ids, so its step is a new one: compare says so.
    let history = format!("/trajectories/{t}/plans/action/versions?from=1&to=2");
    let html = page.get(app.url(&history)).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("From version 1 to version 2"), "{html}");
    assert!(html.contains("Added: step “Call the employer”") && html.contains("Removed: step “Call the employer”"));
    assert!(html.contains("Growth job, Job crafting"), "coded values in words");
    let response = page
        .get(app.url(&format!("/trajectories/{t}/plans/action/versions?from=1&to=x")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);

    let show = format!("/trajectories/{t}/plans/action");
    let html = page.get(app.url(&show)).send().await.unwrap().text().await.unwrap();
    assert!(
        html.contains("<h2 id=\"goal-1\">Back to work</h2>") && html.contains("Done"),
        "{html}"
    );
    assert!(html.contains("PDF for the occupational or advisory physician"));
    assert!(
        html.contains("The care team reads version 2, the latest.") && html.contains("Stop sharing with the care team")
    );
    let response = page
        .post(app.url(&format!("{show}/unshare")))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let html = page.get(app.url(&location)).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("no longer reads this plan") && !html.contains("Stop sharing with the care team"));
    let response = page
        .post(app.url(&format!("{show}/comments")))
        .form(&[("csrf", csrf.as_str()), ("body", "Looks good")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let html = page.get(app.url(&show)).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("<p>Looks good</p>"));

    let canvas_edit = format!("/trajectories/{t}/plans/canvas/edit");
    let html = page
        .get(app.url(&canvas_edit))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Who I am and what I have") && html.contains("My interests, abilities"));
    let response = page
        .post(app.url(&canvas_edit))
        .form(&[
            ("csrf", csrf.as_str()),
            ("base_version", "0"),
            ("items[0].block", "what_i_do"),
            ("items[0].text", "Repair bicycles"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, canvas) = app.get_json(&coach, &path(&t, "canvas")).await;
    let item = canvas["content"]["items"][0]["id"].as_str().unwrap().to_owned();
    let make = format!("/trajectories/{t}/plans/canvas/items/{item}/step");
    let response = page
        .post(app.url(&make))
        .form(&[("csrf", csrf.as_str()), ("goal_title", "Own workshop")])
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "who does it is required"
    );
    let response = page
        .post(app.url(&make))
        .form(&[
            ("csrf", csrf.as_str()),
            ("goal_title", "Own workshop"),
            ("owner", "participant"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let html = page
        .get(app.url(&format!("/trajectories/{t}/plans/canvas")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("step in the action plan: Planned"), "{html}");
}

#[tokio::test]
async fn of_two_saves_on_the_same_version_one_wins_and_the_other_is_told() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let other = app.api_as(COACH_LIMBURG).await;
    let (_, t) = followed(&app, &coach, "Revalidatieziekenhuis Maasland", "Samen", "nl").await;
    assert_eq!(save(&app, &coach, &t, "action", first_plan()).await.0, StatusCode::OK);
    let mut mine = first_plan();
    mine["base_version"] = json!(1);
    mine["note"] = json!("mine");
    let mut theirs = mine.clone();
    theirs["note"] = json!("theirs");
    let (a, b) = tokio::join!(
        save(&app, &coach, &t, "action", mine),
        save(&app, &other, &t, "action", theirs)
    );
    let mut statuses = [a.0, b.0];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::OK, StatusCode::CONFLICT], "{a:?} {b:?}");
    let refused = if a.0 == StatusCode::OK { &b.1 } else { &a.1 };
    assert!(has_error(refused, "base_version", "plan-changed"), "{refused}");
    let (_, versions) = app.get_json(&coach, &format!("{}/versions", path(&t, "action"))).await;
    assert_eq!(versions.as_array().unwrap().len(), 2, "one version written, not two");
}
