//! The participant's plans in the portal (docs/portal.md): a version reaches the portal only when
//! the coach marks it shared with the participant; the participant reads it without the staff's
//! notes and comments, ticks off their own steps, proposes a step and writes to the coach, each
//! through the same check as the coaches' saves; the coach finds comments and proposals on the
//! worklist and answers them.

use crate::plan_steps::steps;
use crate::plans::{first_plan, followed, path, save};
use crate::portal::{NEW_PASSWORD, activate, code_for, idle_for};
use crate::support::*;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

const MAASLAND: &str = "Revalidatieziekenhuis Maasland";

/// A new person of the Limburg coach with a portal account: (coach, participant's client,
/// participant id, trajectory id).
async fn person_with_portal(app: &TestApp, first: &str) -> (Client, Client, String, String) {
    let coach = app.api_as(COACH_LIMBURG).await;
    let (person, trajectory) = followed(app, &coach, MAASLAND, first, "nl").await;
    let code = code_for(app, &coach, &person).await;
    let participant = activate(app, &code).await;
    (coach, participant, person, trajectory)
}

fn own_path(trajectory: &str) -> String {
    format!("/api/v1/portal/plans/{trajectory}/action")
}

async fn worklist_has(app: &TestApp, coach: &Client, kind: &str, trajectory: &str) -> bool {
    let (status, list) = app.get_json(coach, "/api/v1/worklist?limit=200").await;
    assert_eq!(status, StatusCode::OK, "{list}");
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|i| i["kind"] == kind && i["trajectory_id"] == trajectory)
}

