//! One-step changes to an action plan (issue 30): adding, changing and ticking off one step makes
//! one new version from the latest, under the same check as whole saves; the share boxes start as
//! the latest version is; overdue steps say so in words.

use crate::plans::{first_plan, followed, path, save};
use crate::support::*;
use chrono::Days;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

const MAASLAND: &str = "Revalidatieziekenhuis Maasland";

fn steps_path(t: &str) -> String {
    format!("/api/v1/trajectories/{t}/plans/action/steps")
}

async fn plan(app: &TestApp, client: &Client, t: &str) -> Value {
    let (status, plan) = app.get_json(client, &path(t, "action")).await;
    assert_eq!(status, StatusCode::OK, "{plan}");
    plan
}

pub(crate) fn steps(plan: &Value) -> Vec<Value> {
    plan["content"]["goals"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|g| g["steps"].as_array().unwrap().clone())
        .collect()
}

async fn change(app: &TestApp, client: &Client, t: &str, step: &str, body: Value) -> (StatusCode, Value) {
    app.send_json(client, "PATCH", &format!("{}/{step}", steps_path(t)), body)
        .await
}

#[tokio::test]
async fn one_step_is_added_changed_and_ticked_off_in_a_new_version_of_the_latest() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let (participant, t) = followed(&app, &coach, MAASLAND, "Eenstap", "nl").await;
    let mut body = first_plan();
    body["shared"] = json!(true);
    assert_eq!(save(&app, &coach, &t, "action", body).await.0, StatusCode::OK);
    let v1 = plan(&app, &coach, &t).await;
    let goal = v1["content"]["goals"][0]["id"].as_str().unwrap().to_owned();
    let first = steps(&v1)[0]["id"].as_str().unwrap().to_owned();

    // Add one step under the goal: version 2, still shared as version 1 was.
    let new = json!({"base_version": 1, "goal_id": goal, "description": "Ask for a quieter desk",
                     "owner": "employer", "due_on": "2026-12-20", "levers": ["reasonable_adjustment"]});
    let (status, added) = app.send_json(&coach, "POST", &steps_path(&t), new.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{added}");
    assert_eq!(added["version"], 2);
    let v2 = plan(&app, &coach, &t).await;
    let all = steps(&v2);
    assert_eq!(all.len(), 3);
    assert_eq!(
        (&all[2]["id"], all[2]["status"].as_str(), all[2]["owner"].as_str()),
        (&added["step_id"], Some("planned"), Some("employer"))
    );
    assert_eq!(&all[..2], &steps(&v1)[..], "the other steps as they were");
    assert_eq!(v2["shared_version"], 2, "sharing follows the latest version");

    // Tick the first step off: only its status changes.
    let (status, done) = change(&app, &coach, &t, &first, json!({"base_version": 2, "status": "done"})).await;
    assert_eq!((status, done["version"].as_i64()), (StatusCode::OK, Some(3)), "{done}");
    let (_, comparison) = app
        .get_json(&coach, &format!("{}/compare?from=2&to=3", path(&t, "action")))
        .await;
    assert_eq!(
        comparison["differences"],
        json!([{"change": "changed", "what": "step", "label": "Talk to the occupational physician",
                "fields": [{"field": "status", "before": "planned", "after": "done"}]}])
    );

    // A tab that still shows version 2 is refused, with problem+json naming the field.
    let stale = coach
        .patch(app.url(&format!("{}/{first}", steps_path(&t))))
        .json(&json!({"base_version": 2, "status": "dropped"}))
        .send()
        .await
        .unwrap();
    assert_eq!(stale.status(), StatusCode::CONFLICT);
    assert_eq!(stale.headers()["content-type"], "application/problem+json");
    let problem: Value = stale.json().await.unwrap();
    assert!(has_error(&problem, "base_version", "plan-changed"), "{problem}");
    let (status, problem) = app.send_json(&coach, "POST", &steps_path(&t), new).await;
    assert_eq!(status, StatusCode::CONFLICT, "{problem}");
    assert_eq!(plan(&app, &coach, &t).await["latest_version"], 3, "nothing written");

    // A change names what it changes; bad fields are named, an unknown step is 404.
    let (status, problem) = change(
        &app,
        &coach,
        &t,
        &first,
        json!({"base_version": 3, "owner": "boss", "due_on": "soon"}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let mut named = field_errors(&problem);
    named.sort();
    assert_eq!(
        named,
        [
            ("due_on".into(), "invalid-date".into()),
            ("owner".into(), "invalid-choice".into())
        ]
    );
    let (status, _) = change(
        &app,
        &coach,
        &t,
        "nosuchstep",
        json!({"base_version": 3, "status": "done"}),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, same) = change(&app, &coach, &t, &first, json!({"base_version": 3, "status": "done"})).await;
    assert_eq!(
        (status, same["version"].as_i64()),
        (StatusCode::OK, Some(3)),
        "no change, no version"
    );

    // Saying `shared: false` makes a draft: the care team keeps reading version 3.
    let added_id = added["step_id"].as_str().unwrap().to_owned();
    let body = json!({"base_version": 3, "due_on": "", "description": "Ask for a desk by the window",
                      "shared": false});
    let (status, changed) = change(&app, &coach, &t, &added_id, body).await;
    assert_eq!(
        (status, changed["version"].as_i64()),
        (StatusCode::OK, Some(4)),
        "{changed}"
    );
    let v4 = plan(&app, &coach, &t).await;
    let step = steps(&v4).into_iter().find(|s| s["id"] == added_id.as_str()).unwrap();
    assert_eq!(
        (
            step["description"].as_str(),
            step["due_on"].is_null(),
            step["owner"].as_str()
        ),
        (Some("Ask for a desk by the window"), true, Some("employer")),
        "{step}"
    );
    assert_eq!(v4["shared_version"], 3);

    // Each change is audited as a save of the plan, naming the step (oldest first).
    let saves: Vec<Value> = app
        .audit("plan.save")
        .await
        .into_iter()
        .rev()
        .filter(|e| e.participant_id.map(|p| p.to_string()) == Some(participant.clone()))
        .map(|e| serde_json::from_str(e.after_json.as_deref().unwrap()).unwrap())
        .collect();
    assert_eq!(saves.len(), 4, "the whole save and three one-step changes");
    let changes: Vec<(&str, &str)> = saves[1..]
        .iter()
        .map(|e| (e["step"]["change"].as_str().unwrap(), e["step"]["id"].as_str().unwrap()))
        .collect();
    let first_id = first.as_str();
    assert_eq!(
        changes,
        [
            ("added", added_id.as_str()),
            ("changed", first_id),
            ("changed", added_id.as_str())
        ]
    );
}

#[tokio::test]
async fn only_those_who_write_the_plan_change_a_step() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let (_, t) = followed(&app, &coach, MAASLAND, "Rechten", "nl").await;
    assert_eq!(save(&app, &coach, &t, "action", first_plan()).await.0, StatusCode::OK);
    let step = steps(&plan(&app, &coach, &t).await)[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let tick = json!({"base_version": 1, "status": "done"});
    let coordinator = app.api_as(COORDINATOR_LIMBURG).await;
    assert_eq!(
        change(&app, &coordinator, &t, &step, tick.clone()).await.0,
        StatusCode::FORBIDDEN,
        "a coordinator reads the plan and does not write it"
    );
    let far = app.api_as("an.peeters@gtb.demo").await;
    assert_eq!(
        change(&app, &far, &t, &step, tick.clone()).await.0,
        StatusCode::NOT_FOUND
    );
    // Adding to a plan not written yet starts it, under a new goal that must be named.
    let (_, empty) = followed(&app, &coach, MAASLAND, "Leeg", "nl").await;
    let body = json!({"base_version": 0, "description": "Call the employer", "owner": "participant"});
    let (status, problem) = app.send_json(&coach, "POST", &steps_path(&empty), body.clone()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&problem), [("goal_title".into(), "required".into())]);
    let mut body = body;
    body["goal_title"] = json!("Back to work");
    let (status, added) = app.send_json(&coach, "POST", &steps_path(&empty), body).await;
    assert_eq!(
        (status, added["version"].as_i64()),
        (StatusCode::CREATED, Some(1)),
        "{added}"
    );
    let started = plan(&app, &coach, &empty).await;
    assert_eq!(started["content"]["goals"][0]["title"], "Back to work");
    assert!(started["shared_version"].is_null(), "nothing shared unless said");
    assert_eq!(change(&app, &coach, &t, &step, tick).await.0, StatusCode::OK);
}

#[tokio::test]
async fn the_plan_page_ticks_off_adds_and_changes_one_step_and_says_what_is_overdue() {
    let app = TestApp::spawn().await;
    let coach = app.api_as(COACH_LIMBURG).await;
    let (_, t) = followed(&app, &coach, MAASLAND, "Pagina", "nl").await;
    let yesterday = (crate::caseload::today() - Days::new(1)).to_string();
    let body = json!({"base_version": 0, "shared": true, "goals": [{"title": "Back to work", "steps": [
        {"description": "Call the employer", "owner": "participant", "due_on": yesterday},
        {"description": "Visit the kitchen", "owner": "coach"}
    ]}]});
    assert_eq!(save(&app, &coach, &t, "action", body).await.0, StatusCode::OK);
    let ids: Vec<String> = steps(&plan(&app, &coach, &t).await)
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_owned())
        .collect();
    let browser = app.english_browser_as(COACH_LIMBURG).await;
    let show = format!("/trajectories/{t}/plans/action");
    let html = app.html(&browser, &show).await;
    let call = html.split(&format!("id=\"step-{}\"", ids[0])).nth(1).unwrap();
    let call = call.split("</li>").next().unwrap();
    assert!(call.contains("<strong class=\"warning\">Overdue</strong>"), "{call}");
    assert!(call.contains("Mark done<span class=\"visually-hidden\">: Call the employer</span>"));
    assert!(
        call.contains("id=\"step-") && call.contains("-shared\" name=\"shared\" value=\"on\" checked"),
        "the share box starts as the latest version is: shared"
    );
    let visit = html.split(&format!("id=\"step-{}\"", ids[1])).nth(1).unwrap();
    assert!(
        !visit.split("</li>").next().unwrap().contains("Overdue"),
        "no date, not overdue"
    );
    assert!(html.contains("The care team reads version 1, the latest."));

    let csrf = csrf_in(&html);
    let tick = format!("{show}/steps/{}", ids[0]);
    let response = browser
        .post(app.url(&tick))
        .form(&[("csrf", csrf.as_str()), ("base_version", "1"), ("status", "done")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.ends_with(&format!("#step-{}", ids[0])), "{location}");
    let v2 = plan(&app, &coach, &t).await;
    assert_eq!(steps(&v2)[0]["status"], "done");
    assert_eq!(v2["shared_version"], 2, "a button keeps the plan shared");
    let html = app.html(&browser, &location).await;
    assert!(html.contains("The step is saved in a new version of the plan."));
    assert!(!html.contains("Overdue"), "a step done is not overdue");

    // The same button on the page as it was (version 1): refused, said beside the step.
    let response = browser
        .post(app.url(&format!("{show}/steps/{}", ids[1])))
        .form(&[("csrf", csrf.as_str()), ("base_version", "1"), ("status", "dropped")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CONFLICT);
    let html = response.text().await.unwrap();
    let error = format!(
        "id=\"step-{}-base_version\">Someone saved this plan after you opened it",
        ids[1]
    );
    assert!(html.contains(&error), "{html}");
    assert_eq!(steps(&plan(&app, &coach, &t).await)[1]["status"], "planned");

    // Adding: a missing owner is named in the add form and nothing is written.
    let add = format!("{show}/steps");
    let form = |owner: &'static str| {
        vec![
            ("csrf", csrf.clone()),
            ("base_version", "2".to_owned()),
            ("share_box", "1".to_owned()),
            ("goal_id", steps_goal(&v2)),
            ("description", "Ask for a quieter desk".to_owned()),
            ("owner", owner.to_owned()),
            ("levers", "reasonable_adjustment".to_owned()),
        ]
    };
    let response = browser.post(app.url(&add)).form(&form("")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    assert!(
        html.contains("id=\"new_step-e-owner\""),
        "the error sits at the add form's owner"
    );
    assert!(
        html.contains("value=\"Ask for a quieter desk\""),
        "what was typed is kept"
    );
    assert_eq!(plan(&app, &coach, &t).await["latest_version"], 2);
    // Unticking the share box makes the new version a draft.
    let response = browser
        .post(app.url(&add))
        .form(&form("employer"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let v3 = plan(&app, &coach, &t).await;
    let added = steps(&v3)
        .into_iter()
        .find(|s| s["description"] == "Ask for a quieter desk");
    let added = added.expect("the new step");
    assert_eq!(
        (added["owner"].as_str(), &added["levers"]),
        (Some("employer"), &json!(["reasonable_adjustment"]))
    );
    assert_eq!(
        (v3["latest_version"].as_i64(), v3["shared_version"].as_i64()),
        (Some(3), Some(2))
    );
    let html = app.html(&browser, &show).await;
    assert!(html.contains("The care team reads version 2; the latest version (3) is not shared."));
    assert!(!html.contains("value=\"on\" checked"), "no share box starts ticked now");
    let edit = app.html(&browser, &format!("{show}/edit")).await;
    assert!(
        !edit.contains("name=\"shared\" value=\"on\" checked"),
        "nor the editor's"
    );

    // Changing one step through its form: every field it shows, sharing again.
    let change = format!("{show}/steps/{}", added["id"].as_str().unwrap());
    let response = browser
        .post(app.url(&change))
        .form(&[
            ("csrf", csrf.as_str()),
            ("base_version", "3"),
            ("share_box", "1"),
            ("description", "Ask for a desk by the window"),
            ("owner", "employer"),
            ("due_on", ""),
            ("status", "in_progress"),
            ("shared", "on"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let v4 = plan(&app, &coach, &t).await;
    let changed = steps(&v4).into_iter().find(|s| s["id"] == added["id"]).unwrap();
    assert_eq!(
        (
            changed["description"].as_str(),
            changed["status"].as_str(),
            &changed["levers"]
        ),
        (Some("Ask for a desk by the window"), Some("in_progress"), &json!([])),
        "levers left unticked are no levers"
    );
    assert_eq!(v4["shared_version"], 4);
    let edit = app.html(&browser, &format!("{show}/edit")).await;
    assert!(
        edit.contains("name=\"shared\" value=\"on\" checked"),
        "the editor's share box starts ticked"
    );

    // Those who read the plan without writing it get no step forms.
    let coordinator = app.english_browser_as(COORDINATOR_LIMBURG).await;
    let html = app.html(&coordinator, &show).await;
    assert!(html.contains("Ask for a desk by the window") && !html.contains("/steps/"));
}

fn steps_goal(plan: &Value) -> String {
    plan["content"]["goals"][0]["id"].as_str().unwrap().to_owned()
}