#[tokio::test]
async fn the_participant_reads_only_what_is_shared_with_them_and_never_the_staff_notes() {
    let app = TestApp::spawn().await;
    let (coach, participant, _, t) = person_with_portal(&app, "Portaalplan").await;

    // Version 1 is shared with the care team only: the portal has nothing of it.
    let mut body = first_plan();
    body["shared"] = json!(true);
    assert_eq!(save(&app, &coach, &t, "action", body).await.0, StatusCode::OK);
    let (status, list) = app.get_json(&participant, "/api/v1/portal/plans").await;
    assert_eq!(status, StatusCode::OK, "{list}");
    assert_eq!(list, json!([]), "nothing shared with the participant");
    assert_eq!(app.get_json(&participant, &own_path(&t)).await.0, StatusCode::NOT_FOUND);

    // Version 2, with a note for the staff, is shared with the participant; a staff comment stays
    // with the staff.
    let mut body = first_plan();
    body["base_version"] = json!(1);
    body["note"] = json!("Reviewed: watch the mood swings");
    body["shared_with_participant"] = json!(true);
    assert_eq!(save(&app, &coach, &t, "action", body).await.0, StatusCode::OK);
    let comments = format!("{}/comments", path(&t, "action"));
    let staff_only = json!({"body": "Among us: ask the physician about medication"});
    assert_eq!(
        app.send_json(&coach, "POST", &comments, staff_only).await.0,
        StatusCode::CREATED
    );
    let (_, coach_view) = app.get_json(&coach, &path(&t, "action")).await;
    assert_eq!(coach_view["participant_version"], 2, "{coach_view}");
    assert_eq!(coach_view["version"]["shared_with_participant"], true, "{coach_view}");

    let (_, list) = app.get_json(&participant, "/api/v1/portal/plans").await;
    assert_eq!(list.as_array().unwrap().len(), 1, "{list}");
    assert_eq!(
        (list[0]["kind"].as_str(), list[0]["version"].as_i64()),
        (Some("action"), Some(2))
    );
    let (status, plan) = app.get_json(&participant, &own_path(&t)).await;
    assert_eq!(status, StatusCode::OK, "{plan}");
    assert_eq!(
        (plan["version"].as_i64(), plan["may_change"].as_bool()),
        (Some(2), Some(true))
    );
    assert_eq!(steps(&plan).len(), 2, "{plan}");
    let text = plan.to_string();
    assert!(!text.contains("mood swings"), "no version note: {text}");
    assert!(!text.contains("medication"), "no staff comment: {text}");
    assert_eq!(plan["comments"], json!([]));
    // The page says the same.
    let page = participant_page(&app, &participant, &format!("/portal/plans/{t}/action")).await;
    assert!(page.contains("Talk to the occupational physician"), "{page}");
    assert!(!page.contains("mood swings") && !page.contains("medication"));

    // Each read is audited as the person's own use of their file.
    let reads = app.audit("portal.plan").await;
    assert!(
        reads.iter().any(|e| e.purpose.as_deref() == Some("own_file")),
        "{reads:?}"
    );

    // Someone else's plan, and any staff account, find nothing here.
    let (other_coach, other, _, other_t) = person_with_portal(&app, "Anderplan").await;
    let mut body = first_plan();
    body["shared_with_participant"] = json!(true);
    assert_eq!(
        save(&app, &other_coach, &other_t, "action", body).await.0,
        StatusCode::OK
    );
    assert_eq!(app.get_json(&other, &own_path(&t)).await.0, StatusCode::NOT_FOUND);
    assert_eq!(
        app.get_json(&participant, &own_path(&other_t)).await.0,
        StatusCode::NOT_FOUND
    );
    let done = format!("/api/v1/portal/plans/{other_t}/action/steps/x/done");
    assert_eq!(
        app.send_json(&participant, "POST", &done, json!({"base_version": 1}))
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get_json(&coach, "/api/v1/portal/plans").await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(app.get_json(&coach, &own_path(&t)).await.0, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_participant_ticks_off_proposes_and_writes_and_the_coach_answers() {
    let app = TestApp::spawn().await;
    let (coach, participant, _, t) = person_with_portal(&app, "Doetzelf").await;
    let mut body = first_plan();
    body["shared"] = json!(true);
    body["shared_with_participant"] = json!(true);
    assert_eq!(save(&app, &coach, &t, "action", body).await.0, StatusCode::OK);
    let (_, plan) = app.get_json(&participant, &own_path(&t)).await;
    let all = steps(&plan);
    let (theirs, coachs) = (all[0]["id"].as_str().unwrap(), all[1]["id"].as_str().unwrap());
    let goal = plan["content"]["goals"][0]["id"].as_str().unwrap().to_owned();
    let done = |step: &str| format!("/api/v1/portal/plans/{t}/action/steps/{step}/done");

    // The coach's step is not theirs to tick off; their own is, once.
    let (status, _) = app
        .send_json(&participant, "POST", &done(coachs), json!({"base_version": 1}))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "not their step");
    let (status, saved) = app
        .send_json(&participant, "POST", &done(theirs), json!({"base_version": 1}))
        .await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(saved["version"], 2);
    let (_, coach_view) = app.get_json(&coach, &path(&t, "action")).await;
    assert_eq!(steps(&coach_view)[0]["status"], "done", "{coach_view}");
    assert_eq!(
        (
            coach_view["shared_version"].as_i64(),
            coach_view["participant_version"].as_i64()
        ),
        (Some(2), Some(2)),
        "the new version stays shared with both"
    );
    assert_eq!(
        app.send_json(&participant, "POST", &done(theirs), json!({"base_version": 2}))
            .await
            .0,
        StatusCode::NOT_FOUND,
        "a step done is no longer to do"
    );

    // A proposal: errors field by field, nothing written; then a valid one waits for the coach.
    let propose = format!("/api/v1/portal/plans/{t}/action/steps");
    let (status, problem) = app
        .send_json(
            &participant,
            "POST",
            &propose,
            json!({"base_version": 2, "description": " ", "due_on": "soon"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert!(has_error(&problem, "description", "required"), "{problem}");
    assert!(has_error(&problem, "due_on", "invalid-date"), "{problem}");
    assert!(has_error(&problem, "goal_title", "required"), "{problem}");
    let (_, unchanged) = app.get_json(&coach, &path(&t, "action")).await;
    assert_eq!(unchanged["latest_version"], 2, "nothing written");
    let (status, stale) = app
        .send_json(
            &participant,
            "POST",
            &propose,
            json!({"base_version": 1, "goal_id": goal, "description": "Walk to work once"}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{stale}");
    assert!(has_error(&stale, "base_version", "plan-changed"), "{stale}");
    let (status, proposed) = app
        .send_json(
            &participant,
            "POST",
            &propose,
            json!({"base_version": 2, "goal_id": goal, "description": "Walk to work once"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{proposed}");
    let (_, coach_view) = app.get_json(&coach, &path(&t, "action")).await;
    let step = steps(&coach_view)
        .into_iter()
        .find(|s| s["id"] == proposed["step_id"])
        .expect("the proposal is in the plan");
    assert_eq!(
        (step["status"].as_str(), step["owner"].as_str()),
        (Some("proposed"), Some("participant"))
    );
    assert!(
        worklist_has(&app, &coach, "proposal", &t).await,
        "the coach is asked to answer"
    );

    // A message to the coach waits on the worklist; the coach's answer reaches the portal, the
    // coach's other comments do not.
    let comments = format!("/api/v1/portal/plans/{t}/action/comments");
    let (status, problem) = app
        .send_json(&participant, "POST", &comments, json!({"body": ""}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(has_error(&problem, "body", "required"), "{problem}");
    let (status, _) = app
        .send_json(
            &participant,
            "POST",
            &comments,
            json!({"body": "Can I start later in the day?"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    assert!(worklist_has(&app, &coach, "comment", &t).await);
    let staff = format!("{}/comments", path(&t, "action"));
    for (body, for_participant) in [
        ("Note to self: check the bus times", false),
        ("Yes, from ten o'clock", true),
    ] {
        let sent = json!({"body": body, "for_participant": for_participant});
        assert_eq!(app.send_json(&coach, "POST", &staff, sent).await.0, StatusCode::CREATED);
    }
    assert!(!worklist_has(&app, &coach, "comment", &t).await, "answered");
    let (_, plan) = app.get_json(&participant, &own_path(&t)).await;
    let bodies: Vec<&str> = plan["comments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["body"].as_str().unwrap())
        .collect();
    assert_eq!(bodies, ["Can I start later in the day?", "Yes, from ten o'clock"]);
    // The coach accepts the proposal: it becomes a planned step and leaves the worklist.
    let step_path = format!("{}/steps/{}", path(&t, "action"), proposed["step_id"].as_str().unwrap());
    let (status, accepted) = app
        .send_json(
            &coach,
            "PATCH",
            &step_path,
            json!({"base_version": 3, "status": "planned"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{accepted}");
    assert!(!worklist_has(&app, &coach, "proposal", &t).await, "answered");

    // A version the coach does not share with the participant: the portal keeps showing the
    // last shared one, read only, and refuses changes as changed since.
    let (_, latest) = app.get_json(&coach, &path(&t, "action")).await;
    let mut draft = json!({"base_version": latest["latest_version"], "goals": latest["content"]["goals"]});
    draft["goals"][0]["title"] = json!("A draft title");
    assert_eq!(save(&app, &coach, &t, "action", draft).await.0, StatusCode::OK);
    let (_, plan) = app.get_json(&participant, &own_path(&t)).await;
    assert_eq!(
        (plan["version"].as_i64(), plan["may_change"].as_bool()),
        (Some(4), Some(false))
    );
    assert!(!plan.to_string().contains("A draft title"));
    let (status, refused) = app
        .send_json(
            &participant,
            "POST",
            &propose,
            json!({"base_version": 4, "goal_id": goal, "description": "Call a colleague"}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{refused}");
    assert!(has_error(&refused, "base_version", "plan-changed"), "{refused}");
    // Unsharing leaves the portal with nothing of the plan.
    let unshare = format!("{}/unshare?with=participant", path(&t, "action"));
    assert_eq!(
        app.send_json(&coach, "POST", &unshare, json!({})).await.0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(app.get_json(&participant, &own_path(&t)).await.0, StatusCode::NOT_FOUND);
    let (_, coach_view) = app.get_json(&coach, &path(&t, "action")).await;
    assert!(coach_view["participant_version"].is_null(), "{coach_view}");
    assert_eq!(coach_view["shared_version"], 4, "the care team's share is another mark");
}

/// A page of the portal as the signed-in participant reads it (it must open).
async fn participant_page(app: &TestApp, client: &Client, page: &str) -> String {
    let response = client.get(app.url(page)).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK, "{page}");
    response.text().await.unwrap()
}

#[tokio::test]
async fn the_plan_pages_work_without_javascript_and_keep_what_was_typed() {
    let app = TestApp::spawn().await;
    let (coach, participant, _, t) = person_with_portal(&app, "Formulier").await;
    let mut body = first_plan();
    body["shared_with_participant"] = json!(true);
    assert_eq!(save(&app, &coach, &t, "action", body).await.0, StatusCode::OK);

    let list = participant_page(&app, &participant, "/portal/plans").await;
    assert!(list.contains(&format!("/portal/plans/{t}/action")), "{list}");
    let page_path = format!("/portal/plans/{t}/action");
    let page = participant_page(&app, &participant, &page_path).await;
    let csrf = csrf_in(&page);
    let (_, plan) = app.get_json(&participant, &own_path(&t)).await;
    let theirs = steps(&plan)[0]["id"].as_str().unwrap().to_owned();
    assert!(
        page.contains(&format!("/portal/plans/{t}/action/steps/{theirs}/done")),
        "a button on their step"
    );
    let coachs = steps(&plan)[1]["id"].as_str().unwrap().to_owned();
    assert!(!page.contains(&format!("/steps/{coachs}/done")), "none on the coach's");

    // A proposal with a bad date comes back with its fields kept and the error on the field.
    let response = participant
        .post(app.url(&format!("/portal/plans/{t}/action/steps")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("base_version", "1"),
            ("description", "Ask my neighbour for a lift"),
            ("goal_title", "Getting there"),
            ("due_on", "next week"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    assert!(
        html.contains("Ask my neighbour for a lift") && html.contains("aria-invalid"),
        "{html}"
    );

    // "I did this" ticks the step off and says so.
    let response = participant
        .post(app.url(&format!("/portal/plans/{t}/action/steps/{theirs}/done")))
        .form(&[("csrf", csrf.as_str()), ("base_version", "1")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let after = participant_page(&app, &participant, &location).await;
    assert!(after.contains("role=\"status\""), "a notice: {after}");
    assert!(!after.contains(&format!("/steps/{theirs}/done")), "done once");

    // The same button on a page gone stale answers that the plan changed, without a change.
    let response = participant
        .post(app.url(&format!("/portal/plans/{t}/action/steps")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("base_version", "1"),
            ("description", "Too late"),
            ("goal_title", "Late"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CONFLICT);
    assert!(response.text().await.unwrap().contains("role=\"alert\""));
    let (_, plan) = app.get_json(&participant, &own_path(&t)).await;
    assert_eq!(plan["version"], 2, "nothing written");

    // The coach's page shows the mark and offers to stop sharing with the participant.
    let staff = app.browser_as(COACH_LIMBURG).await;
    let coach_page = app.html(&staff, &format!("/trajectories/{t}/plans/action")).await;
    assert!(
        coach_page.contains("name=\"with\" value=\"participant\""),
        "{coach_page}"
    );
    assert!(coach_page.contains("name=\"for_participant\""), "{coach_page}");
}

#[tokio::test]
async fn a_message_written_during_a_long_break_is_kept_through_a_new_sign_in() {
    let app = TestApp::spawn().await;
    let (coach, participant, person, t) = person_with_portal(&app, "Pauze").await;
    let mut body = first_plan();
    body["shared_with_participant"] = json!(true);
    assert_eq!(save(&app, &coach, &t, "action", body).await.0, StatusCode::OK);
    let (_, status) = app
        .get_json(&coach, &format!("/api/v1/participants/{person}/portal"))
        .await;
    let sign_in = status["account"]["sign_in"].as_str().unwrap().to_owned();
    let page_path = format!("/portal/plans/{t}/action");
    let csrf = csrf_in(&participant_page(&app, &participant, &page_path).await);

    // Nine hours later the message is sent: the session has ended, the message is not lost.
    idle_for(&app, 9).await;
    let message = "I wrote this slowly, with \"quotes\" & <brackets>";
    let action = format!("{page_path}/comments");
    let response = participant
        .post(app.url(&action))
        .form(&[("csrf", csrf.as_str()), ("body", message)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let html = response.text().await.unwrap();
    assert!(html.contains("name=\"keep.body\""), "{html}");
    assert!(html.contains(&format!("value=\"{action}\"")), "{html}");
    assert!(!html.contains(&csrf), "the old token is not carried");

    // A wrong password keeps it still; the right one offers to send it, with the new session.
    let form_csrf = csrf_in(&html);
    let sign_in_with = |password: &'static str| {
        let form = [
            ("csrf", form_csrf.clone()),
            ("email", sign_in.clone()),
            ("password", password.to_owned()),
            ("resume_action", action.clone()),
            ("keep.body", message.to_owned()),
        ];
        participant.post(app.url("/portal/sign-in")).form(&form).send()
    };
    let wrong = sign_in_with("not my password at all").await.unwrap();
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    assert!(
        wrong.text().await.unwrap().contains("name=\"keep.body\""),
        "kept after a mistake"
    );
    let right = sign_in_with(NEW_PASSWORD).await.unwrap();
    assert_eq!(right.status(), StatusCode::OK);
    let resume = right.text().await.unwrap();
    assert!(resume.contains(&format!("action=\"{action}\"")), "{resume}");
    let new_csrf = csrf_in(&resume);
    assert_ne!(new_csrf, csrf);
    let sent = participant
        .post(app.url(&action))
        .form(&[("csrf", new_csrf.as_str()), ("body", message)])
        .send()
        .await
        .unwrap();
    assert_eq!(sent.status(), StatusCode::SEE_OTHER);
    let (_, plan) = app.get_json(&participant, &own_path(&t)).await;
    assert_eq!(plan["comments"][0]["body"], message, "{plan}");

    // Only portal forms are kept, never where a sign-in would send them elsewhere.
    let elsewhere = participant
        .post(app.url("/portal/sign-in"))
        .form(&[
            ("csrf", new_csrf.as_str()),
            ("email", sign_in.as_str()),
            ("password", NEW_PASSWORD),
            ("resume_action", "/participants"),
            ("keep.body", "x"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(elsewhere.status(), StatusCode::SEE_OTHER, "an ordinary sign-in");
}
